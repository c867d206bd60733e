"""The CLI's conventions in one place: exit codes, the error prefix, and the ``--json`` shape.

Every command follows them (docs/cli.md, "Conventions"):

- exit 0 ok; 1 findings (a report at or over ``--fail-on``, ``verify`` found changed or missing
  files, a tampered disclosure log); 2 bad input or usage; 3 could not run (the daemon lock is
  held, the store is busy) — worth retrying later, unlike 2;
- an error is one sentence on stderr after ``dossierlink: ``; ``--debug`` shows the traceback;
- ``--json`` prints exactly one JSON document on stdout and nothing else there: an object for one
  result, an array of objects for a listing; keys are snake_case, dates ISO 8601, paths strings;
  messages and warnings stay on stderr.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

import click

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_UNAVAILABLE",
    "EXIT_USAGE",
    "PREFIX",
    "BadInput",
    "CannotRun",
    "emit_json",
    "is_busy",
    "json_option",
    "show_error",
]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNAVAILABLE = 0, 1, 2, 3
PREFIX = "dossierlink: "

F = TypeVar("F", bound=Callable[..., Any])


class BadInput(click.ClickException):
    """Bad input the user can fix (a file, an identifier, a setting): exit code 2."""

    exit_code = EXIT_USAGE


class CannotRun(click.ClickException):
    """The command could not run now (lock held, store busy): exit code 3, worth retrying later."""

    exit_code = EXIT_UNAVAILABLE


def json_option(help: str = "Print the result as one JSON document (see docs/cli.md).") -> Callable[[F], F]:
    """The ``--json`` flag every result-printing command takes; the value arrives as ``as_json``."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def emit_json(data: Any) -> None:
    """One JSON document on stdout: the only thing a ``--json`` command prints there."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def is_busy(exc: BaseException) -> bool:
    """True when SQLite (anywhere in the exception chain) gave up waiting for another writer."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, sqlite3.OperationalError) and any(
            word in str(seen).lower() for word in ("locked", "busy")
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def show_error(exc: click.ClickException) -> None:
    """Print a click error with the one prefix (a usage error keeps its usage line and hint)."""
    if isinstance(exc, click.UsageError) and exc.ctx is not None:
        click.echo(exc.ctx.get_usage(), err=True)
        if exc.ctx.help_option_names:
            click.echo(f"Try '{exc.ctx.command_path} {exc.ctx.help_option_names[0]}' for help.", err=True)
    click.echo(PREFIX + exc.format_message(), err=True)
