"""The ``dossierlink sync`` daemon: watch the inboxes, wait for files to settle, ingest each exactly once.

Shape (paperless-ngx's consumer lessons, kept small):

- watchdog observers, one per inbox, only *enqueue* events; a handler error is logged, never fatal;
- a scanner thread walks the inboxes at start, every ``rescan_minutes`` and after an observer
  restart: the scan is the truth, events are a speed-up;
- the dispatcher (the main thread) owns all state: the stability tracker, the ready queue, the
  in-flight set, retries with back-off, and a bounded pool of worker processes;
- the store's ``sources`` table is the ledger: a file whose (path, size, mtime) is settled there is
  skipped without hashing; ``Chain.ingest_file`` deduplicates by sha256.

Every file ends as ingested, duplicate or quarantined (a copy plus ``<name>.error.json`` in the
quarantine folder); the original is left alone unless ``[sync] archive`` says to move it.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import hashlib
import heapq
import json
import logging
import multiprocessing
import os
import queue
import signal
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import attrs

from dossierlink.config import Config, InboxConfig
from dossierlink.store.ledger import Ledger
from dossierlink.sync.files import (
    NETWORK_FILESYSTEMS,
    archive_file,
    filesystem_type,
    is_ignored,
    quarantine_file,
    scan_inbox,
    scrub,
    symlink_escapes,
)
from dossierlink.sync.stability import StabilityTracker, Verdict
from dossierlink.sync.state import DaemonLock, LockHeld, now_iso, write_status
from dossierlink.sync.worker import Job, Result, init_worker, run_job, warm

__all__ = ["EXIT_LOCKED", "IngestFn", "LockHeld", "SyncDaemon", "configure_logging", "run_sync"]

log = logging.getLogger("dossierlink.sync")

EXIT_OK, EXIT_USAGE, EXIT_LOCKED = 0, 2, 2
IngestFn = Callable[[Job], Result]
ObserverFactory = Callable[[InboxConfig, str], Any]

# Sysctls to raise when inotify runs out, by errno.
_INOTIFY_LIMITS = {28: "fs.inotify.max_user_watches", 24: "fs.inotify.max_user_instances"}
RECENT = 20  # quarantined / ingested entries kept in the status file


# --- logging ----------------------------------------------------------------------------------


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            body.update(fields)
        else:
            body["message"] = scrub(record.getMessage())
        return json.dumps(body, ensure_ascii=False, default=str)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = dt.datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="seconds")
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            f = dict(fields)
            event, path, inbox = f.pop("event", "-"), f.pop("path", ""), f.pop("inbox", "")
            rest = " ".join(f"{k}={v}" for k, v in f.items() if v not in (None, "", ()))
            return f"{stamp} {event:<11} {inbox:<14} {path} {rest}".rstrip()
        return f"{stamp} {record.levelname.lower():<11} {scrub(record.getMessage())}"


def configure_logging(log_format: str = "text", stream: Any = None) -> None:
    """One line per state transition on stderr; JSON objects with ``log_format='json'``."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(_JsonFormatter() if log_format == "json" else _TextFormatter())
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False


def _transition(
    event: str, path: Path | str | None, inbox: str, level: int = logging.INFO, **fields: Any
) -> None:
    clean = {k: scrub(v) if isinstance(v, str) else v for k, v in fields.items()}
    body = {"event": event, "inbox": inbox, "path": str(path) if path else "", **clean}
    log.log(level, "%s %s %s", event, inbox, path or "", extra={"fields": body})


# --- the pieces the dispatcher keeps ------------------------------------------------------------


@attrs.define
class _InboxState:
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
class _Pending:
    path: Path
    inbox: int
    size: int
    mtime: float
    attempt: int = 1
    sha: str | None = None  # only computed when a same-size file is in flight


class _Handler:
    """The watchdog event handler: turn each event into a queue item; never raise."""

    def __init__(self, index: int, events: queue.Queue[tuple[Any, ...]]) -> None:
        self.index = index
        self.events = events

    def dispatch(self, event: Any) -> None:
        try:
            src = os.fsdecode(event.src_path) if event.src_path else ""
            dest = os.fsdecode(getattr(event, "dest_path", "") or "")
            self.events.put(("fs", self.index, event.event_type, bool(event.is_directory), src, dest))
        except Exception:  # a handler exception must never kill the observer thread
            log.exception("watch handler failed on an event")


