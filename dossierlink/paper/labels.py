"""Page labels ("pagina 3 van 5", "blad 2/3") and stamped dossier page numbers, read through OCR noise."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = [
    "find_dossier_page",
    "find_page_label",
    "label_gaps",
    "ocr_int",
]

# Characters OCR engines print for digits: O/o for 0, I/l/|/i for 1, S for 5, B for 8, Z for 2.
_OCR_DIGITS = "0-9OoIl|iSsBZz"
_TO_DIGIT = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "S": "5",
        "s": "5",
        "B": "8",
        "Z": "2",
        "z": "2",
    }
)

# "pagina", "Paglna", "Pagína", "pag.", "pg", "blad", "bIad", "page"; "van" / "of" / "/".
_LABEL_RE = re.compile(
    rf"""(?<![A-Za-z])
        (?:p[aáà@]g(?:[iíl1|!][nm][aáà@])?\.?|p[gq]\.?|bl[aáà@]d|page)
        \s*:?\s*
        (?P<n>(?<![0-9])\d{{1,4}}|[{_OCR_DIGITS}]{{1,4}})
        \s*(?:[vy][aáà@][nmu]|of|/)\s*
        (?P<m>\d{{1,4}}|[{_OCR_DIGITS}]{{1,4}})
        (?![A-Za-z0-9])""",
    re.IGNORECASE | re.VERBOSE,
)

# "Dossierpagina 12", "dossierpag. 000012", "Dos.pag. 12", "Dossierblad 12".
_DOSSIER_PAGE_RE = re.compile(
    rf"""dos(?:s[il1]er)?\s*\.?\s*
        (?:p[aá@]g(?:[iíl1|][nm][aá@])?|bl[aá@]d|nr)\.?\s*:?\s*
        (?P<n>[{_OCR_DIGITS}]{{1,6}})(?![A-Za-z0-9])""",
    re.IGNORECASE | re.VERBOSE,
)


def ocr_int(raw: str) -> int | None:
    """The number OCR printed as ``raw`` ("l2" -> 12, "O5" -> 5); None when not a number."""
    fixed = raw.translate(_TO_DIGIT)
    return int(fixed) if fixed.isdigit() else None


def find_page_label(text: str) -> tuple[int, int] | None:
    """The page's own label as ``(page, of)``, or None when no plausible label is printed.

    Footers come last in reading order, so the last plausible label on the page wins.
    """
    found: tuple[int, int] | None = None
    for m in _LABEL_RE.finditer(text):
        n, of = ocr_int(m["n"]), ocr_int(m["m"])
        if n is None or of is None or not 1 <= n <= of <= 9999:
            continue
        found = (n, of)
    return found


def find_dossier_page(text: str) -> int | None:
    """The dossier page number stamped on the page ("Dossierpagina 12"), or None."""
    found: int | None = None
    for m in _DOSSIER_PAGE_RE.finditer(text):
        n = ocr_int(m["n"])
        if n is not None and 0 < n < 1_000_000:
            found = n
            break
    return found


def label_gaps(labels: Sequence[tuple[int, int] | None]) -> tuple[int, ...]:
    """Page numbers a document's labels say exist but no physical page carries.

    Unreadable labels (None) are not evidence of a gap: a page between "2 van 5" and
    "4 van 5" whose label could not be read may well be page 3, so gaps are counted only
    against the pages that could be neither read nor hidden behind an unreadable page.
    """
    readable = [lab for lab in labels if lab is not None]
    if not readable:
        return ()
    total = max(of for _, of in readable)
    seen = {n for n, _ in readable}
    missing = [n for n in range(1, total + 1) if n not in seen]
    # Each run of unreadable pages sits between two readable labels and may stand for the
    # pages between them; a gap inside such a window counts only if it outnumbers the run.
    claimed: set[int] = set()
    i = 0
    while i < len(labels):
        if labels[i] is not None:
            i += 1
            continue
        j = i
        while j < len(labels) and labels[j] is None:
            j += 1
        before = next((lab[0] for lab in reversed(labels[:i]) if lab is not None), 0)
        after = next((lab[0] for lab in labels[j:] if lab is not None), total + 1)
        window = [n for n in missing if before < n < after]
        if len(window) <= j - i:
            claimed.update(window)
        i = j
    return tuple(n for n in missing if n not in claimed)
