"""The store's migrations: each runs once per store file, in name order (sqlite-utils migrations)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from dossierlink.store.tables import DIVERGENCES, DOSSIERS, PULL_CURSORS, TABLES

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
