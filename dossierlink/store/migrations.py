"""The store's migrations: each runs once per store file, in name order (sqlite-utils migrations)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from dossierlink.store.tables import (
    API_TOKENS,
    DIVERGENCES,
    DOSSIERS,
    LOGIN_ATTEMPTS,
    PULL_CURSORS,
    TABLES,
    USERS,
    WEB_ACTIONS,
    WEB_SESSIONS,
)

__all__ = ["migrations"]

migrations = Migrations("dossierlink")


@migrations()
def m001_initial(db: Database) -> None:
    """Every table and index as ``dossierlink.store.tables`` defines them (idempotent)."""
    db.executescript(
        "".join(f"{statement};\n" for table in TABLES for statement in table.create_statements())
    )


@migrations()
def m002_counting_indexes(db: Database) -> None:
    """Runs count live dossiers and open divergences after every reconcile: answer from indexes.

    Stores made before these indexes were part of their tables' definitions get them here.
    """
    wanted = {"divergences_open", "dossiers_live"}
    db.executescript(
        "\n".join(
            f"CREATE INDEX IF NOT EXISTS {index} ON {on};"
            for table in (DIVERGENCES, DOSSIERS)
            for index, on in table.indexes
            if index in wanted
        )
    )


@migrations()
def m003_pull_cursors(db: Database) -> None:
    """The pull connectors' cursors (dossierlink.pull), for stores made before the table existed."""
    db.executescript("".join(f"{statement};\n" for statement in PULL_CURSORS.create_statements()))


@migrations()
def m004_accounts(db: Database) -> None:
    """`dossierlink serve`: users, API tokens, sessions, login attempts and the web action history,
    and the index that finds a person's cases by SKN."""
    db.execute("CREATE INDEX IF NOT EXISTS persons_skn ON persons(skn) WHERE skn IS NOT NULL")
    db.executescript(
        "".join(
            f"{statement};\n"
            for table in (USERS, API_TOKENS, WEB_SESSIONS, LOGIN_ATTEMPTS, WEB_ACTIONS)
            for statement in table.create_statements()
        )
    )
