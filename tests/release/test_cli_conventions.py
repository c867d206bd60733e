"""The CLI's conventions (docs/cli.md): --json on every result, exit codes 0/1/2/3, one error prefix.

A scheduler or an organisation's own script reads the chain through these: a case from the chain
is "the OM's nightly job parses `ingest --json` and alerts on exit 1 but retries on 3".
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from dossierlink.cli import main
from dossierlink.cli.output import EXIT_FINDINGS, EXIT_OK, EXIT_UNAVAILABLE, EXIT_USAGE, PREFIX, is_busy
from tools.cli_reference import walk

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# Long-running commands (daemons) print a log, not a result.
LONG_RUNNING = {"dossierlink sync", "dossierlink serve"}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def leaf_commands() -> list[tuple[str, click.Command]]:
    found = []
    for path, ctx in walk(main):
        command = ctx.command
        if isinstance(command, click.Group) and not command.invoke_without_command:
            continue  # a group that only holds subcommands prints nothing of its own
        if path != "dossierlink" and path not in LONG_RUNNING:
            found.append((path, command))
    return found


@pytest.mark.parametrize(("path", "command"), leaf_commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_that_prints_a_result_can_print_it_as_json(path: str, command: click.Command) -> None:
    names = {p.name for p in command.params}
    formats = [
        p
        for p in command.params
        if p.name == "fmt" and isinstance(p.type, click.Choice) and "json" in p.type.choices
    ]
    assert "as_json" in names or formats, f"{path} has no --json (see docs/cli.md, Conventions)"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    if not (SAMPLES / "exports").is_dir():
        pytest.skip("the bundled samples are not here")
    return tmp_path / "keten.db"


def test_a_nightly_job_reads_ingest_reconcile_and_stats_as_json(store: Path) -> None:
    ingested = run("--db", str(store), "ingest", str(SAMPLES / "exports"), "--root", str(SAMPLES), "--json")
    assert ingested.exit_code == EXIT_OK, ingested.stderr
    summary = json.loads(ingested.stdout)
    assert summary["ingested"] >= 10 and summary["rejected"] == 0 and summary["rejections"] == []
    assert summary["dossiers"] > 0

    redone = json.loads(run("--db", str(store), "reconcile", "--all", "--json").stdout)
    assert redone["dossiers"] == summary["dossiers"] and redone["open_total"] > 0

    stats = json.loads(run("--db", str(store), "stats", "--json").stdout)
    assert stats["open_divergences"] == redone["open_total"]

    listing = json.loads(run("--db", str(store), "divergences", "--json").stdout)
    assert isinstance(listing, list) and len(listing) == stats["open_divergences"]
    first = listing[0]["id"]
    acked = run("--db", str(store), "divergences", "ack", first, "--note", "opgevraagd", "--json")
    assert json.loads(acked.stdout) == {"id": first, "status": "acknowledged", "note": "opgevraagd"}


def test_identify_says_which_adapter_claims_a_police_export(tmp_path: Path) -> None:
    export = SAMPLES / "exports" / "politie" / "registraties.csv"
    if not export.exists():
        pytest.skip("the bundled samples are not here")
    result = run("identify", str(export), "--json")
    assert result.exit_code == EXIT_OK, result.stderr
    assert [c["adapter"] for c in json.loads(result.stdout)["claims"]] == ["politie"]

    stray = tmp_path / "boodschappen.txt"
    stray.write_text("melk, brood\n", encoding="utf-8")
    unknown = run("identify", str(stray), "--json")
    assert unknown.exit_code == EXIT_USAGE
    assert json.loads(unknown.stdout)["claims"] == []
    assert unknown.stderr.startswith(PREFIX) and str(stray) in unknown.stderr


def test_config_check_as_json_names_each_mistake_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "keten.toml"
    bad.write_text(
        '[[inbox]]\npath = "geen-map"\norganisation = "politie"\nmedium = "vinyl"\n', encoding="utf-8"
    )
    result = run("config", "check", "--config", str(bad), "--json")
    assert result.exit_code == EXIT_USAGE
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["problems"]
    assert report["config"] == str(bad)


def test_an_unknown_case_is_bad_input_not_a_finding(store: Path) -> None:
    run("--db", str(store), "init")
    result = run("--db", str(store), "dossier", "10/999999-23")
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith(PREFIX + "No dossier has the identifier '10/999999-23'")
    assert "Error:" not in result.stderr


def test_a_usage_error_keeps_its_usage_line_and_uses_the_one_prefix() -> None:
    result = run("report", "--level", "galactic")
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith("Usage: ") and " report [OPTIONS]" in result.stderr.splitlines()[0]
    assert result.stderr.rstrip().splitlines()[-1].startswith(PREFIX)
    assert "Error:" not in result.stderr


def test_verify_reports_a_missing_file_as_a_finding(store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(SAMPLES / "exports" / "politie", folder)
    assert run("--db", str(store), "ingest", str(folder)).exit_code == EXIT_OK
    clean = run("--db", str(store), "verify", "--json")
    assert clean.exit_code == EXIT_OK and json.loads(clean.stdout)["missing"] == []

    (folder / "registraties.csv").unlink()  # the police's export was cleaned up after ingest
    gone = run("--db", str(store), "verify", "--json")
    assert gone.exit_code == EXIT_FINDINGS
    assert [Path(p).name for p in json.loads(gone.stdout)["missing"]] == ["registraties.csv"]


def test_a_busy_store_means_try_again_later(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dossierlink.store.database as database

    run("--db", str(store), "init")
    monkeypatch.setattr(database, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(store, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process is writing, for longer than we wait
        export = SAMPLES / "exports" / "politie" / "registraties.csv"
        ingest = run("--db", str(store), "ingest", str(export))
        assert ingest.exit_code == EXIT_UNAVAILABLE, ingest.stderr
        assert ingest.stderr.startswith(PREFIX) and "try again later" in ingest.stderr
        ack = run("--db", str(store), "divergences", "ack", "mp-1", "--note", "n")
        assert ack.exit_code == EXIT_UNAVAILABLE, ack.stderr
    finally:
        holder.rollback()
        holder.close()


def test_busy_is_recognised_through_the_exception_chain() -> None:
    try:
        try:
            raise sqlite3.OperationalError("database is locked")
        except sqlite3.OperationalError as inner:
            raise RuntimeError("ingest failed") from inner
    except RuntimeError as outer:
        assert is_busy(outer)
    assert not is_busy(sqlite3.OperationalError("no such table: sources"))
