"""docs/cli.md is the reference of every command, generated from --help, and it is current."""

from __future__ import annotations

from pathlib import Path

from dossierlink.cli import main
from dossierlink.cli.output import EXIT_FINDINGS, EXIT_OK, EXIT_UNAVAILABLE, EXIT_USAGE
from tools.cli_reference import MARKER, PAGE, render, walk

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_reference_is_what_help_says_today() -> None:
    current = PAGE.read_text(encoding="utf-8")
    assert render(current) == current, "docs/cli.md is stale: run `python -m tools.cli_reference`"


def test_the_reference_names_every_command() -> None:
    page = PAGE.read_text(encoding="utf-8")
    generated = page.partition(MARKER)[2]
    paths = [path for path, _ in walk(main)]
    assert {"dossierlink ingest", "dossierlink divergences ack", "dossierlink config check"} <= set(paths)
    for path in paths:
        assert f"\n### {path}\n" in generated, f"{path} is missing from docs/cli.md"


def test_the_conventions_are_documented_where_the_readme_points() -> None:
    page = PAGE.read_text(encoding="utf-8").partition(MARKER)[0]
    for code in (EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNAVAILABLE):
        assert f"\n| {code} |" in page
    assert "_DOSSIERLINK_COMPLETE=bash_source" in page  # shell completion
    assert "`--json`" in page and "dossierlink: " in page
    assert "(docs/cli.md)" in README.read_text(encoding="utf-8")


def test_help_is_wrapped_the_same_on_every_terminal(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    current = PAGE.read_text(encoding="utf-8")
    monkeypatch.setenv("COLUMNS", "40")
    assert render(current) == current
