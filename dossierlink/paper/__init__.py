"""Reading scanned dossiers with pypdf: text layer, page labels, dossier pages, fingerprints, splitting."""

from __future__ import annotations

from dossierlink.paper.fingerprint import SAME_TEXT_THRESHOLD, fingerprint, fingerprint_similarity
from dossierlink.paper.isolate import close_workers, read_pdf_isolated
from dossierlink.paper.labels import find_dossier_page, find_page_label, label_gaps
from dossierlink.paper.reader import PdfError, PdfLimits, PdfSummary, read_pdf

__all__ = [
    "SAME_TEXT_THRESHOLD",
    "PdfError",
    "PdfLimits",
    "PdfSummary",
    "close_workers",
    "find_dossier_page",
    "find_page_label",
    "fingerprint",
    "fingerprint_similarity",
    "label_gaps",
    "read_pdf",
    "read_pdf_isolated",
]
