"""Ingest one file: a short pipeline of named steps from path to records in the store.

preflight → ledger → hash → dedupe → identify → extract → protect → store. Each step either
passes the file on or ends it in one outcome: ingested, duplicate, skipped (unchanged) or
quarantined with a readable reason. No exception from a bad file escapes this module.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from dossierlink.ingest.adapter import Adapter, AdapterError, Hints, SkippedSource, identify, sha256_file
from dossierlink.privacy import Pseudonymiser, mask_bsns
from dossierlink.schema import Medium, Record
from dossierlink.store import Store, utcnow

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_RECORDS_PER_FILE",
    "FileOutcome",
    "IngestOptions",
    "TransientError",
    "ingest_file",
    "write_quarantine",
]

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 1 << 30  # 1 GiB: larger exports are refused, not read
MAX_RECORDS_PER_FILE = 2_000_000


class TransientError(Exception):
    """A failure worth retrying (database busy, file locked, disk full)."""


@attrs.frozen
class IngestOptions:
    adapter: str = "auto"
    organisation: str | None = None
    medium: Medium | None = None
    options: Mapping[str, Any] = attrs.field(factory=dict)
    root: Path | None = None  # the folder or inbox being ingested: symlinks must stay inside
    quarantine: Path | None = None  # copy rejected files here with a .error.json sidecar
    pseudonymiser: Pseudonymiser | None = None


@attrs.frozen
class FileOutcome:
    path: str
    status: str  # ingested | duplicate | skipped | ignored | quarantined
    reason: str | None = None
    adapter: str | None = None
    sha256: str | None = None
    records: int = 0
    dossier_ids: tuple[int, ...] = ()
    source_id: int | None = None
    merges: int = 0


class _Stop(Exception):
    def __init__(self, outcome: FileOutcome) -> None:
        self.outcome = outcome


def _preflight(path: Path, opts: IngestOptions) -> os.stat_result:
    try:
        st = path.lstat()
    except FileNotFoundError:
        raise _Stop(
            FileOutcome(str(path), "quarantined", "the file disappeared before it could be read")
        ) from None
    except OSError as exc:
        raise TransientError(f"{path}: cannot be read now ({exc.strerror})") from exc
    if stat.S_ISLNK(st.st_mode):
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise _Stop(
                FileOutcome(str(path), "quarantined", "the file is a broken symlink or a symlink loop")
            ) from None
        if opts.root is not None and not target.is_relative_to(opts.root.resolve()):
            raise _Stop(
                FileOutcome(
                    str(path), "quarantined", f"the file is a symlink that points outside {opts.root}"
                )
            )
        try:
            st = target.stat()
        except OSError:
            raise _Stop(FileOutcome(str(path), "quarantined", "the file is a broken symlink")) from None
    if not stat.S_ISREG(st.st_mode):
        raise _Stop(FileOutcome(str(path), "quarantined", "not a regular file"))
    if st.st_size == 0:
        raise _Stop(FileOutcome(str(path), "quarantined", "the file is empty (0 bytes)"))
    if st.st_size > MAX_FILE_BYTES:
        raise _Stop(
            FileOutcome(
                str(path),
                "quarantined",
                f"the file is {st.st_size // (1 << 20)} MiB, over the limit of {MAX_FILE_BYTES // (1 << 20)} MiB",
            )
        )
    return st


def _extract(adapter: Adapter, path: Path, hints: Hints) -> list[Record]:
    records: list[Record] = []
    for record in adapter.extract(path, hints):
        records.append(record)
        if len(records) > MAX_RECORDS_PER_FILE:
            raise AdapterError(
                path, f"more than {MAX_RECORDS_PER_FILE} dossiers in one file; split the export"
            )
    return records


def ingest_file(
    store: Store,
    path: Path,
    opts: IngestOptions,
    *,
    now: dt.datetime | None = None,
    on_reject: Callable[[FileOutcome], None] | None = None,
) -> FileOutcome:
    """Run the pipeline for one file and record its outcome in the store's ledger.

    Raises :class:`TransientError` only for conditions worth retrying; every other problem
    becomes a quarantined outcome (recorded in ``sources``; copied when ``opts.quarantine``).
    """
    now = now or utcnow()
    path = Path(os.path.abspath(path))
    key = str(path)
    sha: str | None = None
    st: os.stat_result | None = None
    adapter_name: str | None = None
    try:
        st = _preflight(path, opts)
        known = store.source_by_stat(key, st.st_size, st.st_mtime)
        if known is not None:
            return FileOutcome(
                key, "skipped", "unchanged since it was last read", known["adapter"], known["sha256"]
            )
        try:
            sha = sha256_file(path)
        except OSError as exc:
            raise TransientError(f"{path}: cannot be read now ({exc.strerror})") from exc
        original = store.source_by_sha(sha)
        if original is not None:
            store.record_outcome(
                path=key,
                sha256=sha,
                size=st.st_size,
                mtime=st.st_mtime,
                status="duplicate",
                adapter=original["adapter"],
                organisation=original["organisation"],
                medium=original["medium"],
                duplicate_of=int(original["id"]),
                now=now,
            )
            return FileOutcome(
                key, "duplicate", f"same content as {original['path']}", original["adapter"], sha
            )
        adapter = identify(path, opts.adapter)
        adapter_name = adapter.name
        hints = Hints(
            organisation=opts.organisation,
            medium=opts.medium,
            sha256=sha,
            root=opts.root,
            options=dict(opts.options),
        )
        records = _extract(adapter, path, hints)
        if opts.pseudonymiser is not None:
            records = [opts.pseudonymiser.record(r) for r in records]
        organisation = (
            opts.organisation or adapter.organisation or (records[0].organisation if records else None)
        )
        medium = opts.medium or adapter.medium or (records[0].medium if records else None)
        result = store.add_source(
            path=key,
            sha256=sha,
            size=st.st_size,
            mtime=st.st_mtime,
            adapter=adapter.name,
            organisation=organisation,
            medium=medium.value if medium else None,
            records=records,
            now=now,
        )
        if result.duplicate_of is not None:
            return FileOutcome(
                key,
                "duplicate",
                f"same content as {result.duplicate_of['path']}",
                result.duplicate_of["adapter"],
                sha,
            )
        return FileOutcome(
            key,
            "ingested",
            None if records else "the file holds no dossiers",
            adapter.name,
            sha,
            result.records,
            result.dossier_ids,
            result.source_id,
            result.merges,
        )
    except _Stop as stop:
        outcome = attrs.evolve(stop.outcome, sha256=sha, adapter=adapter_name)
    except TransientError:
        raise
    except sqlite3.OperationalError as exc:
        raise TransientError(f"{path}: the store is busy or unavailable ({exc})") from exc
    except OSError as exc:
        if exc.errno in (28, 11, 16):  # ENOSPC, EAGAIN, EBUSY
            raise TransientError(f"{path}: {exc.strerror}") from exc
        outcome = FileOutcome(key, "quarantined", f"cannot be read: {exc.strerror or exc}", adapter_name, sha)
    except SkippedSource as exc:
        # Readable, but nothing for the chain (a civil-law judgment): final, not an error.
        store.record_outcome(
            path=key,
            sha256=sha,
            size=st.st_size if st else None,
            mtime=st.st_mtime if st else None,
            status="ignored",
            adapter=adapter_name,
            error=mask_bsns(exc.problem),
            now=now,
        )
        return FileOutcome(key, "ignored", exc.problem, adapter_name, sha)
    except AdapterError as exc:
        outcome = FileOutcome(
            key,
            "quarantined",
            exc.problem if exc.locator is None else f"{exc.locator}: {exc.problem}",
            adapter_name,
            sha,
        )
    except (LookupError, ValueError) as exc:
        # UnknownAdapterError and validation errors from the schema: the input's fault.
        outcome = FileOutcome(key, "quarantined", str(exc), adapter_name, sha)
    except RecursionError:
        outcome = FileOutcome(key, "quarantined", "the file is nested too deeply to read", adapter_name, sha)
    except MemoryError:
        outcome = FileOutcome(
            key, "quarantined", "the file needs more memory than allowed to read", adapter_name, sha
        )
    except Exception as exc:  # a bug in an adapter must not stop the batch
        log.exception("adapter %s failed on %s", adapter_name, path)
        outcome = FileOutcome(
            key,
            "quarantined",
            f"internal error in adapter {adapter_name}: {type(exc).__name__}: {exc}",
            adapter_name,
            sha,
        )
    # A reason may quote the bad value; it is stored, logged and shown: never with a BSN in it.
    outcome = attrs.evolve(outcome, reason=mask_bsns(outcome.reason or ""))
    store.record_outcome(
        path=key,
        sha256=sha,
        size=st.st_size if st else None,
        mtime=st.st_mtime if st else None,
        status="quarantined",
        adapter=adapter_name,
        organisation=opts.organisation,
        medium=opts.medium.value if opts.medium else None,
        error=outcome.reason,
        now=now,
    )
    if opts.quarantine is not None:
        write_quarantine(path, opts.quarantine, outcome, now=now)
    if on_reject is not None:
        on_reject(outcome)
    return outcome


def write_quarantine(
    path: Path, folder: Path, outcome: FileOutcome, *, now: dt.datetime, attempts: int = 1
) -> Path | None:
    """Copy a rejected file into ``folder/ingest/`` with a ``.error.json`` sidecar (original untouched)."""
    from dossierlink.ingest.quarantine import quarantine_file

    details = {
        "reason": outcome.reason,
        "adapter": outcome.adapter,
        "sha256": outcome.sha256,
        "time": now.isoformat(),
        "attempts": attempts,
    }
    try:
        return quarantine_file(path, folder, "ingest", details, copy=not path.is_symlink())
    except OSError as exc:
        log.error("could not write quarantine copy of %s: %s", path, exc)
        return None
