"""One daemon per store: an exclusive ``flock`` on ``<store>.sync.lock`` whose text names the holder."""

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

__all__ = ["DaemonLock", "LockHeld", "lock_path"]


def lock_path(store: Path) -> Path:
    return store.with_name(store.name + ".sync.lock")


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
        started = dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")
        info = {"pid": os.getpid(), "host": socket.gethostname(), "user": _user(), "started": started}
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
