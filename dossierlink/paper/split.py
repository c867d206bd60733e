"""Split a scanned PDF's pages into the documents it holds and read each one's identifiers and metadata.

One shape of scan is one PDF per document; the other is a whole dossier or batch: a voorblad
with the parketnummer, then documents one after another, maybe with separator sheets. Both go
through :func:`split_pages`: a new document starts where a page says "pagina 1 van n", where
the label sequence restarts or changes its total, where the PV number in the page header
changes, or where a document heading appears on a page without a later-page label.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence

import attrs

from dossierlink.fingerprint import fingerprint
from dossierlink.identifiers import IdentifierError, PvNumber, find_parketnummers, find_pv_numbers, parse_ecli
from dossierlink.paper.barcodes import PageBarcode
from dossierlink.paper.coversheet import CoverSheet, CoverSheetError, decode_payload, find_payloads
from dossierlink.paper.labels import find_dossier_page, find_page_label, label_gaps
from dossierlink.paper.reader import PdfSummary
from dossierlink.schema import DocumentType

__all__ = [
    "BatchPart",
    "PageInfo",
    "PaperDocument",
    "ScanLayout",
    "find_cover_sheets",
    "find_date",
    "find_heading",
    "identifiers_in_barcodes",
    "split_batch",
    "split_pages",
]

# Normalised heading -> (title, type). Longest first so "... VAN AANGIFTE" beats "PROCES VERBAAL".
_HEADINGS: tuple[tuple[str, str, DocumentType], ...] = tuple(
    sorted(
        (
            ("PROCES VERBAAL VAN AANGIFTE", "Proces-verbaal van aangifte", DocumentType.PV_AANGIFTE),
            ("PROCES VERBAAL VAN VERHOOR", "Proces-verbaal van verhoor", DocumentType.PV_VERHOOR),
            ("PROCES VERBAAL VAN BEVINDINGEN", "Proces-verbaal van bevindingen", DocumentType.PV_BEVINDINGEN),
            ("PROCES VERBAAL VAN AANHOUDING", "Proces-verbaal van aanhouding", DocumentType.PV_AANHOUDING),
            (
                "PROCES VERBAAL TER TERECHTZITTING",
                "Proces-verbaal ter terechtzitting",
                DocumentType.PROCES_VERBAAL_TERECHTZITTING,
            ),
            ("PROCES VERBAAL", "Proces-verbaal", DocumentType.PV),
            ("DAGVAARDING", "Dagvaarding", DocumentType.DAGVAARDING),
            ("OPROEPING", "Oproeping", DocumentType.OPROEPING),
            ("VONNIS", "Vonnis", DocumentType.VONNIS),
            ("ARREST", "Arrest", DocumentType.ARREST),
            ("STRAFBESCHIKKING", "Strafbeschikking", DocumentType.STRAFBESCHIKKING),
            ("BESCHIKKING", "Beschikking", DocumentType.BESCHIKKING),
            ("SEPOTBESLISSING", "Sepotbeslissing", DocumentType.SEPOTBESLISSING),
            ("RECLASSERINGSADVIES", "Reclasseringsadvies", DocumentType.RECLASSERINGSADVIES),
            ("VOORLICHTINGSRAPPORT", "Voorlichtingsrapport", DocumentType.RECLASSERINGSADVIES),
            (
                "UITTREKSEL JUSTITIELE DOCUMENTATIE",
                "Uittreksel justitiële documentatie",
                DocumentType.UITTREKSEL_JUSTITIELE_DOCUMENTATIE,
            ),
            ("DESKUNDIGENRAPPORT", "Deskundigenrapport", DocumentType.DESKUNDIGENRAPPORT),
            ("INHOUDSOPGAVE", "Inhoudsopgave", DocumentType.INHOUDSOPGAVE),
            ("VOORBLAD", "Voorblad", DocumentType.VOORBLAD),
            ("SCHEIDINGSBLAD", "Scheidingsblad", DocumentType.OVERIG),
            ("SCHEIDINGSVEL", "Scheidingsblad", DocumentType.OVERIG),
        ),
        key=lambda h: -len(h[0]),
    )
)
_HEADING_LINES = 14  # headings sit near the top of a page
_HEADER_LINES = 5  # the running header (PV number, kenmerk) sits in the first lines
_LETTERS_FOR = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "|": "I"})
_DOCNUMBER_RE = re.compile(
    r"(?:kenmerk|documentnummer|documentnr\.?|ons\s+kenmerk)\s*:?\s*([A-Z0-9][A-Z0-9\-/.]{4,40}[A-Z0-9])",
    re.I,
)
# A vonnis prints its ECLI in the header; OCR may put spaces around the colons.
_ECLI_TEXT_RE = re.compile(
    r"\bECLI\s?:\s?[A-Z]{2}\s?:\s?[A-Z0-9]{1,7}\s?:\s?\d{4}\s?:\s?[A-Z0-9.]{1,25}\b", re.I
)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ]
    )
}
_MONTH_RE = "|".join(_MONTHS)
_DATE_RES = (
    re.compile(rf"(?<!\d)(\d{{1,2}})\s+({_MONTH_RE})\s+(\d{{4}})(?!\d)", re.I),
    re.compile(r"(?<!\d)(\d{1,2})[-./](\d{1,2})[-./](\d{4})(?!\d)"),
    re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"),
)
_DATE_LABEL_RE = re.compile(r"(?:datum|opgemaakt\s+op|d\.d\.)\s*:?\s*", re.I)
_PRINTED_RE = re.compile(
    r"afgedrukt\s+op\s*:?\s*(\d{1,2})[-./](\d{1,2})[-./](\d{4})(?:\s+(\d{1,2})[:.](\d{2}))?", re.I
)


# OCR prints digits as look-alike letters; identifiers are read through that (issue 10).
_OCR_D = "0-9OoIlSBZ|"
# tesseract splits a long number at a blur: "PLO9D4 2023051 150-2". Rejoin the ten digits.
_PV_SPLIT_RE = re.compile(
    rf"(?<![A-Za-z0-9])(P[L1I]\s?[{_OCR_D}]{{2}}\s?[0-9A-Za-z]{{2}}\s?)((?:[{_OCR_D}] ?){{9}}[{_OCR_D}])"
    rf"(?=\s?[-\u2013]|(?![0-9A-Za-z]))"
)
_PARKET_OCR_RE = re.compile(
    rf"(?<![0-9A-Za-z/])([{_OCR_D}]{{2}})\s?[/\-]\s?([{_OCR_D}]{{6}})\s?[/\-]\s?([{_OCR_D}]{{2}})(?![0-9A-Za-z])"
)
_TO_DIGIT = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8", "Z": "2"})
_MIN_REAL_DIGITS = 7  # of a parketnummer's ten: fewer and it is more likely a word than a misread number


def find_pvs(text: str) -> list[PvNumber]:
    """Every PV number in ``text``, OCR-corrected, also when OCR split its ten digits in two."""
    return list(find_pv_numbers(_PV_SPLIT_RE.sub(lambda m: m[1] + m[2].replace(" ", ""), text)))


def find_parkets(text: str, corrections: list[str] | None = None) -> list[str]:
    """Every parketnummer in ``text`` (normalised), also those with O/0, l/1, S/5, B/8 misreadings.

    A corrected reading is noted in ``corrections``.
    """
    found = [p.normalised for p in find_parketnummers(text)]
    for m in _PARKET_OCR_RE.finditer(text):
        raw = m[1] + m[2] + m[3]
        if raw.isdigit() or sum(c.isdigit() for c in raw) < _MIN_REAL_DIGITS:
            continue
        fixed = raw.translate(_TO_DIGIT)
        if not fixed.isdigit():
            continue
        value = f"{fixed[:2]}/{fixed[2:8]}-{fixed[8:]}"
        found.append(value)
        if corrections is not None:
            note = f"parketnummer {m[0]} read through OCR errors as {value}"
            if note not in corrections:
                corrections.append(note)
    return found


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def _norm_heading(line: str) -> str:
    return " ".join(re.sub(r"[^A-Z]+", " ", line.upper().translate(_LETTERS_FOR)).split())


def find_heading(text: str) -> tuple[str, str, DocumentType] | None:
    """The document heading printed near the top of a page: (normalised, title, type), or None."""
    for line in _lines(text)[:_HEADING_LINES]:
        letters = [c for c in line if c.isalpha()]
        if len(letters) < 5 or sum(c.isupper() for c in letters) < 0.75 * len(letters):
            continue
        norm = _norm_heading(line)
        for heading, title, doc_type in _HEADINGS:
            if (norm == heading or norm.startswith(heading + " ")) and len(norm) <= len(heading) + 30:
                return heading, title, doc_type
    return None


def _date_from(match: re.Match[str], kind: int) -> dt.date | None:
    try:
        if kind == 0:
            return dt.date(int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
        if kind == 1:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except (ValueError, KeyError):
        return None


def find_date(text: str) -> dt.date | None:
    """The document's date: after "Datum:" when labelled, else the first date printed."""
    for label in _DATE_LABEL_RE.finditer(text):
        if text[max(0, label.start() - 11) : label.start()].lower().endswith("afgedrukt "):
            continue
        window = text[label.end() : label.end() + 40]
        for kind, pattern in enumerate(_DATE_RES):
            m = pattern.match(window)
            if m and (d := _date_from(m, kind)):
                return d
    best: tuple[int, dt.date] | None = None
    for kind, pattern in enumerate(_DATE_RES):
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 20) : m.start()].lower()
            if "geboren" in before or "afgedrukt" in before:
                continue
            d = _date_from(m, kind)
            if d and (best is None or m.start() < best[0]):
                best = (m.start(), d)
            break
    return best[1] if best else None


