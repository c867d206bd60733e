"""Fixtures for the fast text reader: real tesseract-OCR'd scans, cached across runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.scanmaker import build_ocr_scans, tesseract_available


@pytest.fixture(scope="session")
def ocr_scans() -> dict[str, Path]:
    if not tesseract_available(pdftoppm=False):
        pytest.skip("tesseract with the Dutch model (tesseract-ocr-nld) is not installed")
    return build_ocr_scans()


@pytest.fixture(scope="session")
def bare_texts(ocr_scans: dict[str, Path]) -> dict[Path, list[str]]:
    """Bare pypdf's page texts of every OCR scan, read once per session (bare pypdf is the slow part)."""
    from pypdf import PdfReader

    return {path: [page.extract_text() for page in PdfReader(path).pages] for path in ocr_scans.values()}
