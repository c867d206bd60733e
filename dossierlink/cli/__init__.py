"""The ``dossierlink`` command: a thin click skin over :mod:`dossierlink.api` (no logic here).

Each command parses its options, calls a :class:`~dossierlink.api.Chain` method or a public
function of :mod:`dossierlink.api`, and prints the result; the commands of ``report``, ``sync``,
``samples``, ``demo`` and ``dossier`` live in their own modules, registered below by name.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from dossierlink import __version__
from dossierlink.api import (
    DEFAULT_DB,
    Chain,
    adapters_claiming,
    iter_files,
    masked_divergence_dict,
    store_birth_dates,
)
from dossierlink.cli import coversheet, demo, dossier, pull, report, samples, sync
from dossierlink.cli import serve as serve_commands
from dossierlink.cli.output import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
    PREFIX,
    BadInput,
    emit_json,
    is_busy,
    json_option,
    show_error,
)
from dossierlink.ingest.options import parse_options
from dossierlink.ingest.pipeline import TransientError
from dossierlink.privacy import KNOWN_BIRTH_DATES, guard_streams, mask_bsns
from dossierlink.store import StoreError

__all__ = ["main"]

# An error the user can fix: one sentence, exit code 2 (the name other modules may still use).
UserError = BadInput


def fail(message: str) -> NoReturn:
    raise UserError(message)


class _Group(click.Group):
    """Turns expected failures into one readable line; tracebacks only with --debug."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # Everything printed, errors included, passes the privacy filter.
        argv = kwargs.get("args") or (args[0] if args else None) or sys.argv[1:]
        with guard_streams(reveal="--reveal" in argv):
            # Click's own error printing says "Error:"; ours says "dossierlink:" (docs/cli.md).
            if kwargs.get("standalone_mode", True) is False:
                return super().main(*args, **kwargs)
            kwargs["standalone_mode"] = False
            try:
                code = super().main(*args, **kwargs)
            except click.ClickException as exc:
                show_error(exc)
                sys.exit(exc.exit_code)
            except click.Abort:
                click.echo(PREFIX + "interrupted.", err=True)
                sys.exit(130)  # the shell's code for Ctrl-C (128 + SIGINT), not a finding
            sys.exit(code if isinstance(code, int) else EXIT_OK)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # The reader went away (`dossierlink report | head`): not an error worth a message.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(EXIT_OK)
        except TransientError as exc:
            # Worth retrying: the store was busy past its timeout, or a file could not be read now.
            _die(ctx, f"{exc}; try again later.", EXIT_UNAVAILABLE)
        except (StoreError, sqlite3.DatabaseError) as exc:
            if is_busy(exc):
                _die(
                    ctx,
                    f"The store is busy (another process holds it): {exc}; try again later.",
                    EXIT_UNAVAILABLE,
                )
            _die(ctx, str(exc) if isinstance(exc, StoreError) else f"The store cannot be used: {exc}.")
        except (OSError, ValueError, LookupError) as exc:
            _die(ctx, str(exc))
        except Exception as exc:
            _die(ctx, f"Internal error ({type(exc).__name__}: {exc}); rerun with --debug and report it.")


def _die(ctx: click.Context, message: str, code: int = EXIT_USAGE) -> NoReturn:
    obj = ctx.obj or {}
    if obj.get("debug"):
        raise
    click.echo(PREFIX + message, err=True)
    sys.exit(code)


def _load_config(path: str | None) -> Any:
    if not path:
        return None
    from dossierlink.config import Config

    return Config.load(Path(path))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="dossierlink")