def find_printed(text: str) -> dt.datetime | None:
    """When the page was printed ("Afgedrukt op 05-06-2023 09:12"), if it says."""
    m = _PRINTED_RE.search(text)
    if not m:
        return None
    try:
        return dt.datetime(int(m[3]), int(m[2]), int(m[1]), int(m[4] or 0), int(m[5] or 0))
    except ValueError:
        return None


@attrs.frozen
class PageInfo:
    """What one physical page says about where it belongs."""

    number: int  # 1-based physical page
    text: str
    label: tuple[int, int] | None
    dossier_page: int | None
    heading: tuple[str, str, DocumentType] | None
    pv: PvNumber | None  # PV number in the running header
    role: str  # "content" | "cover" | "separator" | "contents"


def page_info(
    number: int, text: str, known: tuple[tuple[int, int] | None, int | None] | None = None
) -> PageInfo:
    """What page ``number`` says; ``known``: its (label, dossier page) when the reader found them."""
    heading = find_heading(text)
    lines = _lines(text)
    header = "\n".join(lines[:_HEADER_LINES])
    pv = next(iter(find_pvs(header)), None)
    role = "content"
    if heading is not None:
        if heading[0] in ("SCHEIDINGSBLAD", "SCHEIDINGSVEL"):
            role = "separator"
        elif heading[0] == "VOORBLAD":
            role = "cover"
        elif heading[0] == "INHOUDSOPGAVE":
            role = "contents"
    label, dossier_page = known if known is not None else (find_page_label(text), find_dossier_page(text))
    return PageInfo(number, text, label, dossier_page, heading, pv, role)


