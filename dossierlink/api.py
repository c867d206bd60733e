"""The library API: ``dossierlink.open(path)`` returns a Chain whose methods the CLI calls."""

from __future__ import annotations

from pathlib import Path


class Chain:
    """A store of the chain's dossiers (being written; see store.py)."""

    def __init__(self, path: Path) -> None:
        self.path = path


def open(path: str | Path = "dossierlink.db") -> Chain:  # noqa: A001 - mirrors sqlite-utils
    return Chain(Path(path))