@click.option(
    "--db",
    envvar="DOSSIERLINK_DB",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"The store (SQLite file). Env DOSSIERLINK_DB; default: the config's store, else ./{DEFAULT_DB}.",
)
@click.option(
    "--config",
    "config_path",
    envvar="DOSSIERLINK_CONFIG",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML configuration (env DOSSIERLINK_CONFIG).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging.")
@click.pass_context
def main(ctx: click.Context, db: Path | None, config_path: str | None, debug: bool) -> None:
    """dossierlink keeps the chain's paper and digital case files in sync and reports where they differ."""
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    state: dict[str, Any] = {"debug": debug, "db": db, "config_path": config_path}
    config_cache: list[Any] = []
    chain_cache: list[Chain] = []

    def get_config() -> Any:
        if not config_cache:
            config_cache.append(_load_config(config_path))
        return config_cache[0]

    def get_chain(create: bool = True) -> Chain:
        if not chain_cache:
            config = get_config()
            path = db or getattr(config, "store_path", None) or Path(DEFAULT_DB)
            chain_cache.append(Chain(path, config=config, create=create))
            ctx.call_on_close(chain_cache[0].close)
        return chain_cache[0]

    state["config"] = get_config
    state["chain"] = get_chain
    KNOWN_BIRTH_DATES.use(
        lambda: store_birth_dates(db or getattr(get_config(), "store_path", None) or DEFAULT_DB)
    )
    ctx.obj = state


def chain_from(ctx: click.Context, *, create: bool = True) -> Chain:
    getter: Callable[..., Chain] = ctx.obj["chain"]
    return getter(create=create)


@main.command()
@json_option()
@click.pass_context
def init(ctx: click.Context, as_json: bool) -> None:
    """Create an empty store (mode 0600) or bring an existing one up to date."""
    chain = chain_from(ctx)
    dossiers = chain.stats()["dossiers"]
    if as_json:
        emit_json({"store": str(chain.path), "dossiers": dossiers})
        return
    click.echo(f"Store ready: {chain.path} ({dossiers} dossiers).")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--adapter", default="auto", show_default=True, help="Adapter name, or auto to let the file say."
)
@click.option(
    "--organisation", default=None, help="Organisation code when the format does not say (e.g. om)."
)
@click.option(
    "--medium",
    type=click.Choice(["paper", "digital"]),
    default=None,
    help="Medium when the format does not say.",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="TOML mapping for --adapter mapping.",
)
@click.option(
    "--quarantine",
    type=click.Path(file_okay=False),
    default=None,
    help="Copy rejected files here with a reason.",
)
@click.option("--ocr", is_flag=True, help="OCR scans without a text layer (needs dossierlink[ocr]).")
@click.option(
    "--option",
    "option_pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="Adapter option, repeatable; a dotted key makes a table: --option rsin.002220647=om.",
)
@click.option(
    "--no-reconcile", is_flag=True, help="Only store; reconcile later with `dossierlink reconcile`."
)
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Folder that files referenced by exports must stay inside (default: each folder given).",
)
@json_option()
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[Path, ...],
    adapter: str,
    organisation: str | None,
    medium: str | None,
    mapping: str | None,
    quarantine: str | None,
    ocr: bool,
    option_pairs: tuple[str, ...],
    no_reconcile: bool,
    root: str | None,
    as_json: bool,
) -> None:
    """Read exports and scans (files and folders, recursively) into the store.

    Exits 2 when a file was rejected (it is named on stderr, and copied to --quarantine if given).
    """
    chain = chain_from(ctx)
    try:
        options: dict[str, Any] = parse_options(option_pairs)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--option") from exc
    if "mapping" in options and adapter == "auto":
        adapter = "mapping"
    if mapping:
        options["mapping"] = mapping
        if adapter == "auto":
            adapter = "mapping"
    if ocr:
        options["ocr"] = True
    show_bar = sys.stderr.isatty()
    rejected: list[str] = []
    ignored: list[str] = []

    def progress(outcome: Any) -> None:
        if outcome.status == "quarantined":
            rejected.append(f"{outcome.path}: {outcome.reason}")
        elif outcome.status == "ignored":
            ignored.append(mask_bsns(f"{outcome.path}: {outcome.reason}"))
        if show_bar:
            bar.update(1)

    # Counting walks the tree once more: only worth it when a progress bar is shown.
    files = sum(1 for _ in iter_files(paths)) if show_bar else 0
    with click.progressbar(length=files, label="Ingesting", file=sys.stderr, hidden=not show_bar) as bar:
        summary = chain.ingest(
            paths,
            adapter=adapter,
            organisation=organisation,
            medium=medium,
            options=options,
            quarantine=quarantine,
            reconcile=not no_reconcile,
            progress=progress,
            root=root,
        )
    for line in ignored:
        click.echo(f"ignored: {line}", err=True)
    for line in rejected:
        click.echo(f"rejected: {line}", err=True)
    if as_json:
        emit_json(
            {
                "files": summary.files,
                "ingested": summary.ingested,
                "duplicates": summary.duplicates,
                "unchanged": summary.skipped,
                "ignored": summary.ignored,
                "rejected": summary.quarantined,
                "records": summary.records,
                "dossiers": summary.dossiers,
                "merges": summary.merges,
                "rejections": [
                    {"path": str(o.path), "reason": mask_bsns(o.reason or "")} for o in summary.rejected
                ],
            }
        )
    else:
        click.echo(
            f"{summary.files} files: {summary.ingested} ingested, {summary.duplicates} duplicate, "
            f"{summary.skipped} unchanged, {summary.ignored} ignored, {summary.quarantined} rejected; "
            f"{summary.records} records in "
            f"{summary.dossiers} dossiers" + (f", {summary.merges} merged" if summary.merges else "") + "."
        )
    if summary.quarantined:
        ctx.exit(EXIT_USAGE)


