"""Ingest one file: a short pipeline of named steps from path to records in the store.

The steps, in order (:data:`STEPS`)::

    preflight → skip_unchanged → hash_content → skip_duplicate → choose_adapter
              → extract_records → protect → store_records

Each step reads and fills one :class:`IngestJob` and either passes the file on (returns None) or
ends it with its outcome: skipped (unchanged), duplicate or ingested. A file that cannot go on is
rejected by an exception, which :func:`ingest_file` turns into a quarantined outcome with a
readable reason (or an ignored one for a readable file that holds nothing for the chain). No
exception from a bad file escapes this module; only :class:`TransientError` asks for a retry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from dossierlink.ingest.adapter import Adapter, AdapterError, Hints, SkippedSource, identify
from dossierlink.ingest.quarantine import quarantine_file
from dossierlink.pinned import InputRefused, PinnedInput, open_input, pinned
from dossierlink.privacy import Pseudonymiser, Sink, scrub
from dossierlink.schema import Medium, Record
from dossierlink.store import Store, utcnow

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_RECORDS_PER_FILE",
    "STEPS",
    "FileOutcome",
    "IngestJob",
    "IngestOptions",
    "Rejected",
    "TransientError",
    "ingest_file",
    "write_quarantine",
]

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 1 << 30  # 1 GiB: larger exports are refused, not read
MAX_RECORDS_PER_FILE = 2_000_000


class TransientError(Exception):
    """A failure worth retrying (database busy, file locked, disk full)."""


class Unreadable(TransientError):
    """The file cannot be opened (permission denied): retried, and again once its mode changes."""


class Rejected(Exception):
    """A step refuses the file for a reason that is the file's own; it ends quarantined."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


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


@attrs.define
class IngestJob:
    """What the steps know about one file so far; each step fills in its part."""

    path: Path  # absolute, not resolved: the name the ledger keeps
    opts: IngestOptions
    now: dt.datetime
    st: os.stat_result | None = None  # preflight
    source: PinnedInput | None = None  # preflight: the one open descriptor every step reads
    sha: str | None = None  # hash_content
    adapter: Adapter | None = None  # choose_adapter
    records: list[Record] = attrs.field(factory=list)  # extract_records, protect

    @property
    def key(self) -> str:
        return str(self.path)

    @property
    def adapter_name(self) -> str | None:
        return self.adapter.name if self.adapter is not None else None


Step = Callable[[Store, IngestJob], FileOutcome | None]


# --- the steps, in pipeline order ------------------------------------------------------------


def preflight(store: Store, job: IngestJob) -> None:
    """Open the file once (no symlink out of the root, a regular, non-empty file within the limit).

    Every later step reads this one descriptor (:mod:`dossierlink.pinned`): a name swapped for a
    symlink after this point is never read.
    """
    path, opts = job.path, job.opts
    try:
        source = open_input(path, root=opts.root)
    except InputRefused as exc:
        raise Rejected(exc.reason) from None
    except FileNotFoundError:
        raise Rejected("the file disappeared before it could be read") from None
    except PermissionError as exc:
        raise Unreadable(f"{path}: cannot be read ({exc.strerror}); fix its permissions") from exc
    except OSError as exc:
        raise TransientError(f"{path}: cannot be read now ({exc.strerror})") from exc
    job.source = source
    st = source.st
    if st.st_size == 0:
        raise Rejected("the file is empty (0 bytes)")
    if st.st_size > MAX_FILE_BYTES:
        raise Rejected(
            f"the file is {st.st_size // (1 << 20)} MiB, over the limit of {MAX_FILE_BYTES // (1 << 20)} MiB"
        )
    job.st = st


def skip_unchanged(store: Store, job: IngestJob) -> FileOutcome | None:
    """End a file the ledger already read with this size and mtime: no hash, no parse."""
    assert job.st is not None
    known = store.source_by_stat(job.key, job.st.st_size, job.st.st_mtime)
    if known is None:
        return None
    if _touched_since(job.st, known.get("ingested_at")):
        # Size and mtime match, but the inode changed after the ledger read it: the content may
        # have been rewritten with its mtime restored. The hash decides (verify would see it).
        assert job.source is not None
        job.sha = sha256_fd(job.source.fd)
        if job.sha != known["sha256"]:
            return None
    return FileOutcome(
        job.key, "skipped", "unchanged since it was last read", known["adapter"], known["sha256"]
    )


def _touched_since(st: os.stat_result, ingested_at: str | None) -> bool:
    if not ingested_at:
        return True
    try:
        read = dt.datetime.fromisoformat(ingested_at)
    except ValueError:
        return True
    if read.tzinfo is None:
        read = read.replace(tzinfo=dt.UTC)
    return st.st_ctime > read.timestamp() + 1.0


