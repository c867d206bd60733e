"""Every real PDF in the shared corpus reads the same through the fast reader as through bare pypdf."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pypdf import PdfReader

from dossierlink.paper.fasttext import page_texts

CORPUS_PDF = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "pdf"
PDFS = sorted(CORPUS_PDF.rglob("*.pdf")) if CORPUS_PDF.is_dir() else []

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not PDFS, reason=f"no corpus PDFs in {CORPUS_PDF}"),
]


def outcome(read: object, path: Path) -> tuple[str, object]:
    """The page texts, or the exception type: an unreadable file must fail the same way on both paths."""
    try:
        reader = PdfReader(path)
        return ("texts", read(reader))  # type: ignore[operator]
    except Exception as exc:
        return ("raises", type(exc).__name__)


def bare(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


# Big files take bare pypdf tens of seconds: they still run, marked slow.
CASES = [
    pytest.param(path, marks=pytest.mark.slow) if path.stat().st_size > 1_000_000 else path for path in PDFS
]


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.parent.name)
def test_a_producers_pdf_reads_the_same_as_bare_pypdf(path: Path) -> None:
    logging.disable(logging.WARNING)  # broken corpus files make pypdf talk; the outcome is what counts
    try:
        assert outcome(page_texts, path) == outcome(bare, path)
    finally:
        logging.disable(logging.NOTSET)