@main.command()
@click.option("--all", "all_", is_flag=True, help="Redo every dossier (same result as the incremental path).")
@json_option()
@click.pass_context
def reconcile(ctx: click.Context, all_: bool, as_json: bool) -> None:
    """Reconcile dossiers changed since the last run (or --all) and update divergences."""
    s = chain_from(ctx).reconcile(all=all_)
    if as_json:
        emit_json(
            {
                "dossiers": s.dossiers,
                "new": s.new,
                "reopened": s.reopened,
                "resolved": s.resolved,
                "open_total": s.open_total,
            }
        )
        return
    click.echo(
        f"{s.dossiers} dossiers reconciled: {s.new} new, {s.reopened} reopened, {s.resolved} resolved; "
        f"{s.open_total} open divergences."
    )


@main.command("adapters")
@json_option("Print the list as a JSON array (see docs/cli.md).")
def adapters_cmd(as_json: bool) -> None:
    """List installed adapters with organisation, formats and origin."""
    from dossierlink.ingest.adapter import adapter_load_errors, available_adapters

    rows = [
        {
            "name": a.name,
            "organisation": a.organisation or "(caller)",
            "medium": a.medium.value if a.medium else "(caller)",
            "formats": ", ".join(a.formats),
            "origin": a.origin,
            "description": a.description,
        }
        for a in available_adapters().values()
    ]
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("No adapters installed.")
    width = max((len(r["name"]) for r in rows), default=4)
    for r in rows:
        click.echo(
            f"{r['name']:<{width}}  {r['organisation']:<12} {r['medium']:<8} {r['formats']:<10} {r['origin']}"
            + (f"\n{'':<{width}}  {r['description']}" if r["description"] else "")
        )
    for name, err in adapter_load_errors().items():
        click.echo(f"{name}: could not be loaded ({err})", err=True)
    docs = _installed_docs()
    if docs is not None:
        click.echo(f"Format pages: {docs / 'formats'}", err=True)


