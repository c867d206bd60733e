"""DJI: detention records as CSV (comma-separated, UTF-8), one row per detention period."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from dossierlink.identifiers import IdentifierKind
from dossierlink.ingest import (
    AdapterError,
    CsvAdapter,
    CsvRow,
    Date,
    Entry,
    RecordAdapter,
    RecordBuilder,
    Text,
    person,
    text,
)
from dossierlink.schema import Event, EventKind, Medium, Role, check_organisation

__all__ = ["DjiAdapter"]


class DjiAdapter(CsvAdapter, RecordAdapter[CsvRow]):
    """Rows are grouped into one Record per registratienummer and parketnummer."""

    name: ClassVar[str] = "dji"
    organisation: ClassVar[str | None] = "dji"
    medium: ClassVar[Medium | None] = Medium.DIGITAL
    description: ClassVar[str] = "DJI detention records: CSV (docs/formats/dji.md)"

    registratienummer = Text("registratienummer")
    parketnummer = Text("parketnummer", required=False)
    skn = Text("skn", required=False)
    achternaam = Text("achternaam", required=False)
    voorvoegsel = Text("voorvoegsel", required=False)
    voornamen = Text("voornamen", required=False)
    geboortedatum = Date("geboortedatum", required=False)
    inrichting = Text("inrichting")
    titel = Text("titel detentie", required=False)
    aanmelding = Date("datum aanmelding", required=False)
    aanmelder = Text("aangemeld door", required=False)
    insluiting = Date("datum insluiting")
    ontslag = Date("datum invrijheidstelling", required=False)
    status = Text("status", required=False)

    def group(self, path: Path, entries: Iterator[Entry[CsvRow]]) -> list[list[Entry[CsvRow]]]:
        groups: dict[tuple[str, str], list[Entry[CsvRow]]] = {}
        for where, row in entries:
            number = text(row["registratienummer"])
            if not number:
                raise AdapterError(path, "the registratienummer cell is empty", where)
            groups.setdefault((number, text(row["parketnummer"]) or ""), []).append((where, row))
        return list(groups.values())

    def start(self, b: RecordBuilder, group: Sequence[Entry[CsvRow]]) -> None:
        first_where, first = group[0]
        b.identifier(IdentifierKind.EXTERN, f"dji:{text(first['registratienummer'])}", first_where)

    def add(self, b: RecordBuilder, row: CsvRow, where: str) -> None:
        if b.identifier(IdentifierKind.PARKETNUMMER, row["parketnummer"], where) is None:
            b.warnings.append(f"{where}: no parketnummer; the detention cannot be tied to a case")
        b.add_person(
            person(
                Role.VEROORDEELDE if "straf" in (row["titel"] or "").lower() else Role.VERDACHTE,
                voornamen=row["voornamen"],
                tussenvoegsel=row["voorvoegsel"],
                achternaam=row["achternaam"],
                geboortedatum=row["geboortedatum"],
                skn=row["skn"],
                where=where,
                warnings=b.warnings,
            )
        )
        desc = "; ".join(x for x in (row["titel"], row["inrichting"]) if x)
        if row["aanmelding"] is not None:
            try:
                sender = check_organisation(row["aanmelder"] or "om")
            except ValueError as exc:
                raise AdapterError(b.path, f"column 'aangemeld door': {exc}", where) from None
            b.add_event(
                Event(
                    kind=EventKind.INSTROOM,
                    date=row["aanmelding"],
                    organisation=b.organisation,
                    sender=sender,
                    receiver=b.organisation,
                    status="aangemeld",
                    description=desc,
                )
            )
        b.add_event(
            Event(
                kind=EventKind.INSLUITING,
                date=row["insluiting"],
                organisation=b.organisation,
                status=(row["status"] if row["ontslag"] is None else None) or "ingesloten",
                description=desc,
            )
        )
        if row["ontslag"] is not None:
            b.add_event(
                Event(
                    kind=EventKind.INVRIJHEIDSTELLING,
                    date=row["ontslag"],
                    organisation=b.organisation,
                    status=row["status"] or "in vrijheid gesteld",
                    description=desc,
                )
            )
