"""An image-only scan gets its text layer from OCRmyPDF when asked (real-OCR acceptance: test_ocr_acceptance)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dossierlink.adapters.scan import ScanAdapter

from dossierlink.ingest.adapter import Hints
from dossierlink.paper.ocr import ocr_available
from tools.scanmaker import tesseract_available

pytestmark = pytest.mark.ocr


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
