"""The public record builder: a third party's adapter is a reader declaration plus one hook."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

import dossierlink.ingest as ingest
from dossierlink.identifiers import IdentifierKind
from dossierlink.ingest import (
    AdapterError,
    CsvAdapter,
    CsvRow,
    Date,
    Entry,
    Hints,
    JsonAdapter,
    RecordAdapter,
    RecordBuilder,
    Text,
    XmlAdapter,
    person,
)
from dossierlink.schema import Event, EventKind, Medium, Role


class Meldingen(CsvAdapter, RecordAdapter[CsvRow]):
    name: ClassVar[str] = "meldingen"
    organisation: ClassVar[str | None] = "politie"
    medium: ClassVar[Medium | None] = Medium.DIGITAL
    parketnummer = Text("Parketnummer")
    achternaam = Text("Achternaam", required=False)
    datum = Date("Datum melding")

    def add(self, b: RecordBuilder, row: CsvRow, where: str) -> None:
        b.identifier(IdentifierKind.PARKETNUMMER, row["parketnummer"], where)
        b.add_person(person(Role.VERDACHTE, achternaam=row["achternaam"], where=where, warnings=b.warnings))
        b.add_event(Event(kind=EventKind.AANGIFTE, date=row["datum"], organisation=b.organisation))


class MeldingenPerZaak(Meldingen):
    """The rows of one parketnummer are one dossier; the first row's date opens it."""

    def group(self, path: Path, entries: Iterator[Entry[CsvRow]]) -> list[list[Entry[CsvRow]]]:
        groups: dict[str, list[Entry[CsvRow]]] = {}
        for where, row in entries:
            groups.setdefault(row["parketnummer"], []).append((where, row))
        return list(groups.values())

    def finish(self, b: RecordBuilder, group: Sequence[Entry[CsvRow]]) -> None:
        b.warnings.append(f"{len(group)} meldingen")


class Adviezen(JsonAdapter, RecordAdapter[dict[str, Any]]):
    name: ClassVar[str] = "adviezen"
    organisation: ClassVar[str | None] = "reclassering"
    medium: ClassVar[Medium | None] = Medium.DIGITAL
    markers: ClassVar[tuple[str, ...]] = ("adviesExport",)
    list_key: ClassVar[str] = "adviezen"
    entry_name: ClassVar[str] = "advies"

    def add(self, b: RecordBuilder, advies: dict[str, Any], where: str) -> None:
        b.identifier(IdentifierKind.PARKETNUMMER, advies.get("parketnummer"), f"{where}/parketnummer")


class Opdrachten(XmlAdapter, RecordAdapter[Any]):
    name: ClassVar[str] = "opdrachten"
    organisation: ClassVar[str | None] = "cjib"
    medium: ClassVar[Medium | None] = Medium.DIGITAL
    root_names: ClassVar[tuple[str, ...]] = ("opdrachten",)
    entry_tags: ClassVar[tuple[str, ...]] = ("opdracht",)

    def add(self, b: RecordBuilder, el: Any, where: str) -> None:
        b.identifier(IdentifierKind.PARKETNUMMER, el.findtext("parketnummer"), f"{where}/parketnummer")


MELDINGEN = (
    "Parketnummer;Achternaam;Datum melding\n"
    "10/600040-23;de Vries;02-03-2023\n"
    "10/600040-23;de Vries;05-03-2023\n"
    "13/123456-23;;09-04-2023\n"
)


def _export(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_a_police_csv_is_a_declaration_and_one_hook(tmp_path: Path) -> None:
    path = _export(tmp_path, "meldingen.csv", MELDINGEN)
    adapter = Meldingen()
    assert adapter.identify(path)
    records = list(adapter.extract(path, Hints(sha256="abc")))
    assert [r.provenance.locator for r in records] == ["line 2", "line 3", "line 4"]
    first = records[0]
    assert first.organisation == "politie" and first.medium is Medium.DIGITAL
    assert [i.value for i in first.identifiers] == ["10/600040-23"]
    assert first.persons[0].achternaam == "de Vries"
    assert first.events[0].date == dt.date(2023, 3, 2)
    assert records[2].persons == ()  # an empty name identifies nobody


def test_rows_of_one_case_become_one_record_with_their_lines(tmp_path: Path) -> None:
    path = _export(tmp_path, "meldingen.csv", MELDINGEN)
    records = list(MeldingenPerZaak().extract(path, Hints()))
    assert [r.provenance.locator for r in records] == ["lines 2-3", "line 4"]
    assert len(records[0].events) == 2 and len(records[0].persons) == 1
    assert records[0].warnings == ("2 meldingen",)


def test_the_callers_organisation_wins_over_the_adapters(tmp_path: Path) -> None:
    path = _export(tmp_path, "meldingen.csv", MELDINGEN)
    records = list(Meldingen().extract(path, Hints(organisation="om")))
    assert {r.organisation for r in records} == {"om"}


def test_a_json_export_names_the_bad_entry(tmp_path: Path) -> None:
    good = _export(tmp_path, "a.json", '{"adviesExport": 1, "adviezen": [{"parketnummer": "10/600040-23"}]}')
    assert [r.provenance.locator for r in Adviezen().extract(good, Hints())] == ["/adviezen[0]"]
    bad = _export(tmp_path, "b.json", '{"adviesExport": 1, "adviezen": [{}, 3]}')
    with pytest.raises(AdapterError) as caught:
        list(Adviezen().extract(bad, Hints()))
    assert (caught.value.problem, caught.value.locator) == ("each advies must be an object", "/adviezen[1]")


def test_an_xml_export_without_entries_says_so(tmp_path: Path) -> None:
    good = _export(
        tmp_path,
        "o.xml",
        "<opdrachten><opdracht><parketnummer>10/600040-23</parketnummer></opdracht></opdrachten>",
    )
    assert [r.provenance.locator for r in Opdrachten().extract(good, Hints())] == ["/opdrachten/opdracht[1]"]
    empty = _export(tmp_path, "e.xml", "<opdrachten/>")
    with pytest.raises(AdapterError) as caught:
        list(Opdrachten().extract(empty, Hints()))
    assert (caught.value.problem, caught.value.locator) == ("no <opdracht> elements", "/opdrachten")


def test_every_public_name_of_the_ingest_package_is_there() -> None:
    for name in ingest.__all__:
        assert getattr(ingest, name) is not None


@pytest.mark.parametrize(
    "module",
    [
        "dossierlink.paper",
        "dossierlink.paper.reader",
        "dossierlink.ingest",
        "dossierlink.ingest.builder",
        "dossierlink.ingest.readers",
        "dossierlink.ingest.pipeline",
        "dossierlink.adapters.politie",
    ],
)
def test_each_module_imports_alone_in_a_fresh_interpreter(module: str) -> None:
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True)


class ArchiefMeldingen(Meldingen):
    organisation: ClassVar[str | None] = None  # an archive's export: whose it is, the caller says


def test_an_export_that_does_not_say_whose_it_is_needs_the_caller(tmp_path: Path) -> None:
    path = _export(tmp_path, "meldingen.csv", MELDINGEN)
    with pytest.raises(AdapterError) as caught:
        list(ArchiefMeldingen().extract(path, Hints()))
    assert "pass the organisation" in caught.value.problem
    records = list(ArchiefMeldingen().extract(path, Hints(organisation="rechtspraak")))
    assert {r.organisation for r in records} == {"rechtspraak"}