def _event_filter() -> list[type[Any]]:
    from watchdog.events import (
        DirCreatedEvent,
        DirDeletedEvent,
        DirMovedEvent,
        FileClosedEvent,
        FileCreatedEvent,
        FileDeletedEvent,
        FileModifiedEvent,
        FileMovedEvent,
    )

    # Not opened / closed-without-write: our own reads must not look like writes.
    return [
        FileCreatedEvent,
        FileModifiedEvent,
        FileMovedEvent,
        FileDeletedEvent,
        FileClosedEvent,
        DirCreatedEvent,
        DirMovedEvent,
        DirDeletedEvent,
    ]


def default_observer(inbox: InboxConfig, mode: str) -> Any:
    """A started-later watchdog observer: inotify for ``native``, stat polling for ``poll``."""
    if mode == "poll":
        from watchdog.observers.polling import PollingObserver

        return PollingObserver(timeout=inbox.poll_interval)
    try:
        from watchdog.observers.inotify import InotifyObserver
    except ImportError:  # not Linux: the platform's observer
        from watchdog.observers import Observer

        return Observer(timeout=1.0)
    # Full events: a file renamed in from outside the inbox (IN_MOVED_TO without its IN_MOVED_FROM,
    # as ``mv /staging/x inbox/``) arrives as a move, not as a creation, so it need not wait out the
    # stability delay: an atomic rename means the writer is done.
    return InotifyObserver(timeout=1.0, generate_full_events=True)


