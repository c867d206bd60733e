"""dossierlink: one common dossier schema for the strafrechtketen, and the divergences between sources."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["Chain", "__version__", "open"]

from dossierlink.api import Chain, open
