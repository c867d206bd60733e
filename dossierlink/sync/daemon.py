"""The ``dossierlink sync`` daemon: watch the inboxes, wait for files to settle, ingest each exactly once.

``SyncDaemon`` composes the parts and runs the loop; each behaviour lives in its own module:

- ``intake``: watchdog observers (one per inbox) that only enqueue, polling for network shares,
  observer health and restarts, and the scans (at start, every ``rescan_minutes``, after a
  restart): the scan is the truth, events are a speed-up;
- ``stability``: when a file's writer is done with it;
- ``dispatch``: the ready queue, retries with back-off, and what becomes of each result;
- ``pool`` and ``worker``: the bounded pool of worker processes that parse and store;
- ``quarantine``: rejected files copied aside with a readable sidecar, once;
- ``status`` and ``lock``: the log, the status file, and one daemon per store;
- ``notify``: systemd's ``Type=notify`` (READY after the start-up scan, WATCHDOG, STATUS).

The store's ``sources`` table is the ledger: a file whose (path, size, mtime) is settled there is
skipped without hashing; ``Chain.ingest_file`` deduplicates by sha256. Every file ends as ingested,
duplicate or quarantined; the original is left alone unless ``[sync] archive`` says to move it.
"""

from __future__ import annotations

import os
import queue
import signal
import threading
import time
from pathlib import Path
from typing import Any

from dossierlink.config import Config
from dossierlink.sync.dispatch import Dispatcher
from dossierlink.sync.inbox import InboxState, Tally
from dossierlink.sync.intake import Intake, ObserverFactory, default_observer
from dossierlink.sync.lock import DaemonLock, LockHeld
from dossierlink.sync.notify import Notifier
from dossierlink.sync.pool import IngestFn, WorkerPool
from dossierlink.sync.quarantine import Quarantine
from dossierlink.sync.stability import StabilityTracker
from dossierlink.sync.status import StatusFile, configure_logging, daemon_status, log, now_iso, transition

__all__ = ["EXIT_LOCKED", "IngestFn", "LockHeld", "SyncDaemon", "run_sync"]

# The CLI's exit codes (docs/cli.md): a lock held by another daemon is "could not run" (3), not
# bad input (2), so the systemd unit may restart after it but not after a bad configuration.
EXIT_OK, EXIT_USAGE, EXIT_LOCKED = 0, 2, 3


