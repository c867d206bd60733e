"""Quarantine in the daemon: a rejected file is copied aside with its ``.error.json`` sidecar, once.

The copy and the sidecar themselves are ``dossierlink.ingest.quarantine`` (shared with
``dossierlink ingest --quarantine``); this module keeps the daemon's side: which versions of which
files are already rejected (the ledger, and sidecars as a fallback), recording a daemon-made
rejection in the store, and writing the sidecar a killed daemon owed.
"""

from __future__ import annotations

import errno
import json
import logging
import os
from pathlib import Path
from typing import Any

from dossierlink.ingest.quarantine import original_key, quarantine_file, scrub
from dossierlink.store.ledger import Ledger
from dossierlink.sync.inbox import InboxState, Pending, Tally
from dossierlink.sync.status import log, now_iso, transition

__all__ = ["Quarantine"]

_RETRY_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM)


def _key(path: Path | str, size: int, mtime: float) -> tuple[str, int, float]:
    # By a digest of the name: sidecars do not keep the name itself (it may hold a BSN).
    return (original_key(str(path)), size, round(mtime, 3))


class Quarantine:
    """The quarantine folder and the set of file versions already put there."""

    def __init__(self, folder: Path, inboxes: list[InboxState], tally: Tally) -> None:
        self.folder = folder
        self.inboxes = inboxes
        self.tally = tally
        self.keys: set[tuple[str, int, float]] = set()
        self.chain: Any = None  # the daemon's Chain, to record rejections; None with a test ingest

    def resume(self, store: Path, chain: Any) -> None:
        """At start: learn what earlier runs rejected, and write any sidecar a killed run owed."""
        self.chain = chain
        self._load_sidecars()
        self._restore_sidecars(store)

    def holds(self, path: Path, size: int, mtime: float) -> bool:
        """True when this version of the file is already quarantined."""
        return _key(path, size, mtime) in self.keys

    def put(
        self,
        pending: Pending,
        reason: str,
        *,
        adapter: str | None = None,
        recorded: bool = False,
        copy: bool = True,
    ) -> bool:
        """Copy the file aside with its sidecar (the original stays), record and count the rejection.

        ``recorded``: the worker already put the rejection into the store. ``copy=False``: write only
        the sidecar (a symlink out of the inbox, whose copy would leak its target). False when the
        disk is full (or the folder unwritable): nothing is counted, the caller tries again later.
        """
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
            sidecar = quarantine_file(pending.path, self.folder, folder, details, copy=copy)
        except OSError as exc:
            transition("quarantine-failed", pending.path, label, logging.ERROR, reason=str(exc))
            if exc.errno in _RETRY_ERRNOS:
                return False
        if not recorded and not self._record(pending, reason, adapter or inbox.adapter):
            return False
        self.keys.add(_key(pending.path, pending.size, pending.mtime))
        self.tally.count(state, "quarantined")
        state.quarantined.appendleft(
            {
                "path": scrub(str(pending.path)),
                "reason": scrub(reason),
                "at": now_iso(),
                "attempts": pending.attempt,
            }
        )
        transition(
            "quarantined", pending.path, label, reason=reason, sidecar=str(sidecar) if sidecar else None
        )
        return True

    def _record(self, pending: Pending, reason: str, adapter: str) -> bool:
        """Put a daemon-made rejection into the ledger, so a restart does not try the file again.

        False when the store cannot take it for a reason worth waiting for (the disk is full).
        """
        if self.chain is None:
            return True
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
            log.warning(
                "could not record the quarantine of %s in the store: %s", scrub(str(pending.path)), exc
            )
            text = str(exc).lower()
            if "full" in text or getattr(exc, "errno", None) in _RETRY_ERRNOS:
                return False
        return True

    def _load_sidecars(self) -> None:
        """Sidecars written earlier name files already rejected (a fallback beside the ledger)."""
        for sidecar in self.folder.rglob("*.error.json"):
            try:
                data = json.loads(sidecar.read_text(encoding="utf-8"))
                key = data.get("original_key") or original_key(data["original"])
                self.keys.add((key, int(data["size"]), round(float(data["mtime"]), 3)))
            except (OSError, ValueError, KeyError, TypeError):
                continue

    def _restore_sidecars(self, store: Path) -> None:
        """Write the sidecar of a rejection the store recorded but a killed daemon never wrote.

        The worker records a quarantined file in the store before the daemon copies it aside; a
        ``kill -9`` in between would leave a settled file without its readable error.
        """
        ledger = Ledger(store)
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
                    if self.holds(path, st.st_size, st.st_mtime):
                        continue
                    pending = Pending(path, index, st.st_size, st.st_mtime)
                    pending.attempt = int(row["attempts"] or 1)
                    reason = f"{row['error'] or 'rejected'} (sidecar written after an interrupted run)"
                    self.put(pending, reason, adapter=row["adapter"], recorded=True)
        finally:
            ledger.close()
