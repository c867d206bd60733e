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
import dossierlink.sync.worker  # noqa: F401  (the worker's own module)
from dossierlink.ingest.adapter import available_adapters

with contextlib.suppress(Exception):  # a broken plug-in is the first file's problem, not the server's
    available_adapters()


def _exit_with_the_daemon() -> None:
    """The fork server must not outlive a daemon killed with -9 (its workers die with it)."""
    import os
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    # Forked workers inherit only the forking thread, so this watcher stays in the server.
    threading.Thread(target=watch, name="daemon-watch", daemon=True).start()


_exit_with_the_daemon()
