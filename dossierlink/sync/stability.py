"""The stability tracker: a file is handed to a worker only once its writer is done with it.

A candidate is *stable* when (1) no event has touched it for ``stability_seconds`` — its mtime
counts as the last event, so a file found by a scan that has not changed in an hour need not wait
again — or it was renamed into the inbox (an atomic rename means "done writing"), (2) two checks
``check_interval`` apart (0.1 s for a renamed file) see the same size, mtime and inode, (3) it is
still a regular file, and (4) a PDF ends in ``%%EOF``. A PDF that never gets its ``%%EOF`` is
handed over anyway once it has not changed for ``pdf_grace`` seconds, so that a truncated scan is
quarantined rather than waited on forever. The tracker does no I/O besides ``lstat`` and a tail read, and takes its clock as an
argument so it can be tested without sleeping.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import attrs

__all__ = ["Candidate", "Signature", "StabilityTracker", "Verdict", "pdf_is_complete", "signature"]

PDF_TAIL_BYTES = 2048
RENAMED_CHECK_INTERVAL = 0.1  # seconds between the two checks of a file renamed in


@attrs.frozen
class Signature:
    """What two checks must agree on."""

    size: int
    mtime_ns: int
    inode: int
    regular: bool
    symlink: bool

    @property
    def mtime(self) -> float:
        return self.mtime_ns / 1e9


def signature(path: Path) -> Signature | None:
    """The file's signature by ``lstat`` (a symlink is not followed), or None when it is gone."""
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return Signature(
        size=st.st_size,
        mtime_ns=st.st_mtime_ns,
        inode=st.st_ino,
        regular=stat.S_ISREG(st.st_mode),
        symlink=stat.S_ISLNK(st.st_mode),
    )


def pdf_is_complete(path: Path) -> bool:
    """True when the file's last bytes hold the ``%%EOF`` marker (a writer has finished the PDF)."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - PDF_TAIL_BYTES))
            return b"%%EOF" in fh.read(PDF_TAIL_BYTES)
    except OSError:
        return False


@attrs.define
class Candidate:
    """A file the tracker is watching settle."""

    path: Path
    inbox: int  # index into the configuration's inboxes
    last_event: float  # monotonic time of the last event (or discovery)
    renamed: bool = False
    sig: Signature | None = None
    checked_at: float = 0.0  # monotonic time ``sig`` was taken
    unchanged_since: float = 0.0  # monotonic time since which ``sig`` has held
    events: int = 0


@attrs.frozen
class Verdict:
    """What became of a candidate on a check: 'stable', 'gone', or 'not_regular'."""

    kind: str
    candidate: Candidate
    sig: Signature | None = None
    note: str = ""


class StabilityTracker:
    """Holds candidates until they are stable; the dispatcher calls :meth:`touch` and :meth:`due`."""

    def __init__(
        self,
        stability_seconds: float,
        *,
        check_interval: float | None = None,
        pdf_grace: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        wallclock: Callable[[], float] = time.time,
        stat_fn: Callable[[Path], Signature | None] = signature,
        pdf_complete: Callable[[Path], bool] = pdf_is_complete,
    ) -> None:
        self.stability = stability_seconds
        self.check_interval = (
            check_interval if check_interval is not None else min(1.0, max(0.1, stability_seconds / 4))
        )
        self.pdf_grace = pdf_grace if pdf_grace is not None else max(10 * stability_seconds, 5.0)
        self.clock = clock
        self.wallclock = wallclock
        self.stat_fn = stat_fn
        self.pdf_complete = pdf_complete
        self.candidates: dict[Path, Candidate] = {}

    def __len__(self) -> int:
        return len(self.candidates)

    def __contains__(self, path: object) -> bool:
        return path in self.candidates

    def touch(self, path: Path, inbox: int, *, renamed: bool = False, event: bool = True) -> Candidate:
        """Note an event on ``path`` (or its discovery by a scan, ``event=False``); takes a first check."""
        now = self.clock()
        cand = self.candidates.get(path)
        if cand is None:
            cand = Candidate(path=path, inbox=inbox, last_event=now, renamed=renamed)
            self.candidates[path] = cand
        else:
            if event:
                cand.last_event = now
            cand.renamed = cand.renamed or renamed
            cand.inbox = inbox
        cand.events += int(event)
        self._check(cand, now)
        return cand

    def forget(self, path: Path) -> Candidate | None:
        """Stop tracking ``path`` (deleted, moved away, or handed over)."""
        return self.candidates.pop(path, None)

    def next_due(self) -> float | None:
        """The monotonic time of the earliest check that could make a candidate stable."""
        if not self.candidates:
            return None
        return min(self._due_at(c) for c in self.candidates.values())

    def due(self) -> list[Verdict]:
        """Check every candidate whose time has come; return (and forget) the decided ones."""
        now = self.clock()
        decided: list[Verdict] = []
        for cand in list(self.candidates.values()):
            if now < self._due_at(cand):
                continue
            verdict = self._check(cand, now)
            if verdict is not None:
                del self.candidates[cand.path]
                decided.append(verdict)
        return decided

    # -- internals ---------------------------------------------------------------------------------

    def _quiet_since(self, cand: Candidate) -> float:
        """Monotonic time since which the file has had no event: its mtime counts as one."""
        if cand.renamed:
            return float("-inf")
        since = cand.last_event if cand.events else float("-inf")
        if cand.sig is not None:
            age = max(0.0, self.wallclock() - cand.sig.mtime)
            since = max(since, cand.checked_at - age)
        elif not cand.events:
            since = cand.last_event
        return since

    def _interval(self, cand: Candidate) -> float:
        """Time between the two checks; short for a renamed file (the rename said it is complete)."""
        return min(self.check_interval, RENAMED_CHECK_INTERVAL) if cand.renamed else self.check_interval

    def _due_at(self, cand: Candidate) -> float:
        return max(self._quiet_since(cand) + self.stability, cand.checked_at + self._interval(cand))

    def _check(self, cand: Candidate, now: float) -> Verdict | None:
        sig = self.stat_fn(cand.path)
        if sig is None:
            return Verdict("gone", cand)
        if sig.symlink or not sig.regular:
            return Verdict(
                "not_regular", cand, sig, "a symbolic link" if sig.symlink else "not a regular file"
            )
        previous = cand.sig
        if previous is None or sig != previous:
            cand.sig = sig
            cand.checked_at = now
            cand.unchanged_since = now
            return None
        if now - cand.checked_at < self._interval(cand) or now < self._quiet_since(cand) + self.stability:
            return None
        if cand.path.suffix.lower() == ".pdf" and not self.pdf_complete(cand.path):
            if now - cand.unchanged_since < self.pdf_grace:
                cand.checked_at = now
                return None
            return Verdict("stable", cand, sig, "the PDF has no %%EOF marker but stopped changing")
        return Verdict("stable", cand, sig)
