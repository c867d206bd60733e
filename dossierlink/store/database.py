"""The Store: the connection to one SQLite file and what is written and read through it (sources, dossier identity, records, divergences, runs).

Writes happen in explicit ``BEGIN IMMEDIATE`` transactions (one per ingested file), so a
second writer waits on the busy timeout instead of failing halfway with "database is locked".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
from sqlite_utils import Database

from dossierlink.identifiers import LINKING_KINDS, IdentifierError, IdentifierKind, normalise
from dossierlink.reconcile.view import DossierView, canonical_view
from dossierlink.schema import Divergence, Identifier, Record, Status
from dossierlink.store.migrations import migrations
from dossierlink.store.payload import (
    PayloadError,
    canonical_record_from_payload,
    forget_shared,
    is_current,
    record_from_payload,
    record_to_payload,
    shared_identifier,
)
from dossierlink.store.tables import DIVERGENCES, DOSSIERS, RECORDS, SOURCES, TABLES

__all__ = ["BUSY_TIMEOUT_S", "IngestedFile", "Store", "StoreError", "utcnow"]

BUSY_TIMEOUT_S = 60.0


class StoreError(Exception):
    """The store file cannot be opened or is not a dossierlink store."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_dt(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


@attrs.frozen
class IngestedFile:
    source_id: int
    dossier_ids: tuple[int, ...]
    records: int
    merges: int
    duplicate_of: dict[str, Any] | None = attrs.field(default=None, eq=False, hash=False)


# Tables every store has had since its first version: without one, answers would be wrong.
_CORE_TABLES = (SOURCES, DOSSIERS, RECORDS, DIVERGENCES)


def _refuse_foreign(path: Path, db: Database) -> None:
    """A SQLite file with tables but none of ours is someone else's database: never add ours to it."""
    names = [n for n in db.table_names() if not n.startswith("sqlite_")]
    ours = {t.name for t in TABLES} | {"_sqlite_migrations"}
    if names and not ours.intersection(names):
        shown = ", ".join(sorted(names)[:5]) + (", ..." if len(names) > 5 else "")
        raise StoreError(
            f"{path} is not a dossierlink store (it holds the tables {shown}); "
            "give the right path with --db or a new file name."
        )


def _refuse_damaged(path: Path, db: Database) -> None:
    """A store that lost one of its tables cannot answer truthfully: say which, do not report "nothing"."""
    present = set(db.table_names())
    missing = [t.name for t in _CORE_TABLES if t.name not in present]
    if missing:
        raise StoreError(
            f"{path} is a damaged dossierlink store: the table(s) {', '.join(missing)} are missing; "
            "restore it from a backup."
        )


