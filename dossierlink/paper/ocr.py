"""Optional OCR of image-only scans with OCRmyPDF (extra ``dossierlink[ocr]``), in a child process.

Runs ``ocrmypdf --skip-text -l nld`` with a time limit. Exit codes 6 (the file already has
text) and 8 (the file cannot be OCR'd, e.g. encrypted) mean "no OCR needed or possible",
not failure. Without OCRmyPDF nothing happens: the scan is reported unreadable.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import attrs

__all__ = ["OcrOutcome", "ocr_available", "run_ocr"]

EXIT_ALREADY_DONE = 6
EXIT_ENCRYPTED = 8


@attrs.frozen
class OcrOutcome:
    done: bool  # True: ``output`` holds the OCR'd PDF
    output: Path | None
    reason: str


def _command() -> list[str] | None:
    if importlib.util.find_spec("ocrmypdf") is not None:
        return [sys.executable, "-m", "ocrmypdf"]
    exe = shutil.which("ocrmypdf")
    return [exe] if exe else None


def ocr_available() -> bool:
    """True when OCRmyPDF can be run (the Python package or the Debian command)."""
    return _command() is not None


def run_ocr(source: Path, output: Path, *, language: str = "nld", timeout_s: float = 600.0) -> OcrOutcome:
    """OCR ``source`` into ``output``; never raises for a bad scan, only reports."""
    command = _command()
    if command is None:
        return OcrOutcome(False, None, "OCRmyPDF is not installed (pip install 'dossierlink[ocr]')")
    args = [
        *command,
        "--skip-text",
        "-l",
        language,
        "--output-type",
        "pdf",
        "--quiet",
        str(source),
        str(output),
    ]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return OcrOutcome(False, None, f"OCR took longer than {timeout_s:g} s and was stopped")
    except OSError as exc:
        return OcrOutcome(False, None, f"OCRmyPDF could not be started: {exc}")
    if done.returncode == 0 and output.exists() and output.stat().st_size > 0:
        return OcrOutcome(True, output, "OCR'd with OCRmyPDF")
    if done.returncode == EXIT_ALREADY_DONE:
        return OcrOutcome(False, None, "OCRmyPDF found text already (no OCR needed)")
    if done.returncode == EXIT_ENCRYPTED:
        return OcrOutcome(False, None, "OCRmyPDF cannot OCR this file (encrypted)")
    tail = (done.stderr or "").strip().splitlines()[-1:] or [""]
    return OcrOutcome(False, None, f"OCRmyPDF failed (exit code {done.returncode}) {tail[0][:200]}".strip())
