"""The `dossierlink report` and `dossierlink disclosures` commands: options in, library calls out."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from dossierlink.report import (
    FORMATS,
    LANGS,
    LEVELS,
    Ambition,
    ReportDataError,
    list_disclosures,
    make_report,
    record_disclosure,
    verify_disclosures,
)
from dossierlink.report import describe as describe_report
from dossierlink.schema import DivergenceKind, Severity, Status

__all__ = ["commands", "disclosures_cmd", "report_cmd"]

DEFAULT_HTML = "dossierlink-report.html"
_SEVERITIES = [s.value for s in Severity]


class BadInput(click.ClickException):
    """Bad input or an unusable store: exit code 2, like a usage error (datacompy style)."""

    exit_code = 2


def _chain(ctx: click.Context) -> Any:
    obj = ctx.obj or {}
    factory = obj.get("chain") if isinstance(obj, Mapping) else None
    if factory is None:
        raise BadInput("no store is open: run the command through `dossierlink`, which opens the store.")
    try:
        try:
            return factory(create=False)  # a report never creates an empty store
        except TypeError:
            return factory()
    except (OSError, sqlite3.DatabaseError, ValueError) as exc:
        raise BadInput(f"the store could not be opened: {exc}") from exc


def _chain_settings(chain: Any) -> tuple[Ambition, Mapping[str, str] | None]:
    """The ambition from the [chain] table and the organisations' names, from the chain's config."""
    section: Any = None
    if callable(getattr(chain, "section", None)):
        section = chain.section("chain")
    if section is None:
        section = getattr(getattr(chain, "config", None), "chain_section", None)
    errors: list[str] = []
    ambition = Ambition.from_mapping(section if isinstance(section, Mapping) else {}, errors)
    for problem in errors:
        click.echo(f"warning: {problem}", err=True)
    names: Any = None
    if callable(getattr(chain, "organisation_names", None)):
        names = chain.organisation_names()
    return ambition, names if isinstance(names, Mapping) else None


def _many(values: tuple[str, ...]) -> list[str] | None:
    return list(values) or None


@click.command("report")
@click.option(
    "--level", type=click.Choice(LEVELS), default="strategic", show_default=True, help="Who reads it."
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help=f"Write to FILE instead of standard output (html: {DEFAULT_HTML} by default).",
)
@click.option("--organisation", multiple=True, help="Only divergences this organisation must act on.")
@click.option("--kind", multiple=True, type=click.Choice([k.value for k in DivergenceKind]))
@click.option("--severity", multiple=True, type=click.Choice(_SEVERITIES))
@click.option("--status", multiple=True, type=click.Choice([s.value for s in Status]))
@click.option("--since", metavar="DATE", help="Only divergences first seen or resolved on or after DATE.")
@click.option(
    "--fail-on",
    type=click.Choice(_SEVERITIES),
    help="Exit 1 when an open or acknowledged divergence is at or over this severity.",
)
@click.option("--lang", type=click.Choice(LANGS), default="nl", show_default=True)
@click.option("--reveal", is_flag=True, help="Show BSNs and birth dates unmasked (logged as such).")
@click.option("--recipient", metavar="WHO", help="For whom the report is made (kept in the disclosure log).")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: when a terminal).")
@click.pass_context
def report_cmd(
    ctx: click.Context,
    level: str,
    fmt: str,
    output: Path | None,
    organisation: tuple[str, ...],
    kind: tuple[str, ...],
    severity: tuple[str, ...],
    status: tuple[str, ...],
    since: str | None,
    fail_on: str | None,
    lang: str,
    reveal: bool,
    recipient: str | None,
    color: bool | None,
) -> None:
    """Report the chain's divergences: strategic, tactical or operational.

    Exit codes: 0 nothing at or over --fail-on, 1 something is, 2 bad input or usage.
    Every report is recorded in the disclosure log (dossierlink disclosures).
    """
    if output is None and fmt == "html":
        output = Path(DEFAULT_HTML)
    use_color = color if color is not None else (output is None and sys.stdout.isatty())
    chain = _chain(ctx)
    ambition, names = _chain_settings(chain)
    try:
        text, over = make_report(
            chain.db,
            level=level,
            fmt=fmt,
            lang=lang,
            reveal=reveal,
            recipient=recipient,
            organisation=_many(organisation),
            kind=_many(kind),
            severity=_many(severity),
            status=_many(status),
            since=since,
            ambition=ambition,
            fail_on=fail_on,
            color=use_color,
            organisation_names=names,
        )
    except ReportDataError as exc:
        raise click.UsageError(str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise BadInput(f"the store could not be read: {exc}") from exc

    if output is None:
        click.echo(text, nl=False)
        target = "stdout"
    else:
        try:
            _write(output, text, private=reveal)
        except OSError as exc:
            raise BadInput(f"{output}: the report could not be written: {exc.strerror or exc}.") from exc
        target = str(output)
        click.echo(f"report written to {output}", err=True)
    filters = {
        "organisation": ",".join(organisation),
        "kind": ",".join(kind),
        "severity": ",".join(severity),
        "status": ",".join(status),
        "since": since or "",
    }
    record_disclosure(
        chain.db,
        what=describe_report(level, filters),
        level=level,
        fmt=fmt,
        recipient=recipient,
        revealed=reveal,
        output=target,
    )
    ctx.exit(1 if over else 0)


def _write(path: Path, text: str, *, private: bool) -> None:
    """Write the report; an unmasked one is readable by its owner only."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(path, flags, 0o600 if private else 0o644)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


@click.command("disclosures")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--verify", is_flag=True, help="Check the hash chain; exit 1 when it was tampered with.")
@click.pass_context
def disclosures_cmd(ctx: click.Context, fmt: str, verify: bool) -> None:
    """List every report that left the store: when, who, what, for whom (Wjsg art. 39j)."""
    chain = _chain(ctx)
    try:
        entries = list_disclosures(chain.db)
        problems = verify_disclosures(chain.db) if verify else []
    except sqlite3.DatabaseError as exc:
        raise BadInput(f"the disclosure log could not be read: {exc}") from exc
    if fmt == "json":
        click.echo(json.dumps({"disclosures": entries, "problems": problems}, ensure_ascii=False, indent=2))
    else:
        headers = ["id", "at", "user", "what", "format", "recipient", "revealed", "output"]
        rows = [
            [
                str(e["id"]),
                str(e["at"]),
                str(e["user"]),
                str(e["what"]),
                str(e["format"]),
                str(e["recipient"] or "-"),
                "yes" if e["revealed"] else "no",
                str(e["output"]),
            ]
            for e in entries
        ]
        widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
        for row in [headers, *rows]:
            click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if not entries:
            click.echo("no reports have been disclosed from this store.")
        if verify:
            for p in problems:
                click.echo(f"TAMPERED: {p}", err=True)
            if not problems:
                click.echo(f"the disclosure log is intact ({len(entries)} entries).", err=True)
    ctx.exit(1 if problems else 0)


commands = [report_cmd, disclosures_cmd]