def hash_content(store: Store, job: IngestJob) -> None:
    """The sha256 of the content: the file's identity from here on."""
    if job.sha is not None:  # skip_unchanged already hashed it
        return
    assert job.source is not None
    try:
        job.sha = sha256_fd(job.source.fd)
    except OSError as exc:
        raise TransientError(f"{job.path}: cannot be read now ({exc.strerror})") from exc


def skip_duplicate(store: Store, job: IngestJob) -> FileOutcome | None:
    """End a file whose content the store already holds under another name (recorded as duplicate)."""
    assert job.st is not None and job.sha is not None
    original = store.source_by_sha(job.sha)
    if original is None:
        return None
    store.record_outcome(
        path=job.key,
        sha256=job.sha,
        size=job.st.st_size,
        mtime=job.st.st_mtime,
        status="duplicate",
        adapter=original["adapter"],
        organisation=original["organisation"],
        medium=original["medium"],
        duplicate_of=int(original["id"]),
        now=job.now,
    )
    return FileOutcome(
        job.key, "duplicate", f"same content as {original['path']}", original["adapter"], job.sha
    )


def choose_adapter(store: Store, job: IngestJob) -> None:
    """The named adapter, or the one installed adapter that claims the file."""
    job.adapter = identify(job.path, job.opts.adapter)


def extract_records(store: Store, job: IngestJob) -> None:
    """The adapter's records for the file, with what the caller knows as hints; bounded in number."""
    assert job.adapter is not None and job.sha is not None
    opts = job.opts
    hints = Hints(
        organisation=opts.organisation,
        medium=opts.medium,
        sha256=job.sha,
        root=opts.root,
        options=dict(opts.options),
    )
    records: list[Record] = []
    for record in job.adapter.extract(job.path, hints):
        records.append(record)
        if len(records) > MAX_RECORDS_PER_FILE:
            raise AdapterError(
                job.path, f"more than {MAX_RECORDS_PER_FILE} dossiers in one file; split the export"
            )
    job.records = records


def protect(store: Store, job: IngestJob) -> None:
    """Pseudonymise persons (free-text BSNs included) before anything is stored, when a key is set."""
    if job.opts.pseudonymiser is not None:
        job.records = [job.opts.pseudonymiser.record(r) for r in job.records]


def store_records(store: Store, job: IngestJob) -> FileOutcome:
    """Store the source and its records in one transaction; the outcome says what it touched."""
    assert job.adapter is not None and job.sha is not None and job.st is not None
    opts, adapter, records = job.opts, job.adapter, job.records
    organisation = opts.organisation or adapter.organisation or (records[0].organisation if records else None)
    medium = opts.medium or adapter.medium or (records[0].medium if records else None)
    result = store.add_source(
        path=job.key,
        sha256=job.sha,
        size=job.st.st_size,
        mtime=job.st.st_mtime,
        adapter=adapter.name,
        organisation=organisation,
        medium=medium.value if medium else None,
        records=records,
        now=job.now,
    )
    if result.duplicate_of is not None:  # the same content arrived under another name meanwhile
        return FileOutcome(
            job.key,
            "duplicate",
            f"same content as {result.duplicate_of['path']}",
            result.duplicate_of["adapter"],
            job.sha,
        )
    return FileOutcome(
        job.key,
        "ingested",
        None if records else "the file holds no dossiers",
        adapter.name,
        job.sha,
        result.records,
        result.dossier_ids,
        result.source_id,
        result.merges,
    )


STEPS: tuple[Step, ...] = (
    preflight,
    skip_unchanged,
    hash_content,
    skip_duplicate,
    choose_adapter,
    extract_records,
    protect,
    store_records,
)


# --- the driver ------------------------------------------------------------------------------


def ingest_file(
    store: Store,
    path: Path,
    opts: IngestOptions,
    *,
    now: dt.datetime | None = None,
    on_reject: Callable[[FileOutcome], None] | None = None,
) -> FileOutcome:
    """Run :data:`STEPS` for one file and record its outcome in the store's ledger.

    Raises :class:`TransientError` only for conditions worth retrying; every other problem
    becomes a quarantined outcome (recorded in ``sources``; copied when ``opts.quarantine``).
    """
    job = IngestJob(Path(os.path.abspath(path)), opts, now or utcnow())
    try:
        return _ingest(store, job, on_reject)
    finally:
        if job.source is not None:
            job.source.close()


