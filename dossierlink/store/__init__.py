"""The store: one SQLite file through sqlite-utils; tables, migrations, the file ledger and record payloads.

``tables`` defines every table; ``migrations`` creates them; ``database.Store`` is the connection
and everything written and read through it; ``ledger`` reads the file ledger on its own
connection; ``payload`` (current format), ``payload_json`` (earlier formats) and ``trusted``
(building objects past the validators) turn records into text and back.
"""

from dossierlink.store.database import (
    BUSY_TIMEOUT_S,
    IngestedFile,
    Store,
    StoreError,
    divergence_from_row,
    utcnow,
)

__all__ = ["BUSY_TIMEOUT_S", "IngestedFile", "Store", "StoreError", "divergence_from_row", "utcnow"]