class SyncDaemon:
    """Watches a configuration's inboxes and keeps the store in step. ``run()`` returns the exit code.

    ``ingest_fn`` replaces the worker processes by threads calling that function (for tests);
    ``observer_factory`` replaces watchdog's observers (for tests of degradation).
    """

    def __init__(
        self,
        config: Config,
        store: Path,
        *,
        once: bool = False,
        ingest_fn: IngestFn | None = None,
        observer_factory: ObserverFactory = default_observer,
        install_signals: bool = True,
        status_interval: float = 0.5,
        notifier: Notifier | None = None,
    ) -> None:
        self.config = config
        self.store = Path(store).absolute()
        self.once = once
        self.ingest_fn = ingest_fn
        self.install_signals = install_signals
        sync = config.sync
        self.workers = sync.workers
        self.chain: Any = None
        self.lock = DaemonLock(self.store)
        self.status = StatusFile(self.store, status_interval)
        self._stop = threading.Event()
        self.intake = Intake(
            config.inboxes,
            self.store,
            self.status,
            self._stop,
            once=once,
            rescan_minutes=sync.rescan_minutes,
            observer_factory=observer_factory,
        )
        self.tally = Tally()
        self.tracker = StabilityTracker(sync.stability_seconds)
        self.pool = WorkerPool(
            self.store, config, workers=self.workers, ingest_fn=ingest_fn, wake=self.intake.wake
        )
        self.quarantine = Quarantine(sync.quarantine, self.inboxes, self.tally)
        self.dispatcher = Dispatcher(
            config,
            self.store,
            self.inboxes,
            tracker=self.tracker,
            pool=self.pool,
            quarantine=self.quarantine,
            tally=self.tally,
            status=self.status,
            stopping=self._stop,
        )
        self._started = now_iso()
        self.notifier = notifier if notifier is not None else Notifier()
        self._ready = False
        self._once_deadline = float("inf")

    @property
    def inboxes(self) -> list[InboxState]:
        return self.intake.inboxes

    @property
    def totals(self) -> dict[str, int]:
        return self.tally.totals

    # -- public ---------------------------------------------------------------------------------

    def stop(self) -> None:
        """Ask the daemon to drain and exit (safe from a signal handler or another thread)."""
        self._stop.set()
        self.intake.wake()

    def run(self) -> int:
        """Take the lock, watch, dispatch until stopped (or, with ``once``, until all is done)."""
        self.lock.acquire()  # raises LockHeld
        previous = self._install_signals()
        try:
            self._start()
            self._loop()
        finally:
            self._shutdown()
            self._restore_signals(previous)
            self.lock.release()
        return EXIT_OK

    # -- start and stop -------------------------------------------------------------------------

    def _install_signals(self) -> dict[int, Any]:
        previous: dict[int, Any] = {}
        if not self.install_signals or threading.current_thread() is not threading.main_thread():
            return previous
        # SIGHUP drains and stops like SIGTERM (docs/reliability.md): a reload is a restart.
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            previous[sig] = signal.signal(sig, lambda signum, frame: self.stop())
        return previous

    @staticmethod
    def _restore_signals(previous: dict[int, Any]) -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    def _start(self) -> None:
        sync = self.config.sync
        sync.quarantine.mkdir(parents=True, exist_ok=True)
        if self.ingest_fn is None:
            from dossierlink.api import Chain

            # Create or migrate the store once, before workers race to do it.
            self.chain = Chain(self.store, config=self.config)
        self.quarantine.resume(self.store, self.chain)
        transition(
            "started",
            self.store,
            "-",
            pid=os.getpid(),
            inboxes=len(self.inboxes),
            workers=self.workers,
            mode="once" if self.once else "watch",
        )
        self.intake.start()
        # Worker processes start after the watches are set, so nothing written meanwhile is missed.
        self.pool.start()
        if self.once:
            self._once_deadline = time.monotonic() + max(60.0, 20 * sync.stability_seconds)
        self.pool.announce_ready()
        self._write_status(force=True)

    def _shutdown(self) -> None:
        """Stop watching, let the workers finish the files in hand, abandon what is left at the deadline."""
        self.notifier.stopping(f"draining {len(self.pool.in_flight)} in flight")
        self.intake.stop()
        # Finish the files in hand (each is one transaction: done, or rolled back if we must kill).
        deadline = time.monotonic() + self.config.sync.shutdown_seconds
        while self.pool.in_flight and time.monotonic() < deadline:
            for future in self.pool.wait(deadline):
                self.dispatcher.complete(future)
        left = list(self.pool.in_flight.values())
        for pending in left:
            state = self.inboxes[pending.inbox]
            transition("abandoned", pending.path, state.config.label, reason="shutdown; redone at next start")
        self.pool.shutdown(abandon=bool(left))
        self.dispatcher.close()
        if self.chain is not None:
            self.chain.close()
        transition("stopped", self.store, "-", pid=os.getpid(), **self.totals)
        self._write_status(force=True, state="stopped")

    # -- the loop -------------------------------------------------------------------------------

    def _loop(self) -> None:
        events = self.intake.events
        while not self._stop.is_set():
            try:
                item = events.get(timeout=self._timeout())
            except queue.Empty:
                item = None
            try:
                while item is not None:
                    for sighting in self.intake.read(item):
                        self.dispatcher.notice(sighting)
                    try:
                        item = events.get_nowait()
                    except queue.Empty:
                        item = None
                self._tick()
            except Exception:  # the dispatcher must survive anything one file or event does
                log.exception("sync dispatcher error (continuing)")
            if self.once and self._once_finished():
                break

    def _timeout(self) -> float:
        now = time.monotonic()
        deadlines = [self.intake.next_due(), *self.dispatcher.next_due(now)]
        status_due = self.status.due()
        if status_due is not None:
            deadlines.append(status_due)
        watchdog_due = self.notifier.next_due()
        if watchdog_due is not None:
            deadlines.append(watchdog_due)
        return min(5.0, max(0.01, min(deadlines) - now))

    def _tick(self) -> None:
        now = time.monotonic()
        self.pool.check_warm()
        self.dispatcher.tick(now)
        self.intake.tick(now)
        self._write_status()
        self._notify(now)

    def _notify(self, now: float) -> None:
        """READY once the start-up scan is done, then STATUS on change and WATCHDOG from this loop."""
        self.notifier.watchdog(now)
        if not self._ready:
            if self.intake.scans_outstanding:
                return
            self._ready = True
            self.notifier.ready(self.status_line())
            return
        self.notifier.status(self.status_line())

    def status_line(self) -> str:
        """One line for ``systemctl status``: inboxes, the outcome counts, pending and in flight."""
        counts = ", ".join(f"{n} {status}" for status, n in self.totals.items()) or "nothing ingested yet"
        pending = sum(1 for _ in self.dispatcher.pending())
        return (
            f"watching {len(self.inboxes)} inbox{'es' if len(self.inboxes) != 1 else ''}: {counts}; "
            f"{pending} pending, {len(self.pool.in_flight)} in flight"
        )

    def _once_finished(self) -> bool:
        if self.intake.scans_outstanding or not self.dispatcher.idle():
            return False
        if not len(self.tracker):
            return True
        if time.monotonic() > self._once_deadline:
            for cand in list(self.tracker.candidates.values()):
                transition(
                    "deferred",
                    cand.path,
                    self.inboxes[cand.inbox].config.label,
                    reason="still changing; left for the next run",
                )
            return True
        return False

    def _write_status(self, *, force: bool = False, state: str = "running") -> None:
        self.status.write(
            lambda: daemon_status(
                state=state,
                started=self._started,
                store=self.store,
                config_source=self.config.source,
                once=self.once,
                workers=self.workers,
                totals=self.totals,
                last_reconcile=self.dispatcher.last_reconcile,
                inboxes=self.inboxes,
                pending=self.dispatcher.pending(),
                in_flight=self.dispatcher.in_flight(),
            ),
            force=force,
        )


def run_sync(
    config: Config,
    store: Path,
    *,
    once: bool = False,
    log_format: str | None = None,
) -> int:
    """Run the daemon for the CLI: set up logging, refuse a bad configuration, map errors to exit codes."""
    configure_logging(log_format or config.sync.log_format)
    problems = config.check(folders=False)
    for inbox in config.inboxes:
        if not inbox.path.is_dir():
            log.warning("inbox %s does not exist (yet); it is watched once it appears.", inbox.path)
    if not config.inboxes:
        problems.append("the configuration has no [[inbox]]: nothing to watch.")
    if problems:
        for p in problems:
            log.error("configuration: %s", p)
        return EXIT_USAGE
    daemon = SyncDaemon(config, store, once=once)
    try:
        return daemon.run()
    except LockHeld as exc:
        log.error("%s", exc)
        return EXIT_LOCKED
