"""Checksum algorithm labels as archives and APIs write them, folded to one name per algorithm."""

from __future__ import annotations

__all__ = ["checksum_algorithm"]

_KNOWN = {"SHA1", "SHA224", "SHA256", "SHA384", "SHA512", "MD5", "SHA3256", "SHA3512"}


def checksum_algorithm(label: str | None) -> str:
    """``SHA-256``, ``SHA256``, ``sha256``, ``sha_256`` → ``sha256``; an unknown label lower-cased.

    MDTO's begrippenlijst writes ``SHA256``, ToPX exports write ``SHA512`` or ``sha-512``, the ZGW
    Documenten API ``sha_256``: one algorithm, one name, so a fixity value compares across sources.
    """
    raw = (label or "").strip()
    folded = raw.replace("-", "").replace("_", "").replace(" ", "").upper()
    if folded in _KNOWN:
        return folded.lower().replace("sha3", "sha3-") if folded.startswith("SHA3") else folded.lower()
    return raw.lower()
