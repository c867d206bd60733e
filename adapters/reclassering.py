"""Reclassering: advice reports (adviezen) as JSON, one entry per report, linked by parketnummer."""

from __future__ import annotations

from typing import Any, ClassVar

from dossierlink.identifiers import IdentifierKind
from dossierlink.ingest import (
    AdapterError,
    JsonAdapter,
    RecordAdapter,
    RecordBuilder,
    doc_type,
    opt_date,
    person,
    text,
)
from dossierlink.schema import Document, DocumentType, Event, EventKind, Medium, Role, check_organisation

__all__ = ["ReclasseringAdapter"]


class ReclasseringAdapter(JsonAdapter, RecordAdapter[dict[str, Any]]):
    """One Record per advies: the report as a document, the request's receipt and the delivery."""

    name: ClassVar[str] = "reclassering"
    organisation: ClassVar[str | None] = "reclassering"
    medium: ClassVar[Medium | None] = Medium.DIGITAL
    markers: ClassVar[tuple[str, ...]] = ("reclasseringAdviezen",)
    list_key: ClassVar[str] = "adviezen"
    entry_name: ClassVar[str] = "advies"
    description: ClassVar[str] = "Reclassering advice reports: JSON (docs/formats/reclassering.md)"

    def add(self, b: RecordBuilder, advies: dict[str, Any], where: str) -> None:
        path = b.path
        number = text(advies.get("adviesnummer"))
        if not number:
            raise AdapterError(path, "the advies has no adviesnummer", where)
        b.identifier(IdentifierKind.EXTERN, f"reclassering:{number}", f"{where}/adviesnummer")
        parket = advies.get("parketnummers") or [advies.get("parketnummer")]
        if not isinstance(parket, list):
            raise AdapterError(path, "'parketnummers' must be a list", f"{where}/parketnummers")
        for j, raw in enumerate(parket):
            b.identifier(IdentifierKind.PARKETNUMMER, raw, f"{where}/parketnummers[{j}]")
        try:
            client_of = check_organisation(text(advies.get("opdrachtgever")) or "om")
        except ValueError as exc:
            raise AdapterError(path, str(exc), f"{where}/opdrachtgever") from None
        soort = advies.get("soort")
        dtype = doc_type(soort, f"{where}/soort", b.warnings)
        if dtype is DocumentType.OVERIG and not soort:
            dtype = DocumentType.RECLASSERINGSADVIES
        delivered = opt_date(advies.get("uitgebracht"), f"{where}/uitgebracht", b.warnings)
        pages = advies.get("paginas")
        b.documents.append(
            Document(
                organisation=b.organisation,
                medium=b.medium,
                key=f"RN {number}",
                type=dtype,
                title=text(advies.get("titel")) or text(soort),
                date=delivered,
                page_count=pages
                if isinstance(pages, int) and not isinstance(pages, bool) and pages >= 0
                else None,
                source_location=where,
                status=text(advies.get("status")),
            )
        )
        client = advies.get("client")
        if isinstance(client, dict):
            b.add_person(
                person(
                    Role.VERDACHTE,
                    voornamen=client.get("voornamen"),
                    tussenvoegsel=client.get("voorvoegsel"),
                    achternaam=client.get("geslachtsnaam"),
                    geboortedatum=client.get("geboortedatum"),
                    skn=client.get("skn"),
                    where=f"{where}/client",
                    warnings=b.warnings,
                )
            )
        received = opt_date(advies.get("ontvangen"), f"{where}/ontvangen", b.warnings)
        if received is not None:
            b.add_event(
                Event(
                    kind=EventKind.INSTROOM,
                    date=received,
                    organisation=b.organisation,
                    sender=client_of,
                    receiver=b.organisation,
                    status="adviesaanvraag ontvangen",
                )
            )
        if delivered is not None:
            b.add_event(
                Event(
                    kind=EventKind.ADVIES,
                    date=delivered,
                    organisation=b.organisation,
                    sender=b.organisation,
                    receiver=client_of,
                    status=text(advies.get("status")) or "advies uitgebracht",
                    description=text(advies.get("advies")),
                )
            )