def _installed_docs() -> Path | None:
    """docs/ as installed with the package (a wheel), else the checkout's (an editable install)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "docs", here.parent / "docs"):
        if (candidate / "formats").is_dir():
            return candidate
    return None


@main.command("identify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option()
def identify_cmd(file: Path, as_json: bool) -> None:
    """Say which adapter claims FILE, and why; exit 2 when none or more than one does."""
    claims = adapters_claiming(file)
    if as_json:
        emit_json({"file": str(file), "claims": [{"adapter": a.name, "why": a.why(file)} for a in claims]})
    if not claims:
        raise UserError(f"{file}: no adapter recognises this file; see `dossierlink adapters`.")
    if not as_json:
        for a in claims:
            click.echo(f"{a.name}: {a.why(file)}")
    if len(claims) > 1:
        raise UserError(f"{file}: more than one adapter claims this file; choose one with --adapter.")


@main.group("divergences", invoke_without_command=True)
@click.option("--organisation", default=None)
@click.option("--kind", default=None)
@click.option("--severity", default=None)
@click.option("--status", default="open", show_default=True, help="open, acknowledged, resolved or all.")
@click.option("--dossier", default=None, help="Any identifier of the case.")
@json_option("Print the list as a JSON array (see docs/cli.md).")
@click.pass_context
def divergences_cmd(
    ctx: click.Context,
    organisation: str | None,
    kind: str | None,
    severity: str | None,
    status: str,
    dossier: str | None,
    as_json: bool,
) -> None:
    """List divergences (default: open ones); `divergences ack ID --note ...` acknowledges one."""
    if ctx.invoked_subcommand is not None:
        return
    items = chain_from(ctx).divergences(
        organisation=organisation,
        kind=kind,
        severity=severity,
        status=None if status == "all" else status,
        dossier=dossier,
    )
    if as_json:
        emit_json([masked_divergence_dict(d) for d in items])
        return
    for d in items:
        ids = ", ".join(i.value for i in d.identifiers if i.kind.value == "parketnummer") or (
            d.identifiers[0].value if d.identifiers else "-"
        )
        click.echo(
            f"{d.id}  {d.severity.value:<8} {d.kind.value:<20} {d.organisation:<12} {ids:<14} {mask_bsns(d.message)}"
        )
    click.echo(f"{len(items)} divergences.", err=True)


@divergences_cmd.command("ack")
@click.argument("divergence_id")
@click.option("--note", required=True, help="What is being done about it.")
@click.option("--by", default=None, help="Who (default: the OS user).")
@json_option()
@click.pass_context
def ack_cmd(ctx: click.Context, divergence_id: str, note: str, by: str | None, as_json: bool) -> None:
    """Acknowledge a divergence: it stays on the list until it is resolved, with your note."""
    try:
        chain_from(ctx).acknowledge(divergence_id, note=note, by=by)
    except KeyError:
        raise UserError(f"There is no divergence {divergence_id!r}; see `dossierlink divergences`.") from None
    if as_json:
        emit_json({"id": divergence_id, "status": "acknowledged", "note": note})
        return
    click.echo(f"{divergence_id} acknowledged.")


@main.command()
@json_option()
@click.pass_context
def verify(ctx: click.Context, as_json: bool) -> None:
    """Fixity: recompute sha256 of every ingested file; exit 1 if any changed or went missing."""
    r = chain_from(ctx, create=False).verify()
    if as_json:
        emit_json({"unchanged": r.unchanged, "changed": r.changed, "missing": r.missing})
    else:
        for p in r.changed:
            click.echo(f"changed: {p}")
        for p in r.missing:
            click.echo(f"missing: {p}")
        click.echo(f"{len(r.unchanged)} unchanged, {len(r.changed)} changed, {len(r.missing)} missing.")
    ctx.exit(EXIT_FINDINGS if r.changed or r.missing else EXIT_OK)


@main.command()
@json_option()
@click.pass_context
def upgrade(ctx: click.Context, as_json: bool) -> None:
    """Rewrite records stored by an earlier version in the current (faster to read) format."""
    n = chain_from(ctx, create=False).upgrade_store()
    if as_json:
        emit_json({"rewritten": n})
        return
    click.echo(
        f"{n} records rewritten in the current format." if n else "All records are in the current format."
    )


@main.command()
@json_option()
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts of dossiers, records, documents, sources and open divergences."""
    counts = chain_from(ctx, create=False).stats()
    if as_json:
        emit_json(dict(counts))
        return
    for k, v in counts.items():
        click.echo(f"{k:<18} {v}")


for _module in (report, sync, samples, demo, dossier, pull, serve_commands, coversheet):
    for _command in _module.commands:
        main.add_command(_command)


def run() -> None:  # pragma: no cover - console entry point alias
    main(prog_name="dossierlink")


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    run()
