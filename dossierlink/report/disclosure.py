"""The disclosure log (Wjsg art. 39j): every report that leaves the store, in a tamper-evident hash chain."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import threading
from typing import Any

import sqlite_utils

from dossierlink.privacy import Sink, scrub
from dossierlink.store.tables import DISCLOSURES

__all__ = ["GENESIS", "current_user", "list_disclosures", "record_disclosure", "verify_disclosures"]

TABLE = DISCLOSURES.name
GENESIS = "0" * 64
# The fields an entry's hash covers, in the store's column order (prev_hash and hash are the chain).
_FIELDS = DISCLOSURES.column_names[: DISCLOSURES.column_names.index("prev_hash")]
_COLUMNS = DISCLOSURES.column_names
_APPEND = threading.RLock()


def current_user() -> str:
    """The OS user who makes the report; the uid when the name cannot be found (containers)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _canonical(entry: dict[str, Any]) -> str:
    return json.dumps(
        {k: entry.get(k) for k in _FIELDS}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    """sha256 over the previous hash and the canonical JSON of the entry's fields."""
    return hashlib.sha256((prev_hash + _canonical(entry)).encode("utf-8")).hexdigest()


def _ensure_table(db: sqlite_utils.Database) -> None:
    """A database that is not a store (a copy, a test) gets the store's own disclosures table."""
    if not db[TABLE].exists():
        for statement in DISCLOSURES.create_statements():  # not executescript: it would end a transaction
            db.execute(statement)


def record_disclosure(
    db: sqlite_utils.Database,
    *,
    user: str | None = None,
    what: str,
    level: str,
    fmt: str,
    recipient: str | None,
    revealed: bool,
    output: str,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """Append one entry to the log and return it (with ``prev_hash`` and ``hash``).

    The read of the last hash and the insert happen under one write lock, so two reports
    written at the same moment cannot fork the chain.
    """
    with _APPEND:  # two threads on one connection would both read the same last entry
        return _append(db, user, what, level, fmt, recipient, revealed, output, at)


def _append(
    db: sqlite_utils.Database,
    user: str | None,
    what: str,
    level: str,
    fmt: str,
    recipient: str | None,
    revealed: bool,
    output: str,
    at: dt.datetime | None,
) -> dict[str, Any]:
    _ensure_table(db)
    what, output = scrub(what, Sink.MESSAGE), scrub(output, Sink.MESSAGE)
    recipient = scrub(recipient, Sink.MESSAGE) if recipient else recipient
    moment = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    conn = db.conn
    own_transaction = not conn.in_transaction
    if own_transaction:
        conn.execute("BEGIN IMMEDIATE")
    try:
        last = conn.execute(f"SELECT id, hash FROM [{TABLE}] ORDER BY id DESC LIMIT 1").fetchone()
        entry: dict[str, Any] = {
            "id": (int(last[0]) + 1) if last else 1,
            "at": moment.isoformat().replace("+00:00", "Z"),
            "user": user or current_user(),
            "what": what,
            "level": level,
            "format": fmt,
            "recipient": recipient,
            "revealed": bool(revealed),
            "output": output,
        }
        entry["prev_hash"] = str(last[1]) if last else GENESIS
        entry["hash"] = entry_hash(entry["prev_hash"], entry)
        row = dict(entry, revealed=1 if entry["revealed"] else 0)
        conn.execute(
            f"INSERT INTO [{TABLE}] ({', '.join(f'[{c}]' for c in _COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in _COLUMNS)})",
            [row[c] for c in _COLUMNS],
        )
        if own_transaction:
            conn.execute("COMMIT")
    except BaseException:
        if own_transaction and conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return entry


def _row(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["revealed"] = bool(out.get("revealed"))
    return out


def list_disclosures(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every entry, oldest first."""
    if not db[TABLE].exists():
        return []
    return [_row(r) for r in db[TABLE].rows_where(order_by="id")]


def verify_disclosures(db: sqlite_utils.Database) -> list[str]:
    """Problems in the chain (an edited, inserted or removed entry), one sentence each; [] when intact.

    Removing the newest entries leaves a shorter valid chain: keep the latest hash elsewhere
    (the daily run log) to detect that too.
    """
    problems: list[str] = []
    prev = GENESIS
    expected_id = 1
    for entry in list_disclosures(db):
        eid = entry.get("id")
        if eid != expected_id:
            problems.append(
                f"disclosure {eid}: expected entry {expected_id} here; an entry was removed or inserted."
            )
        if entry.get("prev_hash") != prev:
            problems.append(f"disclosure {eid}: prev_hash does not match the hash of the entry before it.")
        recomputed = entry_hash(str(entry.get("prev_hash")), entry)
        if entry.get("hash") != recomputed:
            problems.append(f"disclosure {eid}: its hash does not match its contents; the entry was changed.")
        prev = str(entry.get("hash"))
        expected_id = (eid if isinstance(eid, int) else expected_id) + 1
    return problems
