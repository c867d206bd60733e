"""Politie: the semicolon CSV spreadsheet export of PV registrations, one row per document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from dossierlink.identifiers import IdentifierKind
from dossierlink.ingest.adapter import AdapterError, Hints
from dossierlink.ingest.readers import CsvAdapter, CsvRow, Date, DateTime, Integer, Text
from dossierlink.schema import Document, Event, EventKind, Medium, Record, Role

from ._common import RecordBuilder, attach_file, doc_type, person, text, with_file

__all__ = ["PolitieCsvAdapter"]


class PolitieCsvAdapter(CsvAdapter):
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

    def extract(self, path: Path, hints: Hints) -> Iterator[Record]:
        rows = list(self.read_rows(path))
        for row in rows:
            if not text(row["pv"]):
                raise AdapterError(
                    path, "the PV-nummer cell is empty; every row needs one", f"line {row.line}"
                )
        groups = _group(rows)
        for rows in groups:
            yield self._record(path, hints, rows)

    def _record(self, path: Path, hints: Hints, rows: list[CsvRow]) -> Record:
        b = RecordBuilder(path, hints, self.name, "politie", Medium.DIGITAL)
        for row in rows:
            where = f"line {row.line}"
            b.locators.append(where)
            b.identifier(IdentifierKind.PARKETNUMMER, row["parketnummer"], where)
            pv = b.identifier(IdentifierKind.PV, row["pv"], where)
            assert pv is not None  # the column is required and the cell non-empty (checked in _group)
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
            found = attach_file(path, row["bestand"], hints, where, b.warnings)
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
            if row["inzending"] is not None:
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
        return b.build()  # one inzending event per date, however many rows it covers


def _group(rows: list[CsvRow]) -> list[list[CsvRow]]:
    """Union rows that share a PV registration (number without mutation) or a parketnummer."""
    from dossierlink.identifiers import IdentifierError, parse_parketnummer, parse_pv_number

    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        parent[find(a)] = find(b)

    keys: list[list[str]] = []
    for row in rows:
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
    groups: dict[str, list[CsvRow]] = {}
    for row, k in zip(rows, keys, strict=True):
        groups.setdefault(find(k[0]), []).append(row)
    return list(groups.values())
