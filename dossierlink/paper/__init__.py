"""Reading scanned dossiers with pypdf: text layer, page labels, dossier pages, fingerprints, splitting."""

from __future__ import annotations

from dossierlink.fingerprint import (
    CONTAINED_THRESHOLD,
    SAME_TEXT_THRESHOLD,
    fingerprint,
    fingerprint_containment,
    fingerprint_similarity,
    same_text,
)
from dossierlink.paper.isolate import close_workers, read_pdf_isolated
from dossierlink.paper.labels import find_dossier_page, find_page_label, label_gaps
from dossierlink.paper.reader import PdfError, PdfLimits, PdfSummary, read_pdf
from dossierlink.paper.split import PaperDocument, ScanLayout, split_pages

__all__ = [
    "CONTAINED_THRESHOLD",
    "SAME_TEXT_THRESHOLD",
    "PaperDocument",
    "PdfError",
    "PdfLimits",
    "PdfSummary",
    "ScanLayout",
    "close_workers",
    "find_dossier_page",
    "find_page_label",
    "fingerprint",
    "fingerprint_containment",
    "fingerprint_similarity",
    "label_gaps",
    "read_pdf",
    "read_pdf_isolated",
    "same_text",
    "split_pages",
]