@attrs.frozen
class PaperDocument:
    """One document found in a scan: its physical pages and what its text says."""

    pages: tuple[int, ...]  # 1-based physical pages in the file
    page_labels: tuple[tuple[int, int] | None, ...]
    dossier_pages: tuple[int | None, ...]
    text: str
    fingerprint: str
    pv_numbers: tuple[PvNumber, ...]  # the document's own PV number first
    parketnummers: tuple[str, ...]
    type: DocumentType
    title: str | None
    date: dt.date | None
    printed: dt.datetime | None
    document_number: str | None  # "Kenmerk:" of documents without a PV number

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def text_chars(self) -> int:
        return len(self.text.strip())

    @property
    def pv(self) -> PvNumber | None:
        return self.pv_numbers[0] if self.pv_numbers else None

    @property
    def missing_pages(self) -> tuple[int, ...]:
        """Pages the labels promise but the scan lacks ("pagina 3 van 5" never seen)."""
        return label_gaps(self.page_labels)

    @property
    def locator(self) -> str:
        first, last = self.pages[0], self.pages[-1]
        return f"page {first}" if first == last else f"pages {first}-{last}"


@attrs.frozen
class ScanLayout:
    """The documents of one scanned PDF, and its cover, contents and separator pages."""

    documents: tuple[PaperDocument, ...]
    cover_pages: tuple[int, ...] = ()
    contents_pages: tuple[int, ...] = ()
    separator_pages: tuple[int, ...] = ()
    parketnummers: tuple[str, ...] = ()  # cover sheet's first, then every other one found
    corrections: tuple[str, ...] = ()  # OCR misreadings that were corrected


