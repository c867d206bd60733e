"""What the daemon knows of each inbox and of each file on its way to a worker."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any

import attrs

from dossierlink.config import InboxConfig

__all__ = ["RECENT", "InboxState", "Pending", "Tally"]

RECENT = 20  # quarantined / pending entries kept in the status file


@attrs.define
class InboxState:
    """One configured inbox: how it is watched, its scans, and its outcomes so far."""

    config: InboxConfig
    root: Path
    mode: str = "native"  # what actually runs: native | poll | once
    mode_reason: str = ""
    degraded: str = ""  # set once inotify ran out: this inbox polls from then on
    observer: Any = None
    down_since: float | None = None
    restart_at: float = 0.0
    restarts: int = 0
    scanning: bool = False
    rescan_wanted: bool = False
    last_scan: str | None = None
    counts: dict[str, int] = attrs.field(factory=dict)
    last_ingested: dict[str, Any] | None = None
    quarantined: deque[dict[str, Any]] = attrs.field(factory=lambda: deque(maxlen=RECENT))


@attrs.define
class Pending:
    """A stable file waiting for a worker, in a worker, or waiting out a retry."""

    path: Path
    inbox: int
    size: int
    mtime: float
    attempt: int = 1
    sha: str | None = None  # only computed when a same-size file is in flight


class Tally:
    """Outcome counts, per inbox and for the whole daemon (in the order they first happened)."""

    def __init__(self) -> None:
        self.totals: dict[str, int] = {}

    def count(self, state: InboxState, status: str) -> None:
        state.counts[status] = state.counts.get(status, 0) + 1
        self.totals[status] = self.totals.get(status, 0) + 1
