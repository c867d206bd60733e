"""Globally meaningful keys: normalised document keys, the dossier anchor and stable divergence ids."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable

from dossierlink.identifiers import IdentifierError, IdentifierKind, clean_pv_normalised, parse_pv_number
from dossierlink.reconcile.kinds import KINDS
from dossierlink.schema import DivergenceKind, Identifier

__all__ = ["KIND_ABBREVIATIONS", "NormalisedKey", "divergence_id", "dossier_anchor", "normalise_document_key"]

# The id prefix of each kind, from its description (kinds.py).
KIND_ABBREVIATIONS: dict[DivergenceKind, str] = {spec.kind: spec.prefix for spec in KINDS}


class NormalisedKey(str):
    """A document key in its compare form: ``pv:PL07B3 2023123456-1`` or ``nr:<NUMBER>``."""

    __slots__ = ()

    @property
    def is_pv(self) -> bool:
        return self.startswith("pv:")

    @property
    def registration(self) -> str | None:
        """For a PV key: the registration without its mutation."""
        if not self.is_pv:
            return None
        return self[3:].partition("-")[0]

    @property
    def has_mutation(self) -> bool:
        return self.is_pv and "-" in self[3:]


@functools.lru_cache(maxsize=65536)
def normalise_document_key(raw: str) -> tuple[NormalisedKey, tuple[str, ...]]:
    """The compare form of a document key, and any OCR corrections it needed.

    A PV number (also when printed with OCR errors such as ``O`` for ``0``) becomes
    ``pv:<normalised>``; anything else ``nr:<upper-cased, single-spaced>``.
    """
    # Equal to ``re.sub(r"\s+", " ", raw.strip())``: str.split() and the regex's \s both split at
    # exactly the characters str.isspace() accepts, and split() drops the ends as strip() does.
    text = " ".join(raw.split())
    if text[:1] not in ("P", "p"):
        # Both PV patterns (clean, upper-cased; and OCR-tolerant) start with the letter P.
        return NormalisedKey("nr:" + text.upper()), ()
    clean = clean_pv_normalised(text)
    if clean is not None:
        return NormalisedKey("pv:" + clean), ()
    try:
        pv = parse_pv_number(text, ocr=True)
        return NormalisedKey("pv:" + pv.normalised), pv.corrections
    except IdentifierError:
        pass
    return NormalisedKey("nr:" + text.upper()), ()


def dossier_anchor(identifiers: Iterable[Identifier], dossier_id: int | None = None) -> str:
    """The dossier's anchor: smallest parketnummer, else smallest PV registration, else smallest id.

    Subjects of persons, handovers and statuses are scoped by it so that their ids are global.
    """
    valid = [i for i in identifiers if i.valid]
    parket = sorted(i.value for i in valid if i.kind is IdentifierKind.PARKETNUMMER)
    if parket:
        return f"parketnummer:{parket[0]}"
    pvs = sorted(i.value.partition("-")[0] for i in valid if i.kind is IdentifierKind.PV)
    if pvs:
        return f"pv:{pvs[0]}"
    rest = sorted(i.key for i in valid)
    if rest:
        return rest[0]
    # No identifier at all (an unreadable scan alone): only the store's id is left.
    return f"dossier:{dossier_id}"


def divergence_id(kind: DivergenceKind, organisation: str, subject: str) -> str:
    """``<ABBR>-<16 hex>``: sha256 of kind, acting organisation and subject."""
    digest = hashlib.sha256(f"{kind.value}\x1f{organisation}\x1f{subject}".encode()).hexdigest()
    return f"{KIND_ABBREVIATIONS[kind]}-{digest[:16]}"
