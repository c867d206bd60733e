"""The worker pool: stable files go to worker processes as Jobs and come back as Results.

Workers are forked from a fork server that preloaded dossierlink (``sync.preload``) and each opens
the store once (``sync.worker``). A worker that dies (out of memory, killed) breaks the pool: its
files come back as ``retry`` and a fresh pool replaces it. At shutdown a worker still busy after
the drain is killed; its transaction rolls back.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from dossierlink.config import Config
from dossierlink.sync.inbox import Pending
from dossierlink.sync.status import transition
from dossierlink.sync.worker import Job, Result, init_worker, is_transient, run_job, warm

__all__ = ["IngestFn", "WorkerPool"]

IngestFn = Callable[[Job], Result]

# Above this size two same-size files in flight are assumed to be copies rather than hashed.
_HASH_LIMIT = 8 << 20


def _quick_sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class WorkerPool:
    """A bounded pool of worker processes and the files in their hands.

    ``ingest_fn`` replaces the processes by threads calling that function (for tests). ``wake`` is
    called when a job finishes, so the dispatcher need not poll.
    """

    def __init__(
        self,
        store: Path,
        config: Config,
        *,
        workers: int,
        ingest_fn: IngestFn | None,
        wake: Callable[[object], None],
    ) -> None:
        self.store = store
        self.config = config
        self.workers = workers
        self.ingest_fn = ingest_fn
        self.wake = wake
        self.executor: cf.Executor | None = None
        self.in_flight: dict[cf.Future[Result], Pending] = {}
        self.in_flight_paths: set[Path] = set()
        self._warming: list[cf.Future[Any]] = []
        self._t0 = time.monotonic()

    # -- start and stop -------------------------------------------------------------------------

    def start(self) -> None:
        self.executor = self._new_executor()

    def check_warm(self) -> None:
        """Log ``ready`` once every worker has started and warmed up."""
        if self._warming and all(f.done() for f in self._warming):
            self._ready()

    def _ready(self) -> None:
        """Log once that the workers are up: from here on a file costs its ingest, not a start-up."""
        self._warming = []
        transition(
            "ready", self.store, "-", workers=self.workers, seconds=round(time.monotonic() - self._t0, 3)
        )

    def announce_ready(self) -> None:
        """Log ``ready`` now when nothing is warming up (threads, or processes already warm)."""
        if not self._warming:
            self._ready()

    def _new_executor(self) -> cf.Executor:
        if self.ingest_fn is not None:
            return cf.ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="sync-worker")
        # Not plain fork: the daemon has threads, and a child must not inherit the lock's fd. The
        # forkserver is a fresh interpreter that imports dossierlink once and forks workers from it.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["dossierlink.sync.preload"])
        pool = cf.ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=init_worker,
            initargs=(str(self.store), self.config),
        )
        # Start (and warm) every worker now: the first file must not pay for a process start.
        self._warming = [pool.submit(warm) for _ in range(self.workers)]
        for future in self._warming:
            future.add_done_callback(self.wake)
        return pool

    def _renew(self) -> None:
        old = self.executor
        self.executor = self._new_executor()
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)

    def wait(self, deadline: float) -> set[cf.Future[Result]]:
        """The jobs that finish before ``deadline`` (monotonic seconds)."""
        done, _ = cf.wait(list(self.in_flight), timeout=max(0.0, deadline - time.monotonic()))
        return done

    def shutdown(self, *, abandon: bool) -> None:
        """Stop the pool; with ``abandon``, kill the workers still busy (their transactions roll back)."""
        if self.executor is None:
            return
        if isinstance(self.executor, cf.ProcessPoolExecutor) and abandon:
            for proc in list(getattr(self.executor, "_processes", {}).values()):
                proc.kill()  # its transaction rolls back; the ledger does not have the file
        self.executor.shutdown(wait=not abandon, cancel_futures=True)

    # -- jobs -----------------------------------------------------------------------------------

    def full(self) -> bool:
        return len(self.in_flight) >= self.workers

    def finished(self) -> list[cf.Future[Result]]:
        return [f for f in self.in_flight if f.done()]

    def submit(self, pending: Pending, job: Job) -> bool:
        """Hand a job to a worker; False when the pool was broken (a fresh one replaces it)."""
        assert self.executor is not None
        try:
            future = self.executor.submit(self.ingest_fn or run_job, job)
        except (BrokenProcessPool, RuntimeError):
            self._renew()
            return False
        self.in_flight[future] = pending
        self.in_flight_paths.add(pending.path)
        future.add_done_callback(self.wake)
        return True

    def complete(self, future: cf.Future[Result]) -> tuple[Pending, Result]:
        """Take a finished job out of the pool; a dead worker or a raising ingest becomes a Result."""
        pending = self.in_flight.pop(future)
        self.in_flight_paths.discard(pending.path)
        try:
            result = future.result()
        except BrokenProcessPool:
            # A worker died (out of memory, killed): every file it held is retried; a file that
            # keeps killing workers ends in quarantine after max_attempts.
            result = Result(str(pending.path), "retry", "the worker process died while reading the file")
            if isinstance(self.executor, cf.ProcessPoolExecutor) and getattr(self.executor, "_broken", False):
                self._renew()
        except Exception as exc:  # the ingest function itself failed (test doubles, bugs)
            status = "retry" if is_transient(exc) else "error"
            result = Result(str(pending.path), status, f"{type(exc).__name__}: {exc}")
        return pending, result

    def holds_copy_of(self, pending: Pending) -> bool:
        """True when a file with possibly the same content is being ingested right now.

        Two copies ingested at once could both pass the store's duplicate check, so they go one
        after the other. Same content means same size; only on a size clash are small files hashed.
        """
        clash = [q for q in self.in_flight.values() if q.size == pending.size]
        if not clash:
            return False
        if pending.size > _HASH_LIMIT:
            return True
        pending.sha = pending.sha or _quick_sha(pending.path)
        for q in clash:
            q.sha = q.sha or _quick_sha(q.path) if q.size <= _HASH_LIMIT else None
            if pending.sha is None or q.sha is None or q.sha == pending.sha:
                return True
        return False
