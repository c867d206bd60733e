"""Click commands for the sync daemon: ``sync``, ``status`` and ``config check`` (logic lives elsewhere)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from dossierlink.cli.output import EXIT_USAGE, emit_json, json_option
from dossierlink.config import Config

__all__ = ["commands"]

_CONFIG_HELP = "TOML configuration (overrides the global --config; env DOSSIERLINK_CONFIG)."


def _config(ctx: click.Context, config_path: str | None) -> Config:
    """The local --config, else the one the main command loaded, else $DOSSIERLINK_CONFIG / ./dossierlink.toml."""
    if config_path:
        return Config.load(config_path)
    obj = ctx.obj or {}
    getter = obj.get("config")
    config = getter() if callable(getter) else None
    return config if isinstance(config, Config) else Config.load(None)


def _store(ctx: click.Context, config: Config) -> Path:
    db = (ctx.obj or {}).get("db")
    return Path(db) if db else config.store_path


@click.command("sync")
@click.option("--once", is_flag=True, help="Scan, ingest everything that is stable, and exit.")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default=None,
    help="Log lines as text or JSON (default: [sync] log_format).",
)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help=_CONFIG_HELP)
@click.pass_context
def sync_cmd(ctx: click.Context, once: bool, log_format: str | None, config_path: str | None) -> None:
    """Watch the configured inboxes and ingest every file once it is stable (see docs/sync.md).

    Exit codes: 0 stopped (SIGTERM drains), 2 bad configuration, 3 another daemon holds the store.
    Under systemd (Type=notify) it sends READY=1 after the start-up scan, WATCHDOG=1 and STATUS=.
    """
    from dossierlink.sync.daemon import run_sync

    config = _config(ctx, config_path)
    ctx.exit(run_sync(config, _store(ctx, config), once=once, log_format=log_format))


@click.command("status")
@json_option()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help=_CONFIG_HELP)
@click.pass_context
def status_cmd(ctx: click.Context, as_json: bool, config_path: str | None) -> None:
    """Per inbox: pending, in flight, last ingested, quarantined (with reasons); last reconcile."""
    from dossierlink.sync.status import gather_status, render_status

    config = _config(ctx, config_path)
    status: dict[str, Any] = gather_status(_store(ctx, config), config)
    if as_json:
        emit_json(status)
        return
    click.echo(render_status(status))


@click.group("config")
def config_group() -> None:
    """Inspect the TOML configuration."""


@config_group.command("check")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help=_CONFIG_HELP)
@json_option()
@click.pass_context
def check_cmd(ctx: click.Context, config_path: str | None, as_json: bool) -> None:
    """Validate the configuration and name each mistake; exit 2 when there is one."""
    config = _config(ctx, config_path)
    problems = config.check()
    where = config.source or "(no configuration file; defaults)"
    if as_json:
        emit_json(
            {
                "config": str(config.source) if config.source else None,
                "ok": not problems,
                "problems": problems,
                "inboxes": len(config.inboxes),
                "store": str(config.store_path),
            }
        )
        ctx.exit(EXIT_USAGE if problems else 0)
    if problems:
        for p in problems:
            click.echo(p, err=True)
        click.echo(f"{where}: {len(problems)} problem{'s' if len(problems) != 1 else ''}.", err=True)
        ctx.exit(EXIT_USAGE)
    click.echo(f"{where}: OK ({len(config.inboxes)} inboxes, store {config.store_path}).")


commands = [sync_cmd, status_cmd, config_group]
