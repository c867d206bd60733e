"""Run a connector against the store's cursor: read ``[pull.<source>]``, fetch, save the cursor."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from dossierlink.pull.folder import PullResult
from dossierlink.pull.http import HttpClient, PullError
from dossierlink.pull.rechtspraak import RechtspraakPull, RechtspraakPullConfig
from dossierlink.pull.zgw import ZgwPull, ZgwPullConfig
from dossierlink.store.cursors import pull_cursor, set_pull_cursor
from dossierlink.store.database import Store

__all__ = ["load_section", "pull_rechtspraak", "pull_zgw"]


def load_section(path: str | Path | None, source: str) -> tuple[dict[str, Any], Path]:
    """The ``[pull.<source>]`` table of a TOML file (empty without a file) and the folder it is relative to."""
    if path is None:
        return {}, Path.cwd()
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PullError(f"{p}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise PullError(f"{p}: not valid TOML ({exc})") from None
    table = data.get("pull", {}).get(source, {})
    if not isinstance(table, dict):
        raise PullError(f"{p}: [pull.{source}] must be a table")
    return table, p.resolve().parent


def pull_zgw(store: Store, config: ZgwPullConfig, *, http: HttpClient | None = None) -> PullResult:
    """Zaken registered after the stored cursor, with their documents, rollen and statussen."""
    puller = ZgwPull(config, http or HttpClient())
    cursor = pull_cursor(store, config.source)
    result = puller.run(cursor)
    if result.cursor and result.cursor != cursor:
        set_pull_cursor(store, config.source, result.cursor)
    return result


def pull_rechtspraak(
    store: Store,
    config: RechtspraakPullConfig,
    *,
    since: str | None,
    instantie: str | None = None,
    http: HttpClient | None = None,
) -> PullResult:
    """Criminal judgments modified since ``since`` (else the stored cursor); the cursor advances per document."""
    source = config.source + (f"|{instantie}" if instantie else "")
    start = since or pull_cursor(store, source)
    if not start:
        raise PullError("give --since DATE for the first pull from the Rechtspraak open-data service")
    client = http or HttpClient(min_interval=config.min_interval)
    return RechtspraakPull(config, client).run(
        start, instantie, on_cursor=lambda value: set_pull_cursor(store, source, value)
    )
