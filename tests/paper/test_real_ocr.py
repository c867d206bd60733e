"""Scans made the real way (rendered, skewed, noised, OCR'd by tesseract) and OCRmyPDF for image-only scans."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dossierlink.adapters.scan import ScanAdapter

from dossierlink.adapter import Hints
from dossierlink.paper import read_pdf_isolated
from dossierlink.paper.ocr import ocr_available
from dossierlink.paper.scanmaker import CASES, document_pages, make_scan, printed, tesseract_available

pytestmark = pytest.mark.ocr


@pytest.fixture(scope="module")
def needs_tesseract() -> None:
    if not tesseract_available():
        pytest.skip("tesseract with the nld model and pdftoppm are not installed")


def test_a_fresh_tesseract_scan_that_lost_its_last_page_shows_the_gap(
    needs_tesseract: None, tmp_path: Path
) -> None:
    spec = CASES["E"].documents[0]
    target = tmp_path / "rechtspraak" / "10-700111-23" / "scan.pdf"
    make_scan(printed(document_pages(spec)), target, drop=(2,), seed="test", scan_dpi=300)
    summary = read_pdf_isolated(target)
    assert summary.page_labels == ((1, 2),)
    (record,) = ScanAdapter().extract(target, Hints(root=tmp_path))
    (doc,) = record.documents
    assert doc.key == "PL17E5 2023033333-1"  # normalised, whatever O/0 tesseract printed
    assert "parketnummer:10/700111-23" in {i.key for i in record.identifiers}
    assert any("missing pages 2 of 2" in w for w in record.warnings)


@pytest.mark.slow
def test_an_image_only_scan_is_read_after_ocrmypdf_when_asked(samples: Path, tmp_path: Path) -> None:
    if not ocr_available() or not tesseract_available():
        pytest.skip("OCRmyPDF or tesseract is not installed")
    target = tmp_path / "rechtspraak" / "10-700111-23" / "PL17E5_2023033333-1.pdf"
    target.parent.mkdir(parents=True)
    shutil.copy(samples / "scans/rechtspraak/10-700111-23/PL17E5_2023033333-1.pdf", target)
    (record,) = ScanAdapter().extract(target, Hints(root=tmp_path, options={"ocr": True}))
    assert record.unreadable is None
    (doc,) = record.documents
    assert doc.key == "PL17E5 2023033333-1"
    assert doc.page_labels == ((1, 2), (2, 2))
    assert any("OCRmyPDF" in w for w in record.warnings)
