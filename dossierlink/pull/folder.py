"""The pull folder: each response kept as an owner-only file (provenance, fixity, re-ingest)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import attrs

__all__ = ["PullFolder", "PullResult"]


@attrs.define
class PullResult:
    """What one pull fetched: the files written (in order), requests made, the cursor it reached."""

    files: list[Path] = attrs.field(factory=list)
    requests: int = 0
    cursor: str | None = None
    skipped: int = 0  # already in the pull folder (a resumed pull)


@attrs.define
class PullFolder:
    path: Path

    def __attrs_post_init__(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        os.chmod(self.path, 0o700)

    def name(self, *parts: str, suffix: str) -> Path:
        safe = "-".join(re.sub(r"[^A-Za-z0-9._-]+", "_", p).strip("_") for p in parts if p)
        return self.path / f"{safe[:180]}{suffix}"

    def write(self, target: Path, body: bytes) -> Path:
        """Write ``body`` owner-only, atomically (a reader never sees half a response)."""
        tmp = target.with_name(f".{target.name}.part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
        os.replace(tmp, target)
        return target
