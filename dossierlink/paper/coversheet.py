"""Cover sheets (scheidingsbladen): the ``DL:`` barcode payload with its check, and the A4 PDF that carries it.

A cover sheet lies on top of a case's (or one stuk's) paper in a batch scan. Its payload is
``DL:1|<kind>|<identifier>|<document key>|<check>``: ``DL:`` so that no other barcode on a stuk
is taken for one, a format version, a one-letter identifier kind (``P`` parketnummer, ``V`` PV
number, ``E`` ECLI, ``X`` an organisation's own case number), the normalised identifier, an
optional document key (empty for the whole case) and four hex digits of CRC-32 over everything
before them. The sheet prints it twice — a DataMatrix (Reed-Solomon error correction, read at any
rotation) and a Code 128 for desk scanners that read only linear codes — and once more as text,
so a scan with a text layer is recognised without decoding pixels. The PDF is written by hand
(base-14 Helvetica, the symbols as vector squares): no drawing library is needed, only zxing-cpp
(extra ``dossierlink[barcodes]``) to encode the symbols.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from dossierlink.identifiers import IdentifierError, IdentifierKind, normalise
from dossierlink.schema import Identifier

__all__ = [
    "PAYLOAD_PREFIX",
    "CoverSheet",
    "CoverSheetError",
    "decode_payload",
    "find_payloads",
    "render_cover_sheets",
]

PAYLOAD_PREFIX = "DL:"
_VERSION = "1"
_KIND_CODES: dict[IdentifierKind, str] = {
    IdentifierKind.PARKETNUMMER: "P",
    IdentifierKind.PV: "V",
    IdentifierKind.ECLI: "E",
    IdentifierKind.EXTERN: "X",
}
_CODE_KINDS = {code: kind for kind, code in _KIND_CODES.items()}
_KIND_LABELS = {
    IdentifierKind.PARKETNUMMER: "Parketnummer",
    IdentifierKind.PV: "Proces-verbaalnummer",
    IdentifierKind.ECLI: "ECLI",
    IdentifierKind.EXTERN: "Zaaknummer",
}
# The payload as the sheet prints it in its text layer (pypdf reads it back verbatim).
_PAYLOAD_TEXT_RE = re.compile(r"DL:\d\|[A-Z]\|[^|\n]{1,80}\|[^|\n]{0,80}\|[0-9A-F]{4}")
_MAX_FIELD = 80


class CoverSheetError(ValueError):
    """A ``DL:`` payload that cannot be trusted (damaged, wrong check, unknown kind): a sentence."""


@attrs.frozen
class CoverSheet:
    """What one cover sheet says: the case identifier and, for one stuk, its document key."""

    identifier: Identifier
    document: str | None = None

    @classmethod
    def parse(cls, raw: str, document: str | None = None) -> CoverSheet:
        """A cover sheet for a case identifier as a user types it (the kind is recognised)."""
        kind, value = _recognise(raw)
        doc = " ".join(document.split()) if document else None
        if doc is not None and ("|" in doc or len(doc) > _MAX_FIELD):
            raise CoverSheetError(f"document key {document!r} cannot go on a cover sheet ('|' or too long)")
        return cls(Identifier(kind, value, raw), doc or None)

    @property
    def payload(self) -> str:
        body = "|".join(
            (
                PAYLOAD_PREFIX + _VERSION,
                _KIND_CODES[self.identifier.kind],
                self.identifier.value,
                self.document or "",
            )
        )
        return f"{body}|{_check(body)}"

    @property
    def label(self) -> str:
        return f"{self.identifier.kind.value} {self.identifier.value}" + (
            f", stuk {self.document}" if self.document else ""
        )


def _recognise(raw: str) -> tuple[IdentifierKind, str]:
    """(kind, normalised value) of a case identifier typed as ``10/600040-23``, ``PL13B2 …``,
    ``ECLI:…`` or ``kind:value`` (``extern:cjib:123``)."""
    text = " ".join(raw.split())
    head, _, rest = text.partition(":")
    if rest and head.lower() in {k.value for k in IdentifierKind} and head.upper() != "ECLI":
        kinds = [IdentifierKind(head.lower())]
        text = rest.strip()
    else:
        kinds = [IdentifierKind.PARKETNUMMER, IdentifierKind.PV, IdentifierKind.ECLI]
    for kind in kinds:
        if kind not in _KIND_CODES:
            raise CoverSheetError(f"{raw!r} identifies a person ({kind.value}), not a case")
        try:
            return kind, normalise(kind, text)
        except IdentifierError:
            continue
    raise CoverSheetError(
        f"{raw!r} is not a parketnummer, PV number or ECLI (write another case number as extern:<organisation>:<number>)"
    )


def _check(body: str) -> str:
    return f"{zlib.crc32(body.encode('utf-8')) & 0xFFFF:04X}"


def decode_payload(text: str) -> CoverSheet | None:
    """The cover sheet a barcode's text names; None when it is no ``DL:`` barcode at all.

    Raises :class:`CoverSheetError` for a ``DL:`` barcode that is damaged or names nothing valid.
    """
    text = text.strip()
    if not text.startswith(PAYLOAD_PREFIX):
        return None
    fields = text.split("|")
    if len(fields) != 5:
        raise CoverSheetError(
            f"a DL: barcode with {len(fields)} fields instead of 5 (damaged?): {text[:60]!r}"
        )
    version, code, value, document, check = fields
    if version != PAYLOAD_PREFIX + _VERSION:
        raise CoverSheetError(f"a DL: barcode of format {version[3:]!r}, which this version cannot read")
    if _check("|".join(fields[:4])) != check.upper():
        raise CoverSheetError(
            f"a DL: barcode whose check digits do not match (damaged or misread): {text[:60]!r}"
        )
    kind = _CODE_KINDS.get(code)
    if kind is None:
        raise CoverSheetError(
            f"a DL: barcode with identifier kind {code!r}, which this version does not know"
        )
    identifier = Identifier.parse(kind, value)
    if not identifier.valid:
        raise CoverSheetError(f"a DL: barcode naming an invalid {kind.value} {value!r}: {identifier.problem}")
    return CoverSheet(identifier, document or None)


def find_payloads(text: str) -> list[str]:
    """``DL:`` payloads printed in a page's text layer (the line under a cover sheet's barcodes)."""
    return [m[0] for m in _PAYLOAD_TEXT_RE.finditer(text)]


# --------------------------------------------------------------------------------------------------
# The PDF

_A4 = (595.28, 841.89)
_MM = 72 / 25.4


def _modules(payload: str, symbology: str) -> list[list[bool]]:
    """The symbol's dark modules, row by row (zxing-cpp encodes it)."""
    import zxingcpp

    fmt = getattr(zxingcpp.BarcodeFormat, symbology)
    barcode = zxingcpp.create_barcode(payload, fmt)
    image: Any = memoryview(barcode.to_image(scale=1, add_quiet_zones=False))  # type: ignore[arg-type]
    height, width = int(image.shape[0]), int(image.shape[1])
    data = image.tobytes()
    rows = [[data[y * width + x] < 128 for x in range(width)] for y in range(height)]
    return rows[:1] if symbology == "Code128" else rows


