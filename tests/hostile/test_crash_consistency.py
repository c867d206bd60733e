"""Crash consistency: SIGKILL the ingest process at random points, many times; the store stays whole,
every file ends ingested exactly once, and no divergence history is lost."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

KILLS = int(os.environ.get("HOSTILE_KILLS", "15"))


def _batch(folder: Path, make: Any) -> list[Path]:
    """40 exports: 20 politie CSVs and 20 OM JSONs over overlapping cases (merges, divergences)."""
    files = []
    for k in range(20):
        cases = range(2000 + 4 * k, 2000 + 4 * k + 6)  # overlaps the next file: dossiers merge
        files.append(make.politie_csv(folder / f"p{k:02d}" / "registraties.csv", cases))
        files.append(make.om_json(folder / f"o{k:02d}" / "zaken.json", range(2000 + 4 * k, 2000 + 4 * k + 3)))
    return files


def _cli(db: Path, *args: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.pop("DOSSIERLINK_PSEUDONYM_KEY", None)
    return subprocess.Popen(
        [sys.executable, "-m", "dossierlink", "--db", str(db), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )


def _snapshot(db: Path) -> dict[str, Any]:
    conn = sqlite3.connect(db, timeout=60)
    try:
        return {
            "integrity": conn.execute("PRAGMA integrity_check").fetchone()[0],
            "history": set(
                conn.execute("SELECT id, divergence_id, at, status_from, status_to FROM divergence_history")
            ),
            "ingested": conn.execute(
                "SELECT sha256, count(*) FROM sources WHERE status = 'ingested' GROUP BY sha256"
            ).fetchall(),
            "orphans": conn.execute(
                "SELECT count(*) FROM records r LEFT JOIN sources s ON s.id = r.source_id "
                "WHERE s.id IS NULL OR s.status != 'ingested'"
            ).fetchone()[0],
            "short": conn.execute(
                "SELECT count(*) FROM sources s WHERE s.status = 'ingested' AND s.records != "
                "(SELECT count(*) FROM records r WHERE r.source_id = s.id)"
            ).fetchone()[0],
            "tables": {
                t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("records", "documents", "persons", "events", "identifiers")
            },
            "dossiers": conn.execute("SELECT count(*) FROM dossiers WHERE merged_into IS NULL").fetchone()[0],
            "divergences": conn.execute("SELECT count(*) FROM divergences").fetchone()[0],
        }
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_an_ingest_killed_fifteen_times_ends_with_every_file_exactly_once(
    tmp_path: Path, make: Any, rng: Any
) -> None:
    inbox = tmp_path / "inbox"
    files = _batch(inbox, make)
    db = tmp_path / "keten.db"

    # Earlier work with divergence history: the first ten files, reconciled.
    first = tmp_path / "eerder"
    for f in files[:10]:
        target = first / f.parent.name / f.name
        target.parent.mkdir(parents=True)
        target.write_bytes(f.read_bytes())
    done = _cli(db, "ingest", str(first))
    assert done.wait(120) == 0, done.stderr.read().decode() if done.stderr else ""
    before = _snapshot(db)
    assert before["history"], "the first run should have produced divergence history"

    kills = 0
    longest = 1.6  # how long a run may go on before its kill; shortened while runs finish first
    for _ in range(KILLS):
        proc = _cli(db, "ingest", str(inbox))
        time.sleep(rng.uniform(0.05, longest))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        else:
            # Each killed run may have stored some files: what is left takes less time than the
            # wait on a fast machine, so the next kill comes sooner (still at a random moment).
            longest = max(0.2, longest / 2)
        proc.wait(60)
        snap = _snapshot(db)
        assert snap["integrity"] == "ok"
        assert snap["orphans"] == 0 and snap["short"] == 0, "a killed transaction left half a file behind"
        assert all(n == 1 for _, n in snap["ingested"]), "a file was ingested twice"
        assert before["history"] <= snap["history"], "divergence history was lost"
    assert kills >= KILLS // 2, f"only {kills} of {KILLS} runs were still busy when killed; raise the batch"

    final = _cli(db, "ingest", str(inbox))
    assert final.wait(180) == 0, final.stderr.read().decode() if final.stderr else ""
    after = _snapshot(db)
    assert after["integrity"] == "ok"
    assert before["history"] <= after["history"]
    shas = {sha for sha, _ in after["ingested"]}
    import hashlib

    expected = {hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    assert expected <= shas, "a file was never picked up again after the kills"
    assert all(n == 1 for _, n in after["ingested"])

    # The same batch without kills gives the same store content.
    ref_db = tmp_path / "referentie.db"
    for folder in (first, inbox):
        ref = _cli(ref_db, "ingest", str(folder))
        assert ref.wait(180) == 0
    reference = _snapshot(ref_db)
    assert after["tables"] == reference["tables"]
    assert after["dossiers"] == reference["dossiers"]
    # Dossiers a killed run stored but did not reconcile stay dirty until a reconcile (see the xfail
    # below); after one, the divergences equal those of the run that was never killed.
    rec = _cli(db, "reconcile")
    assert rec.wait(120) == 0
    healed = _snapshot(db)
    assert healed["divergences"] == reference["divergences"]
    assert before["history"] <= healed["history"]


@pytest.mark.timeout(120)
def test_an_ingest_after_a_crash_reconciles_what_the_crashed_run_left_dirty(
    tmp_path: Path, make: Any
) -> None:
    inbox = tmp_path / "inbox"
    make.politie_csv(inbox / "registraties.csv", range(3000, 3004))
    make.om_json(inbox / "zaken.json", range(3000, 3004))
    db = tmp_path / "keten.db"
    # A run killed between storing and reconciling leaves exactly this state behind.
    stored = _cli(db, "ingest", "--no-reconcile", str(inbox))
    assert stored.wait(120) == 0
    again = _cli(db, "ingest", str(inbox))
    assert again.wait(120) == 0
    conn = sqlite3.connect(db)
    dirty = conn.execute("SELECT count(*) FROM dossiers WHERE dirty = 1 AND merged_into IS NULL").fetchone()[
        0
    ]
    assert dirty == 0, f"{dirty} dossiers were left unreconciled"
