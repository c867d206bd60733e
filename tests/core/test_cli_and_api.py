"""The CLI is a thin skin over the library: chain scenarios driven through both."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import dossierlink
from dossierlink.cli import main

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_version_and_help() -> None:
    code, out, _ = run("--version")
    assert code == 0 and dossierlink.__version__ in out
    code, out, _ = run("--help")
    assert code == 0
    for command in ("ingest", "reconcile", "report", "dossier", "divergences", "sync", "verify", "demo"):
        assert command in out


def test_init_creates_an_owner_only_store(tmp_path: Path) -> None:
    db = tmp_path / "keten.db"
    code, out, _ = run("--db", str(db), "init")
    assert code == 0 and "Store ready" in out
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_the_police_and_om_exports_become_one_dossier_per_case(tmp_path: Path) -> None:
    db = tmp_path / "keten.db"
    code, out, err = run(
        "--db", str(db), "ingest", str(SAMPLES / "exports" / "politie"), str(SAMPLES / "exports" / "om")
    )
    assert code == 0, err
    assert "0 rejected" in out
    code, out, _ = run("--db", str(db), "dossier", "10-600040-23")
    assert code == 0
    assert "PL17A1 2023045671-1" in out and "politie" in out and "om" in out
    # Found by a PV number as well, printed with OCR damage.
    code, out2, _ = run("--db", str(db), "dossier", "PL17A1 2O23045671-2")
    assert code == 0 and out2.splitlines()[0] == out.splitlines()[0]


def test_an_unknown_dossier_and_a_missing_store_are_one_sentence_and_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "keten.db"
    run("--db", str(db), "init")
    code, _, err = run("--db", str(db), "dossier", "99/999999-99")
    assert code != 0 and "99/999999-99" in err and "Traceback" not in err
    code, _, err = run("--db", str(tmp_path / "nope.db"), "stats")
    assert code == 2 and "no store" in err.lower() and "Traceback" not in err


def test_a_broken_file_is_rejected_by_name_and_the_rest_is_ingested(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLES / "exports" / "politie", inbox)
    (inbox / "kapot.csv").write_bytes(b"\x00\x01garbage;\n")
    db = tmp_path / "keten.db"
    code, out, err = run("--db", str(db), "ingest", str(inbox))
    assert code == 2  # something was rejected
    assert "kapot.csv" in err
    assert "1 rejected" in out and "1 ingested" in out
    with dossierlink.open(db) as chain:
        assert chain.stats()["dossiers"] >= 10
        (bad,) = chain.sources(status="quarantined")
        assert bad["path"].endswith("kapot.csv") and bad["error"]


def test_reingesting_an_unchanged_file_costs_a_lookup_not_a_parse(tmp_path: Path) -> None:
    db = tmp_path / "keten.db"
    with dossierlink.open(db) as chain:
        first = chain.ingest([SAMPLES / "exports" / "om"], now=NOW)
        again = chain.ingest([SAMPLES / "exports" / "om"], now=NOW)
        assert first.ingested == 1 and again.skipped == 1 and again.records == 0
        copy = tmp_path / "kopie.json"
        shutil.copy(SAMPLES / "exports" / "om" / "zaken.json", copy)
        dup = chain.ingest([copy], now=NOW)
        assert dup.duplicates == 1


def test_verify_reports_changed_and_missing_sources(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLES / "exports" / "politie", inbox / "politie")
    shutil.copytree(SAMPLES / "exports" / "om", inbox / "om")
    db = tmp_path / "keten.db"
    assert run("--db", str(db), "ingest", str(inbox))[0] == 0
    assert run("--db", str(db), "verify")[0] == 0
    (inbox / "om" / "zaken.json").write_text("{}", encoding="utf-8")
    code, out, _ = run("--db", str(db), "verify")
    assert code == 1 and "changed:" in out
    (inbox / "om" / "zaken.json").unlink()
    code, out, _ = run("--db", str(db), "verify")
    assert code == 1 and "missing:" in out  # a file gone since ingest is a finding too


def _state(chain: dossierlink.Chain) -> set[tuple[str, str, str]]:
    return {(d.id, d.kind.value, d.status.value) for d in chain.divergences() if d.status.value != "resolved"}


@pytest.mark.parametrize("seed", [1, 2])
def test_incremental_reconcile_in_any_arrival_order_equals_a_full_reconcile(
    tmp_path: Path, seed: int
) -> None:
    files = sorted(p for p in (SAMPLES / "exports").rglob("*") if p.is_file() and p.suffix != ".toml")
    files += sorted(p for p in (SAMPLES / "scans").rglob("*.pdf"))
    random.Random(seed).shuffle(files)
    with dossierlink.open(tmp_path / "a.db") as chain:
        for f in files:
            root = SAMPLES if "exports" in f.parts else SAMPLES / "scans"
            chain.ingest([f], root=root, now=NOW)  # incremental: only touched dossiers
        incremental = _state(chain)
        chain.reconcile(all=True, now=NOW)
        assert _state(chain) == incremental
    with dossierlink.open(tmp_path / "b.db") as other:
        for f in sorted(files):
            root = SAMPLES if "exports" in f.parts else SAMPLES / "scans"
            other.ingest([f], root=root, reconcile=False, now=NOW)
        other.reconcile(all=True, now=NOW)
        assert _state(other) == incremental
    assert incremental  # the samples do hold divergences


def test_a_store_from_an_earlier_version_is_upgraded_and_reads_the_same(tmp_path: Path) -> None:
    """An information manager upgrades dossierlink: the old store's records move to the faster
    format with `dossierlink upgrade`, and every dossier and divergence stays what it was."""
    import json
    import sqlite3

    from dossierlink.convert import record_to_dict
    from dossierlink.store.payload import record_from_payload

    db = tmp_path / "keten.db"
    code, _, err = run("--db", str(db), "ingest", str(SAMPLES / "exports"))
    assert code == 0, err
    chain = dossierlink.open(db)
    chain.reconcile(all=True, now=NOW)
    before = sorted(d.id for d in chain.divergences())
    ids = chain.store.live_dossier_ids()
    records_before = chain.store.dossier_batch(ids)
    chain.close()
    # Rewrite every payload the way the first release stored it (record_to_dict JSON).
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT id, payload FROM records").fetchall()
    conn.executemany(
        "UPDATE records SET payload = ? WHERE id = ?",
        [(json.dumps(record_to_dict(record_from_payload(p))), rid) for rid, p in rows],
    )
    conn.commit()
    conn.close()
    code, out, _ = run("--db", str(db), "upgrade")
    assert code == 0 and f"{len(rows)} records rewritten" in out
    code, out, _ = run("--db", str(db), "upgrade")
    assert code == 0 and "All records are in the current format." in out
    chain = dossierlink.open(db)
    assert chain.store.dossier_batch(ids) == records_before
    chain.reconcile(all=True, now=NOW)
    assert sorted(d.id for d in chain.divergences()) == before
    chain.close()
