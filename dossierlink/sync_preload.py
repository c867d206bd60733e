"""Imported once by the sync daemon's fork server, so every worker forked from it starts warm.

Importing ``dossierlink.api`` pulls in sqlite-utils (and pandas, when installed: about a second);
the adapters are found through entry points and imported on first use; the reconciliation rules
are imported by the first reconcile. Done here, in the fork server, each cost is paid once per
daemon instead of once per worker process and again on the first file each worker handles.
"""

from __future__ import annotations

import contextlib

import dossierlink.api  # sqlite-utils (and pandas), the store, ingest
import dossierlink.reconcile
import dossierlink.sync_worker  # noqa: F401  (the worker's own module)
from dossierlink.adapter import available_adapters

with contextlib.suppress(Exception):  # a broken plug-in is the first file's problem, not the server's
    available_adapters()
