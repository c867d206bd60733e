"""Masks BSNs and birth dates in divergences before any report format sees them."""

from __future__ import annotations

import re
from typing import Any

import attrs

from dossierlink.identifiers import IdentifierKind, mask_bsn
from dossierlink.privacy import mask_bsns
from dossierlink.schema import Divergence, DivergenceKind, Identifier

__all__ = ["mask_divergence", "mask_text"]

# Dates as persons' birth dates are written: 1990-02-01, 01-02-1990, 1-2-1990, 01/02/1990, 01.02.1990.
_DATE_RE = re.compile(r"(?<!\d)(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})(?:T[\d:.+Z\-]*)?(?!\d)")
_DATE_MASK = "**-**-****"


def mask_text(text: str, *, dates: bool = False) -> str:
    """Mask BSN-like numbers, and with ``dates`` every date (a birth date in a person's data)."""
    out = mask_bsns(text)
    if dates:
        out = _DATE_RE.sub(_DATE_MASK, out)
    return out


def _mask_value(value: Any, dates: bool) -> Any:
    if isinstance(value, str):
        return mask_text(value, dates=dates)
    if isinstance(value, dict):
        return {k: _mask_value(v, dates) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_mask_value(v, dates) for v in value)
    return value


def _mask_identifier(ident: Identifier) -> Identifier:
    if ident.kind is IdentifierKind.BSN:
        return attrs.evolve(ident, value=mask_bsn(ident.value), raw=mask_bsn(ident.raw) if ident.raw else "")
    return ident


def mask_divergence(div: Divergence) -> Divergence:
    """The divergence with BSNs masked everywhere and dates masked in a person divergence's texts."""
    dates = div.kind is DivergenceKind.PERSON_CONFLICT or div.subject.startswith("person")

    def m(value: str | None) -> str | None:
        return None if value is None else mask_text(value, dates=dates)

    changes: dict[str, Any] = {}
    if any(i.kind is IdentifierKind.BSN for i in div.identifiers):
        changes["identifiers"] = tuple(_mask_identifier(i) for i in div.identifiers)
    for name, value in (
        ("subject", mask_text(div.subject)),
        ("expected", m(div.expected)),
        ("found", m(div.found)),
        ("message", mask_text(div.message, dates=dates)),
        ("why", mask_text(div.why, dates=dates)),
    ):
        if value != getattr(div, name):
            changes[name] = value
    if div.details:
        details = _mask_value(div.details, dates)
        if details != div.details:
            changes["details"] = details
    # Most divergences hold nothing personal: keep the object, skip the copy.
    return attrs.evolve(div, **changes) if changes else div
