"""What the daemon tells the outside: one log line per transition, and the status file beside the store.

- the log: text or JSON lines on stderr, every free text masked by the privacy filter;
- ``<store>.sync-status.json``: a small snapshot rewritten atomically (temporary file + rename);
- ``dossierlink status``: that snapshot joined with the store's ledger, per inbox.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from dossierlink.privacy import Sink, scrub_data
from dossierlink.privacy import scrub as _scrub
from dossierlink.schema import ReferenceProblem, reference_summary
from dossierlink.store.ledger import Ledger
from dossierlink.sync.inbox import RECENT, InboxState
from dossierlink.sync.lock import DaemonLock

__all__ = [
    "StatusFile",
    "configure_logging",
    "daemon_status",
    "gather_status",
    "log",
    "now_iso",
    "read_status",
    "render_status",
    "status_path",
    "transition",
    "write_status",
]

log = logging.getLogger("dossierlink.sync")


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


# --- the log -----------------------------------------------------------------------------------


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            body.update(scrub_data(json.loads(json.dumps(fields, default=str))))
        else:
            body["message"] = _scrub(record.getMessage(), Sink.LOG)
        return json.dumps(body, ensure_ascii=False, default=str)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = dt.datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="seconds")
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            f = dict(fields)
            event, path, inbox = (
                f.pop("event", "-"),
                _scrub(str(f.pop("path", "")), Sink.PATH),
                f.pop("inbox", ""),
            )
            rest = " ".join(f"{k}={v}" for k, v in f.items() if v not in (None, "", ()))
            line = f"{stamp} {event:<11} {inbox:<14} {path} {rest}".rstrip()
        else:
            line = f"{stamp} {record.levelname.lower():<11} {record.getMessage()}"
        # One record is one line: a line break in a file name cannot forge another.
        return _scrub(line, Sink.LOG)


def configure_logging(log_format: str = "text", stream: Any = None) -> None:
    """One line per state transition on stderr; JSON objects with ``log_format='json'``."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(_JsonFormatter() if log_format == "json" else _TextFormatter())
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False
    # Warnings of the other parts (an adapter that failed on a file) go through the same filter.
    parts = logging.getLogger("dossierlink")
    parts.handlers[:] = [handler]
    parts.propagate = False


def transition(
    event: str, path: Path | str | None, inbox: str, level: int = logging.INFO, **fields: Any
) -> None:
    """Log one state transition of a file, an inbox or the daemon (the formatters filter it)."""
    body = {"event": event, "inbox": inbox, "path": str(path) if path else "", **fields}
    log.log(level, "%s %s %s", event, inbox, _scrub(str(path or ""), Sink.LOG), extra={"fields": body})


# --- the status file ---------------------------------------------------------------------------


def status_path(store: Path) -> Path:
    return store.with_name(store.name + ".sync-status.json")


def write_status(store: Path, status: Mapping[str, Any]) -> None:
    """Replace ``<store>.sync-status.json`` atomically (readers never see half a file), owner-only.

    It names files and reasons: it passes the privacy filter and is 0600 whatever the umask.
    """
    path = status_path(store)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    text = json.dumps(scrub_data(dict(status)), indent=1, ensure_ascii=False, default=str) + "\n"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)
    os.replace(tmp, path)


