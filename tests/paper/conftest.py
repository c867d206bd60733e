"""Fixtures for the paper tests: the checked-in samples and fast generated scans."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dossierlink.ingest.adapter import Hints
from dossierlink.schema import Record

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
CORPUS_PDF = REPO.parent / "shared" / "corpus" / "pdf"


@pytest.fixture(scope="session")
def samples() -> Path:
    if not (SAMPLES / "scans").is_dir():
        pytest.skip("samples/scans is missing: run python -m tools.scanmaker samples")
    return SAMPLES


@pytest.fixture(scope="session")
def scan_records(samples: Path) -> Callable[[str], list[Record]]:
    """Records of a sample scan, by its path under samples/scans (cached per session)."""
    from dossierlink.adapters.scan import ScanAdapter

    cache: dict[str, list[Record]] = {}
    adapter = ScanAdapter()

    def get(relative: str) -> list[Record]:
        if relative not in cache:
            path = samples / "scans" / relative
            cache[relative] = list(adapter.extract(path, Hints(root=samples / "scans")))
        return cache[relative]

    return get


@pytest.fixture(scope="session", autouse=True)
def _stop_pdf_workers() -> Iterator[None]:
    yield
    from dossierlink.paper import close_workers

    close_workers()


@pytest.fixture
def corpus_pdf() -> Path:
    if not CORPUS_PDF.is_dir():
        pytest.skip("../shared/corpus/pdf is absent")
    return CORPUS_PDF


@pytest.fixture(scope="session")
def real_ocr_scans() -> dict[str, Path]:
    """Issue 10's acceptance scans, OCR'd by tesseract once and cached in the temp folder by recipe."""
    from tools.scanmaker import acceptance_scans, tesseract_available

    if not tesseract_available():
        pytest.skip("tesseract with the Dutch model (tesseract-ocr-nld) and pdftoppm are not installed")
    return acceptance_scans()
