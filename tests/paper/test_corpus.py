"""Every PDF producer in ../shared/corpus/pdf: a summary or a clean, explained PdfError."""

from __future__ import annotations

from pathlib import Path

import pytest
from dossierlink.adapters.scan import ScanAdapter

from dossierlink.ingest.adapter import AdapterError, Hints
from dossierlink.paper import PdfError, read_pdf_isolated

pytestmark = pytest.mark.corpus

REASONS = {
    "empty",
    "not_pdf",
    "truncated",
    "encrypted",
    "corrupt",
    "too_big",
    "too_many_pages",
    "bomb",
    "memory",
    "timeout",
    "crashed",
}


def test_every_file_in_the_pdf_corpus_is_read_or_refused_with_a_reason(corpus_pdf: Path) -> None:
    files = sorted(p for p in corpus_pdf.rglob("*") if p.is_file() and ".git" not in p.parts)
    read, refused = 0, {}
    for path in files:
        try:
            summary = read_pdf_isolated(path, timeout_s=60, memory_mb=1024)
        except PdfError as exc:
            assert exc.reason in REASONS
            assert str(path) in str(exc) and exc.problem
            refused[path.name] = exc.reason
            continue
        assert summary.page_count == len(summary.page_texts) == len(summary.page_labels)
        read += 1
    pdfs = [p for p in files if p.suffix.lower() == ".pdf"]
    assert read >= len(pdfs) - 3  # a password-protected and a broken one are expected
    assert refused.get("libreoffice-writer-password.pdf") == "encrypted"
    assert all(reason == "not_pdf" for name, reason in refused.items() if not name.endswith(".pdf"))


def test_every_corpus_pdf_through_the_scan_adapter_yields_a_record_or_an_adapter_error(
    corpus_pdf: Path,
) -> None:
    adapter = ScanAdapter()
    for path in sorted(corpus_pdf.rglob("*.pdf")):
        assert adapter.identify(path)
        try:
            records = list(adapter.extract(path, Hints(organisation="rechtspraak")))
        except AdapterError as exc:
            assert str(path) in str(exc)
            continue
        assert len(records) == 1
        # foreign PDFs carry no parketnummer or PV number: flagged, never silently linked
        assert records[0].unreadable is not None
