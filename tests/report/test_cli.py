"""`dossierlink report` and `dossierlink disclosures` through click, on the fixture store."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
import sqlite_utils
from click.testing import CliRunner

from dossierlink.api import Chain
from dossierlink.cli.report import commands
from dossierlink.config import Config
from dossierlink.report import list_disclosures


@click.group()
def cli() -> None:
    pass


for command in commands:
    cli.add_command(command)


def _path(db: sqlite_utils.Database) -> Path:
    return Path(db.execute("PRAGMA database_list").fetchone()[2])


def _config(folder: Path, chain_section: dict[str, Any] | None) -> Config:
    section = chain_section or {"ambition": 0.9, "deadline": "2026-12-31"}
    lines = ["[chain]", *(f"{k} = {json.dumps(v)}" for k, v in section.items())]
    path = folder / "dossierlink.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Config.load(path)


def opener(db: sqlite_utils.Database, chain_section: dict[str, Any] | None = None) -> Callable[..., Chain]:
    """What `dossierlink` puts in ctx.obj["chain"]: opens the fixture's store with a [chain] table."""
    config = _config(_path(db).parent, chain_section)

    def open_chain(create: bool = True) -> Chain:
        chain = Chain(_path(db), config=config, create=create)
        click.get_current_context().call_on_close(chain.close)
        return chain

    return open_chain


def run(db: sqlite_utils.Database, *args: str, section: dict[str, Any] | None = None) -> Any:
    runner = CliRunner()
    return runner.invoke(cli, list(args), obj={"chain": opener(db, section)}, catch_exceptions=False)


def test_the_strategic_report_uses_the_chains_configured_ambition(store: sqlite_utils.Database) -> None:
    result = run(store, "report")
    assert result.exit_code == 0, result.output
    assert "Ambitie: 90% van de dossiers consistent op 2026-12-31" in result.output
    assert "Zwakste schakel: Reclassering Nederland" in result.output


def test_a_critical_divergence_fails_the_run_when_asked(store: sqlite_utils.Database) -> None:
    assert run(store, "report", "--fail-on", "critical").exit_code == 1
    assert run(store, "report", "--fail-on", "critical", "--organisation", "rechtspraak").exit_code == 0
    assert run(store, "report", "--fail-on", "low", "--status", "resolved").exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--kind", "lost_file"],
        ["report", "--since", "gisteren"],
        ["report", "--level", "board"],
        ["report", "--organisation", "Het OM!"],
        ["report", "-o", "/nonexistent-dir/x/report.txt"],
    ],
)
def test_bad_usage_exits_with_two_and_says_why(store: sqlite_utils.Database, args: list[str]) -> None:
    result = run(store, *args)
    assert result.exit_code == 2
    assert "Error" in result.output


def test_a_bad_ambition_in_the_configuration_is_a_warning(store: sqlite_utils.Database) -> None:
    result = run(store, "report", section={"ambition": "veel"})
    assert result.exit_code == 0
    assert "warning: [chain] ambition" in result.output


def test_the_operational_work_list_is_written_to_a_file_and_logged(
    store: sqlite_utils.Database, tmp_path: Path
) -> None:
    out = tmp_path / "werklijst.csv"
    result = run(
        store,
        "report",
        "--level",
        "operational",
        "--format",
        "csv",
        "-o",
        str(out),
        "--organisation",
        "om",
        "--recipient",
        "OM Rotterdam",
    )
    assert result.exit_code == 0, result.output
    assert "Registreer de instroom van dossier 10/700123-24" in out.read_text(encoding="utf-8")
    [entry] = list_disclosures(store)
    assert entry["recipient"] == "OM Rotterdam" and entry["output"] == str(out) and entry["format"] == "csv"
    assert entry["what"] == "report operational (organisation=om)" and entry["revealed"] is False


def test_the_html_report_goes_to_a_file_by_default(store: sqlite_utils.Database) -> None:
    runner = CliRunner()
    with runner.isolated_filesystem():
        result = runner.invoke(
            cli,
            ["report", "--format", "html", "--level", "operational"],
            obj={"chain": opener(store)},
        )
        assert result.exit_code == 0, result.output
        page = Path("dossierlink-report.html").read_text(encoding="utf-8")
        assert page.startswith("<!DOCTYPE html>")
    assert list_disclosures(store)[0]["output"] == "dossierlink-report.html"


def test_a_revealed_report_is_logged_and_readable_by_its_owner_only(
    store: sqlite_utils.Database, tmp_path: Path
) -> None:
    out = tmp_path / "onthuld.json"
    result = run(store, "report", "--format", "json", "--level", "operational", "--reveal", "-o", str(out))
    assert result.exit_code == 0
    assert "123456782" in out.read_text(encoding="utf-8")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert list_disclosures(store)[0]["revealed"] is True


def test_the_disclosures_command_lists_and_verifies_the_log(store: sqlite_utils.Database) -> None:
    run(store, "report", "--recipient", "Ketenoverleg")
    run(store, "report", "--level", "tactical")
    listed = run(store, "disclosures")
    assert listed.exit_code == 0 and "Ketenoverleg" in listed.output and "report tactical" in listed.output
    data = json.loads(run(store, "disclosures", "--format", "json").output)
    assert len(data["disclosures"]) == 2
    assert run(store, "disclosures", "--verify").exit_code == 0
    store.execute("UPDATE disclosures SET recipient = 'niemand' WHERE id = 1")
    store.conn.commit()
    tampered = run(store, "disclosures", "--verify")
    assert tampered.exit_code == 1 and "TAMPERED" in tampered.output


def test_english_on_request(store: sqlite_utils.Database) -> None:
    result = run(store, "report", "--lang", "en", "--level", "operational")
    assert "Add PV PL07B3 2023123456-2 (4 pages) to the paper file 10/600040-08" in result.output
