"""The dispatcher's file queue: from a sighting to a stable file, to a worker, to its final state.

A touched file waits in the stability tracker; a stable one is admitted (or refused: a symlink out
of the inbox, a version already quarantined or settled in the ledger) into the ready queue; the
pool takes it as a Job; its Result settles it as ingested, duplicate or unchanged (and maybe
archived), retries it with back-off, or quarantines it. Runs on the dispatcher thread only.
"""

from __future__ import annotations

import concurrent.futures as cf
import heapq
import logging
import os
import shutil
import threading
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from dossierlink.config import Config
from dossierlink.ingest.quarantine import free_name, owner_only_dir, safe_label
from dossierlink.store.ledger import Ledger
from dossierlink.sync.inbox import InboxState, Pending, Tally
from dossierlink.sync.intake import Gone, Sighting
from dossierlink.sync.pool import WorkerPool
from dossierlink.sync.quarantine import Quarantine
from dossierlink.sync.stability import StabilityTracker, Verdict
from dossierlink.sync.status import StatusFile, log, now_iso, transition
from dossierlink.sync.worker import Job, Result

__all__ = ["Dispatcher", "archive_file", "symlink_escapes", "waits_for_environment"]

# Retry reasons that are the machine's, not the file's: the file waits instead of being given up.
_ENVIRONMENT = (
    "no space left",
    "disk is full",
    "disk quota",
    "permission denied",
    "read-only file system",
    "fix its permissions",
)


WAIT_FOR_DISK_S = 60.0  # between tries of a quarantine that could not be written


def waits_for_environment(reason: str | None) -> bool:
    """True when a retry's reason is a condition of the machine (disk full, permission denied)."""
    text = (reason or "").lower()
    return any(word in text for word in _ENVIRONMENT)


def symlink_escapes(path: Path, root: Path) -> str | None:
    """For a symlink, where it points when that is outside ``root``; None for a link that stays inside."""
    try:
        target = Path(os.path.realpath(path))
        real_root = Path(os.path.realpath(root))
    except OSError:
        return "an unresolvable target"
    if target.is_relative_to(real_root):
        return None
    return str(target)


