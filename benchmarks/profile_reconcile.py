"""Profile target: reconcile the first N dossiers of a store, then 20 of them one at a time.

    pyinstrument -r text -o benchmarks/results/profile-reconcile.txt -m benchmarks.profile_reconcile STORE.db 2000

Run it on a copy of a benchmark store (``--work`` keeps it): it writes divergences.
"""

from __future__ import annotations

import datetime as dt
import sys

import dossierlink

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def main(argv: list[str]) -> None:
    chain = dossierlink.open(argv[0])
    ids = chain.store.live_dossier_ids()[: int(argv[1]) if len(argv) > 1 else 2000]
    chain.reconcile(dossier_ids=ids, now=NOW, workers=1)
    for d in ids[:20]:
        chain.reconcile(dossier_ids=[d], now=NOW, kind="incremental")
    chain.close()


if __name__ == "__main__":
    main(sys.argv[1:])