# --- the daemon --------------------------------------------------------------------------------


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
    ) -> None:
        self.config = config
        self.store = Path(store).absolute()
        self.once = once
        self.ingest_fn = ingest_fn
        self.observer_factory = observer_factory
        self.install_signals = install_signals
        self.status_interval = status_interval
        sync = config.sync
        self.workers = sync.workers
        self.tracker = StabilityTracker(sync.stability_seconds)
        self.events: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self.inboxes = [_InboxState(i, _resolve(i.path)) for i in config.inboxes]
        self.ready: deque[_Pending] = deque()
        self.retries: list[tuple[float, int, _Pending]] = []  # heap by due time
        self.in_flight: dict[cf.Future[Result], _Pending] = {}
        self.in_flight_paths: set[Path] = set()
        self.changed_in_flight: set[Path] = set()
        self.quarantined_keys: set[tuple[str, int, float]] = set()
        self.lock = DaemonLock(self.store)
        self.ledger = Ledger(self.store)
        self.executor: cf.Executor | None = None
        self.chain: Any = None
        self._stop = threading.Event()
        self._seq = 0
        self._scan_queue: queue.Queue[tuple[int, Path | None] | None] = queue.Queue()
        self._scan_thread: threading.Thread | None = None
        self._scans_outstanding = 0
        self._started = now_iso()
        self._next_rescan = float("inf")
        self._next_health = 0.0
        self._status_dirty = True
        self._last_status = 0.0
        self._last_reconcile: str | None = None
        self._once_deadline = float("inf")
        self._t0 = time.monotonic()
        self._warming: list[cf.Future[Any]] = []
        self.totals: dict[str, int] = {}
        self.latencies: list[float] = []

    # -- public ---------------------------------------------------------------------------------

    def stop(self) -> None:
        """Ask the daemon to drain and exit (safe from a signal handler or another thread)."""
        self._stop.set()
        self.events.put(("wake",))

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
        for sig in (signal.SIGTERM, signal.SIGINT):
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
        self._load_quarantined()
        self._restore_sidecars()
        _transition(
            "started",
            self.store,
            "-",
            pid=os.getpid(),
            inboxes=len(self.inboxes),
            workers=self.workers,
            mode="once" if self.once else "watch",
        )
        self._scan_thread = threading.Thread(target=self._scanner, name="sync-scanner", daemon=True)
        self._scan_thread.start()
        for index, state in enumerate(self.inboxes):
            if self.once:
                state.mode, state.mode_reason = "once", "--once: one scan, no watching"
            else:
                self._start_observer(index, state)
            self._request_scan(index)
        # Worker processes start after the watches are set, so nothing written meanwhile is missed.
        self.executor = self._new_executor()
        if not self.once and sync.rescan_minutes > 0:
            self._next_rescan = time.monotonic() + sync.rescan_minutes * 60
        if self.once:
            self._once_deadline = time.monotonic() + max(60.0, 20 * sync.stability_seconds)
        if not self._warming:
            self._ready()
        self._write_status(force=True)

    def _wake(self, _future: object = None) -> None:
        """Wake the dispatcher (a worker finished): no polling while files are in flight."""
        self.events.put(("wake",))

    def _ready(self) -> None:
        """Log once that the workers are up: from here on a file costs its ingest, not a start-up."""
        self._warming = []
        _transition(
            "ready", self.store, "-", workers=self.workers, seconds=round(time.monotonic() - self._t0, 3)
        )

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
            future.add_done_callback(self._wake)
        return pool

    def _shutdown(self) -> None:
        for state in self.inboxes:
            self._stop_observer(state)
        self._scan_queue.put(None)
        # Finish the files in hand (each is one transaction: done, or rolled back if we must kill).
        deadline = time.monotonic() + self.config.sync.shutdown_seconds
        while self.in_flight and time.monotonic() < deadline:
            done, _ = cf.wait(list(self.in_flight), timeout=max(0.0, deadline - time.monotonic()))
            for future in done:
                self._complete(future)
        left = list(self.in_flight.values())
        for pending in left:
            state = self.inboxes[pending.inbox]
            _transition(
                "abandoned", pending.path, state.config.label, reason="shutdown; redone at next start"
            )
        if self.executor is not None:
            if isinstance(self.executor, cf.ProcessPoolExecutor) and left:
                for proc in list(getattr(self.executor, "_processes", {}).values()):
                    proc.kill()  # its transaction rolls back; the ledger does not have the file
            self.executor.shutdown(wait=not left, cancel_futures=True)
        self.ledger.close()
        if self.chain is not None:
            self.chain.close()
        _transition("stopped", self.store, "-", pid=os.getpid(), **self.totals)
        self._write_status(force=True, state="stopped")

    # -- observers ------------------------------------------------------------------------------

    def _choose_mode(self, state: _InboxState) -> tuple[str, str]:
        inbox = state.config
        if state.degraded:
            return "poll", state.degraded
        if inbox.mode != "auto":
            return inbox.mode, "configured"
        fstype = filesystem_type(state.root)
        if fstype in NETWORK_FILESYSTEMS or (fstype or "").startswith("fuse."):
            return "poll", f"the folder is on {fstype}: changes made elsewhere send no events"
        return "native", f"local filesystem ({fstype or 'unknown'})"

    def _start_observer(self, index: int, state: _InboxState) -> bool:
        """Start watching one inbox; False when it cannot be watched now (retried with back-off)."""
        inbox = state.config
        if not state.root.is_dir():
            self._mark_down(index, state, "the inbox folder is missing")
            return False
        mode, reason = self._choose_mode(state)
        try:
            observer = self._schedule(index, state, mode)
        except OSError as exc:
            if mode != "native" or exc.errno not in _INOTIFY_LIMITS:
                self._mark_down(index, state, f"cannot watch the folder: {exc.strerror or exc}")
                return False
            sysctl = _INOTIFY_LIMITS[exc.errno]
            _transition(
                "degraded",
                state.root,
                inbox.label,
                logging.WARNING,
                reason=f"inotify limit reached ({exc.strerror}); polling every {inbox.poll_interval:g} s. "
                f"Raise it with: sysctl -w {sysctl}=<higher>",
            )
            state.degraded = f"inotify limit reached; raise {sysctl}"
            mode, reason = "poll", state.degraded
            try:
                observer = self._schedule(index, state, mode)
            except OSError as exc2:
                self._mark_down(index, state, f"cannot watch the folder: {exc2.strerror or exc2}")
                return False
        state.observer, state.mode, state.mode_reason, state.down_since = observer, mode, reason, None
        _transition("watching", state.root, inbox.label, mode=mode, why=reason)
        self._status_dirty = True
        return True

    def _schedule(self, index: int, state: _InboxState, mode: str) -> Any:
        observer = self.observer_factory(state.config, mode)
        try:
            observer.schedule(
                _Handler(index, self.events),
                str(state.root),
                recursive=state.config.recursive,
                event_filter=_event_filter(),
            )
            observer.daemon = True
            observer.start()
        except BaseException:
            self._stop_one(observer)
            raise
        return observer

    @staticmethod
    def _stop_one(observer: Any) -> None:
        try:
            observer.stop()
            if observer.is_alive():
                observer.join(timeout=2.0)
        except Exception as exc:  # a dying observer may fail to stop; it is a daemon thread
            log.debug("observer did not stop cleanly: %s", exc)

    def _stop_observer(self, state: _InboxState) -> None:
        if state.observer is not None:
            self._stop_one(state.observer)
            state.observer = None

    def _mark_down(self, index: int, state: _InboxState, reason: str) -> None:
        if state.down_since is None:
            state.down_since = time.monotonic()
            _transition("inbox-down", state.root, state.config.label, logging.WARNING, reason=reason)
        state.restarts += 1
        state.restart_at = time.monotonic() + min(60.0, 2.0 ** min(state.restarts, 6))
        state.mode_reason = reason
        self._status_dirty = True

    def _observer_healthy(self, state: _InboxState) -> bool:
        observer = state.observer
        if observer is None:
            return False
        try:
            if not observer.is_alive():
                return False
            return all(e.is_alive() for e in getattr(observer, "emitters", ()))
        except Exception:
            return False

    def _check_observers(self) -> None:
        now = time.monotonic()
        for index, state in enumerate(self.inboxes):
            if self.once:
                continue
            if state.observer is not None and self._observer_healthy(state) and state.root.is_dir():
                continue
            if state.observer is not None:
                self._stop_observer(state)
                self._mark_down(index, state, "the watcher stopped (folder gone, share unmounted or busy)")
                continue
            if now >= state.restart_at and self._start_observer(index, state):
                _transition("restarted", state.root, state.config.label, mode=state.mode)
                state.restarts = 0
                self._request_scan(index)  # events were missed while it was down

    # -- scanning -------------------------------------------------------------------------------

    def _request_scan(self, index: int, sub: Path | None = None) -> None:
        state = self.inboxes[index]
        if sub is None and state.scanning:
            state.rescan_wanted = True
            return
        if sub is None:
            state.scanning = True
        self._scans_outstanding += 1
        self._scan_queue.put((index, sub))

    def _scanner(self) -> None:
        """Walk inboxes off the dispatcher thread (a slow share must not stall it)."""
        ledger = Ledger(self.store)
        try:
            while True:
                item = self._scan_queue.get()
                if item is None or self._stop.is_set():
                    return
                index, sub = item
                state = self.inboxes[index]
                found = 0
                try:
                    known = ledger.settled_under(state.root)
                    top = sub or state.root
                    recursive = state.config.recursive or sub is not None
                    for path in scan_inbox(top, recursive=recursive, patterns=state.config.ignore):
                        if self._stop.is_set():
                            return
                        if is_ignored(path, state.root, state.config.ignore):
                            continue
                        try:
                            st = os.lstat(path)
                        except OSError:
                            continue
                        if Ledger.is_settled(known, path, st.st_size, st.st_mtime):
                            continue
                        found += 1
                        self.events.put(("found", index, str(path)))
                except Exception as exc:  # a broken share: log, the next scan tries again
                    self.events.put(("scan-error", index, f"{type(exc).__name__}: {exc}"))
                finally:
                    self.events.put(("scan-done", index, sub is not None, found))
        finally:
            ledger.close()

    # -- the loop -------------------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                item = self.events.get(timeout=self._timeout())
            except queue.Empty:
                item = None
            try:
                while item is not None:
                    self._handle(item)
                    try:
                        item = self.events.get_nowait()
                    except queue.Empty:
                        item = None
                self._tick()
            except Exception:  # the dispatcher must survive anything one file or event does
                log.exception("sync dispatcher error (continuing)")
            if self.once and self._once_finished():
                break

    def _timeout(self) -> float:
        now = time.monotonic()
        deadlines = [self._next_rescan, self._next_health]
        due = self.tracker.next_due()
        if due is not None:
            deadlines.append(due)
        if self.retries:
            deadlines.append(self.retries[0][0])
        if self.in_flight:
            deadlines.append(now + 1.0)  # a safety net: a finished future wakes the loop itself
        if self._status_dirty:
            deadlines.append(self._last_status + self.status_interval)
        return min(5.0, max(0.01, min(deadlines) - now))

    def _handle(self, item: tuple[Any, ...]) -> None:
        kind = item[0]
        if kind == "fs":
            _, index, event_type, is_dir, src, dest = item
            self._on_event(index, event_type, is_dir, src, dest)
        elif kind == "found":
            _, index, raw = item
            path = Path(raw)
            if path not in self.tracker and not self._busy(path):
                self._track(path, index, event=False)
        elif kind == "scan-done":
            _, index, partial, found = item
            self._scans_outstanding -= 1
            state = self.inboxes[index]
            if not partial:
                state.scanning = False
                state.last_scan = now_iso()
                log.debug("scan of %s done: %d to check", state.root, found)
                if state.rescan_wanted:
                    state.rescan_wanted = False
                    self._request_scan(index)
            self._status_dirty = True
        elif kind == "scan-error":
            _, index, reason = item
            _transition(
                "scan-error",
                self.inboxes[index].root,
                self.inboxes[index].config.label,
                logging.WARNING,
                reason=reason,
            )

    def _busy(self, path: Path) -> bool:
        return (
            path in self.in_flight_paths
            or any(p.path == path for p in self.ready)
            or any(p.path == path for _, _, p in self.retries)
        )

    def _on_event(self, index: int, event_type: str, is_dir: bool, src: str, dest: str) -> None:
        state = self.inboxes[index]
        if is_dir:
            if event_type == "moved" and not dest:
                return  # moved out of the inbox (a full event without a destination)
            if event_type in ("created", "moved") and state.config.recursive:
                target = Path(dest or src)
                if target.is_relative_to(state.root) and not is_ignored(
                    target, state.root, state.config.ignore
                ):
                    self._request_scan(index, target)  # a folder moved in brings files without events
            return
        if event_type == "deleted":
            self._forget(Path(src))
            return
        if event_type == "moved":
            self._forget(Path(src))
            target, renamed = Path(dest), True
        else:
            target, renamed = Path(src), False
        if not target.is_relative_to(state.root) or is_ignored(target, state.root, state.config.ignore):
            return
        if not state.config.recursive and target.parent != state.root:
            return
        if target in self.in_flight_paths:
            self.changed_in_flight.add(target)  # look again once the worker is done
            return
        if self._busy(target):
            return
        self._track(target, index, renamed=renamed)

    def _track(self, path: Path, index: int, *, renamed: bool = False, event: bool = True) -> None:
        fresh = path not in self.tracker
        self.tracker.touch(path, index, renamed=renamed, event=event)
        if fresh:
            _transition("seen", path, self.inboxes[index].config.label, how="renamed in" if renamed else None)
            self._status_dirty = True

    def _forget(self, path: Path) -> None:
        if self.tracker.forget(path) is not None:
            self._status_dirty = True

    def _tick(self) -> None:
        now = time.monotonic()
        if self._warming and all(f.done() for f in self._warming):
            self._ready()
        for future in [f for f in self.in_flight if f.done()]:
            self._complete(future)
        for verdict in self.tracker.due():
            self._decide(verdict)
        while self.retries and self.retries[0][0] <= now:
            _, _, pending = heapq.heappop(self.retries)
            self.ready.append(pending)
        self._dispatch()
        if now >= self._next_rescan:
            for index in range(len(self.inboxes)):
                self._request_scan(index)
            self._next_rescan = now + self.config.sync.rescan_minutes * 60
        if now >= self._next_health:
            self._check_observers()
            self._next_health = now + 2.0
        self._write_status()

    def _decide(self, verdict: Verdict) -> None:
        cand = verdict.candidate
        state = self.inboxes[cand.inbox]
        label = state.config.label
        if verdict.kind == "gone":
            _transition("vanished", cand.path, label, level=logging.DEBUG)
            self._status_dirty = True
            return
        sig = verdict.sig
        assert sig is not None
        if verdict.kind == "not_regular":
            if sig.symlink:
                escape = symlink_escapes(cand.path, state.root)
                if escape is not None:
                    self._quarantine(
                        _Pending(cand.path, cand.inbox, sig.size, sig.mtime),
                        f"a symbolic link that points outside the inbox (to {escape}); refused",
                        copy=False,
                    )
                    return
                # A link inside the inbox: let ingest follow it (it will be a duplicate of its target).
            else:
                _transition("ignored", cand.path, label, reason=verdict.note)
                return
        key = (str(cand.path), sig.size, round(sig.mtime, 3))
        if key in self.quarantined_keys:
            return
        try:
            settled = self.ledger.settled(cand.path, sig.size, sig.mtime)
        except Exception as exc:  # a busy store: let the worker decide
            log.debug("ledger pre-check failed for %s: %s", cand.path, exc)
            settled = None
        if settled is not None:  # this exact version is done (an attribute change, a rescan)
            log.debug("%s already %s; skipped", cand.path, settled)
            return
        _transition("stable", cand.path, label, size=sig.size, note=verdict.note or None)
        self.ready.append(_Pending(cand.path, cand.inbox, sig.size, sig.mtime))
        self._status_dirty = True

    def _dispatch(self) -> None:
        assert self.executor is not None
        skipped: list[_Pending] = []
        while self.ready and len(self.in_flight) < self.workers and not self._stop.is_set():
            pending = self.ready.popleft()
            if pending.path in self.in_flight_paths:
                skipped.append(pending)
                continue
            if self._may_be_copy_in_flight(pending):
                skipped.append(pending)
                continue
            state = self.inboxes[pending.inbox]
            inbox = state.config
            job = Job(
                path=str(pending.path),
                inbox=pending.inbox,
                root=str(state.root),
                adapter=inbox.adapter,
                organisation=inbox.organisation,
                medium=inbox.medium.value if inbox.medium else None,
                options=dict(inbox.options),
                attempt=pending.attempt,
                size=pending.size,
                mtime=pending.mtime,
            )
            _transition(
                "ingesting",
                pending.path,
                inbox.label,
                attempt=pending.attempt if pending.attempt > 1 else None,
            )
            try:
                future = self.executor.submit(self.ingest_fn or run_job, job)
            except (BrokenProcessPool, RuntimeError):
                self.ready.appendleft(pending)
                self._renew_executor()
                break
            self.in_flight[future] = pending
            self.in_flight_paths.add(pending.path)
            future.add_done_callback(self._wake)
            self._status_dirty = True
        self.ready.extendleft(reversed(skipped))

    def _may_be_copy_in_flight(self, pending: _Pending) -> bool:
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

    def _renew_executor(self) -> None:
        old = self.executor
        self.executor = self._new_executor()
        if old is not None:
            old.shutdown(wait=False, cancel_futures=True)

    def _complete(self, future: cf.Future[Result]) -> None:
        pending = self.in_flight.pop(future)
        self.in_flight_paths.discard(pending.path)
        self._status_dirty = True
        state = self.inboxes[pending.inbox]
        try:
            result = future.result()
        except BrokenProcessPool:
            # A worker died (out of memory, killed): every file it held is retried; a file that
            # keeps killing workers ends in quarantine after max_attempts.
            result = Result(str(pending.path), "retry", "the worker process died while reading the file")
            if isinstance(self.executor, cf.ProcessPoolExecutor) and getattr(self.executor, "_broken", False):
                self._renew_executor()
        except Exception as exc:  # the ingest function itself failed (test doubles, bugs)
            from dossierlink.sync.worker import is_transient

            status = "retry" if is_transient(exc) else "error"
            result = Result(str(pending.path), status, f"{type(exc).__name__}: {exc}")
        self._settle(pending, state, result)
        if pending.path in self.changed_in_flight:
            self.changed_in_flight.discard(pending.path)
            if pending.path.exists():
                self._track(pending.path, pending.inbox)

    def _settle(self, pending: _Pending, state: _InboxState, result: Result) -> None:
        label = state.config.label
        status = result.status
        if status == "retry":
            if pending.attempt >= self.config.sync.max_attempts:
                self._quarantine(
                    pending,
                    f"gave up after {pending.attempt} attempts: {result.reason}",
                    adapter=result.adapter,
                )
                return
            delay = min(60.0, 0.5 * 2 ** (pending.attempt - 1))
            _transition(
                "retrying",
                pending.path,
                label,
                logging.WARNING,
                reason=result.reason,
                attempt=pending.attempt,
                wait=f"{delay:g}s",
            )
            pending.attempt += 1
            self._seq += 1
            heapq.heappush(self.retries, (time.monotonic() + delay, self._seq, pending))
            return
        if status == "error":
            self._quarantine(
                pending, result.reason or "unknown error", adapter=result.adapter, recorded=False
            )
            return
        if status == "quarantined":
            self._quarantine(pending, result.reason or "rejected", adapter=result.adapter, recorded=True)
            return
        # ingested, duplicate, skipped (unchanged since last read)
        self._count(state, status)
        if result.dossier_ids:
            self._last_reconcile = now_iso()
        state.last_ingested = {"path": str(pending.path), "status": status, "at": now_iso()}
        _transition(
            status if status != "skipped" else "unchanged",
            pending.path,
            label,
            adapter=result.adapter,
            records=result.records if status == "ingested" else None,
            dossiers=len(result.dossier_ids) or None,
            reason=result.reason if status == "duplicate" else None,
            seconds=round(result.seconds, 3),
        )
        archive = self.config.sync.archive
        if archive is not None and status in ("ingested", "duplicate"):
            try:
                target = archive_file(pending.path, state.root, archive, state.config.name or state.root.name)
                _transition("archived", pending.path, label, to=str(target))
            except OSError as exc:
                _transition("archive-failed", pending.path, label, logging.WARNING, reason=str(exc))

    def _count(self, state: _InboxState, status: str) -> None:
        state.counts[status] = state.counts.get(status, 0) + 1
        self.totals[status] = self.totals.get(status, 0) + 1

    def _quarantine(
        self,
        pending: _Pending,
        reason: str,
        *,
        adapter: str | None = None,
        recorded: bool = False,
        copy: bool = True,
    ) -> None:
        state = self.inboxes[pending.inbox]
        label = state.config.label
        inbox = state.config
        details = {
            "reason": reason,
            "adapter": adapter or inbox.adapter,
            "inbox": label,
            "organisation": inbox.organisation,
            "time": now_iso(),
            "attempts": pending.attempt,
            "size": pending.size,
            "mtime": pending.mtime,
        }
        sidecar: Path | None = None
        try:
            folder = inbox.name or state.root.name
            sidecar = quarantine_file(pending.path, self.config.sync.quarantine, folder, details, copy=copy)
        except OSError as exc:
            _transition("quarantine-failed", pending.path, label, logging.ERROR, reason=str(exc))
        if not recorded:
            self._record_quarantine(pending, reason, adapter or inbox.adapter)
        self.quarantined_keys.add((str(pending.path), pending.size, round(pending.mtime, 3)))
        self._count(state, "quarantined")
        state.quarantined.appendleft(
            {"path": str(pending.path), "reason": scrub(reason), "at": now_iso(), "attempts": pending.attempt}
        )
        _transition(
            "quarantined", pending.path, label, reason=reason, sidecar=str(sidecar) if sidecar else None
        )

    def _record_quarantine(self, pending: _Pending, reason: str, adapter: str) -> None:
        """Put a daemon-made rejection into the ledger, so a restart does not try the file again."""
        if self.chain is None:
            return
        inbox = self.inboxes[pending.inbox].config
        try:
            self.chain.store.record_outcome(
                path=str(pending.path),
                sha256=None,
                size=pending.size,
                mtime=pending.mtime,
                status="quarantined",
                adapter=adapter,
                organisation=inbox.organisation,
                medium=inbox.medium.value if inbox.medium else None,
                error=scrub(reason),
            )
        except Exception as exc:  # the sidecar still says it; the next start reads those
            log.warning("could not record the quarantine of %s in the store: %s", pending.path, exc)

    def _load_quarantined(self) -> None:
        """Sidecars written earlier name files already rejected (a fallback beside the ledger)."""
        for sidecar in self.config.sync.quarantine.rglob("*.error.json"):
            try:
                data = json.loads(sidecar.read_text(encoding="utf-8"))
                self.quarantined_keys.add(
                    (str(data["original"]), int(data["size"]), round(float(data["mtime"]), 3))
                )
            except (OSError, ValueError, KeyError, TypeError):
                continue

    def _restore_sidecars(self) -> None:
        """Write the sidecar of a rejection the store recorded but a killed daemon never wrote.

        The worker records a quarantined file in the store before the daemon copies it aside; a
        ``kill -9`` in between would leave a settled file without its readable error.
        """
        ledger = Ledger(self.store)
        try:
            for index, state in enumerate(self.inboxes):
                for row in ledger.quarantined_under(state.root):
                    path = Path(row["path"])
                    try:
                        st = os.lstat(path)
                    except OSError:
                        continue  # gone since: nothing left to copy aside
                    if not Ledger.is_settled(
                        {str(path): [(row["size"], row["mtime"])]}, path, st.st_size, st.st_mtime
                    ):
                        continue  # another version now: the scan will take it
                    if (str(path), st.st_size, round(st.st_mtime, 3)) in self.quarantined_keys:
                        continue
                    pending = _Pending(path, index, st.st_size, st.st_mtime)
                    pending.attempt = int(row["attempts"] or 1)
                    reason = f"{row['error'] or 'rejected'} (sidecar written after an interrupted run)"
                    self._quarantine(pending, reason, adapter=row["adapter"], recorded=True)
        finally:
            ledger.close()

    def _once_finished(self) -> bool:
        if self._scans_outstanding or self.in_flight or self.ready or self.retries:
            return False
        if not len(self.tracker):
            return True
        if time.monotonic() > self._once_deadline:
            for cand in list(self.tracker.candidates.values()):
                _transition(
                    "deferred",
                    cand.path,
                    self.inboxes[cand.inbox].config.label,
                    reason="still changing; left for the next run",
                )
            return True
        return False

    # -- status ---------------------------------------------------------------------------------

    def _write_status(self, *, force: bool = False, state: str = "running") -> None:
        now = time.monotonic()
        if not force and (not self._status_dirty or now - self._last_status < self.status_interval):
            return
        self._last_status = now
        self._status_dirty = False
        pending_by: dict[int, list[str]] = {}
        for cand in self.tracker.candidates.values():
            pending_by.setdefault(cand.inbox, []).append(str(cand.path))
        for p in list(self.ready) + [p for _, _, p in self.retries]:
            pending_by.setdefault(p.inbox, []).append(str(p.path))
        flight_by: dict[int, list[str]] = {}
        for p in self.in_flight.values():
            flight_by.setdefault(p.inbox, []).append(str(p.path))
        inboxes = []
        for index, s in enumerate(self.inboxes):
            pending = pending_by.get(index, [])
            inboxes.append(
                {
                    "label": s.config.label,
                    "path": str(s.root),
                    "organisation": s.config.organisation,
                    "adapter": s.config.adapter,
                    "mode": s.mode,
                    "mode_reason": s.mode_reason,
                    "state": "down"
                    if s.down_since is not None
                    else ("scanning" if s.scanning else "watching"),
                    "pending": len(pending),
                    "pending_files": sorted(pending)[:RECENT],
                    "in_flight": flight_by.get(index, []),
                    "last_scan": s.last_scan,
                    "last_ingested": s.last_ingested,
                    "counts": dict(s.counts),
                    "quarantined": list(s.quarantined),
                }
            )
        status = {
            "state": state,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": self._started,
            "updated": now_iso(),
            "store": str(self.store),
            "config": str(self.config.source) if self.config.source else None,
            "once": self.once,
            "workers": self.workers,
            "totals": dict(self.totals),
            "last_reconcile": self._last_reconcile,
            "inboxes": inboxes,
        }
        try:
            write_status(self.store, status)
        except OSError as exc:
            log.warning("cannot write the status file: %s", exc)


_HASH_LIMIT = 8 << 20


def _quick_sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


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
