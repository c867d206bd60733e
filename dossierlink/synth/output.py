"""The generated chain's folder: writes each file below its root and counts what was written."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ChainFiles"]


class ChainFiles:
    """Files below ``root``, with the counts the summary and manifest report."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = 0
        self.documents = 0
        self.scans = 0
        self.scan_pages = 0
        self.by_format: dict[str, int] = {}

    def write(self, rel: str, data: str | bytes, fmt: str, encoding: str = "utf-8") -> None:
        """Write ``data`` to ``root/rel`` (text in ``encoding``), counted under ``fmt``."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = data.encode(encoding) if isinstance(data, str) else data
        path.write_bytes(payload)
        self.files += 1
        self.by_format[fmt] = self.by_format.get(fmt, 0) + 1