def archive_file(path: Path, root: Path, archive: Path, inbox_label: str) -> Path:
    """Move an ingested file out of its inbox into ``archive/<inbox>/<relative path>``; return the target."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = Path(path.name)
    target = archive / safe_label(inbox_label) / rel
    folder = archive
    owner_only_dir(folder)  # archived exports hold case data: owner-only whatever the umask
    for part in target.parent.relative_to(archive).parts:
        folder = folder / part
        owner_only_dir(folder)
    if target.exists():
        target = free_name(target.parent, target.name)
    shutil.move(str(path), str(target))
    return target


class Dispatcher:
    """The files between intake and their final state: tracked, ready, in a worker, or awaiting a retry."""

    def __init__(
        self,
        config: Config,
        store: Path,
        inboxes: list[InboxState],
        *,
        tracker: StabilityTracker,
        pool: WorkerPool,
        quarantine: Quarantine,
        tally: Tally,
        status: StatusFile,
        stopping: threading.Event,
    ) -> None:
        self.config = config
        self.inboxes = inboxes
        self.tracker = tracker
        self.pool = pool
        self.quarantine = quarantine
        self.tally = tally
        self.status = status
        self.stopping = stopping
        self.ledger = Ledger(store)
        self.ready: deque[Pending] = deque()
        self.retries: list[tuple[float, int, Pending]] = []  # heap by due time
        self.changed_in_flight: set[Path] = set()
        self.last_reconcile: str | None = None
        self._seq = 0

    def close(self) -> None:
        self.ledger.close()

    # -- what the daemon asks -------------------------------------------------------------------

    def idle(self) -> bool:
        """Nothing ready, in a worker or waiting for a retry (the tracker may still hold files)."""
        return not (self.pool.in_flight or self.ready or self.retries)

    def next_due(self, now: float) -> list[float]:
        """The moments the dispatcher must look again (monotonic seconds)."""
        deadlines = []
        due = self.tracker.next_due()
        if due is not None:
            deadlines.append(due)
        if self.retries:
            deadlines.append(self.retries[0][0])
        if self.pool.in_flight:
            deadlines.append(now + 1.0)  # a safety net: a finished future wakes the loop itself
        return deadlines

    def pending(self) -> Iterator[tuple[int, Path]]:
        """(inbox, path) of every file seen but not yet in a worker."""
        for cand in self.tracker.candidates.values():
            yield cand.inbox, cand.path
        for p in list(self.ready) + [p for _, _, p in self.retries]:
            yield p.inbox, p.path

    def in_flight(self) -> Iterator[tuple[int, Path]]:
        for p in self.pool.in_flight.values():
            yield p.inbox, p.path

    # -- sightings ------------------------------------------------------------------------------

    def notice(self, sighting: Sighting) -> None:
        """Start (or restart) the stability wait of a touched file; drop a file that went away."""
        if isinstance(sighting, Gone):
            if self.tracker.forget(sighting.path) is not None:
                self.status.changed()
            return
        path = sighting.path
        if not sighting.event:  # found by a scan: only news when nothing holds it yet
            if path not in self.tracker and not self._busy(path):
                self._track(path, sighting.inbox, event=False)
            return
        if path in self.pool.in_flight_paths:
            self.changed_in_flight.add(path)  # look again once the worker is done
            return
        if self._busy(path):
            return
        self._track(path, sighting.inbox, renamed=sighting.renamed)

    def _busy(self, path: Path) -> bool:
        return (
            path in self.pool.in_flight_paths
            or any(p.path == path for p in self.ready)
            or any(p.path == path for _, _, p in self.retries)
        )

    def _track(self, path: Path, index: int, *, renamed: bool = False, event: bool = True) -> None:
        fresh = path not in self.tracker
        self.tracker.touch(path, index, renamed=renamed, event=event)
        if fresh:
            transition("seen", path, self.inboxes[index].config.label, how="renamed in" if renamed else None)
            self.status.changed()

    # -- one turn of the loop -------------------------------------------------------------------

    def tick(self, now: float) -> None:
        """Settle finished jobs, admit stable files, release due retries, and fill the pool."""
        for future in self.pool.finished():
            self.complete(future)
        for verdict in self.tracker.due():
            self._admit(verdict)
        while self.retries and self.retries[0][0] <= now:
            _, _, pending = heapq.heappop(self.retries)
            self.ready.append(pending)
        self._dispatch()

    def _admit(self, verdict: Verdict) -> None:
        cand = verdict.candidate
        state = self.inboxes[cand.inbox]
        label = state.config.label
        if verdict.kind == "gone":
            transition("vanished", cand.path, label, level=logging.DEBUG)
            self.status.changed()
            return
        sig = verdict.sig
        assert sig is not None
        if verdict.kind == "not_regular":
            if sig.symlink:
                escape = symlink_escapes(cand.path, state.root)
                if escape is not None:
                    self.quarantine.put(
                        Pending(cand.path, cand.inbox, sig.size, sig.mtime),
                        f"a symbolic link that points outside the inbox (to {escape}); refused",
                        copy=False,
                    )
                    return
                # A link inside the inbox: let ingest follow it (it will be a duplicate of its target).
            else:
                transition("ignored", cand.path, label, reason=verdict.note)
                return
        if self.quarantine.holds(cand.path, sig.size, sig.mtime):
            return
        try:
            settled = self.ledger.settled(cand.path, sig.size, sig.mtime)
        except Exception as exc:  # a busy store: let the worker decide
            log.debug("ledger pre-check failed for %s: %s", cand.path, exc)
            settled = None
        if settled is not None:  # this exact version is done (an attribute change, a rescan)
            log.debug("%s already %s; skipped", cand.path, settled)
            return
        transition("stable", cand.path, label, size=sig.size, note=verdict.note or None)
        self.ready.append(Pending(cand.path, cand.inbox, sig.size, sig.mtime))
        self.status.changed()

    def _dispatch(self) -> None:
        skipped: list[Pending] = []
        while self.ready and not self.pool.full() and not self.stopping.is_set():
            pending = self.ready.popleft()
            if pending.path in self.pool.in_flight_paths or self.pool.holds_copy_of(pending):
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
                # Exports may refer to document files beside the inbox: the inbox's `root` allows that.
                options=({"documents_root": str(inbox.root)} if inbox.root else {}) | dict(inbox.options),
                attempt=pending.attempt,
                size=pending.size,
                mtime=pending.mtime,
            )
            transition(
                "ingesting",
                pending.path,
                inbox.label,
                attempt=pending.attempt if pending.attempt > 1 else None,
            )
            if not self.pool.submit(pending, job):
                self.ready.appendleft(pending)
                break
            self.status.changed()
        self.ready.extendleft(reversed(skipped))

    # -- results --------------------------------------------------------------------------------

    def complete(self, future: cf.Future[Result]) -> None:
        """Settle one finished job; a file changed while in the worker is looked at again."""
        pending, result = self.pool.complete(future)
        self.status.changed()
        self._settle(pending, self.inboxes[pending.inbox], result)
        if pending.path in self.changed_in_flight:
            self.changed_in_flight.discard(pending.path)
            if pending.path.exists():
                self._track(pending.path, pending.inbox)

    def _quarantine(
        self, pending: Pending, reason: str, *, adapter: str | None, recorded: bool = False
    ) -> None:
        """Quarantine the file; when the copy, sidecar or ledger row cannot be written (disk full), retry later."""
        if self.quarantine.put(pending, reason, adapter=adapter, recorded=recorded):
            return
        transition(
            "waiting",
            pending.path,
            self.inboxes[pending.inbox].config.label,
            logging.WARNING,
            reason=f"its quarantine could not be written (disk full?); tried again in {WAIT_FOR_DISK_S:g}s",
        )
        self._seq += 1
        heapq.heappush(self.retries, (time.monotonic() + WAIT_FOR_DISK_S, self._seq, pending))

    def _settle(self, pending: Pending, state: InboxState, result: Result) -> None:
        label = state.config.label
        status = result.status
        if status == "retry":
            if pending.attempt >= self.config.sync.max_attempts and not waits_for_environment(result.reason):
                self._quarantine(
                    pending,
                    f"gave up after {pending.attempt} attempts: {result.reason}",
                    adapter=result.adapter,
                )
                return
            # A full disk or a missing permission is no fault of the file: it waits (at most a
            # minute between tries) until the condition is fixed, instead of being given up.
            delay = min(WAIT_FOR_DISK_S, 0.5 * 2 ** (pending.attempt - 1))
            transition(
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
            self._quarantine(pending, result.reason or "unknown error", adapter=result.adapter)
            return
        if status == "quarantined":
            self._quarantine(pending, result.reason or "rejected", adapter=result.adapter, recorded=True)
            return
        # ingested, duplicate, skipped (unchanged since last read)
        self.tally.count(state, status)
        if result.dossier_ids:
            self.last_reconcile = now_iso()
        state.last_ingested = {"path": str(pending.path), "status": status, "at": now_iso()}
        transition(
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
                transition("archived", pending.path, label, to=str(target))
            except OSError as exc:
                transition("archive-failed", pending.path, label, logging.WARNING, reason=str(exc))
