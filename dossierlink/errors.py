"""The error every reader of a source file raises when it cannot read it: file, place and problem.

It sits below both the adapter protocol (``dossierlink.ingest``, which re-exports it) and the PDF
reader (``dossierlink.paper``, whose ``PdfError`` is one), so neither has to import the other.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["AdapterError"]


class AdapterError(Exception):
    """A source file an adapter cannot read. The message names file, place and problem."""

    def __init__(self, path: Path | str, problem: str, locator: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        self.locator = locator
        where = f"{self.path}, {locator}" if locator else self.path
        super().__init__(f"{where}: {problem}")
