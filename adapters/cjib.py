"""CJIB: execution orders (tenuitvoerleggingsopdrachten) as XML, one ``opdracht`` per sanction."""

from __future__ import annotations

from typing import Any, ClassVar

from dossierlink.identifiers import IdentifierKind
from dossierlink.ingest import (
    AdapterError,
    RecordAdapter,
    RecordBuilder,
    XmlAdapter,
    opt_date,
    person,
    text,
    xml_local,
)
from dossierlink.schema import Document, DocumentType, Event, EventKind, Medium, Role, check_organisation

__all__ = ["CjibAdapter"]


class CjibAdapter(XmlAdapter, RecordAdapter[Any]):
    """One Record per ``opdracht``: the order as a document, its receipt and execution status."""

    name: ClassVar[str] = "cjib"
    organisation: ClassVar[str | None] = "cjib"
    medium: ClassVar[Medium | None] = Medium.DIGITAL
    root_names: ClassVar[tuple[str, ...]] = ("tenuitvoerleggingsopdrachten",)
    entry_tags: ClassVar[tuple[str, ...]] = ("opdracht",)
    no_entries: ClassVar[str] = "no <opdracht> elements: the export holds no orders"
    description: ClassVar[str] = (
        "CJIB tenuitvoerleggingsopdrachten: XML execution orders (docs/formats/cjib.md)"
    )

    def add(self, b: RecordBuilder, order: Any, where: str) -> None:
        path = b.path
        get = _getter(order)
        number = text(get("opdrachtnummer"))
        if not number:
            raise AdapterError(path, "the opdracht has no opdrachtnummer", where)
        b.identifier(IdentifierKind.EXTERN, f"cjib:{number}", f"{where}/opdrachtnummer")
        if b.identifier(IdentifierKind.PARKETNUMMER, get("parketnummer"), f"{where}/parketnummer") is None:
            b.warnings.append(f"{where}: the order names no parketnummer; it can only link through its ECLI")
        b.identifier(IdentifierKind.ECLI, get("ecli"), f"{where}/ecli")
        sender_raw = text(get("opdrachtgever")) or "om"
        try:
            sender = check_organisation(sender_raw)
        except ValueError as exc:
            raise AdapterError(path, str(exc), f"{where}/opdrachtgever") from None
        received = opt_date(get("ontvangen"), f"{where}/ontvangen", b.warnings)
        sanction = next((c for c in order if xml_local(c.tag) == "sanctie"), None)
        soort = text(sanction.get("soort")) if sanction is not None else None
        bedrag = text(sanction.get("bedrag")) if sanction is not None else None
        title = "Tenuitvoerleggingsopdracht " + (soort or "sanctie") + (f" € {bedrag}" if bedrag else "")
        b.documents.append(
            Document(
                organisation=b.organisation,
                medium=b.medium,
                key=f"CJIB {number}",
                type=DocumentType.TENUITVOERLEGGINGSOPDRACHT,
                title=title,
                date=opt_date(get("opdrachtdatum"), f"{where}/opdrachtdatum", b.warnings) or received,
                source_location=where,
            )
        )
        betrokkene = next((c for c in order if xml_local(c.tag) == "betrokkene"), None)
        if betrokkene is not None:
            g = _getter(betrokkene)
            b.add_person(
                person(
                    Role.VEROORDEELDE,
                    voornamen=g("voornamen"),
                    tussenvoegsel=g("voorvoegsel"),
                    achternaam=g("geslachtsnaam"),
                    geboortedatum=g("geboortedatum"),
                    bsn=g("bsn"),
                    skn=g("skn"),
                    where=f"{where}/betrokkene",
                    warnings=b.warnings,
                )
            )
        if received is not None:
            b.add_event(
                Event(
                    kind=EventKind.INSTROOM,
                    date=received,
                    organisation=b.organisation,
                    sender=sender,
                    receiver=b.organisation,
                    status="ontvangen",
                    description=soort,
                )
            )
        status_el = next((c for c in order if xml_local(c.tag) == "status"), None)
        if status_el is not None and text(status_el.text):
            on = opt_date(status_el.get("datum"), f"{where}/status", b.warnings) or received
            if on is not None:
                b.add_event(
                    Event(
                        kind=EventKind.TENUITVOERLEGGING,
                        date=on,
                        organisation=b.organisation,
                        status=text(status_el.text),
                        description=soort,
                    )
                )


def _getter(el: Any) -> Any:
    def get(name: str) -> str | None:
        child = next((c for c in el if xml_local(c.tag) == name), None)
        return child.text if child is not None else None

    return get
