"""The synthetic chain: deterministic, true to its answer key, and readable by the real adapters."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossierlink.identifiers import is_valid_bsn, parse_parketnummer, parse_pv_number
from dossierlink.synth import DIVERGENCE_KINDS, REFERENCE_DAY, generate_chain
from dossierlink.synth.cases import build_case, make_bsn, plan_case


def _tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def _truth(out: Path) -> list[dict]:
    return json.loads((out / "truth.json").read_text(encoding="utf-8"))["divergences"]


def _politie_rows(out: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for f in sorted((out / "chain/exports/politie").glob("*.csv")):
        rows.extend(csv.DictReader(io.StringIO(f.read_bytes().decode("cp1252")), delimiter=";"))
    return rows


def _om_zaken(out: Path) -> list[dict]:
    zaken: list[dict] = []
    for f in sorted((out / "chain/exports/om").glob("*.json")):
        zaken.extend(json.loads(f.read_text(encoding="utf-8"))["zaken"])
    return zaken


def test_the_same_seed_writes_a_byte_identical_chain(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out in (a, b):
        generate_chain(
            out, dossiers=60, seed=5, divergence_rate=0.5, scans=0.1, shard_size=25, now=REFERENCE_DAY
        )
    generate_chain(c, dossiers=60, seed=6, divergence_rate=0.5, scans=0.1, shard_size=25, now=REFERENCE_DAY)
    assert _tree_hash(a) == _tree_hash(b)
    assert _tree_hash(a) != _tree_hash(c)


def test_every_case_carries_plausible_identifiers_and_dates_in_chain_order() -> None:
    for i in range(200):
        case = build_case(i, seed=3)
        assert is_valid_bsn(case.suspect.bsn)
        assert parse_pv_number(case.documents[0].pv or "").normalised == case.documents[0].pv
        d = case.dates
        assert d["aangifte"] <= d["inzending"]
        if case.parketnummer:
            assert parse_parketnummer(case.parketnummer).parket in {
                "01",
                "02",
                "03",
                "05",
                "07",
                "08",
                "09",
                "10",
                "11",
                "13",
                "14",
                "15",
                "16",
                "17",
                "18",
            }
            assert d["inzending"] < d["instroom"]
        if "dagvaarding" in d:
            assert d["instroom"] < d["dagvaarding"] < d["zitting"]
        if "uitspraak" in d:
            assert d["zitting"] <= d["uitspraak"] < d["tul"] < d["executie"] <= REFERENCE_DAY


def test_made_up_bsns_pass_the_elfproef() -> None:
    import random

    rng = random.Random(1)
    assert all(is_valid_bsn(make_bsn(rng)) for _ in range(500))


def test_every_divergence_kind_is_injected_at_a_high_rate(small_chain: Path) -> None:
    kinds = {t["kind"] for t in _truth(small_chain)}
    assert kinds == set(DIVERGENCE_KINDS)


def test_an_injected_missing_digital_pv_is_absent_from_the_oms_export(small_chain: Path) -> None:
    zaken = {z["parketnummer"]: z for z in _om_zaken(small_chain)}
    entries = [t for t in _truth(small_chain) if t["kind"] == "missing_digital"]
    assert entries
    for t in entries:
        pv = t["subject"].removeprefix("pv:")
        zaak = zaken[t["dossier"]["parketnummer"]]
        assert pv not in [d.get("pvNummer") for d in zaak["documenten"]]
        assert pv in [r["PV-nummer"] for r in _politie_rows(small_chain)]
        assert t["organisation"] == "om"


def test_an_injected_missing_paper_document_is_absent_from_the_inventory(small_chain: Path) -> None:
    entries = [t for t in _truth(small_chain) if t["kind"] == "missing_paper"]
    assert entries
    for t in entries:
        org = t["organisation"]
        key = t["subject"].split(":", 1)[1]
        lines = []
        for f in sorted((small_chain / "chain" / org).glob("inhoudsopgave-*.csv")):
            lines += [
                ln
                for ln in f.read_text(encoding="utf-8").splitlines()
                if ln.startswith(t["dossier"]["parketnummer"] + ";")
            ]
        assert lines, "the holder keeps a paper dossier for this case"
        assert not any(f";{key};" in ln for ln in lines)


def test_a_duplicate_is_registered_twice_by_the_om(small_chain: Path) -> None:
    zaken = {z["parketnummer"]: z for z in _om_zaken(small_chain)}
    for t in (t for t in _truth(small_chain) if t["kind"] == "duplicate_document"):
        pv = t["subject"].removeprefix("pv:")
        assert [d.get("pvNummer") for d in zaken[t["dossier"]["parketnummer"]]["documenten"]].count(pv) == 2


def test_a_handover_missing_case_never_reached_the_om(small_chain: Path) -> None:
    entries = [t for t in _truth(small_chain) if t["kind"] == "handover_missing"]
    assert entries
    om_pvs = {pv for z in _om_zaken(small_chain) for pv in z["pvNummers"]}
    for t in entries:
        assert t["dossier"]["parketnummer"] is None
        assert not any(i["value"] in om_pvs for i in t["identifiers"] if i["kind"] == "pv")
        sent = dt.date.fromisoformat(t["details"]["sent"])
        assert (REFERENCE_DAY - sent).days > 14


def test_a_scan_that_lost_a_page_shows_the_gap_in_its_labels(small_chain: Path) -> None:
    from pypdf import PdfReader

    entries = [t for t in _truth(small_chain) if t["kind"] == "pages_missing"]
    assert entries
    for t in entries:
        pdf = small_chain / t["details"]["file"] if "file" in t["details"] else None
        lost = t["details"]["missing_pages"][0]
        org = t["organisation"]
        folder = small_chain / "chain" / org / t["dossier"]["parketnummer"].replace("/", "-")
        key = t["subject"].split(":", 1)[1].replace(" ", "_").replace(":", ".")
        pdf = folder / f"{key}.pdf"
        text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
        assert f"Pagina {lost} van" not in text
        assert "Pagina 1 van" in text


def test_a_person_conflict_changes_the_birth_date_at_one_organisation(small_chain: Path) -> None:
    for t in (t for t in _truth(small_chain) if t["kind"] == "person_conflict"):
        assert t["details"]["field"] == "geboortedatum"
        assert t["details"]["expected"] != t["details"]["found"]


def test_the_same_case_index_plans_the_same_divergence() -> None:
    a = plan_case(17, 4, divergence_rate=1.0, scans=0.0)
    b = plan_case(17, 4, divergence_rate=1.0, scans=0.0)
    assert a.truth == b.truth and a.truth


def test_the_generated_exports_ingest_without_quarantine(small_chain: Path, tmp_path: Path) -> None:
    import dossierlink

    chain = dossierlink.open(tmp_path / "chain.db")
    summary = chain.ingest([small_chain / "chain"], reconcile=False)
    problems = [f"{o.path}: {o.reason}" for o in summary.rejected]
    # Formats whose adapter is not installed yet are reported, not failed on, by the benchmark;
    # every export in a format with an adapter must be ingested.
    from dossierlink.ingest.adapter import available_adapters

    names = set(available_adapters())
    expected_missing = [p for p in problems if "inhoudsopgave" in p and "inventory" not in names]
    assert [p for p in problems if p not in expected_missing] == []
    assert summary.ingested + len(expected_missing) == summary.files
    assert chain.stats()["dossiers"] == 120


def test_the_cli_generates_a_chain(tmp_path: Path) -> None:
    from dossierlink.cli.samples import samples_group

    result = CliRunner().invoke(
        samples_group, ["generate", "--dossiers", "10", "--out", str(tmp_path / "o"), "--seed", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "10 dossiers" in result.output
    truth = json.loads((tmp_path / "o" / "truth.json").read_text(encoding="utf-8"))
    # Without --now the exports are made today (UTC), so their truth holds when scored today.
    assert truth["generator"]["now"] == dt.datetime.now(dt.UTC).date().isoformat()
    fixed = CliRunner().invoke(
        samples_group,
        ["generate", "--dossiers", "10", "--out", str(tmp_path / "f"), "--now", REFERENCE_DAY.isoformat()],
    )
    assert fixed.exit_code == 0, fixed.output
    assert json.loads((tmp_path / "f" / "truth.json").read_text(encoding="utf-8"))["generator"]["now"] == (
        REFERENCE_DAY.isoformat()
    )


def test_a_bad_rate_is_refused_with_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="divergence-rate"):
        generate_chain(tmp_path, dossiers=1, divergence_rate=2.0)
