"""DJI: detention records as CSV (comma-separated, UTF-8), one row per detention period."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from dossierlink.identifiers import IdentifierKind
from dossierlink.ingest.adapter import AdapterError, Hints
from dossierlink.ingest.readers import CsvAdapter, CsvRow, Date, Text
from dossierlink.schema import Event, EventKind, Medium, Record, Role, check_organisation

from ._common import RecordBuilder, person, text

__all__ = ["DjiAdapter"]


class DjiAdapter(CsvAdapter):
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

    def extract(self, path: Path, hints: Hints) -> Iterator[Record]:
        groups: dict[tuple[str, str], list[CsvRow]] = {}
        for row in self.read_rows(path):
            number = text(row["registratienummer"])
            if not number:
                raise AdapterError(path, "the registratienummer cell is empty", f"line {row.line}")
            groups.setdefault((number, text(row["parketnummer"]) or ""), []).append(row)
        for (number, _parket), rows in groups.items():
            yield self._record(path, hints, number, rows)

    def _record(self, path: Path, hints: Hints, number: str, rows: list[CsvRow]) -> Record:
        b = RecordBuilder(path, hints, self.name, "dji", Medium.DIGITAL)
        b.identifier(IdentifierKind.EXTERN, f"dji:{number}", f"line {rows[0].line}")
        for row in rows:
            where = f"line {row.line}"
            b.locators.append(where)
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
                    raise AdapterError(path, f"column 'aangemeld door': {exc}", where) from None
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
        return b.build()
