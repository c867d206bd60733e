"""The disclosure log: every report that leaves the store, in a hash chain that shows tampering."""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from dossierlink.report import list_disclosures, record_disclosure, verify_disclosures
from dossierlink.report.disclosure import GENESIS


def _log(db: sqlite_utils.Database, n: int) -> None:
    for i in range(n):
        record_disclosure(
            db,
            user="medewerker",
            what=f"report operational (organisation=om) #{i}",
            level="operational",
            fmt="csv",
            recipient="Ketenoverleg Rotterdam" if i % 2 else None,
            revealed=i == 1,
            output=f"/tmp/werklijst-{i}.csv",
            at=dt.datetime(2025, 3, 14, 9, i, tzinfo=dt.UTC),
        )


def test_every_report_that_leaves_the_store_is_logged_in_a_chain(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = sqlite_utils.Database(tmp_path / "s.db")
    _log(db, 3)
    entries = list_disclosures(db)
    assert [e["id"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev_hash"] == GENESIS and entries[1]["prev_hash"] == entries[0]["hash"]
    assert entries[1]["revealed"] is True and entries[1]["recipient"] == "Ketenoverleg Rotterdam"
    assert entries[0]["at"] == "2025-03-14T09:00:00Z" and entries[0]["user"] == "medewerker"
    assert verify_disclosures(db) == []


def test_an_edited_entry_breaks_the_chain(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = sqlite_utils.Database(tmp_path / "s.db")
    _log(db, 3)
    db.execute("UPDATE disclosures SET recipient = 'niemand', revealed = 0 WHERE id = 2")
    db.conn.commit()
    problems = verify_disclosures(db)
    assert problems and "disclosure 2" in problems[0] and "changed" in problems[0]


def test_a_removed_entry_breaks_the_chain(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = sqlite_utils.Database(tmp_path / "s.db")
    _log(db, 3)
    db.execute("DELETE FROM disclosures WHERE id = 2")
    db.conn.commit()
    problems = verify_disclosures(db)
    assert any("removed" in p for p in problems) and any("prev_hash" in p for p in problems)


def test_a_rehashed_forgery_is_still_caught_by_the_next_entry(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dossierlink.report.disclosure import entry_hash

    db = sqlite_utils.Database(tmp_path / "s.db")
    _log(db, 3)
    first = list_disclosures(db)[0]
    first["user"] = "iemand anders"
    forged = entry_hash(first["prev_hash"], first)
    db.execute("UPDATE disclosures SET user = ?, hash = ? WHERE id = 1", [first["user"], forged])
    db.conn.commit()
    assert any("disclosure 2" in p and "prev_hash" in p for p in verify_disclosures(db))


def test_an_empty_log_is_intact(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = sqlite_utils.Database(tmp_path / "s.db")
    assert list_disclosures(db) == [] and verify_disclosures(db) == []


def test_the_os_user_is_logged_when_none_is_given(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import getpass

    db = sqlite_utils.Database(tmp_path / "s.db")
    entry = record_disclosure(
        db,
        what="report strategic",
        level="strategic",
        fmt="text",
        recipient=None,
        revealed=False,
        output="stdout",
    )
    assert entry["user"] == getpass.getuser()


def test_a_database_that_is_not_a_store_gets_the_stores_own_disclosures_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dossierlink.store import Store
    from dossierlink.store.tables import DISCLOSURES

    loose = sqlite_utils.Database(tmp_path / "loose.db")
    _log(loose, 1)
    store = Store(tmp_path / "store.db")
    schema = "SELECT sql FROM sqlite_master WHERE name = ?"
    assert (
        loose.execute(schema, [DISCLOSURES.name]).fetchone()
        == store.conn.execute(schema, [DISCLOSURES.name]).fetchone()
    )
    store.close()
