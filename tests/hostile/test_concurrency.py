"""Concurrency: reports, divergence lists and acknowledgements while another process ingests — no
"database is locked", no torn reads (counts only grow)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# A second process: loops over the read and ack commands through the real CLI (CliRunner, one process,
# its own connections) until the writer is done, then prints what it saw as JSON.
_READER = r"""
import json, os, sys, sqlite3
from click.testing import CliRunner
from dossierlink.cli import main

db, stop = sys.argv[1], sys.argv[2]
runner = CliRunner()
seen, failures, acks, rounds = [], [], 0, 0

def run(*args):
    r = runner.invoke(main, ["--db", db, *args], catch_exceptions=True)
    text = (r.output or "") + (str(r.exception) if r.exception and not isinstance(r.exception, SystemExit) else "")
    if "locked" in text.lower() or "busy" in text.lower() or r.exit_code not in (0, 1):
        failures.append([list(args), r.exit_code, text[-400:]])
    return r

while True:
    last = os.path.exists(stop)
    rounds += 1
    r = run("stats")
    if r.exit_code == 0:
        row = {}
        for line in r.output.splitlines():
            k, _, v = line.rpartition(" ")
            row[k.strip()] = int(v)
        conn = sqlite3.connect(db, timeout=60)
        row["history"] = conn.execute("SELECT count(*) FROM divergence_history").fetchone()[0]
        conn.close()
        seen.append(row)
    r = run("divergences", "--json")
    if r.exit_code == 0 and r.output.strip().startswith("["):
        items = json.loads(r.output)
        if items:
            target = items[rounds % len(items)]["id"]
            if run("divergences", "ack", target, "--note", f"ronde {rounds}", "--by", "tester").exit_code == 0:
                acks += 1
    for level, fmt in (("operational", "csv"), ("strategic", "json"), ("tactical", "markdown")):
        run("report", "--level", level, "--format", fmt, "--recipient", "test")
    if last:
        break
print(json.dumps({"seen": seen, "failures": failures, "acks": acks, "rounds": rounds}))
"""


def _counts_only_grow(seen: list[dict[str, int]]) -> None:
    for key in ("sources", "records", "documents", "history"):
        values = [row[key] for row in seen if key in row]
        assert values == sorted(values), f"{key} went down between reads: {values}"


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_reports_and_acks_while_a_batch_is_ingested_never_hit_a_locked_store(
    tmp_path: Path, make: Any, cli: Any
) -> None:
    inbox = tmp_path / "inbox"
    for k in range(30):
        make.politie_csv(inbox / f"p{k:02d}" / "registraties.csv", range(4000 + 3 * k, 4000 + 3 * k + 5))
        make.om_json(inbox / f"o{k:02d}" / "zaken.json", range(4000 + 3 * k, 4000 + 3 * k + 2))
    db = tmp_path / "keten.db"
    # Something to ack from the start.
    seed = tmp_path / "seed"
    make.politie_csv(seed / "registraties.csv", range(3900, 3903))
    make.om_json(seed / "zaken.json", range(3900, 3903))
    assert cli(["--db", str(db), "ingest", str(seed)]).returncode == 0
    stop = tmp_path / "klaar"
    env = dict(os.environ)
    env.pop("DOSSIERLINK_PSEUDONYM_KEY", None)
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(db), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    writer = cli(["--db", str(db), "ingest", str(inbox)], timeout=240)
    stop.touch()
    out, err = reader.communicate(timeout=240)
    assert writer.returncode == 0, writer.stderr[-2000:]
    assert "locked" not in writer.stderr.lower()
    assert reader.returncode == 0, err.decode()[-2000:]
    result = json.loads(out.decode().strip().splitlines()[-1])
    assert result["failures"] == [], result["failures"][:3]
    assert result["rounds"] >= 2 and result["acks"] >= 1
    _counts_only_grow(result["seen"])


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_three_ingests_of_the_same_inbox_at_once_store_each_file_once(
    tmp_path: Path, make: Any, cli: Any
) -> None:
    import sqlite3

    inbox = tmp_path / "inbox"
    for k in range(10):
        make.politie_csv(inbox / f"p{k:02d}" / "registraties.csv", range(5000 + 3 * k, 5000 + 3 * k + 4))
        make.om_json(inbox / f"o{k:02d}" / "zaken.json", range(5000 + 3 * k, 5000 + 3 * k + 2))
    db = tmp_path / "keten.db"
    assert cli(["--db", str(db), "init"]).returncode == 0
    env = dict(os.environ)
    env.pop("DOSSIERLINK_PSEUDONYM_KEY", None)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "dossierlink", "--db", str(db), "ingest", str(inbox)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for _ in range(3)
    ]
    for p in procs:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err.decode()[-2000:]
        assert b"locked" not in err.lower()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    per_sha = conn.execute(
        "SELECT count(*) FROM sources WHERE status = 'ingested' GROUP BY sha256"
    ).fetchall()
    assert len(per_sha) == 20 and all(n == 1 for (n,) in per_sha)
