"""A ZGW client's saved responses (one a file, any order) become one dossier per Zaak."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import shutil
from pathlib import Path

import pytest

import dossierlink
from dossierlink.ingest.adapter import AdapterError, Hints, SkippedSource, get_adapter

DATA = Path(__file__).parent / "data" / "zgw-openzaak"
NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
CASE_FILES = sorted(p.name for p in DATA.glob("*.json") if "typen" not in p.name)


def _ingest_in_order(tmp: Path, names: list[str]) -> dossierlink.api.DossierDetail:
    with dossierlink.open(tmp / "chain.db") as chain:
        for name in names:
            summary = chain.ingest([DATA / name], organisation="rechtspraak", now=NOW)
            assert summary.quarantined == 0, name
        detail = chain.dossier("13/751234-24")
        assert detail is not None
        assert chain.stats()["dossiers"] == 1
        return detail


@pytest.mark.parametrize("seed", range(4))
def test_the_court_s_saved_responses_form_one_dossier_in_any_order(tmp_path: Path, seed: int) -> None:
    names = sorted(p.name for p in DATA.glob("*.json"))
    random.Random(seed).shuffle(names)
    detail = _ingest_in_order(tmp_path, names)
    docs = [d for r in detail.records for d in r.documents]
    persons = [p for r in detail.records for p in r.persons]
    events = {(e.kind.value, e.date) for r in detail.records for e in r.events}
    assert [d.key for d in docs] == ["PL13C4 2024031567-1"]
    assert [(p.voornamen, p.tussenvoegsel, p.achternaam) for p in persons] == [("Pieter", "van den", "Berg")]
    assert ("zitting", dt.date(2024, 5, 2)) in events and ("instroom", dt.date(2024, 3, 11)) in events
    assert {r.organisation for r in detail.records} == {"rechtspraak"}


def test_every_order_of_zaak_link_and_document_gives_the_same_dossier(tmp_path: Path) -> None:
    trio = [
        "zaak-GET-single.json",
        "zaakinformatieobjecten-GET-zaak.json",
        "enkelvoudiginformatieobject-GET-single.json",
    ]
    for n, order in enumerate(itertools.permutations(trio)):
        (tmp_path / str(n)).mkdir()
        detail = _ingest_in_order(tmp_path / str(n), list(order))
        assert [d.key for r in detail.records for d in r.documents] == ["PL13C4 2024031567-1"]


def test_a_single_zaken_api_1_5_zaak_is_one_zaak_not_an_empty_bundle(tmp_path: Path) -> None:
    (rec,) = get_adapter("zgw").extract(DATA / "zaak-GET-single.json", Hints())
    assert rec.organisation == "rechtspraak"  # from the bronorganisatie RSIN
    kinds = {(i.kind.value, i.value) for i in rec.identifiers}
    assert ("parketnummer", "13/751234-24") in kinds
    assert ("extern", "rechtspraak:ZAAK-2024-0000000042") in kinds
    assert not rec.warnings  # its status and documents are other responses, not missing


@pytest.mark.parametrize("name", ["roltypen-GET-zaaktype.json", "statustypen-GET-zaaktype.json"])
def test_catalogue_responses_in_the_folder_are_ignored_with_a_reason(name: str) -> None:
    adapter = get_adapter("zgw")
    assert adapter.identify(DATA / name)
    with pytest.raises(SkippedSource) as info:
        list(adapter.extract(DATA / name, Hints()))
    assert "Catalogi API" in info.value.problem


def test_the_folder_ingested_at_once_exits_clean_with_two_ignored(tmp_path: Path) -> None:
    folder = tmp_path / "zgw"
    shutil.copytree(DATA, folder)
    (folder / "README.md").unlink()
    with dossierlink.open(tmp_path / "chain.db") as chain:
        s = chain.ingest([folder], organisation="rechtspraak", now=NOW)
        assert chain.stats()["dossiers"] == 1
    assert (s.files, s.ingested, s.ignored, s.quarantined) == (7, 5, 2, 0)


def test_a_rol_without_an_organisation_asks_for_one_by_name() -> None:
    with pytest.raises(AdapterError) as info:
        list(get_adapter("zgw").extract(DATA / "rollen-GET-zaak.json", Hints()))
    assert "--organisation" in info.value.problem and "rollen" in info.value.problem


def test_a_catalogue_statustype_in_the_same_response_names_the_status(tmp_path: Path) -> None:
    page = json.loads((DATA / "statussen-GET-zaak.json").read_text())
    stype = json.loads((DATA / "statustypen-GET-zaaktype.json").read_text())["results"][0]
    stype["omschrijving"] = "Vonnis gewezen"
    page["results"].append(stype)
    p = tmp_path / "statussen.json"
    p.write_text(json.dumps(page))
    (rec,) = get_adapter("zgw").extract(p, Hints(organisation="rechtspraak"))
    assert [(e.kind.value, e.status) for e in rec.events] == [("uitspraak", "vonnis gewezen")]


def test_an_unknown_rsin_names_the_option_that_maps_it(tmp_path: Path) -> None:
    data = json.loads((DATA / "zaak-GET-single.json").read_text())
    data["bronorganisatie"] = "002220647"
    p = tmp_path / "zaak.json"
    p.write_text(json.dumps(data))
    with pytest.raises(AdapterError) as info:
        list(get_adapter("zgw").extract(p, Hints()))
    assert "--option rsin.002220647=<organisation>" in info.value.problem
    (rec,) = get_adapter("zgw").extract(p, Hints(options={"rsin": {"002220647": "om"}}))
    assert rec.organisation == "om"


def test_the_cli_maps_a_real_rsin_with_option_and_prints_why_files_were_ignored(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dossierlink.cli import main

    data = json.loads((DATA / "zaak-GET-single.json").read_text())
    data["bronorganisatie"] = "002220647"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "zaak.json").write_text(json.dumps(data))
    shutil.copy(DATA / "statustypen-GET-zaaktype.json", folder)
    db = str(tmp_path / "chain.db")
    result = CliRunner().invoke(
        main, ["--db", db, "ingest", str(folder), "--option", "rsin.002220647=om"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "1 ingested" in result.stdout and "1 ignored" in result.stdout
    assert "ignored: " in result.stderr and "Catalogi API" in result.stderr
    bad = CliRunner().invoke(main, ["--db", db, "ingest", str(folder), "--option", "rsin"])
    assert bad.exit_code == 2 and "KEY=VALUE" in bad.output


def test_option_pairs_become_nested_adapter_options() -> None:
    from dossierlink.ingest.options import parse_options

    assert parse_options(["mapping=m.toml", "rsin.002220647=om", "rsin.999990019=politie", "ocr=true"]) == {
        "mapping": "m.toml",
        "rsin": {"002220647": "om", "999990019": "politie"},
        "ocr": True,
    }
    with pytest.raises(ValueError, match="already a value"):
        parse_options(["rsin=x", "rsin.1=om"])


def _inline_zaak(expand: bool) -> dict[str, object]:
    """The Zaak with its relations inline, as Open Zaak's detail with relations returns it, or
    (``expand``) as Zaken API 1.5 returns ``?expand=rollen,status.statustype,zaakinformatieobjecten``."""
    zaak = json.loads((DATA / "zaak-GET-single.json").read_text())
    rol = json.loads((DATA / "rollen-GET-zaak.json").read_text())["results"][0]
    zio = json.loads((DATA / "zaakinformatieobjecten-GET-zaak.json").read_text())[0]
    status = json.loads((DATA / "statussen-GET-zaak.json").read_text())["results"][0]
    stype = json.loads((DATA / "statustypen-GET-zaaktype.json").read_text())["results"][0]
    stype["omschrijving"] = "Vonnis gewezen"
    status["statustoelichting"] = ""
    if expand:
        status["_expand"] = {"statustype": stype}
        zaak["_expand"] = {"rollen": [rol], "status": status, "zaakinformatieobjecten": [zio]}
    else:
        status["statustype"] = stype
        zaak.update(rollen=[rol], status=status, zaakinformatieobjecten=[zio], statussen=[status])
    return zaak


@pytest.mark.parametrize("expand", [False, True], ids=["inline", "expand"])
def test_a_zaak_with_its_relations_inline_reads_its_persons_status_and_joins_its_document(
    tmp_path: Path, expand: bool
) -> None:
    p = tmp_path / "zaak.json"
    p.write_text(json.dumps(_inline_zaak(expand)))
    (rec,) = get_adapter("zgw").extract(p, Hints())
    assert [(x.voornamen, x.achternaam) for x in rec.persons] == [("Pieter", "Berg")]
    assert ("uitspraak", "vonnis gewezen") in {(e.kind.value, e.status) for e in rec.events}
    with dossierlink.open(tmp_path / "chain.db") as chain:
        chain.ingest([p], organisation="rechtspraak", now=NOW)
        chain.ingest(
            [DATA / "enkelvoudiginformatieobject-GET-single.json"], organisation="rechtspraak", now=NOW
        )
        assert chain.stats()["dossiers"] == 1
        detail = chain.dossier("13/751234-24")
        assert detail is not None
        assert [d.key for r in detail.records for d in r.documents] == ["PL13C4 2024031567-1"]