def _create_owner_only(path: Path) -> None:
    """Create the store file with mode 0600 before SQLite opens it (no window of 0644)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    os.fchmod(fd, 0o600)
    os.close(fd)


class Store:
    """One dossierlink SQLite store. Not thread-safe: one Store per thread or process."""

    def __init__(self, path: str | Path, *, create: bool = True, readonly: bool = False) -> None:
        self.path = Path(os.fspath(path))
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a directory, not a store file; give a file name with --db.")
        if not self.path.exists():
            if not self.path.parent.is_dir():
                raise StoreError(
                    f"The folder {self.path.parent} does not exist; create it first or give the right path with --db."
                )
            if not create or readonly:
                raise StoreError(
                    f"There is no store at {self.path}; create one with `dossierlink init` "
                    "or give the right path with --db."
                )
            _create_owner_only(self.path)
        old_umask = os.umask(0o077)  # WAL and SHM side files: owner only as well
        try:
            uri = f"file:{self.path}?mode=ro" if readonly else f"file:{self.path}"
            conn = sqlite3.connect(
                uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        finally:
            os.umask(old_umask)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            _refuse_foreign(self.path, Database(conn))  # before WAL mode rewrites its header
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: reconcile reads whole dossiers
            if not readonly:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            self.db = Database(conn)
            if not readonly:
                migrations.apply(self.db)
            elif SOURCES.name not in self.db.table_names():
                raise StoreError(f"{self.path} is not a dossierlink store.")
            _refuse_damaged(self.path, self.db)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{self.path} cannot be opened as a dossierlink store: {exc}.") from exc
        self.readonly = readonly

    # --- plumbing --------------------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that takes the write lock up front (waits on busy_timeout)."""
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

    # --- ledger ----------------------------------------------------------------------------

    def source_by_sha(self, sha256: str) -> dict[str, Any] | None:
        rows = self.query(
            "SELECT * FROM sources WHERE sha256 = ? AND status = 'ingested' ORDER BY id LIMIT 1", [sha256]
        )
        return rows[0] if rows else None

    def source_by_stat(self, path: str, size: int, mtime: float) -> dict[str, Any] | None:
        """A final ledger entry for this exact file state (skip without hashing)."""
        rows = self.query(
            "SELECT * FROM sources WHERE path = ? AND size = ? AND mtime = ? "
            "AND status IN ('ingested', 'duplicate', 'superseded', 'ignored') ORDER BY id DESC LIMIT 1",
            [path, size, mtime],
        )
        return rows[0] if rows else None

    def record_outcome(
        self,
        *,
        path: str,
        sha256: str | None,
        size: int | None,
        mtime: float | None,
        status: str,
        adapter: str | None = None,
        organisation: str | None = None,
        medium: str | None = None,
        error: str | None = None,
        duplicate_of: int | None = None,
        now: dt.datetime | None = None,
    ) -> int:
        """Record a duplicate or quarantined file in the ledger (the file itself is untouched)."""
        now = now or utcnow()
        with self.transaction() as conn:
            prev = conn.execute(
                "SELECT id, attempts FROM sources WHERE path = ? AND sha256 IS ? AND status = ? "
                "ORDER BY id DESC LIMIT 1",
                [path, sha256, status],
            ).fetchone()
            if prev is not None and status == "quarantined":
                conn.execute(
                    "UPDATE sources SET attempts = attempts + 1, error = ?, ingested_at = ? WHERE id = ?",
                    [error, _iso(now), prev[0]],
                )
                return int(prev[0])
            cur = conn.execute(
                "INSERT INTO sources (path, sha256, size, mtime, adapter, organisation, medium, status, "
                "error, first_seen, ingested_at, duplicate_of) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    path,
                    sha256,
                    size,
                    mtime,
                    adapter,
                    organisation,
                    medium,
                    status,
                    error,
                    _iso(now),
                    _iso(now),
                    duplicate_of,
                ],
            )
            return int(cur.lastrowid or 0)

    # --- ingest ----------------------------------------------------------------------------

    def add_source(
        self,
        *,
        path: str,
        sha256: str,
        size: int,
        mtime: float,
        adapter: str,
        organisation: str | None,
        medium: str | None,
        records: Sequence[Record],
        now: dt.datetime | None = None,
    ) -> IngestedFile:
        """Store one file's records in one transaction; supersede earlier versions of the path."""
        now = now or utcnow()
        touched: set[int] = set()
        merges = 0
        with self.transaction() as conn:
            # Checked again under the write lock: another process may have stored the same
            # bytes since the caller's look-up (two workers, daemon and CLI at once).
            original = conn.execute(
                "SELECT id, path, adapter, organisation, medium FROM sources "
                "WHERE sha256 = ? AND status = 'ingested' ORDER BY id LIMIT 1",
                [sha256],
            ).fetchone()
            if original is not None:
                cur = conn.execute(
                    "INSERT INTO sources (path, sha256, size, mtime, adapter, organisation, medium, status, "
                    "first_seen, ingested_at, duplicate_of) VALUES (?,?,?,?,?,?,?, 'duplicate', ?, ?, ?)",
                    [
                        path,
                        sha256,
                        size,
                        mtime,
                        original[2],
                        original[3],
                        original[4],
                        _iso(now),
                        _iso(now),
                        original[0],
                    ],
                )
                dup = {"id": original[0], "path": original[1], "adapter": original[2]}
                return IngestedFile(int(cur.lastrowid or 0), (), 0, 0, duplicate_of=dup)
            # A new version of a file at the same path replaces what the old version said.
            for (old_id,) in conn.execute(
                "SELECT id FROM sources WHERE path = ? AND status = 'ingested' AND sha256 != ?",
                [path, sha256],
            ).fetchall():
                if not self._hand_over_to_duplicate(conn, int(old_id)):
                    touched.update(self._drop_source_records(conn, int(old_id)))
                conn.execute("UPDATE sources SET status = 'superseded' WHERE id = ?", [old_id])
            cur = conn.execute(
                "INSERT INTO sources (path, sha256, size, mtime, adapter, organisation, medium, status, "
                "first_seen, ingested_at, records) VALUES (?,?,?,?,?,?,?, 'ingested', ?, ?, ?)",
                [
                    path,
                    sha256,
                    size,
                    mtime,
                    adapter,
                    organisation,
                    medium,
                    _iso(now),
                    _iso(now),
                    len(records),
                ],
            )
            source_id = int(cur.lastrowid or 0)
            for record in records:
                dossier_id, merged = self._resolve_dossier(conn, record, source_id, now)
                merges += merged
                touched.add(dossier_id)
                self._insert_record(conn, record, source_id, dossier_id)
            # Merges may have retired dossiers touched earlier in this file.
            touched = {self._follow_merges(conn, d) for d in touched}
            for d in touched:  # the display/scoping key, once per dossier rather than per record
                keys = [
                    (str(k), str(v))
                    for k, v in conn.execute("SELECT kind, value FROM identifiers WHERE dossier_id = ?", [d])
                ]
                conn.execute("UPDATE dossiers SET anchor = ?, dirty = 1 WHERE id = ?", [_anchor(keys), d])
        return IngestedFile(source_id, tuple(sorted(touched)), len(records), merges)

    @staticmethod
    def _hand_over_to_duplicate(conn: sqlite3.Connection, source_id: int) -> bool:
        """When another file still holds the old content, it keeps the records (True); nothing is lost.

        ``cp a.csv b.csv`` made b.csv a duplicate of a.csv; when a.csv changes, b.csv still says
        what a.csv said, so its records move to b.csv's ledger row instead of being dropped.
        """
        heir = conn.execute(
            "SELECT d.id FROM sources d WHERE d.duplicate_of = ? AND d.status = 'duplicate' "
            "AND d.id = (SELECT max(id) FROM sources WHERE path = d.path) ORDER BY d.id LIMIT 1",
            [source_id],
        ).fetchone()
        if heir is None:
            return False
        heir_id = int(heir[0])
        conn.execute("UPDATE records SET source_id = ? WHERE source_id = ?", [heir_id, source_id])
        conn.execute(
            "UPDATE sources SET status = 'ingested', duplicate_of = NULL, "
            "records = (SELECT records FROM sources WHERE id = ?) WHERE id = ?",
            [source_id, heir_id],
        )
        conn.execute(
            "UPDATE sources SET duplicate_of = ? WHERE duplicate_of = ? AND id != ?",
            [heir_id, source_id, heir_id],
        )
        return True

    def _drop_source_records(self, conn: sqlite3.Connection, source_id: int) -> set[int]:
        rows = conn.execute("SELECT id, dossier_id FROM records WHERE source_id = ?", [source_id]).fetchall()
        ids = [(r[0],) for r in rows]
        for table in ("documents", "persons", "events", "inventory"):
            conn.executemany(f"DELETE FROM {table} WHERE record_id = ?", ids)
        conn.execute("DELETE FROM records WHERE source_id = ?", [source_id])
        return {self._follow_merges(conn, int(r[1])) for r in rows}

    def live_dossier(self, dossier_id: int) -> int:
        """The dossier a (possibly merged-away) dossier id lives on as now."""
        return self._follow_merges(self.conn, dossier_id)

    def _follow_merges(self, conn: sqlite3.Connection, dossier_id: int) -> int:
        seen = 0
        while True:
            row = conn.execute("SELECT merged_into FROM dossiers WHERE id = ?", [dossier_id]).fetchone()
            if row is None or row[0] is None or seen > 1000:
                return dossier_id
            dossier_id = int(row[0])
            seen += 1

    def _resolve_dossier(
        self, conn: sqlite3.Connection, record: Record, source_id: int, now: dt.datetime
    ) -> tuple[int, int]:
        """The dossier this record belongs to: shared identifiers join, a bridge merges."""
        keys = sorted({(i.kind.value, i.value) for i in record.linking_identifiers})
        found: set[int] = set()
        for kind, value in keys:
            row = conn.execute(
                "SELECT dossier_id FROM identifiers WHERE kind = ? AND value = ?", [kind, value]
            ).fetchone()
            if row is not None:
                found.add(self._follow_merges(conn, int(row[0])))
        merges = 0
        if not found:
            cur = conn.execute("INSERT INTO dossiers (created_at, dirty) VALUES (?, 1)", [_iso(now)])
            target = int(cur.lastrowid or 0)
        else:
            target = min(found)  # the oldest dossier survives: its id stays stable
            for other in sorted(found - {target}):
                self._merge(conn, other, target, now, source_id, via=", ".join(f"{k}:{v}" for k, v in keys))
                merges += 1
        conn.executemany(
            "INSERT OR IGNORE INTO identifiers (kind, value, dossier_id) VALUES (?, ?, ?)",
            [(k, v, target) for k, v in keys],
        )
        return target, merges

    def _merge(
        self, conn: sqlite3.Connection, other: int, target: int, now: dt.datetime, source_id: int, via: str
    ) -> None:
        for table in ("identifiers", "records", "documents", "persons", "events", "inventory", "divergences"):
            conn.execute(f"UPDATE {table} SET dossier_id = ? WHERE dossier_id = ?", [target, other])
        conn.execute("UPDATE dossiers SET merged_into = ?, dirty = 0 WHERE id = ?", [target, other])
        conn.execute(
            "INSERT INTO merges (at, from_dossier, into_dossier, via, source_id) VALUES (?,?,?,?,?)",
            [_iso(now), other, target, via, source_id],
        )

    def _insert_record(
        self, conn: sqlite3.Connection, record: Record, source_id: int, dossier_id: int
    ) -> None:
        payload = record_to_payload(record)
        cur = conn.execute(
            "INSERT INTO records (source_id, dossier_id, organisation, medium, locator, payload) "
            "VALUES (?,?,?,?,?,?)",
            [
                source_id,
                dossier_id,
                record.organisation,
                record.medium.value,
                record.provenance.locator,
                payload,
            ],
        )
        rid = int(cur.lastrowid or 0)
        if record.documents:
            conn.executemany(
                "INSERT INTO documents (record_id, dossier_id, organisation, medium, key, type, title, date, "
                "page_count, sha256, fingerprint, modified) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        rid,
                        dossier_id,
                        d.organisation,
                        d.medium.value,
                        d.key,
                        d.type.value,
                        d.title,
                        d.date.isoformat() if d.date else None,
                        d.page_count,
                        d.sha256,
                        d.fingerprint,
                        _iso(d.modified),
                    )
                    for d in record.documents
                ],
            )
        if record.persons:
            conn.executemany(
                "INSERT INTO persons (record_id, dossier_id, organisation, role, voornamen, tussenvoegsel, "
                "achternaam, geboortedatum, skn, bsn) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        rid,
                        dossier_id,
                        record.organisation,
                        p.role.value,
                        p.voornamen,
                        p.tussenvoegsel,
                        p.achternaam,
                        p.geboortedatum.isoformat() if p.geboortedatum else None,
                        p.skn,
                        p.bsn,
                    )
                    for p in record.persons
                ],
            )
        if record.events:
            conn.executemany(
                "INSERT INTO events (record_id, dossier_id, organisation, kind, date, sender, receiver, status) "
                "VALUES (?,?,?,?,?,?,?,?)",
                [
                    (
                        rid,
                        dossier_id,
                        e.organisation,
                        e.kind.value,
                        e.date.isoformat(),
                        e.sender,
                        e.receiver,
                        e.status,
                    )
                    for e in record.events
                ],
            )
        if record.inventory:
            conn.executemany(
                "INSERT INTO inventory (record_id, dossier_id, organisation, action, at, document_key, type, "
                "title, page_count) VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (
                        rid,
                        dossier_id,
                        record.organisation,
                        i.action.value,
                        i.at.isoformat(),
                        i.document_key,
                        i.type.value,
                        i.title,
                        i.page_count,
                    )
                    for i in record.inventory
                ],
            )

    # --- dossiers --------------------------------------------------------------------------

    def find_dossier(self, text: str) -> int | None:
        """The live dossier for any of its identifiers, as printed (parketnummer, PV, ECLI, ...)."""
        candidates: list[tuple[str, str]] = []
        raw = text.strip()
        if ":" in raw and raw.split(":", 1)[0].lower() in {k.value for k in IdentifierKind}:
            kind, _, value = raw.partition(":")
            with contextlib.suppress(IdentifierError):
                candidates.append((kind.lower(), normalise(kind.lower(), value)))
        for kind in LINKING_KINDS:
            with contextlib.suppress(IdentifierError, ValueError):
                candidates.append((kind.value, normalise(kind, raw, ocr=kind is IdentifierKind.PV)))
        if raw.isdigit():
            row = self.conn.execute("SELECT id FROM dossiers WHERE id = ?", [int(raw)]).fetchone()
            if row is not None:
                return self.live_dossier(int(row[0]))
        for kind, value in candidates:
            row = self.conn.execute(
                "SELECT dossier_id FROM identifiers WHERE kind = ? AND value = ?", [kind, value]
            ).fetchone()
            if row is not None:
                return self.live_dossier(int(row[0]))
        # A PV number names one mutation; any mutation of the same registration will do.
        for kind, value in candidates:
            if kind == IdentifierKind.PV.value:
                reg = value.split("-")[0]
                row = self.conn.execute(
                    "SELECT dossier_id FROM identifiers WHERE kind = 'pv' AND (value = ? OR value LIKE ?)",
                    [reg, reg + "-%"],
                ).fetchone()
                if row is not None:
                    return self.live_dossier(int(row[0]))
        return None

    def dossier_identifiers(self, dossier_id: int) -> tuple[Identifier, ...]:
        rows = self.conn.execute(
            "SELECT kind, value FROM identifiers WHERE dossier_id = ? ORDER BY kind, value", [dossier_id]
        ).fetchall()
        return tuple(Identifier(r[0], r[1], r[1]) for r in rows)

    def dossier_records(self, dossier_id: int) -> tuple[Record, ...]:
        return self.dossier_batch([dossier_id])[dossier_id][1]

    def dossier_batch(
        self, dossier_ids: Sequence[int]
    ) -> dict[int, tuple[tuple[Identifier, ...], tuple[Record, ...]]]:
        """Identifiers and records (as stored) of many dossiers in two queries."""
        return self._read_batch(dossier_ids, record_from_payload)

    def dossier_views(self, dossier_ids: Sequence[int]) -> dict[int, DossierView]:
        """The canonical views of many dossiers in two queries (reconcile's hot path).

        Each record comes back in canonical order from its payload, which keeps that order:
        the view needs no sorting beyond the records themselves.
        """
        return {
            d: canonical_view(d, idents, records)
            for d, (idents, records) in self._read_batch(dossier_ids, canonical_record_from_payload).items()
        }

    def _read_batch(
        self, dossier_ids: Sequence[int], read: Callable[[str], Record]
    ) -> dict[int, tuple[tuple[Identifier, ...], tuple[Record, ...]]]:
        out: dict[int, tuple[list[Identifier], list[Record]]] = {d: ([], []) for d in dossier_ids}
        if not dossier_ids:
            return {}
        marks = ",".join("?" * len(dossier_ids))
        try:
            # Each dossier's rows in (kind, value) and in id order. Ordered by dossier first, both
            # queries read their dossier_id index in order: no sort of the rows (and payloads) in SQLite.
            for kind, value, did in self.conn.execute(
                f"SELECT kind, value, dossier_id FROM identifiers WHERE dossier_id IN ({marks}) "
                "ORDER BY dossier_id, kind, value",
                list(dossier_ids),
            ):
                # The same Identifier object a record payload of this batch names (shared, immutable).
                out[int(did)][0].append(shared_identifier(kind, value))
            for rid, did, payload in self.conn.execute(
                f"SELECT id, dossier_id, payload FROM records WHERE dossier_id IN ({marks}) "
                "ORDER BY dossier_id, id",
                list(dossier_ids),
            ):
                try:
                    out[int(did)][1].append(read(payload))
                except PayloadError as exc:
                    raise StoreError(f"{self.path}: record {rid} of dossier {did}: {exc}") from None
        finally:
            forget_shared()  # what the batch shares lives only as long as its records
        return {d: (tuple(i), tuple(r)) for d, (i, r) in out.items()}

    def upgrade_payloads(self, *, chunk: int = 2000) -> int:
        """Rewrite every record payload not in the current format (faster reconciles); returns how many.

        Each payload is read and written back through the serializer, so the record is unchanged.
        """
        done, last = 0, 0
        while True:
            rows = self.conn.execute(
                "SELECT id, payload FROM records WHERE id > ? ORDER BY id LIMIT ?", [last, chunk]
            ).fetchall()
            if not rows:
                return done
            last = int(rows[-1][0])
            changes = []
            for rid, payload in rows:
                if is_current(payload):
                    continue
                try:
                    new = record_to_payload(record_from_payload(payload))
                except PayloadError as exc:
                    raise StoreError(f"{self.path}: record {rid}: {exc}") from None
                if new != payload:
                    changes.append((new, rid))
            forget_shared()  # keep memory flat over the store
            if changes:
                with self.transaction() as conn:
                    conn.executemany("UPDATE records SET payload = ? WHERE id = ?", changes)
                done += len(changes)

    def dossier_anchor(self, dossier_id: int) -> str | None:
        row = self.conn.execute("SELECT anchor FROM dossiers WHERE id = ?", [dossier_id]).fetchone()
        return str(row[0]) if row and row[0] else None

    def live_dossier_ids(self, *, dirty_only: bool = False) -> list[int]:
        sql = "SELECT id FROM dossiers WHERE merged_into IS NULL"
        if dirty_only:
            sql += " AND dirty = 1"
        return [int(r[0]) for r in self.conn.execute(sql + " ORDER BY id")]

    def mark_all_dirty(self) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE dossiers SET dirty = 1 WHERE merged_into IS NULL")

    # --- divergences -----------------------------------------------------------------------

    def apply_divergences(
        self,
        dossier_id: int,
        found: Iterable[Divergence],
        *,
        now: dt.datetime,
        run_id: int | None = None,
    ) -> dict[str, int]:
        """Make the store agree with what reconcile found for one dossier (see the batch form)."""
        return self.apply_divergences_batch([(dossier_id, list(found))], now=now, run_id=run_id)

    def apply_divergences_batch(
        self,
        results: Sequence[tuple[int, Sequence[Divergence]]],
        *,
        now: dt.datetime,
        run_id: int | None = None,
    ) -> dict[str, int]:
        """Make the store agree with what reconcile found for these dossiers, keeping history.

        New → open; seen again → last_seen moves; resolved and back → reopened; gone →
        resolved with resolved_at. Acknowledged ones keep their acknowledgement. One
        transaction and a handful of statements per batch, not per dossier.
        """
        counts = {"new": 0, "kept": 0, "reopened": 0, "resolved": 0}
        ts = _iso(now)
        dossier_ids = [d for d, _ in results]
        with self.transaction() as conn:
            existing: dict[int, dict[str, str]] = {d: {} for d in dossier_ids}
            status_of: dict[str, str] = {}
            for chunk in _chunks(dossier_ids):
                marks = ",".join("?" * len(chunk))
                for div_id, status, did in conn.execute(
                    f"SELECT id, status, dossier_id FROM divergences WHERE dossier_id IN ({marks})", chunk
                ):
                    existing.setdefault(int(did), {})[str(div_id)] = str(status)
                    status_of[str(div_id)] = str(status)
            # A divergence may live under a dossier that was merged away: find it by id.
            unknown = [d.id for _, found in results for d in found if d.id not in status_of]
            for chunk in _chunks(unknown):
                marks = ",".join("?" * len(chunk))
                for div_id, status in conn.execute(
                    f"SELECT id, status FROM divergences WHERE id IN ({marks})", chunk
                ):
                    status_of[str(div_id)] = str(status)
            inserts: list[list[Any]] = []
            updates: list[list[Any]] = []
            resolves: list[tuple[str | None, str]] = []
            history: list[tuple[Any, ...]] = []
            for dossier_id, found in results:
                found_by_id = {d.id: d for d in found}
                for div_id, d in found_by_id.items():
                    common = [
                        dossier_id,
                        d.kind.value,
                        d.severity.value,
                        d.organisation,
                        json.dumps(list(d.organisations)),
                        json.dumps([{"kind": i.kind.value, "value": i.value} for i in d.identifiers]),
                        d.subject,
                        d.expected,
                        d.found,
                        d.message,
                        d.why,
                        json.dumps(d.details, ensure_ascii=False, default=str, sort_keys=True),
                    ]
                    status = status_of.get(div_id)
                    if status is None:
                        inserts.append([*common, div_id, ts, ts])
                        history.append((div_id, ts, None, "open", None, None, run_id))
                        counts["new"] += 1
                        status_of[div_id] = "open"
                        continue
                    reopened = status == Status.RESOLVED.value
                    updates.append([*common, "open" if reopened else status, ts, div_id])
                    if reopened:
                        history.append((div_id, ts, status, "open", "weer gevonden", None, run_id))
                        counts["reopened"] += 1
                    else:
                        counts["kept"] += 1
                for div_id, status in existing.get(dossier_id, {}).items():
                    if div_id not in found_by_id and status != Status.RESOLVED.value:
                        resolves.append((ts, div_id))
                        history.append((div_id, ts, status, "resolved", None, None, run_id))
                        counts["resolved"] += 1
            conn.executemany(
                "INSERT INTO divergences (dossier_id, kind, severity, organisation, organisations, "
                "identifiers, subject, expected, found, message, why, details, id, status, first_seen, "
                "last_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?, 'open', ?, ?)",
                inserts,
            )
            conn.executemany(
                "UPDATE divergences SET dossier_id=?, kind=?, severity=?, organisation=?, organisations=?, "
                "identifiers=?, subject=?, expected=?, found=?, message=?, why=?, details=?, "
                "status=?, last_seen=?, resolved_at=NULL WHERE id=?",
                updates,
            )
            conn.executemany("UPDATE divergences SET status='resolved', resolved_at=? WHERE id=?", resolves)
            conn.executemany(
                "INSERT INTO divergence_history (divergence_id, at, status_from, status_to, note, by, run_id) "
                "VALUES (?,?,?,?,?,?,?)",
                history,
            )
            conn.executemany(
                "UPDATE dossiers SET dirty = 0, reconciled_at = ? WHERE id = ?",
                [(ts, d) for d in dossier_ids],
            )
        return counts

    def acknowledge(self, divergence_id: str, *, note: str, by: str, now: dt.datetime | None = None) -> None:
        now = now or utcnow()
        with self.transaction() as conn:
            row = conn.execute("SELECT status FROM divergences WHERE id = ?", [divergence_id]).fetchone()
            if row is None:
                raise KeyError(divergence_id)
            conn.execute(
                "UPDATE divergences SET status = CASE WHEN status = 'resolved' THEN status ELSE 'acknowledged' END, "
                "ack_note = ?, ack_by = ?, ack_at = ? WHERE id = ?",
                [note, by, _iso(now), divergence_id],
            )
            conn.execute(
                "INSERT INTO divergence_history (divergence_id, at, status_from, status_to, note, by) "
                "VALUES (?,?,?,?,?,?)",
                [
                    divergence_id,
                    _iso(now),
                    row[0],
                    "acknowledged" if row[0] != "resolved" else row[0],
                    note,
                    by,
                ],
            )

    def divergences(
        self,
        *,
        dossier_id: int | None = None,
        organisation: str | None = None,
        kind: str | None = None,
        severity: str | None = None,
        status: str | Sequence[str] | None = None,
        since: dt.datetime | None = None,
    ) -> list[Divergence]:
        where: list[str] = []
        params: list[Any] = []
        if dossier_id is not None:
            where.append("dossier_id = ?")
            params.append(dossier_id)
        if organisation:
            where.append("(organisation = ?)")
            params.append(organisation)
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if severity:
            where.append("severity = ?")
            params.append(severity)
        if status:
            statuses = [status] if isinstance(status, str) else list(status)
            where.append(f"status IN ({','.join('?' * len(statuses))})")
            params.extend(statuses)
        if since:
            where.append("last_seen >= ?")
            params.append(_iso(since))
        sql = "SELECT * FROM divergences" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY first_seen, id"
        return [divergence_from_row(r) for r in self.db.query(sql, params)]

    # --- runs ------------------------------------------------------------------------------

    def start_run(self, kind: str, *, now: dt.datetime) -> int:
        with self.transaction() as conn:
            cur = conn.execute("INSERT INTO runs (started_at, kind) VALUES (?, ?)", [_iso(now), kind])
            return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, *, now: dt.datetime, files: int = 0, records: int = 0) -> int:
        with self.transaction() as conn:
            total = conn.execute("SELECT count(*) FROM dossiers WHERE merged_into IS NULL").fetchone()[0]
            inconsistent = conn.execute(
                "SELECT count(DISTINCT dossier_id) FROM divergences WHERE status IN ('open', 'acknowledged')"
            ).fetchone()[0]
            open_divs = conn.execute(
                "SELECT count(*) FROM divergences WHERE status IN ('open', 'acknowledged')"
            ).fetchone()[0]
            conn.execute(
                "UPDATE runs SET finished_at=?, dossiers_total=?, dossiers_consistent=?, open_divergences=?, "
                "files=?, records=? WHERE id=?",
                [_iso(now), total, total - inconsistent, open_divs, files, records, run_id],
            )
        return int(open_divs)


