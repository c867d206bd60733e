"""Event intake: what tells the daemon a file may have arrived — watchdog observers, polling, scans.

The scan is the truth and events are a speed-up: every inbox is walked at start, every
``rescan_minutes`` and after its observer restarts. Observers only *enqueue* (a handler error is
logged, never fatal) and are checked every 2 s; a dead one is restarted with back-off. Network
filesystems, which send no events for changes made elsewhere, are polled. ``Intake.read`` turns
each queued item into ``Touched`` / ``Gone`` sightings for the dispatcher; it never parses a file.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from dossierlink.config import InboxConfig
from dossierlink.store.ledger import Ledger
from dossierlink.sync.inbox import InboxState
from dossierlink.sync.status import StatusFile, log, now_iso, transition

__all__ = [
    "NETWORK_FILESYSTEMS",
    "Gone",
    "Intake",
    "ObserverFactory",
    "Sighting",
    "Touched",
    "default_observer",
    "filesystem_type",
    "is_ignored",
    "scan_inbox",
]

ObserverFactory = Callable[[InboxConfig, str], Any]

HEALTH_SECONDS = 2.0  # how often observers are checked

# Sysctls to raise when inotify runs out, by errno.
_INOTIFY_LIMITS = {28: "fs.inotify.max_user_watches", 24: "fs.inotify.max_user_instances"}

# Filesystems whose changes made elsewhere (another client, the server) never reach inotify.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "9p",
        "virtiofs",
        "fuse.sshfs",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.glusterfs",
        "davfs",
        "fuse.davfs2",
        "ncpfs",
        "afs",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
    }
)


@attrs.frozen
class Touched:
    """A file in an inbox was written, renamed in (``renamed``), or found by a scan (``event=False``)."""

    path: Path
    inbox: int
    renamed: bool = False
    event: bool = True


@attrs.frozen
class Gone:
    """A file was deleted or moved away."""

    path: Path


Sighting = Touched | Gone


# --- the filesystem ----------------------------------------------------------------------------


def is_ignored(path: Path, root: Path, patterns: Sequence[str]) -> bool:
    """True when the file's name, or any folder between it and the inbox root, matches a pattern."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        parts = (path.name,)
    return any(fnmatch.fnmatchcase(part, pat) for part in parts for pat in patterns)


