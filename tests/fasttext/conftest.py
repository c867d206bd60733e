"""Fixtures for the fast text reader: real tesseract-OCR'd scans (cached across runs) and the corpus PDFs."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import ModuleType

import pytest

HERE = Path(__file__).resolve().parent
CORPUS_PDF = HERE.parents[1].parent / "shared" / "corpus" / "pdf"


def load_scanmaker() -> ModuleType:
    """The scan generator beside this file, loaded by path (tests run with --import-mode=importlib)."""
    spec = importlib.util.spec_from_file_location("fasttext_scanmaker", HERE / "scanmaker.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# name -> keyword arguments of scanmaker.make_scan (None: one tesseract run over all pages)
OCR_SCANS: dict[str, dict[str, object] | None] = {
    "pv_complete": {
        "pv_number": "PL01A1 2023014223-6",
        "parketnummer": "10/600040-23",
        "pages": 3,
        "seed": 1,
    },
    "pv_lost_last_page": {
        "pv_number": "PL01A1 2023014223-6",
        "parketnummer": "10/600040-23",
        "pages": 3,
        "seed": 2,
        "drop": (3,),
    },
    "pv_shared_font": None,
}


def ocr_scan_dir(scanmaker: ModuleType) -> Path:
    """A cache folder named by the generator's source and tesseract's version: reruns skip the OCR."""
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False).stdout
    digest = hashlib.sha256(
        (HERE / "scanmaker.py").read_bytes() + version.encode() + repr(OCR_SCANS).encode()
    )
    return Path(tempfile.gettempdir()) / f"dossierlink-ocr-scans-{digest.hexdigest()[:16]}"


def build_ocr_scans() -> dict[str, Path]:
    """Make (or reuse) the real-OCR scans; returns name -> PDF path."""
    scanmaker = load_scanmaker()
    folder = ocr_scan_dir(scanmaker)
    paths = {name: folder / f"{name}.pdf" for name in OCR_SCANS}
    if all(path.exists() for path in paths.values()):
        return paths
    work = Path(tempfile.mkdtemp(prefix="dossierlink-ocr-build-"))
    try:
        for name, kwargs in OCR_SCANS.items():
            if kwargs is None:
                scanmaker.make_multipage_scan(work / f"{name}.pdf", pages=4)
            else:
                scanmaker.make_scan(work / f"{name}.pdf", **kwargs)
        folder.mkdir(parents=True, exist_ok=True)
        for name, path in paths.items():
            os.replace(work / f"{name}.pdf", path)  # atomic: a parallel run never sees half a file
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return paths


@pytest.fixture(scope="session")
def ocr_scans() -> dict[str, Path]:
    if not load_scanmaker().tesseract_available():
        pytest.skip("tesseract with the Dutch model (tesseract-ocr-nld) is not installed")
    return build_ocr_scans()


def corpus_pdfs() -> list[Path]:
    return sorted(CORPUS_PDF.rglob("*.pdf")) if CORPUS_PDF.is_dir() else []


@pytest.fixture(scope="session")
def bare_texts(ocr_scans: dict[str, Path]) -> dict[Path, list[str]]:
    """Bare pypdf's page texts of every OCR scan, read once per session (bare pypdf is the slow part)."""
    from pypdf import PdfReader

    return {path: [page.extract_text() for page in PdfReader(path).pages] for path in ocr_scans.values()}
