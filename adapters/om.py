"""OM: the Openbaar Ministerie's case export as JSON (parketnummers, PV numbers, status events, documents)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from dossierlink.identifiers import IdentifierKind
from dossierlink.ingest import (
    AdapterError,
    JsonAdapter,
    RecordAdapter,
    RecordBuilder,
    attach_file,
    doc_type,
    opt_date,
    parse_datetime,
    person,
    text,
    with_file,
)
from dossierlink.schema import Document, Event, EventKind, Medium, Role, check_organisation

__all__ = ["OmJsonAdapter"]

# soort → (event kind, default sender, default receiver, default status). None: the OM itself.
_EVENTS: dict[str, tuple[EventKind, str | None, str | None, str | None]] = {
    "instroom": (EventKind.INSTROOM, "politie", "om", "ingeschreven"),
    "dagvaarding": (EventKind.DAGVAARDING, "om", "rechtspraak", "dagvaarding uitgebracht"),
    "zitting": (EventKind.ZITTING, None, None, "zitting gepland"),
    "sepot": (EventKind.SEPOT, None, None, "sepot"),
    "strafbeschikking": (EventKind.STRAFBESCHIKKING, None, None, "strafbeschikking"),
    "uitspraak": (EventKind.UITSPRAAK, None, None, "vonnis"),
    "vonnis": (EventKind.UITSPRAAK, None, None, "vonnis"),
    "hoger beroep": (EventKind.HOGER_BEROEP, None, None, "hoger beroep"),
    "overdracht": (EventKind.OVERDRACHT, "om", None, None),
    "adviesaanvraag": (EventKind.OVERDRACHT, "om", "reclassering", "advies gevraagd"),
    "tenuitvoerlegging": (EventKind.OVERDRACHT, "om", "cjib", "tenuitvoerlegging"),
    "afgedaan": (EventKind.AFGEDAAN, None, None, "afgedaan"),
}


class OmJsonAdapter(JsonAdapter, RecordAdapter[dict[str, Any]]):
    """One Record per zaak in ``zaken``; the export's header object is ``omZaakExport``."""

    name: ClassVar[str] = "om"
    organisation: ClassVar[str | None] = "om"
    medium: ClassVar[Medium | None] = Medium.DIGITAL
    markers: ClassVar[tuple[str, ...]] = ("omZaakExport",)
    list_key: ClassVar[str] = "zaken"
    entry_name: ClassVar[str] = "case"
    description: ClassVar[str] = (
        "OM case export: JSON with zaken, status events and documents (docs/formats/om.md)"
    )

    def add(self, b: RecordBuilder, zaak: dict[str, Any], where: str) -> None:
        path = b.path
        parket = b.identifier(IdentifierKind.PARKETNUMMER, zaak.get("parketnummer"), f"{where}/parketnummer")
        if parket is None:
            raise AdapterError(path, "the case has no parketnummer", where)
        for j, other in enumerate(_list(path, zaak, "eerdereParketnummers", where)):
            b.identifier(IdentifierKind.PARKETNUMMER, other, f"{where}/eerdereParketnummers[{j}]")
        for j, pv in enumerate(_list(path, zaak, "pvNummers", where)):
            b.identifier(IdentifierKind.PV, pv, f"{where}/pvNummers[{j}]")
        verdachte = zaak.get("verdachte")
        if isinstance(verdachte, dict):
            b.add_person(
                person(
                    Role.VERDACHTE,
                    voornamen=verdachte.get("voornamen"),
                    tussenvoegsel=verdachte.get("voorvoegsel"),
                    achternaam=verdachte.get("geslachtsnaam"),
                    geboortedatum=verdachte.get("geboortedatum"),
                    bsn=verdachte.get("bsn"),
                    skn=verdachte.get("skn"),
                    where=f"{where}/verdachte",
                    warnings=b.warnings,
                )
            )
        for j, ev in enumerate(_list(path, zaak, "gebeurtenissen", where)):
            event = self._event(path, b, ev, f"{where}/gebeurtenissen[{j}]")
            if event is not None:
                b.add_event(event)
        for j, doc in enumerate(_list(path, zaak, "documenten", where)):
            self._document(path, b, doc, f"{where}/documenten[{j}]")
        status = text(zaak.get("status"))
        if status:  # the case's current status, dated by statusdatum or its latest event
            on = opt_date(zaak.get("statusdatum"), f"{where}/statusdatum", b.warnings)
            on = on or max((e.date for e in b.events), default=None)
            if on is not None:
                b.add_event(Event(kind=EventKind.STATUS, date=on, organisation=b.organisation, status=status))

    def _event(self, path: Path, b: RecordBuilder, ev: Any, where: str) -> Event | None:
        if not isinstance(ev, dict):
            raise AdapterError(path, "each event must be an object", where)
        soort = (text(ev.get("soort")) or "").lower()
        date = opt_date(ev.get("datum"), where, b.warnings)
        if date is None:
            b.warnings.append(f"{where}: event {soort or '(no soort)'!r} has no valid datum; left out")
            return None
        known = _EVENTS.get(soort)
        if known is None:
            b.warnings.append(f"{where}: event soort {soort!r} is unknown; recorded as a status event")
            known = (EventKind.STATUS, None, None, soort or None)
        kind, sender, receiver, status = known
        try:
            sender_raw = text(ev.get("afzender")) or sender
            receiver_raw = text(ev.get("ontvanger")) or receiver
            sender = check_organisation(sender_raw) if sender_raw else None
            receiver = check_organisation(receiver_raw) if receiver_raw else None
        except ValueError as exc:
            raise AdapterError(path, str(exc), where) from None
        if kind is EventKind.OVERDRACHT and receiver is None:
            b.warnings.append(f"{where}: an overdracht without ontvanger; recorded without receiver")
        return Event(
            kind=kind,
            date=date,
            organisation=b.organisation,
            sender=sender,
            receiver=receiver,
            status=text(ev.get("status")) or status,
            description=text(ev.get("omschrijving")),
        )

    def _document(self, path: Path, b: RecordBuilder, doc: Any, where: str) -> None:
        if not isinstance(doc, dict):
            raise AdapterError(path, "each document must be an object", where)
        number = text(doc.get("documentnummer"))
        pv = b.identifier(IdentifierKind.PV, doc.get("pvNummer"), f"{where}/pvNummer")
        key = pv.value if pv is not None else number
        if not key:
            raise AdapterError(path, "a document needs a documentnummer or pvNummer", where)
        pages = doc.get("paginas")
        if pages is not None and (not isinstance(pages, int) or isinstance(pages, bool) or pages < 0):
            b.warnings.append(f"{where}: paginas {pages!r} is not a page count; left empty")
            pages = None
        modified = None
        if (changed := text(doc.get("gewijzigd"))) is not None:
            try:
                modified = parse_datetime(changed)
            except ValueError:
                b.warnings.append(f"{where}/gewijzigd: {changed!r} is not a date-time; left empty")
        document = Document(
            organisation=b.organisation,
            medium=b.medium,
            key=key,
            type=doc_type(doc.get("soort"), where, b.warnings),
            title=text(doc.get("titel")),
            date=opt_date(doc.get("datum"), where, b.warnings),
            page_count=pages,
            source_location=number or where,
            identifiers=tuple(i for i in (pv,) if i is not None),
            status=text(doc.get("status")),
            modified=modified,
        )
        # The DMS file the export refers to (relative to the export): its sha256, text fingerprint
        # and page labels, as the police CSV's "Bestand" column gives them.
        found = attach_file(path, doc.get("bestand"), b.hints, f"{where}/bestand", b.warnings)
        b.documents.append(with_file(document, found, f"{where}/bestand", b.warnings))


def _list(path: Path, obj: dict[str, Any], key: str, where: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise AdapterError(path, f"'{key}' must be a list", f"{where}/{key}")
    return value
