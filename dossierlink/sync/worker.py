"""The sync daemon's unit of work: a Job (one stable file) in, a Result out, run in a worker process.

Each worker process opens its own Chain once and calls ``Chain.ingest_file``, which parses, stores
(one transaction) and reconciles the touched dossiers. Errors worth retrying come back as status
``retry``; nothing raises across the process boundary (exceptions do not always pickle).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import attrs

__all__ = ["TRANSIENT_ERRNOS", "Job", "Result", "init_worker", "is_transient", "run_job", "warm"]

# Locked or busy file, disk full, interrupted network share: worth another try.
TRANSIENT_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EAGAIN, errno.EBUSY, errno.EACCES, errno.EPERM, errno.ETIMEDOUT}
)


@attrs.frozen
class Job:
    """One stable file to ingest, with what its inbox says about it."""

    path: str
    inbox: int
    root: str
    adapter: str = "auto"
    organisation: str | None = None
    medium: str | None = None
    options: dict[str, Any] = attrs.field(factory=dict)
    attempt: int = 1
    size: int = 0
    mtime: float = 0.0


@attrs.frozen
class Result:
    """What became of a Job: ingested, duplicate, skipped (unchanged), quarantined, retry or error."""

    path: str
    status: str
    reason: str | None = None
    adapter: str | None = None
    sha256: str | None = None
    records: int = 0
    dossier_ids: tuple[int, ...] = ()
    seconds: float = 0.0


def is_transient(exc: BaseException) -> bool:
    """True for errors that may pass: database locked/busy, a locked file, a full disk."""
    from dossierlink.ingest.pipeline import TransientError

    if isinstance(exc, TransientError):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return "locked" in text or "busy" in text or "disk" in text or "unable to open" in text
    if isinstance(exc, PermissionError):
        return True
    return isinstance(exc, OSError) and exc.errno in TRANSIENT_ERRNOS


_chain: Any = None


def _die_with_parent() -> None:
    """Ask the kernel to kill this worker when the daemon dies (kill -9 must not leave orphans)."""
    parent = os.getppid()
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:  # belt and braces where prctl is unavailable
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def init_worker(store: str, config: Any) -> None:
    """Worker process start: ignore SIGINT/SIGTERM (the daemon drains us), open the store once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _die_with_parent()
    global _chain
    from dossierlink.api import Chain

    _chain = Chain(Path(store), config=config)


def warm() -> int:
    """Make the pool start its processes, and each load what the first file would, before it arrives."""
    with contextlib.suppress(Exception):  # warming is an optimisation: a failure shows on the first file
        from dossierlink.ingest.adapter import available_adapters

        available_adapters()
        if _chain is not None:
            _chain.reconcile_config()
            _chain._pseudonymiser()
            _chain.store.conn.execute("SELECT count(*) FROM sources").fetchone()
    return os.getpid()


def run_job(job: Job) -> Result:
    """Ingest one file with the worker's Chain; never raises."""
    started = time.monotonic()
    try:
        if _chain is None:
            raise RuntimeError("the worker process has no store open")
        outcome = _chain.ingest_file(
            job.path,
            adapter=job.adapter,
            organisation=job.organisation,
            medium=job.medium,
            options=job.options,
            root=job.root,
        )
    except Exception as exc:
        status = "retry" if is_transient(exc) else "error"
        return Result(job.path, status, f"{type(exc).__name__}: {exc}", seconds=time.monotonic() - started)
    return Result(
        path=job.path,
        status=outcome.status,
        reason=outcome.reason,
        adapter=outcome.adapter,
        sha256=outcome.sha256,
        records=outcome.records,
        dossier_ids=tuple(outcome.dossier_ids),
        seconds=time.monotonic() - started,
    )
