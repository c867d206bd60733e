"""The `dossierlink pull` commands: fetch from a ZGW API or the Rechtspraak open data into files, then ingest them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

from dossierlink.api import Chain
from dossierlink.cli.output import BadInput, CannotRun, emit_json, json_option
from dossierlink.pull import PullError, PullResult, RechtspraakPullConfig, ZgwPullConfig
from dossierlink.pull.run import load_section, pull_rechtspraak, pull_zgw

__all__ = ["commands", "pull"]

C = TypeVar("C")


def _chain(ctx: click.Context) -> Chain:
    factory: Callable[..., Chain] = (ctx.obj or {})["chain"]
    return factory(create=True)


def _configured(config_path: str | None, section: str, make: Callable[..., C]) -> C:
    """The connector's settings from ``[pull.<section>]``; a wrong setting is bad input (exit 2)."""
    try:
        table, base = load_section(config_path, section)
        return make(table, base=base)
    except PullError as exc:
        raise BadInput(str(exc)) from None


def _fetched(fetch: Callable[[], PullResult]) -> PullResult:
    """Run the pull; a service that cannot be reached or keeps failing means we could not run (exit 3)."""
    try:
        return fetch()
    except PullError as exc:
        raise CannotRun(str(exc)) from None


@click.group("pull")
def pull() -> None:
    """Fetch from real systems into a pull folder (one response a file) and ingest what came in."""


def _finish(
    ctx: click.Context, result: PullResult, organisation: str | None, ingest: bool, as_json: bool
) -> None:
    s = _chain(ctx).ingest(result.files, organisation=organisation) if ingest and result.files else None
    if as_json:
        emit_json(
            {
                "fetched": [str(f) for f in result.files],
                "already_there": result.skipped,
                "requests": result.requests,
                "cursor": result.cursor,
                "ingest": None
                if s is None
                else {
                    "ingested": s.ingested,
                    "duplicates": s.duplicates,
                    "ignored": s.ignored,
                    "rejected": s.quarantined,
                    "records": s.records,
                    "dossiers": s.dossiers,
                },
            }
        )
        return
    click.echo(
        f"{len(result.files)} files fetched ({result.skipped} already there) in {result.requests} requests; "
        f"cursor {result.cursor or '(none)'}."
    )
    if s is not None:
        click.echo(
            f"{s.ingested} ingested, {s.duplicates} duplicate, {s.ignored} ignored, {s.quarantined} rejected; "
            f"{s.records} records in {s.dossiers} dossiers."
        )


@pull.command("zgw")
@click.option(
    "--config",
    "config_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="TOML file with [pull.zgw]: zaken_url, client_id, secret or secret_env, zaaktype, folder.",
)
@click.option("--no-ingest", is_flag=True, help="Only fetch; ingest the pull folder later.")
@json_option()
@click.pass_context
def pull_zgw_cmd(ctx: click.Context, config_path: str, no_ingest: bool, as_json: bool) -> None:
    """Zaken registered since the last pull, with their documents, rollen and statussen (JWT client credentials).

    Exits 2 when the configuration is wrong, 3 when the API could not be reached or kept failing.
    """
    cfg = _configured(config_path, "zgw", ZgwPullConfig.from_mapping)
    result = _fetched(lambda: pull_zgw(_chain(ctx).store, cfg))
    _finish(ctx, result, cfg.organisation, not no_ingest, as_json)


@pull.command("rechtspraak")
@click.option(
    "--since", default=None, help="Judgments modified on or after this date (first pull; later: the cursor)."
)
@click.option("--instantie", default=None, help="Only this court (the feed's creator, e.g. a court's URI).")
@click.option(
    "--config",
    "config_path",
    default=None,
    type=click.Path(exists=True, dir_okay=False),
    help="TOML file with [pull.rechtspraak]: base_url, folder, page_size, min_interval.",
)
@click.option("--no-ingest", is_flag=True, help="Only fetch; ingest the pull folder later.")
@json_option()
@click.pass_context
def pull_rechtspraak_cmd(
    ctx: click.Context,
    since: str | None,
    instantie: str | None,
    config_path: str | None,
    no_ingest: bool,
    as_json: bool,
) -> None:
    """Criminal judgments from the open-data service: the ECLI feed, then each document's XML.

    Exits 2 when the configuration is wrong, 3 when the service could not be reached or kept failing.
    """
    cfg = _configured(config_path, "rechtspraak", RechtspraakPullConfig.from_mapping)
    result = _fetched(lambda: pull_rechtspraak(_chain(ctx).store, cfg, since=since, instantie=instantie))
    _finish(ctx, result, "rechtspraak", not no_ingest, as_json)


commands = [pull]