def _starts_new(page: PageInfo, current: list[PageInfo]) -> bool:
    if not current:
        return True
    last_label = next((p.label for p in reversed(current) if p.label is not None), None)
    doc_pv = Counter(p.pv.normalised for p in current if p.pv is not None).most_common(1)
    if page.label is not None:
        if page.label[0] == 1:
            return True
        if last_label is not None and (page.label[1] != last_label[1] or page.label[0] <= last_label[0]):
            return True
    if page.pv is not None and doc_pv and page.pv.normalised != doc_pv[0][0]:
        return True
    return page.heading is not None and page.label is None and any(p.heading for p in current)


def _document(
    pages: Sequence[PageInfo], parket_map: dict[str, str], whole: str | None = None
) -> PaperDocument:
    text = "\n".join(p.text for p in pages)
    header_pvs = Counter(p.pv.normalised for p in pages if p.pv is not None)
    found = find_pvs(text)
    own = header_pvs.most_common(1)[0][0] if header_pvs else None
    ordered: list[PvNumber] = []
    seen: set[str] = set()
    for pv in sorted(found, key=lambda p: p.normalised != own):
        if pv.normalised not in seen:
            seen.add(pv.normalised)
            ordered.append(pv)
    heading = next((p.heading for p in pages if p.heading is not None), None)
    doc_type = heading[2] if heading else (DocumentType.PV if ordered else DocumentType.OVERIG)
    parket = list(dict.fromkeys(parket_map.get(p, p) for p in find_parkets(text)))
    first_text = pages[0].text
    number = _document_number("\n".join(_lines(first_text)[: _HEADER_LINES + 2]))
    printed = next((d for p in pages if (d := find_printed(p.text)) is not None), None)
    return PaperDocument(
        pages=tuple(p.number for p in pages),
        page_labels=tuple(p.label for p in pages),
        dossier_pages=tuple(p.dossier_page for p in pages),
        text=text,
        fingerprint=whole if whole is not None else fingerprint([p.text for p in pages]),
        pv_numbers=tuple(ordered),
        parketnummers=tuple(parket),
        type=doc_type,
        title=heading[1] if heading else None,
        date=find_date(first_text),
        printed=printed,
        document_number=number,
    )


def _document_number(header: str) -> str | None:
    """The stuk's own number from its first lines: a vonnis's ECLI, else a kenmerk or documentnummer.

    The ECLI is the court's key of the uitspraak (the open-data export's), so a scan of the vonnis
    joins it by key rather than by type, date and text alone.
    """
    if (m := _ECLI_TEXT_RE.search(header)) is not None:
        try:
            return parse_ecli(re.sub(r"\s", "", m[0]))
        except IdentifierError:
            pass
    number = _DOCNUMBER_RE.search(header)
    return number[1].upper() if number else None


