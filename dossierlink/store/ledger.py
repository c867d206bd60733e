"""The file ledger: the store's ``sources`` table read as "which version of which file is settled".

Read-only and on its own connection, so the sync daemon can ask it between ingests without
holding the writer's lock; ``Chain.ingest_file`` writes the rows.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dossierlink.schema import ReferenceProblem, reference_problems
from dossierlink.store.payload import PayloadError, record_from_payload
from dossierlink.store.tables import RECORDS, RUNS, SOURCES

__all__ = ["FINAL_STATUSES", "Ledger", "references_not_read"]

FINAL_STATUSES = ("ingested", "duplicate", "quarantined")
_SOURCES, _RUNS, _RECORDS = SOURCES.name, RUNS.name, RECORDS.name


def references_not_read(
    conn: sqlite3.Connection, under: Path | None = None, organisations: Iterable[str] = ()
) -> dict[ReferenceProblem, int]:
    """Referenced document files the stored records could not read, by reason (ingested files only).

    ``under`` keeps the records of files below that folder (an inbox), ``organisations`` those
    organisations' records. Only payloads that hold the warning's words are decoded, so this stays
    cheap on a large store.
    """
    sql = (
        f"SELECT r.payload FROM {_RECORDS} r JOIN {_SOURCES} s ON s.id = r.source_id "
        "WHERE s.status = 'ingested' AND instr(r.payload, ' not read: ') > 0"
    )
    params: tuple[Any, ...] = ()
    if under is not None:
        prefix = str(under).rstrip("/") + "/"
        sql += " AND substr(s.path, 1, ?) = ?"
        params = (len(prefix), prefix)
    orgs = list(organisations)
    if orgs:
        sql += f" AND r.organisation IN ({', '.join('?' for _ in orgs)})"
        params = (*params, *orgs)
    try:
        rows = conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc) or "no such column" in str(exc):
            return {}
        raise
    warnings: list[str] = []
    for (payload,) in rows:
        try:
            warnings += record_from_payload(str(payload)).warnings
        except PayloadError:
            continue  # a damaged record is reported where records are read, not here
    return reference_problems(warnings)


def _same_mtime(stored: Any, mtime: float) -> bool:
    if isinstance(stored, int | float):
        return abs(float(stored) - mtime) < 1e-3
    if isinstance(stored, str):
        try:
            return abs(float(stored) - mtime) < 1e-3
        except ValueError:
            pass
        try:
            return abs(dt.datetime.fromisoformat(stored).timestamp() - mtime) < 1e-3
        except ValueError:
            return False
    return False


class Ledger:
    """Read-only view of the store's ``sources`` table: which (path, size, mtime) are settled."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self._conn: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection | None:
        if self._conn is None:
            if not self.store.exists():
                return None
            try:
                conn = sqlite3.connect(f"file:{self.store}?mode=ro", uri=True, timeout=5.0)
                conn.row_factory = sqlite3.Row
            except sqlite3.Error:
                return None
            self._conn = conn
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        conn = self._connect()
        if conn is None:
            return []
        try:
            return list(conn.execute(sql, tuple(params)))
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc) or "no such column" in str(exc):
                return []
            raise

    def settled(self, path: Path, size: int, mtime: float) -> str | None:
        """The final status of this exact version of ``path`` (same size and mtime), or None."""
        marks = ",".join("?" * len(FINAL_STATUSES))
        for row in self._rows(
            f"SELECT size, mtime, status FROM {_SOURCES} WHERE path = ? AND status IN ({marks})",
            (str(path), *FINAL_STATUSES),
        ):
            if row["size"] == size and _same_mtime(row["mtime"], mtime):
                return str(row["status"])
        return None

    def settled_under(self, root: Path) -> dict[str, list[tuple[int, Any]]]:
        """Every settled (size, mtime) per path below ``root``: one query for a whole scan."""
        marks = ",".join("?" * len(FINAL_STATUSES))
        prefix = str(root).rstrip("/") + "/"
        found: dict[str, list[tuple[int, Any]]] = {}
        for row in self._rows(
            f"SELECT path, size, mtime FROM {_SOURCES} WHERE status IN ({marks}) AND substr(path, 1, ?) = ?",
            (*FINAL_STATUSES, len(prefix), prefix),
        ):
            found.setdefault(str(row["path"]), []).append((row["size"], row["mtime"]))
        return found

    def quarantined_under(self, root: Path) -> list[dict[str, Any]]:
        """Path, size, mtime, adapter and error of every file below ``root`` settled as quarantined."""
        prefix = str(root).rstrip("/") + "/"
        return [
            dict(row)
            for row in self._rows(
                f"SELECT path, size, mtime, adapter, error, attempts FROM {_SOURCES} "
                "WHERE status = 'quarantined' AND substr(path, 1, ?) = ?",
                (len(prefix), prefix),
            )
        ]

    @staticmethod
    def is_settled(known: Mapping[str, list[tuple[int, Any]]], path: Path, size: int, mtime: float) -> bool:
        return any(s == size and _same_mtime(m, mtime) for s, m in known.get(str(path), ()))

    def summary_under(self, root: Path, *, limit: int = 10) -> dict[str, Any]:
        """Counts by status, the last ingested file and the latest quarantined ones below ``root``."""
        prefix = str(root).rstrip("/") + "/"
        where = "substr(path, 1, ?) = ?"
        args = (len(prefix), prefix)
        counts = {
            str(r["status"]): int(r["n"])
            for r in self._rows(
                f"SELECT status, count(*) AS n FROM {_SOURCES} WHERE {where} GROUP BY status", args
            )
        }
        last = self._rows(
            f"SELECT path, status, ingested_at FROM {_SOURCES} WHERE {where} AND status IN ('ingested', 'duplicate') "
            "ORDER BY ingested_at DESC, id DESC LIMIT 1",
            args,
        )
        quarantined = self._rows(
            f"SELECT path, error, attempts, adapter FROM {_SOURCES} WHERE {where} AND status = 'quarantined' "
            "ORDER BY id DESC LIMIT ?",
            (*args, limit),
        )
        return {
            "counts": counts,
            "last_ingested": dict(last[0]) if last else None,
            "quarantined": [dict(r) for r in quarantined],
        }

    def references_not_read_under(self, root: Path) -> dict[ReferenceProblem, int]:
        """Referenced document files not read for the files below ``root``, by reason."""
        conn = self._connect()
        return {} if conn is None else references_not_read(conn, root)

    def last_reconcile(self) -> str | None:
        rows = self._rows(f"SELECT max(finished_at) AS at FROM {_RUNS} WHERE kind LIKE '%reconcile%'")
        return str(rows[0]["at"]) if rows and rows[0]["at"] else None
