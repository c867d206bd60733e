"""Politie: the semicolon CSV spreadsheet export of PV registrations, one row per document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from dossierlink.identifiers import IdentifierError, IdentifierKind, parse_parketnummer, parse_pv_number
from dossierlink.ingest import (
    AdapterError,
    CsvAdapter,
    CsvRow,
    Date,
    DateTime,
    Entry,
    Integer,
    RecordAdapter,
    RecordBuilder,
    Text,
    attach_file,
    doc_type,
    person,
    text,
    with_file,
)
from dossierlink.schema import Document, Event, EventKind, Medium, Role

__all__ = ["PolitieCsvAdapter"]


class PolitieCsvAdapter(CsvAdapter, RecordAdapter[CsvRow]):
    """Rows are grouped into one Record per dossier: rows sharing a PV registration or parketnummer."""

    name: ClassVar[str] = "politie"
    organisation: ClassVar[str | None] = "politie"
    medium: ClassVar[Medium | None] = Medium.DIGITAL
    description: ClassVar[str] = (
        "Politie PV registrations: semicolon CSV from a spreadsheet export (docs/formats/politie.md)"
    )

    pv = Text("PV-nummer", "PV nummer", "Procesverbaalnummer")
    parketnummer = Text("Parketnummer", required=False)
    soort = Text("Soort document", "Documentsoort")
    titel = Text("Titel", required=False)
    datum = Date("Datum document", "Documentdatum", fmt="%d-%m-%Y")
    paginas = Integer("Aantal pagina's", "Aantal paginas", "Pagina's", required=False)
    bestand = Text("Bestand", required=False)
    gewijzigd = DateTime("Laatst gewijzigd", required=False)
    voornamen = Text("Voornamen verdachte", required=False)
    tussenvoegsel = Text("Tussenvoegsel verdachte", required=False)
    achternaam = Text("Achternaam verdachte", required=False)
    geboortedatum = Date("Geboortedatum verdachte", fmt="%d-%m-%Y", required=False)
    bsn = Text("BSN verdachte", required=False)
    skn = Text("SKN verdachte", required=False)
    inzending = Date("Datum inzending OM", fmt="%d-%m-%Y")

    def group(self, path: Path, entries: Iterator[Entry[CsvRow]]) -> list[list[Entry[CsvRow]]]:
        rows = list(entries)
        for where, row in rows:
            if not text(row["pv"]):
                raise AdapterError(path, "the PV-nummer cell is empty; every row needs one", where)
        return _group(rows)

    def add(self, b: RecordBuilder, row: CsvRow, where: str) -> None:
        b.identifier(IdentifierKind.PARKETNUMMER, row["parketnummer"], where)
        pv = b.identifier(IdentifierKind.PV, row["pv"], where)
        assert pv is not None  # the column is required and the cell non-empty (checked in group)
        doc = Document(
            organisation=b.organisation,
            medium=b.medium,
            key=pv.value,
            type=doc_type(row["soort"], where, b.warnings),
            title=row["titel"],
            date=row["datum"],
            page_count=row["paginas"],
            source_location=text(row["bestand"]) or where,
            modified=row["gewijzigd"],
            identifiers=(pv,),
        )
        found = attach_file(b.path, row["bestand"], b.hints, where, b.warnings)
        b.documents.append(with_file(doc, found, where, b.warnings))
        b.add_person(
            person(
                Role.VERDACHTE,
                voornamen=row["voornamen"],
                tussenvoegsel=row["tussenvoegsel"],
                achternaam=row["achternaam"],
                geboortedatum=row["geboortedatum"],
                bsn=row["bsn"],
                skn=row["skn"],
                where=where,
                warnings=b.warnings,
            )
        )
        if row["inzending"] is not None:  # one inzending event per date, however many rows it covers
            b.add_event(
                Event(
                    kind=EventKind.INZENDING,
                    date=row["inzending"],
                    organisation=b.organisation,
                    sender=b.organisation,
                    receiver="om",
                    status="ingezonden",
                )
            )


def _group(rows: list[Entry[CsvRow]]) -> list[list[Entry[CsvRow]]]:
    """Union rows that share a PV registration (number without mutation) or a parketnummer."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    keys: list[list[str]] = []
    for _where, row in rows:
        raw_pv = text(row["pv"]) or f"row:{row.line}"
        try:
            k = [f"reg:{parse_pv_number(raw_pv).registration}"]
        except IdentifierError:
            k = [f"raw:{raw_pv}"]
        raw_parket = text(row["parketnummer"])
        if raw_parket:
            try:
                k.append(f"parket:{parse_parketnummer(raw_parket).normalised}")
            except IdentifierError:
                k.append(f"parket-raw:{raw_parket}")
        for other in k[1:]:
            union(k[0], other)
        find(k[0])
        keys.append(k)
    groups: dict[str, list[Entry[CsvRow]]] = {}
    for entry, k in zip(rows, keys, strict=True):
        groups.setdefault(find(k[0]), []).append(entry)
    return list(groups.values())
