"""The chain's identifiers: parse, validate and normalise parketnummer, PV number, ECLI, BSN, SKN.

Every parse error is an :class:`IdentifierError` subclass whose message is one sentence
naming the bad value. Normal forms are what the store compares; raw forms are kept beside.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum

import attrs

__all__ = [
    "LINKING_KINDS",
    "BsnError",
    "EcliError",
    "IdentifierError",
    "IdentifierKind",
    "Parketnummer",
    "ParketnummerError",
    "PvNumber",
    "PvNumberError",
    "SknError",
    "clean_pv_normalised",
    "find_parketnummers",
    "find_pv_numbers",
    "is_valid_bsn",
    "mask_bsn",
    "normalise",
    "parse_bsn",
    "parse_ecli",
    "parse_parketnummer",
    "parse_pv_number",
    "parse_skn",
]


class IdentifierKind(StrEnum):
    """Namespaces of identifiers. Case identifiers link records into one dossier."""

    PARKETNUMMER = "parketnummer"
    PV = "pv"
    ECLI = "ecli"
    SKN = "skn"
    BSN = "bsn"
    # An organisation's own case number (CJIB beschikkingsnummer, DJI registratienummer,
    # a ZGW zaak identificatie). Value is namespaced as "organisation:number".
    EXTERN = "extern"


# Kinds whose shared value means "same case". BSN and SKN identify persons, never cases.
LINKING_KINDS: frozenset[IdentifierKind] = frozenset(
    {IdentifierKind.PARKETNUMMER, IdentifierKind.PV, IdentifierKind.ECLI, IdentifierKind.EXTERN}
)


class IdentifierError(ValueError):
    """A value that is not a valid identifier of its kind."""

    kind: IdentifierKind = IdentifierKind.EXTERN

    def __init__(self, value: str, problem: str) -> None:
        self.value = value
        self.problem = problem
        shown = value if len(value) <= 60 else value[:57] + "..."
        super().__init__(f"{shown!r} is not a valid {self.kind.value}: {problem}.")


class ParketnummerError(IdentifierError):
    kind = IdentifierKind.PARKETNUMMER


class PvNumberError(IdentifierError):
    kind = IdentifierKind.PV


class EcliError(IdentifierError):
    kind = IdentifierKind.ECLI


class BsnError(IdentifierError):
    kind = IdentifierKind.BSN

    def __init__(self, value: str, problem: str) -> None:
        # Never echo a BSN-like value into an error message: mask it.
        super().__init__(mask_bsn(value), problem)


class SknError(IdentifierError):
    kind = IdentifierKind.SKN


_MAX_LEN = 200

# --- parketnummer -------------------------------------------------------------------------

_PARKET_RE = re.compile(
    r"""^\s*(?P<parket>\d{2})\s*[/\-.]?\s*(?P<seq>\d{6})\s*[/\-.]?\s*(?P<year>\d{2})
        \s*(?:[-\s]?\(?(?P<suffix>[A-Za-z]{2,5})\)?)?\s*$""",
    re.VERBOSE | re.ASCII,
)
_PARKET_SCAN_RE = re.compile(
    r"(?<![\dA-Za-z/])(\d{2})\s?[/\-]\s?(\d{6})\s?[/\-]\s?(\d{2})(?:\s?[-\s]?\(?(VON|TUL|OWV|[A-Z]{3})\)?)?(?![\d])",
    re.ASCII,
)


@attrs.frozen
class Parketnummer:
    """A parketnummer: 2-digit parket code, 6-digit sequence, 2-digit year, optional suffix."""

    parket: str
    sequence: str
    year: str
    suffix: str | None = None

    @property
    def normalised(self) -> str:
        """The join form: ``10/600040-08``. The suffix names a side procedure of the same case."""
        return f"{self.parket}/{self.sequence}-{self.year}"

    def __str__(self) -> str:
        return self.normalised + (f" ({self.suffix})" if self.suffix else "")


def parse_parketnummer(raw: str) -> Parketnummer:
    """Parse ``10/600040-08``, ``10-600040-08``, ``10.600040.08``, ``10/600040-08 (TUL)``."""
    if len(raw) > _MAX_LEN:
        raise ParketnummerError(raw, "the value is far too long")
    m = _PARKET_RE.match(raw)
    if not m:
        raise ParketnummerError(raw, "expected two digits, six digits and two digits, as in 10/600040-08")
    suffix = m.group("suffix")
    return Parketnummer(m["parket"], m["seq"], m["year"], suffix.upper() if suffix else None)


# --- PV number ----------------------------------------------------------------------------

_PV_RE = re.compile(r"^PL(\d{2})([0-9A-Z]{2})\s?(\d{4})(\d{6})(?:-(\d{1,3}))?$", re.ASCII)
# Tolerant pattern for scanned text: digits may be read as letters.
_OCR_DIGIT = "0-9OoIlSBZ|"
_PV_SCAN_RE = re.compile(
    rf"(?<![A-Za-z0-9])P[L1I]\s?([{_OCR_DIGIT}]{{2}})\s?([0-9A-Za-z]{{2}})\s?"
    rf"([{_OCR_DIGIT}]{{4}})\s?([{_OCR_DIGIT}]{{6}})(?:\s?[-–]\s?([{_OCR_DIGIT}]{{1,3}}))?(?![0-9A-Za-z])"
)
_OCR_TO_DIGIT = str.maketrans(
    {"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8", "Z": "2"}
)


@attrs.frozen
class PvNumber:
    """A police proces-verbaal number: ``PL07B3 2023123456-1``."""

    unit: str  # "PL07B3": PL, 2-digit region, 2 alphanumerics
    year: str
    sequence: str
    mutation: str | None = None
    corrections: tuple[str, ...] = ()  # OCR corrections applied, e.g. ("O->0 at 4",)

    @property
    def normalised(self) -> str:
        base = f"{self.unit} {self.year}{self.sequence}"
        return f"{base}-{self.mutation}" if self.mutation is not None else base

    @property
    def registration(self) -> str:
        """The registration without its mutation number: all mutations of one PV."""
        return f"{self.unit} {self.year}{self.sequence}"

    def __str__(self) -> str:
        return self.normalised


def _digits(s: str, position: int, corrections: list[str]) -> str:
    fixed = s.translate(_OCR_TO_DIGIT)
    for i, (a, b) in enumerate(zip(s, fixed, strict=True)):
        if a != b:
            corrections.append(f"{a}->{b} at {position + i}")
    return fixed


def clean_pv_normalised(text: str) -> str | None:
    """The normalised form of a cleanly written PV number (single-spaced text), else None.

    ``parse_pv_number(text).normalised`` without building the object (document keys, hot path).
    """
    m = _PV_RE.match(text.upper())
    if m is None:
        return None
    base = f"PL{m[1]}{m[2]} {m[3]}{m[4]}"
    return base if m[5] is None else f"{base}-{m[5]}"


def parse_pv_number(raw: str, *, ocr: bool = False) -> PvNumber:
    """Parse a PV number; with ``ocr=True`` correct O/0, I/l/1, S/5, B/8 in digit positions."""
    if len(raw) > _MAX_LEN:
        raise PvNumberError(raw, "the value is far too long")
    text = " ".join(raw.split())
    if not ocr:
        m = _PV_RE.match(text.upper())
        if not m:
            raise PvNumberError(
                raw,
                "expected PL, two digits, two letters or digits, a space, a year, six digits "
                "and an optional -mutation, as in PL07B3 2023123456-1",
            )
        return PvNumber(f"PL{m[1]}{m[2]}", m[3], m[4], m[5])
    m2 = _PV_SCAN_RE.fullmatch(text)
    if not m2:
        raise PvNumberError(raw, "no PV number could be read, even allowing for OCR errors")
    corrections: list[str] = []
    if text[1] != "L":
        corrections.append(f"{text[1]}->L at 1")
    region = _digits(m2[1], 2, corrections)
    unit_tail = m2[2].upper()
    year = _digits(m2[3], 6, corrections)
    seq = _digits(m2[4], 10, corrections)
    mutation = _digits(m2[5], 17, corrections) if m2[5] else None
    candidate = f"PL{region}{unit_tail} {year}{seq}" + (f"-{mutation}" if mutation else "")
    if not _PV_RE.match(candidate):
        raise PvNumberError(raw, "no PV number could be read, even allowing for OCR errors")
    return PvNumber(f"PL{region}{unit_tail}", year, seq, mutation, tuple(corrections))


# --- ECLI ---------------------------------------------------------------------------------

_ECLI_RE = re.compile(r"^ECLI:([A-Z]{2}):([A-Z0-9]{1,7}):(\d{4}):([A-Z0-9.]{1,25})$", re.ASCII)


def parse_ecli(raw: str) -> str:
    """Return the normalised ECLI (``ECLI:NL:RBROT:2008:BE7078``)."""
    if len(raw) > _MAX_LEN:
        raise EcliError(raw, "the value is far too long")
    value = raw.strip().upper()
    if not _ECLI_RE.match(value):
        raise EcliError(raw, "expected ECLI:country:court:year:number, as in ECLI:NL:RBROT:2008:BE7078")
    return value


# --- BSN ----------------------------------------------------------------------------------


def is_valid_bsn(value: str) -> bool:
    """Elfproef: weights 9..2 and -1 on the last digit; 000000000 is never valid."""
    if len(value) != 9 or not value.isascii() or not value.isdigit() or value == "000000000":
        return False
    d = [c - 48 for c in value.encode()]  # ASCII digits checked above
    total = 9 * d[0] + 8 * d[1] + 7 * d[2] + 6 * d[3] + 5 * d[4] + 4 * d[5] + 3 * d[6] + 2 * d[7] - d[8]
    return total % 11 == 0


def parse_bsn(raw: str) -> str:
    """Return the 9-digit BSN (8-digit values get their leading zero back)."""
    if len(raw) > _MAX_LEN:
        raise BsnError(raw, "the value is far too long")
    value = re.sub(r"[\s.\-]", "", raw)
    if not value.isascii() or not value.isdigit() or len(value) not in (8, 9):
        raise BsnError(raw, "a BSN has nine digits")
    value = value.zfill(9)
    if not is_valid_bsn(value):
        raise BsnError(raw, "it fails the elfproef")
    return value


def mask_bsn(value: str) -> str:
    """Show only the last two characters: ``*******82``."""
    v = value.strip()
    if len(v) <= 2:
        return "*" * len(v)
    return "*" * (len(v) - 2) + v[-2:]


# --- SKN ----------------------------------------------------------------------------------


def parse_skn(raw: str) -> str:
    """Strafrechtketennummer: a number of 6 to 12 digits; separators are dropped."""
    if len(raw) > _MAX_LEN:
        raise SknError(raw, "the value is far too long")
    value = re.sub(r"[\s.\-]", "", raw)
    if not value.isascii() or not value.isdigit() or not 6 <= len(value) <= 12:
        raise SknError(raw, "an SKN is a number of 6 to 12 digits")
    return value


def _parse_extern(raw: str) -> str:
    value = " ".join(raw.split())
    if not value or len(value) > _MAX_LEN or ":" not in value:
        raise IdentifierError(raw, "expected organisation:number")
    org, _, number = value.partition(":")
    if not org.strip() or not number.strip():
        raise IdentifierError(raw, "expected organisation:number")
    return f"{org.strip().lower()}:{number.strip()}"


def normalise(kind: IdentifierKind | str, raw: str, *, ocr: bool = False) -> str:
    """Normal form of ``raw`` as an identifier of ``kind``; raises :class:`IdentifierError`."""
    k = IdentifierKind(kind)
    if k is IdentifierKind.PARKETNUMMER:
        return parse_parketnummer(raw).normalised
    if k is IdentifierKind.PV:
        return parse_pv_number(raw, ocr=ocr).normalised
    if k is IdentifierKind.ECLI:
        return parse_ecli(raw)
    if k is IdentifierKind.BSN:
        return parse_bsn(raw)
    if k is IdentifierKind.SKN:
        return parse_skn(raw)
    return _parse_extern(raw)


# --- scanning free text (scans, document bodies) -------------------------------------------


def find_parketnummers(text: str) -> Iterator[Parketnummer]:
    """Every parketnummer printed in ``text``, in order, duplicates included."""
    for m in _PARKET_SCAN_RE.finditer(text):
        yield Parketnummer(m[1], m[2], m[3], m[4])


def find_pv_numbers(text: str, *, ocr: bool = True) -> Iterator[PvNumber]:
    """Every PV number printed in ``text``, OCR-corrected when ``ocr``."""
    for m in _PV_SCAN_RE.finditer(text):
        try:
            yield parse_pv_number(m[0], ocr=True)
        except PvNumberError:
            continue