def _ingest(store: Store, job: IngestJob, on_reject: Callable[[FileOutcome], None] | None) -> FileOutcome:
    try:
        return _run_steps(store, job)
    except TransientError:
        raise
    except Rejected as exc:
        reason = exc.reason
    except sqlite3.OperationalError as exc:
        raise TransientError(f"{job.path}: the store is busy or unavailable ({exc})") from exc
    except OSError as exc:
        if exc.errno in (28, 11, 16):  # ENOSPC, EAGAIN, EBUSY
            raise TransientError(f"{job.path}: {exc.strerror}") from exc
        reason = f"cannot be read: {exc.strerror or exc}"
    except SkippedSource as exc:
        return record_ignored(store, job, exc)
    except AdapterError as exc:
        reason = exc.problem if exc.locator is None else f"{exc.locator}: {exc.problem}"
    except (LookupError, ValueError) as exc:
        # UnknownAdapterError and validation errors from the schema: the input's fault.
        reason = str(exc)
    except RecursionError:
        reason = "the file is nested too deeply to read"
    except MemoryError:
        reason = "the file needs more memory than allowed to read"
    except Exception as exc:  # a bug in an adapter must not stop the batch
        log.exception("adapter %s failed on %s", job.adapter_name, scrub(str(job.path), Sink.LOG))
        reason = f"internal error in adapter {job.adapter_name}: {type(exc).__name__}: {exc}"
    return record_quarantined(store, job, reason, on_reject)


def _run_steps(store: Store, job: IngestJob) -> FileOutcome:
    for step in STEPS:
        outcome = step(store, job)
        if outcome is not None:
            return outcome
        if job.source is not None and step is preflight:
            with pinned(job.source):
                return _run_pinned(store, job)
    raise AssertionError("store_records ends every file")  # pragma: no cover


def _run_pinned(store: Store, job: IngestJob) -> FileOutcome:
    """The steps after preflight, with every reader of the file's name pinned to its descriptor."""
    for step in STEPS[STEPS.index(preflight) + 1 :]:
        outcome = step(store, job)
        if outcome is not None:
            return outcome
    raise AssertionError("store_records ends every file")  # pragma: no cover


def sha256_fd(fd: int, *, chunk: int = 1 << 20) -> str:
    """The sha256 of an open file's content, read from the start with ``pread`` (no shared offset)."""
    h = hashlib.sha256()
    offset = 0
    while block := os.pread(fd, chunk, offset):
        h.update(block)
        offset += len(block)
    return h.hexdigest()


def record_ignored(store: Store, job: IngestJob, exc: SkippedSource) -> FileOutcome:
    """Readable, but nothing for the chain (a civil-law judgment): final, not an error."""
    store.record_outcome(
        path=job.key,
        sha256=job.sha,
        size=job.st.st_size if job.st else None,
        mtime=job.st.st_mtime if job.st else None,
        status="ignored",
        adapter=job.adapter_name,
        error=scrub(exc.problem, Sink.MESSAGE),
        now=job.now,
    )
    return FileOutcome(job.key, "ignored", scrub(exc.problem, Sink.MESSAGE), job.adapter_name, job.sha)


def record_quarantined(
    store: Store, job: IngestJob, reason: str, on_reject: Callable[[FileOutcome], None] | None
) -> FileOutcome:
    """Record the file as quarantined (and copy it aside when asked); the original stays."""
    # A reason may quote the bad value; it is stored, logged and shown: never with a BSN in it.
    outcome = FileOutcome(job.key, "quarantined", scrub(reason, Sink.MESSAGE), job.adapter_name, job.sha)
    opts = job.opts
    store.record_outcome(
        path=job.key,
        sha256=job.sha,
        size=job.st.st_size if job.st else None,
        mtime=job.st.st_mtime if job.st else None,
        status="quarantined",
        adapter=job.adapter_name,
        organisation=opts.organisation,
        medium=opts.medium.value if opts.medium else None,
        error=outcome.reason,
        now=job.now,
    )
    if opts.quarantine is not None:
        write_quarantine(
            job.path, opts.quarantine, outcome, now=job.now, source_fd=job.source.fd if job.source else None
        )
    if on_reject is not None:
        on_reject(outcome)
    return outcome


def write_quarantine(
    path: Path,
    folder: Path,
    outcome: FileOutcome,
    *,
    now: dt.datetime,
    attempts: int = 1,
    source_fd: int | None = None,
) -> Path | None:
    """Copy a rejected file into ``folder/ingest/`` with a ``.error.json`` sidecar (original untouched)."""
    details = {
        "reason": outcome.reason,
        "adapter": outcome.adapter,
        "sha256": outcome.sha256,
        "time": now.isoformat(),
        "attempts": attempts,
    }
    try:
        return quarantine_file(
            path,
            folder,
            "ingest",
            details,
            copy=source_fd is not None or not path.is_symlink(),
            source_fd=source_fd,
        )
    except OSError as exc:
        log.error("could not write quarantine copy of %s: %s", scrub(str(path), Sink.LOG), exc)
        return None