def read_status(store: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(status_path(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class StatusFile:
    """The daemon's snapshot file: rewritten after a change, at most once per ``interval`` seconds.

    The daemon's parts call ``changed()``; the dispatcher thread calls ``write()`` on every turn.
    """

    def __init__(self, store: Path, interval: float) -> None:
        self.store = store
        self.interval = interval
        self.dirty = True
        self.last = 0.0

    def changed(self) -> None:
        self.dirty = True

    def due(self) -> float | None:
        """When the next write is due (monotonic seconds), or None when nothing changed."""
        return self.last + self.interval if self.dirty else None

    def write(self, snapshot: Callable[[], Mapping[str, Any]], *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and (not self.dirty or now - self.last < self.interval):
            return
        self.last = now
        self.dirty = False
        try:
            write_status(self.store, snapshot())
        except OSError as exc:
            log.warning("cannot write the status file: %s", exc)


def daemon_status(
    *,
    state: str,
    started: str,
    store: Path,
    config_source: Path | None,
    once: bool,
    workers: int,
    totals: Mapping[str, int],
    last_reconcile: str | None,
    inboxes: list[InboxState],
    pending: Iterable[tuple[int, Path]],
    in_flight: Iterable[tuple[int, Path]],
) -> dict[str, Any]:
    """The content of the status file: the daemon, then per inbox its watch, queue and outcomes."""
    pending_by: dict[int, list[str]] = {}
    for index, path in pending:
        pending_by.setdefault(index, []).append(str(path))
    flight_by: dict[int, list[str]] = {}
    for index, path in in_flight:
        flight_by.setdefault(index, []).append(str(path))
    per_inbox = []
    for index, s in enumerate(inboxes):
        waiting = pending_by.get(index, [])
        per_inbox.append(
            {
                "label": s.config.label,
                "path": str(s.root),
                "organisation": s.config.organisation,
                "adapter": s.config.adapter,
                "mode": s.mode,
                "mode_reason": s.mode_reason,
                "state": "down" if s.down_since is not None else ("scanning" if s.scanning else "watching"),
                "pending": len(waiting),
                "pending_files": sorted(waiting)[:RECENT],
                "in_flight": flight_by.get(index, []),
                "last_scan": s.last_scan,
                "last_ingested": s.last_ingested,
                "counts": dict(s.counts),
                "quarantined": list(s.quarantined),
            }
        )
    return {
        "state": state,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": started,
        "updated": now_iso(),
        "store": str(store),
        "config": str(config_source) if config_source else None,
        "once": once,
        "workers": workers,
        "totals": dict(totals),
        "last_reconcile": last_reconcile,
        "inboxes": per_inbox,
    }


# --- dossierlink status ------------------------------------------------------------------------


def gather_status(store: Path, config: Any = None) -> dict[str, Any]:
    """What ``dossierlink status`` shows: the daemon's own snapshot joined with the ledger, per inbox.

    Works while the daemon runs (both sources are read-only here) and after it stopped.
    """
    holder = DaemonLock.holder(store)
    snapshot = read_status(store) or {}
    ledger = Ledger(store)
    try:
        by_path = {i.get("path"): i for i in snapshot.get("inboxes", []) if isinstance(i, dict)}
        roots: list[tuple[str, str]] = []
        if config is not None and getattr(config, "inboxes", None):
            for inbox in config.inboxes:
                root = str(Path(inbox.path).resolve())
                roots.append((inbox.label, root))
        else:
            roots = [(str(i.get("label")), str(i.get("path"))) for i in by_path.values()]
        inboxes = []
        for label, root in roots:
            live = by_path.get(root, {})
            summary = ledger.summary_under(Path(root))
            not_read = ledger.references_not_read_under(Path(root))
            inboxes.append(
                {
                    "label": label,
                    "path": root,
                    "mode": live.get("mode"),
                    "mode_reason": live.get("mode_reason"),
                    "state": live.get("state") if holder else "not watched",
                    "pending": live.get("pending", 0) if holder else 0,
                    "pending_files": live.get("pending_files", []) if holder else [],
                    "in_flight": live.get("in_flight", []) if holder else [],
                    "last_scan": live.get("last_scan"),
                    "counts": summary["counts"],
                    "last_ingested": summary["last_ingested"] or live.get("last_ingested"),
                    "references_not_read": {problem.value: n for problem, n in not_read.items()},
                    "quarantined": [
                        {
                            "path": q["path"],
                            "reason": q.get("error") or "",
                            "attempts": q.get("attempts"),
                        }
                        for q in summary["quarantined"]
                    ]
                    or live.get("quarantined", []),
                }
            )
        return scrub_data(  # type: ignore[no-any-return]
            {
                "store": str(store),
                "daemon": {
                    "running": holder is not None,
                    "pid": (holder or {}).get("pid"),
                    "host": (holder or {}).get("host"),
                    "user": (holder or {}).get("user"),
                    "started": (holder or {}).get("started"),
                    "status_updated": snapshot.get("updated"),
                },
                "last_reconcile": ledger.last_reconcile() or snapshot.get("last_reconcile"),
                "inboxes": inboxes,
            }
        )
    finally:
        ledger.close()


def render_status(status: Mapping[str, Any]) -> str:
    """The status as text for a terminal."""
    d = status["daemon"]
    lines = [f"store          {status['store']}"]
    if d["running"]:
        lines.append(
            f"daemon         running, pid {d['pid']} on {d['host']} as {d['user']} since {d['started']}"
        )
    else:
        lines.append(
            "daemon         not running"
            + (f" (last status {d['status_updated']})" if d["status_updated"] else "")
        )
    lines.append(f"last reconcile {status['last_reconcile'] or 'never'}")
    for inbox in status["inboxes"]:
        counts = inbox["counts"]
        lines.append("")
        lines.append(f"inbox {inbox['label']}  ({inbox['path']})")
        if inbox.get("mode") and d["running"]:
            lines.append(f"  watching     {inbox['state']}, {inbox['mode']} ({inbox['mode_reason']})")
        lines.append(
            f"  files        {counts.get('ingested', 0)} ingested, {counts.get('duplicate', 0)} duplicate, "
            f"{counts.get('quarantined', 0)} quarantined"
        )
        lines.append(
            f"  pending      {inbox['pending']}"
            + (f", in flight: {len(inbox['in_flight'])}" if inbox["in_flight"] else "")
        )
        for p in inbox["in_flight"]:
            lines.append(f"    in flight  {p}")
        last = inbox["last_ingested"]
        lines.append(
            f"  last         {last['path']} ({last['status']}, {last.get('ingested_at') or last.get('at')})"
            if last
            else "  last         none"
        )
        not_read = {ReferenceProblem(p): n for p, n in (inbox.get("references_not_read") or {}).items()}
        for line in reference_summary(not_read):
            lines.append(f"  warning      {line}")
        for q in inbox["quarantined"]:
            lines.append(f"  quarantined  {q['path']}: {q['reason']}")
    return _scrub("\n".join(lines), Sink.TERMINAL)
