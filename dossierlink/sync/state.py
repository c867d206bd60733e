"""What the sync daemon keeps beside the store: the one-daemon lock, the status file, the ledger reads.

- ``<store>.sync.lock``: ``fcntl.flock`` held for the daemon's life; its text names the holder.
- ``<store>.sync-status.json``: a small snapshot rewritten atomically (temporary file + rename).
- the ledger (``dossierlink.store.ledger``): which versions of which files are settled.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import getpass
import json
import os
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dossierlink.store.ledger import Ledger

__all__ = [
    "DaemonLock",
    "LockHeld",
    "lock_path",
    "read_status",
    "status_path",
    "write_status",
]


def lock_path(store: Path) -> Path:
    return store.with_name(store.name + ".sync.lock")


def status_path(store: Path) -> Path:
    return store.with_name(store.name + ".sync-status.json")


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


class LockHeld(Exception):
    """Another daemon holds the store. ``holder`` is what it wrote into the lock file."""

    def __init__(self, path: Path, holder: Mapping[str, Any]) -> None:
        self.path = path
        self.holder = dict(holder)
        who = ", ".join(f"{k} {v}" for k, v in holder.items() if k in ("pid", "host", "user", "started"))
        super().__init__(
            f"another dossierlink sync already serves this store ({who or 'holder unknown'}); "
            f"lock file {path}. Stop it first, or point this one at another store."
        )


class DaemonLock:
    """An exclusive, non-blocking ``flock`` on ``<store>.sync.lock``, released when the process ends."""

    def __init__(self, store: Path) -> None:
        self.path = lock_path(store)
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = json.loads(os.pread(fd, 4096, 0).decode("utf-8") or "{}")
            except (ValueError, OSError):
                holder = {}
            os.close(fd)
            raise LockHeld(self.path, holder if isinstance(holder, dict) else {}) from None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "user": _user(), "started": now_iso()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info) + "\n").encode("utf-8"), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)  # the file stays: unlinking a flock file races a newcomer
        os.close(self._fd)  # closing drops the flock
        self._fd = None

    @staticmethod
    def holder(store: Path) -> dict[str, Any] | None:
        """Who holds the lock now, or None when no daemon runs on ``store``."""
        path = lock_path(store)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                try:
                    data = json.loads(os.pread(fd, 4096, 0).decode("utf-8") or "{}")
                except (ValueError, OSError):
                    data = {}
                return data if isinstance(data, dict) and data else {"pid": "unknown"}
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def write_status(store: Path, status: Mapping[str, Any]) -> None:
    """Replace ``<store>.sync-status.json`` atomically (readers never see half a file)."""
    path = status_path(store)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(status, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_status(store: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(status_path(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


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
                    "quarantined": [
                        {
                            "path": q["path"],
                            "reason": _scrub(q.get("error") or ""),
                            "attempts": q.get("attempts"),
                        }
                        for q in summary["quarantined"]
                    ]
                    or live.get("quarantined", []),
                }
            )
        return {
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
    finally:
        ledger.close()


def _scrub(text: str) -> str:
    from dossierlink.sync.files import scrub

    return scrub(text)


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
        for q in inbox["quarantined"]:
            lines.append(f"  quarantined  {q['path']}: {q['reason']}")
    return "\n".join(lines)
