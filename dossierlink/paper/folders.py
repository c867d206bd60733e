"""Folder conventions: the organisation and parketnummer a scan's path implies (``{organisation}/{parketnummer}/…``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs

from dossierlink.identifiers import IdentifierError, parse_parketnummer
from dossierlink.schema import BUILTIN_ORGANISATIONS, check_organisation

__all__ = ["DEFAULT_FOLDER_PATTERN", "FolderHints", "folder_hints"]

DEFAULT_FOLDER_PATTERN = "{organisation}/{parketnummer}"


class FolderSettings(Protocol):
    """What the folder conventions read of an adapter's ``Hints``: the pattern option and the root."""

    @property
    def root(self) -> Path | None: ...

    @property
    def options(self) -> Mapping[str, Any]: ...


@attrs.frozen
class FolderHints:
    organisation: str | None = None
    parketnummer: str | None = None  # normalised
    problems: tuple[str, ...] = ()


def _match(parts: list[str], pattern: list[str], known_only: bool) -> FolderHints | None:
    if len(parts) < len(pattern):
        return None
    org: str | None = None
    parket: str | None = None
    problems: list[str] = []
    for part, want in zip(parts, pattern, strict=True):
        if want == "{organisation}":
            try:
                code = check_organisation(part)
            except ValueError:
                return None
            if known_only and code not in BUILTIN_ORGANISATIONS:
                return None
            org = code
        elif want == "{parketnummer}":
            try:
                # Folder names use '-' for '/': 13-123456-23.
                parket = parse_parketnummer(part).normalised
            except IdentifierError:
                return None  # not this convention (e.g. samples/documents/politie)
        elif want not in ("*", part):
            return None
    return FolderHints(org, parket, tuple(problems))


def folder_hints(path: Path, hints: FolderSettings) -> FolderHints:
    """What the folders around ``path`` say, following ``hints.options['folder_pattern']``.

    With ``hints.root`` the pattern is matched from the root down; without it, against the
    folders just above the file, and then only built-in organisation codes count (so that
    ``/tmp/x.pdf`` does not make "tmp" an organisation).
    """
    pattern_text = str(hints.options.get("folder_pattern", DEFAULT_FOLDER_PATTERN)).strip("/")
    if not pattern_text:
        return FolderHints()
    pattern = pattern_text.split("/")
    path = Path(path)
    if hints.root is not None:
        try:
            parts = list(path.resolve().relative_to(Path(hints.root).resolve()).parts[:-1])
        except ValueError:
            parts = []
        # A file higher up than the pattern reaches ({organisation}/batch.pdf) gets what its folders say.
        head = pattern[: len(parts)] if 0 < len(parts) < len(pattern) else pattern
        found = _match(parts[: len(head)], head, known_only=False)
        if found is not None:
            return found
    parts = list(path.resolve().parts[:-1])
    for size in range(len(pattern), 0, -1):
        # The trailing folders may hold only the end of the pattern ("{parketnummer}").
        found = _match(parts[-size:], pattern[-size:], known_only=True) if size <= len(parts) else None
        if found is not None and (found.organisation or found.parketnummer):
            return found
    return FolderHints()