def scan_inbox(root: Path, *, recursive: bool, patterns: Sequence[str]) -> Iterator[Path]:
    """Every file in an inbox that is not ignored; unreadable subfolders are skipped, never fatal."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue
        for entry in entries:
            if any(fnmatch.fnmatchcase(entry.name, pat) for pat in patterns):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if recursive:
                    stack.append(Path(entry.path))
                continue
            yield Path(entry.path)


def filesystem_type(path: Path, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    """The type of the filesystem holding ``path`` (from /proc/mounts), or None when unknown."""
    try:
        real = os.path.realpath(path)
        lines = mounts_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    best: tuple[int, str] | None = None
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        # /proc/mounts escapes spaces and tabs in mount points as octal.
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[1])
        inside = real == point or real.startswith(point.rstrip("/") + "/") or point == "/"
        if inside and (best is None or len(point) >= best[0]):
            best = (len(point), fields[2])
    return best[1] if best else None


# --- watchdog ----------------------------------------------------------------------------------


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


def _stop_one(observer: Any) -> None:
    try:
        observer.stop()
        if observer.is_alive():
            observer.join(timeout=2.0)
    except Exception as exc:  # a dying observer may fail to stop; it is a daemon thread
        log.debug("observer did not stop cleanly: %s", exc)


def _observer_healthy(observer: Any) -> bool:
    if observer is None:
        return False
    try:
        if not observer.is_alive():
            return False
        return all(e.is_alive() for e in getattr(observer, "emitters", ()))
    except Exception:
        return False


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


# --- the intake --------------------------------------------------------------------------------


class Intake:
    """The inboxes' observers and scanner thread, and the queue they (and the workers) fill.

    The dispatcher thread reads ``events`` and hands each item to ``read``; other threads only put.
    With ``once`` nothing is watched: each inbox is scanned one time.
    """

    def __init__(
        self,
        inboxes: Sequence[InboxConfig],
        store: Path,
        status: StatusFile,
        stopping: threading.Event,
        *,
        once: bool,
        rescan_minutes: float,
        observer_factory: ObserverFactory = default_observer,
    ) -> None:
        self.inboxes = [InboxState(i, _resolve(i.path)) for i in inboxes]
        self.store = store
        self.status = status
        self.stopping = stopping
        self.once = once
        self.rescan_minutes = rescan_minutes
        self.observer_factory = observer_factory
        self.events: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self.scans_outstanding = 0
        self._scan_queue: queue.Queue[tuple[int, Path | None] | None] = queue.Queue()
        self._scan_thread: threading.Thread | None = None
        self._next_rescan = float("inf")
        self._next_health = 0.0

    def wake(self, _done: object = None) -> None:
        """Wake the dispatcher (a worker finished, or the daemon is asked to stop)."""
        self.events.put(("wake",))

    # -- start and stop -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the scanner, watch every inbox (unless ``once``) and ask for its first scan."""
        self._scan_thread = threading.Thread(target=self._scanner, name="sync-scanner", daemon=True)
        self._scan_thread.start()
        for index, state in enumerate(self.inboxes):
            if self.once:
                state.mode, state.mode_reason = "once", "--once: one scan, no watching"
            else:
                self._start_observer(index, state)
            self.request_scan(index)
        # From now on every inbox is rescanned each ``rescan_minutes`` (0: only at start).
        if not self.once and self.rescan_minutes > 0:
            self._next_rescan = time.monotonic() + self.rescan_minutes * 60

    def stop(self) -> None:
        for state in self.inboxes:
            self._stop_observer(state)
        self._scan_queue.put(None)

    # -- the dispatcher's side ------------------------------------------------------------------

    def next_due(self) -> float:
        """When the next rescan or observer check is due (monotonic seconds)."""
        return min(self._next_rescan, self._next_health)

    def tick(self, now: float) -> None:
        """The periodic rescan and the observers' health check, when due."""
        if now >= self._next_rescan:
            for index in range(len(self.inboxes)):
                self.request_scan(index)
            self._next_rescan = now + self.rescan_minutes * 60
        if now >= self._next_health:
            self._check_observers()
            self._next_health = now + HEALTH_SECONDS

    def read(self, item: tuple[Any, ...]) -> list[Sighting]:
        """One queued item as the files it concerns; scan bookkeeping is done here."""
        kind = item[0]
        if kind == "fs":
            _, index, event_type, is_dir, src, dest = item
            return self._on_event(index, event_type, is_dir, src, dest)
        if kind == "found":
            _, index, raw = item
            return [Touched(Path(raw), index, event=False)]
        if kind == "scan-done":
            _, index, partial, found = item
            self.scans_outstanding -= 1
            state = self.inboxes[index]
            if not partial:
                state.scanning = False
                state.last_scan = now_iso()
                log.debug("scan of %s done: %d to check", state.root, found)
                if state.rescan_wanted:
                    state.rescan_wanted = False
                    self.request_scan(index)
            self.status.changed()
        elif kind == "scan-error":
            _, index, reason = item
            transition(
                "scan-error",
                self.inboxes[index].root,
                self.inboxes[index].config.label,
                logging.WARNING,
                reason=reason,
            )
        return []

    def _on_event(self, index: int, event_type: str, is_dir: bool, src: str, dest: str) -> list[Sighting]:
        state = self.inboxes[index]
        if is_dir:
            if event_type == "moved" and not dest:
                return []  # moved out of the inbox (a full event without a destination)
            if event_type in ("created", "moved") and state.config.recursive:
                target = Path(dest or src)
                if target.is_relative_to(state.root) and not is_ignored(
                    target, state.root, state.config.ignore
                ):
                    self.request_scan(index, target)  # a folder moved in brings files without events
            return []
        if event_type == "deleted":
            return [Gone(Path(src))]
        sightings: list[Sighting] = []
        if event_type == "moved":
            sightings.append(Gone(Path(src)))
            target, renamed = Path(dest), True
        else:
            target, renamed = Path(src), False
        if not target.is_relative_to(state.root) or is_ignored(target, state.root, state.config.ignore):
            return sightings
        if not state.config.recursive and target.parent != state.root:
            return sightings
        sightings.append(Touched(target, index, renamed=renamed))
        return sightings

    # -- scanning -------------------------------------------------------------------------------

    def request_scan(self, index: int, sub: Path | None = None) -> None:
        """Walk an inbox (or, with ``sub``, one folder in it) on the scanner thread."""
        state = self.inboxes[index]
        if sub is None and state.scanning:
            state.rescan_wanted = True
            return
        if sub is None:
            state.scanning = True
        self.scans_outstanding += 1
        self._scan_queue.put((index, sub))

    def _scanner(self) -> None:
        """Walk inboxes off the dispatcher thread (a slow share must not stall it)."""
        ledger = Ledger(self.store)
        try:
            while True:
                item = self._scan_queue.get()
                if item is None or self.stopping.is_set():
                    return
                index, sub = item
                state = self.inboxes[index]
                found = 0
                try:
                    known = ledger.settled_under(state.root)
                    top = sub or state.root
                    recursive = state.config.recursive or sub is not None
                    for path in scan_inbox(top, recursive=recursive, patterns=state.config.ignore):
                        if self.stopping.is_set():
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

    # -- observers ------------------------------------------------------------------------------

    def _choose_mode(self, state: InboxState) -> tuple[str, str]:
        inbox = state.config
        if state.degraded:
            return "poll", state.degraded
        if inbox.mode != "auto":
            return inbox.mode, "configured"
        fstype = filesystem_type(state.root)
        if fstype in NETWORK_FILESYSTEMS or (fstype or "").startswith("fuse."):
            return "poll", f"the folder is on {fstype}: changes made elsewhere send no events"
        return "native", f"local filesystem ({fstype or 'unknown'})"

    def _start_observer(self, index: int, state: InboxState) -> bool:
        """Start watching one inbox; False when it cannot be watched now (retried with back-off)."""
        inbox = state.config
        if not state.root.is_dir():
            self._mark_down(state, "the inbox folder is missing")
            return False
        mode, reason = self._choose_mode(state)
        try:
            observer = self._schedule(index, state, mode)
        except OSError as exc:
            if mode != "native" or exc.errno not in _INOTIFY_LIMITS:
                self._mark_down(state, f"cannot watch the folder: {exc.strerror or exc}")
                return False
            sysctl = _INOTIFY_LIMITS[exc.errno]
            transition(
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
                self._mark_down(state, f"cannot watch the folder: {exc2.strerror or exc2}")
                return False
        state.observer, state.mode, state.mode_reason, state.down_since = observer, mode, reason, None
        transition("watching", state.root, inbox.label, mode=mode, why=reason)
        self.status.changed()
        return True

    def _schedule(self, index: int, state: InboxState, mode: str) -> Any:
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
            _stop_one(observer)
            raise
        return observer

    def _stop_observer(self, state: InboxState) -> None:
        if state.observer is not None:
            _stop_one(state.observer)
            state.observer = None

    def _mark_down(self, state: InboxState, reason: str) -> None:
        if state.down_since is None:
            state.down_since = time.monotonic()
            transition("inbox-down", state.root, state.config.label, logging.WARNING, reason=reason)
        state.restarts += 1
        state.restart_at = time.monotonic() + min(60.0, 2.0 ** min(state.restarts, 6))
        state.mode_reason = reason
        self.status.changed()

    def _check_observers(self) -> None:
        now = time.monotonic()
        for index, state in enumerate(self.inboxes):
            if self.once:
                continue
            if state.observer is not None and _observer_healthy(state.observer) and state.root.is_dir():
                continue
            if state.observer is not None:
                self._stop_observer(state)
                self._mark_down(state, "the watcher stopped (folder gone, share unmounted or busy)")
                continue
            if now >= state.restart_at and self._start_observer(index, state):
                transition("restarted", state.root, state.config.label, mode=state.mode)
                state.restarts = 0
                self.request_scan(index)  # events were missed while it was down
