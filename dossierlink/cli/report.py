"""The `dossierlink report` and `dossierlink disclosures` commands: options in, Chain calls out."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import click

from dossierlink.api import Chain, save_report
from dossierlink.cli.output import EXIT_FINDINGS, EXIT_OK, BadInput, emit_json
from dossierlink.report import FORMATS, LANGS, LEVELS, ReportDataError
from dossierlink.schema import DivergenceKind, Severity, Status

__all__ = ["commands", "disclosures_cmd", "report_cmd"]

DEFAULT_HTML = "dossierlink-report.html"
_SEVERITIES = [s.value for s in Severity]


def _chain(ctx: click.Context) -> Chain:
    factory: Callable[..., Chain] | None = (ctx.obj or {}).get("chain")
    if factory is None:
        raise BadInput("no store is open: run the command through `dossierlink`, which opens the store.")
    try:
        return factory(create=False)  # a report never creates an empty store
    except (OSError, sqlite3.DatabaseError, ValueError) as exc:
        raise BadInput(f"the store could not be opened: {exc}") from exc


def _warn(problem: str) -> None:
    click.echo(f"warning: {problem}", err=True)


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

    Exit codes: 0 nothing at or over --fail-on, 1 something is, 2 bad input or usage, 3 store busy.
    Every report is recorded in the disclosure log (dossierlink disclosures).
    """
    if output is None and fmt == "html":
        output = Path(DEFAULT_HTML)
    use_color = color if color is not None else (output is None and sys.stdout.isatty())
    chain = _chain(ctx)
    try:
        # Logged below, once the report is written: a report that failed to be written was not disclosed.
        text, over = chain.report_with_status(
            level=level,
            fmt=fmt,
            lang=lang,
            reveal=reveal,
            recipient=recipient,
            fail_on=fail_on,
            color=use_color,
            log=False,
            on_problem=_warn,
            organisation=_many(organisation),
            kind=_many(kind),
            severity=_many(severity),
            status=_many(status),
            since=since,
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
            save_report(output, text, revealed=reveal)
        except OSError as exc:
            raise BadInput(f"{output}: the report could not be written: {exc.strerror or exc}.") from exc
        target = str(output)
        click.echo(f"report written to {output}", err=True)
    chain.log_report(
        level=level,
        fmt=fmt,
        reveal=reveal,
        recipient=recipient,
        output=target,
        organisation=",".join(organisation),
        kind=",".join(kind),
        severity=",".join(severity),
        status=",".join(status),
        since=since or "",
    )
    ctx.exit(EXIT_FINDINGS if over else EXIT_OK)


@click.command("disclosures")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--verify", is_flag=True, help="Check the hash chain; exit 1 when it was tampered with.")
@click.pass_context
def disclosures_cmd(ctx: click.Context, fmt: str, verify: bool) -> None:
    """List every report that left the store: when, who, what, for whom (Wjsg art. 39j)."""
    chain = _chain(ctx)
    try:
        entries = chain.disclosures()
        problems = chain.verify_disclosures() if verify else []
    except sqlite3.DatabaseError as exc:
        raise BadInput(f"the disclosure log could not be read: {exc}") from exc
    if fmt == "json":
        emit_json({"disclosures": entries, "problems": problems})
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
    ctx.exit(EXIT_FINDINGS if problems else EXIT_OK)


commands = [report_cmd, disclosures_cmd]