def divergence_from_row(r: dict[str, Any]) -> Divergence:
    return Divergence(
        id=r["id"],
        kind=r["kind"],
        severity=r["severity"],
        organisation=r["organisation"],
        organisations=tuple(json.loads(r["organisations"])),
        identifiers=tuple(
            Identifier(i["kind"], i["value"], i["value"]) for i in json.loads(r["identifiers"])
        ),
        subject=r["subject"],
        expected=r["expected"],
        found=r["found"],
        message=r["message"],
        why=r["why"] or "",
        status=r["status"],
        first_seen=_parse_dt(r["first_seen"]),
        last_seen=_parse_dt(r["last_seen"]),
        resolved_at=_parse_dt(r["resolved_at"]),
        dossier_id=r["dossier_id"],
        details=json.loads(r["details"]) if r.get("details") else {},
    )


def _chunks(items: Sequence[Any], size: int = 900) -> Iterator[list[Any]]:
    """Pieces small enough for SQLite's limit on bound parameters."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _anchor(keys: Iterable[tuple[str, str]]) -> str | None:
    """The dossier's display and scoping key: smallest parketnummer, else PV, else anything."""
    by_kind: dict[str, list[str]] = {}
    for kind, value in keys:
        by_kind.setdefault(kind, []).append(value)
    for kind in ("parketnummer", "pv", "ecli", "extern"):
        if by_kind.get(kind):
            return f"{kind}:{min(by_kind[kind])}"
    return None
