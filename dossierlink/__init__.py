"""dossierlink: one common dossier schema for the strafrechtketen, and the divergences between sources."""

from __future__ import annotations

from dossierlink._version import __version__
from dossierlink.api import Chain, Person, PersonMatch, compare_persons, open

__all__ = ["Chain", "Person", "PersonMatch", "__version__", "compare_persons", "open"]
