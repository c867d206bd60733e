"""The store: one SQLite file through sqlite-utils; tables, migrations, the file ledger and record payloads."""

from dossierlink.store.database import (
    BUSY_TIMEOUT_S,
    IngestedFile,
    Store,
    StoreError,
    divergence_from_row,
    utcnow,
)

__all__ = ["BUSY_TIMEOUT_S", "IngestedFile", "Store", "StoreError", "divergence_from_row", "utcnow"]
