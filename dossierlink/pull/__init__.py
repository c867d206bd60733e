"""Pull connectors: fetch from real systems (ZGW APIs, Rechtspraak open data) into a pull folder, one response a file."""

from __future__ import annotations

from dossierlink.pull.http import HttpClient, PullError, Response
from dossierlink.pull.rechtspraak import RechtspraakPull, RechtspraakPullConfig
from dossierlink.pull.zgw import ZgwPull, ZgwPullConfig

__all__ = [
    "HttpClient",
    "PullError",
    "PullResult",
    "RechtspraakPull",
    "RechtspraakPullConfig",
    "Response",
    "ZgwPull",
    "ZgwPullConfig",
]

from dossierlink.pull.folder import PullResult
