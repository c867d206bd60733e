"""Privacy: keyed pseudonyms for person numbers, so organisations can compare without sharing BSNs.

The key comes from the environment (``DOSSIERLINK_PSEUDONYM_KEY``) or a key file; it is never
written to the store. Two organisations with the same key get the same pseudonym for a BSN.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from pathlib import Path

import attrs

from dossierlink.identifiers import is_valid_bsn
from dossierlink.schema import Person, Record

__all__ = ["PSEUDONYM_PREFIX", "Pseudonymiser", "load_key", "mask_bsns"]

PSEUDONYM_PREFIX = "ps:"
ENV_KEY = "DOSSIERLINK_PSEUDONYM_KEY"


# Anything that could be a BSN: 8 or 9 digits standing alone, or grouped as people write them
# (123 45 67 89, 1234.56.782, 123.456.782). Over-masking an SKN or a number is the safe error.
_BSN_LIKE = re.compile(
    r"(?<![\d.])(\d{3}[ .]\d{2}[ .]\d{2}[ .]\d{2}|\d{4}[ .]\d{2}[ .]\d{3}|\d{3}[ .]\d{3}[ .]\d{3}|\d{8,9})(?![\d])"
)


def _mask_match(m: re.Match[str]) -> str:
    text = m.group(0)
    digits = re.sub(r"\D", "", text)
    # An 8-digit run is a BSN only when its leading zero was dropped: mask it when the
    # elfproef says so, and leave other 8-digit numbers (an SKN, a date) readable.
    if len(digits) == 8 and not is_valid_bsn("0" + digits):
        return text
    return "*" * (len(text) - 2) + text[-2:]


def mask_bsns(text: str) -> str:
    """Mask every BSN-like number in free text (logs, reasons, sidecars): only the last two digits stay."""
    return _BSN_LIKE.sub(_mask_match, text)


class KeyError_(ValueError):
    pass


def load_key(key_file: str | Path | None = None) -> bytes | None:
    """The pseudonymisation key from the environment or a key file; None when neither is set."""
    env = os.environ.get(ENV_KEY)
    if env:
        key = env.encode("utf-8")
    elif key_file:
        path = Path(key_file)
        try:
            key = path.read_bytes().strip()
        except OSError as exc:
            raise KeyError_(f"The pseudonymisation key file {path} cannot be read: {exc.strerror}.") from exc
    else:
        return None
    if len(key) < 16:
        raise KeyError_("The pseudonymisation key is shorter than 16 bytes; use a long random key.")
    return key


@attrs.frozen
class Pseudonymiser:
    """HMAC-SHA256 of the BSN under a shared key, truncated to 20 hex characters."""

    key: bytes = attrs.field(repr=False)

    def pseudonym(self, value: str) -> str:
        if value.startswith(PSEUDONYM_PREFIX):
            return value
        digest = hmac.new(self.key, value.encode("utf-8"), hashlib.sha256).hexdigest()
        return PSEUDONYM_PREFIX + digest[:20]

    def person(self, person: Person) -> Person:
        if not person.bsn:
            return person
        return attrs.evolve(person, bsn=self.pseudonym(person.bsn))

    def record(self, record: Record) -> Record:
        if not any(p.bsn for p in record.persons):
            return record
        return attrs.evolve(record, persons=tuple(self.person(p) for p in record.persons))