def _pdf_text(value: str) -> str:
    raw = value.encode("cp1252", "replace").decode("latin-1")
    return "(" + raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _text(x: float, y: float, size: float, value: str, *, bold: bool = False, centre: bool = False) -> str:
    font = "F2" if bold else "F1"
    if centre:  # Helvetica's average advance is ~0.55 em; good enough to centre a heading
        x = (_A4[0] - 0.55 * size * len(value)) / 2
    return f"BT /{font} {size:g} Tf {x:.2f} {y:.2f} Td {_pdf_text(value)} Tj ET"


def _squares(
    rows: Sequence[Sequence[bool]], x: float, y_top: float, module: float, height: float | None
) -> str:
    """Dark modules as filled rectangles; runs along a row merged into one."""
    ops: list[str] = []
    h = height if height is not None else module
    for r, row in enumerate(rows):
        y = y_top - (r + 1) * h
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            ops.append(f"{x + start * module:.2f} {y:.2f} {(c - start) * module:.2f} {h:.2f} re")
    return "0 g\n" + "\n".join(ops) + "\nf" if ops else ""


def _page(sheet: CoverSheet, parties: Sequence[str]) -> str:
    payload = sheet.payload
    width, _ = _A4
    parts = [
        _text(0, 770, 44, "SCHEIDINGSBLAD", bold=True, centre=True),
        _text(0, 742, 13, "Leg dit blad bovenop de stukken; de scan wordt hier gesplitst.", centre=True),
        _text(60, 690, 18, _KIND_LABELS[sheet.identifier.kind]),
        _text(60, 648, 38 if len(sheet.identifier.value) <= 20 else 24, sheet.identifier.value, bold=True),
    ]
    y = 610.0
    if sheet.document:
        parts.append(_text(60, y, 20, f"Stuk: {sheet.document}", bold=True))
        y -= 32
    for line in list(parties)[:6]:
        parts.append(_text(60, y, 18, line[:48]))
        y -= 26
    matrix = _modules(payload, "DataMatrix")
    side = 60 * _MM
    module = side / len(matrix)
    parts.append(_squares(matrix, (width - side) / 2, 400, module, None))
    linear = _modules(payload, "Code128")
    bar = min(1.6, (width - 120) / max(1, len(linear[0])))
    parts.append(_squares(linear, (width - bar * len(linear[0])) / 2, 200 - 8, bar, 60))
    parts.append(_text(0, 112, 11, payload, centre=True))
    parts.append(
        _text(60, 60, 9, "dossierlink scheidingsblad - geen processtuk; niet in het dossier opnemen.")
    )
    return "\n".join(p for p in parts if p)


def render_cover_sheets(
    sheets: Iterable[CoverSheet], parties: Mapping[str, Sequence[str]] | None = None
) -> bytes:
    """One A4 page per sheet, as PDF bytes. ``parties``: lines to print per ``sheet.payload``."""
    pages = [_page(s, (parties or {}).get(s.payload, ())) for s in sheets]
    if not pages:
        raise CoverSheetError("no identifiers: a cover sheet needs at least one")
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Producer (dossierlink coversheet) /Title (Scheidingsbladen) >>",
    ]
    kids: list[int] = []
    for content in pages:
        stream = content.encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        page = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_A4[0]} {_A4[1]}] "
            f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {len(objects)} 0 R >>"
        )
        objects.append(page.encode("ascii"))
        kids.append(len(objects))
    objects[1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