def _close(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def parketnummer_consensus(
    texts: Sequence[str], known: Sequence[str] = ()
) -> tuple[dict[str, str], list[str]]:
    """Map OCR misreadings of a parketnummer onto the reading the pages agree on.

    A scan prints its parketnummer on many pages; a value seen less often that differs from
    a more frequent one in a single character is taken as a misreading ("10/500040-23"
    beside three times "10/600040-23"), never as a second dossier.
    """
    ocr_notes: list[str] = []
    counts = Counter(p for t in texts for p in find_parkets(t, ocr_notes))
    printed = dict(counts)
    top = max(counts.values(), default=0)
    for value in known:  # a parketnummer the folder names outweighs any reading that also occurs
        if value in counts:
            counts[value] += top + 1
    mapping: dict[str, str] = {}
    notes: list[str] = ocr_notes
    for value, n in counts.items():
        better = [v for v, m in counts.items() if m > n and _close(v, value)]
        if better:
            target = max(better, key=lambda v: counts[v])
            mapping[value] = target
            notes.append(
                f"parketnummer {value} (read {printed[value]}x) taken as {target} (read {printed[target]}x): "
                "an OCR misreading"
            )
    return mapping, notes


def split_pages(
    texts: Sequence[str],
    known_parketnummers: Sequence[str] = (),
    *,
    summary: PdfSummary | None = None,
    first_page: int = 1,
    one_document: bool = False,
) -> ScanLayout:
    """Split a scan's page texts into documents (see the module docstring for the rules).

    ``summary``: the reader's summary of the same pages, whose page labels, dossier pages and
    whole-file fingerprint are then reused instead of computed again. ``first_page``: the
    physical number of ``texts[0]`` (a part of a batch). ``one_document``: every content page
    is one stuk (a cover sheet named it).
    """
    if first_page != 1:
        infos = [page_info(i, t) for i, t in enumerate(texts, start=first_page)]
        whole: str | None = None
    elif summary is not None and tuple(summary.page_texts) == tuple(texts):
        infos = [
            page_info(i, t, (summary.page_labels[i - 1], summary.dossier_pages[i - 1]))
            for i, t in enumerate(texts, start=1)
        ]
        whole = summary.fingerprint
    else:
        infos = [page_info(i, t) for i, t in enumerate(texts, start=1)]
        whole = None
    groups: list[list[PageInfo]] = []
    current: list[PageInfo] = []
    cover: list[int] = []
    contents: list[int] = []
    separators: list[int] = []
    parket_cover: list[str] = []
    for info in infos:
        if info.role != "content":
            if current:
                groups.append(current)
                current = []
            {"cover": cover, "contents": contents, "separator": separators}[info.role].append(info.number)
            if info.role in ("cover", "contents"):
                parket_cover.extend(find_parkets(info.text))
            continue
        if not one_document and _starts_new(info, current) and current:
            groups.append(current)
            current = []
        current.append(info)
    if current:
        groups.append(current)
    mapping, notes = parketnummer_consensus(texts, known_parketnummers)
    documents = tuple(_document(g, mapping, whole if len(g) == len(texts) else None) for g in groups)
    every = [mapping.get(p, p) for p in parket_cover] + [p for d in documents for p in d.parketnummers]
    return ScanLayout(
        corrections=tuple(notes),
        documents=documents,
        cover_pages=tuple(cover),
        contents_pages=tuple(contents),
        separator_pages=tuple(separators),
        parketnummers=tuple(dict.fromkeys(every)),
    )


# --------------------------------------------------------------------------------------------------
# Batches with cover sheets


@attrs.frozen
class BatchPart:
    """The pages of a batch that one cover sheet (or none: the pages before the first) files."""

    sheet: CoverSheet | None
    cover_page: int | None  # the cover sheet's physical page
    pages: tuple[int, ...]  # 1-based physical pages after it, up to the next cover sheet


def find_cover_sheets(
    texts: Sequence[str], page_barcodes: Sequence[Sequence[PageBarcode]] = ()
) -> tuple[dict[int, CoverSheet], list[str]]:
    """The cover sheets of a scan by physical page, from barcodes first, else the printed payload.

    A ``DL:`` barcode that cannot be trusted (wrong check, unknown kind, invalid identifier) is a
    warning and its page stays a page of the stuk; so is a page whose barcode was seen but not
    decoded. Two payloads on one page that disagree: the barcode wins, with a warning.
    """
    found: dict[int, CoverSheet] = {}
    notes: list[str] = []
    for number, text in enumerate(texts, start=1):
        codes = tuple(page_barcodes[number - 1]) if number - 1 < len(page_barcodes) else ()
        sheets: list[CoverSheet] = []
        # The symbols first; the printed line (an OCR reading of it may be off) only without them.
        for source in ([c.text for c in codes if c.error is None], find_payloads(text)):
            for payload in source:
                try:
                    sheet = decode_payload(payload)
                except CoverSheetError as exc:
                    notes.append(f"page {number}: {exc}; the page is kept as a page of the stuk")
                    continue
                if sheet is not None and sheet not in sheets:
                    sheets.append(sheet)
            if sheets:
                break
        if sheets:
            found[number] = sheets[0]
            if len(sheets) > 1:
                notes.append(
                    f"page {number}: the cover sheet's codes disagree ({', '.join(s.label for s in sheets)}); "
                    f"filed under {sheets[0].label}"
                )
        elif any(c.error is not None for c in codes) and len(text.strip()) < 25:
            notes.append(
                f"page {number}: a barcode was seen but could not be decoded (damaged or smudged?); "
                "if it is a cover sheet, print a new one: its pages stay with the part before it"
            )
    return found, notes


def split_batch(page_count: int, covers: dict[int, CoverSheet]) -> tuple[list[BatchPart], list[str]]:
    """Cut a batch at its cover sheets; every page ends in exactly one part (or is a cover sheet)."""
    parts: list[BatchPart] = []
    notes: list[str] = []
    current: list[int] = []
    sheet: CoverSheet | None = None
    cover_page: int | None = None

    def close() -> None:
        if current or sheet is None:
            if current:
                parts.append(BatchPart(sheet, cover_page, tuple(current)))
            return
        notes.append(
            f"page {cover_page}: the cover sheet for {sheet.label} has no pages after it "
            + (
                "(it is the last page)"
                if cover_page == page_count
                else f"(page {cover_page + 1 if cover_page else 0} is another cover sheet)"
            )
        )

    for number in range(1, page_count + 1):
        if number in covers:
            if sheet is not None and not current and covers[number] == sheet:
                notes.append(f"page {number}: the cover sheet for {sheet.label} is there twice in a row")
                cover_page = number
                continue
            close()
            current, sheet, cover_page = [], covers[number], number
            continue
        current.append(number)
    close()
    return parts, notes


def identifiers_in_barcodes(codes: Sequence[PageBarcode]) -> list[tuple[str, str]]:
    """(kind, normalised value) of the PV numbers, parketnummers and ECLIs that a stuk's own barcodes
    carry (a politie PV barcode, a court letter's QR code); ``DL:`` cover sheets are not read here."""
    found: list[tuple[str, str]] = []
    for code in codes:
        if code.error is not None or code.text.startswith("DL:"):
            continue
        text = code.text[:500]
        found.extend(("pv", pv.normalised) for pv in find_pvs(text))
        found.extend(("parketnummer", p) for p in find_parkets(text))
        for m in _ECLI_TEXT_RE.finditer(text):
            try:
                found.append(("ecli", parse_ecli(re.sub(r"\s", "", m[0]))))
            except IdentifierError:
                continue
    return list(dict.fromkeys(found))
