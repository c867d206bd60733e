"""The pull connectors' cursors: where each source was read up to, so the next pull fetches only what changed."""

from __future__ import annotations

import datetime as dt

from dossierlink.store.database import Store
from dossierlink.store.tables import PULL_CURSORS

__all__ = ["pull_cursor", "set_pull_cursor"]


def pull_cursor(store: Store, source: str) -> str | None:
    """The cursor a connector saved for ``source`` (e.g. ``zgw:https://…/zaken/api/v1``), or None."""
    row = store.conn.execute(f"SELECT value FROM {PULL_CURSORS.name} WHERE source = ?", [source]).fetchone()
    return str(row[0]) if row else None


def set_pull_cursor(store: Store, source: str, value: str) -> None:
    """Save the cursor for ``source`` (committed at once: a pull that stops later resumes here)."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with store.conn:
        store.conn.execute(
            f"INSERT INTO {PULL_CURSORS.name} (source, value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(source) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            [source, value, now],
        )
