"""The HTML report in a real headless browser (Debian chromium): it renders, without console errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from dossierlink.report import ReportInput, render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
]


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_manager_opens_the_html_report_in_a_browser(report_input: ReportInput, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(report_input, level="operational", fmt="html"), encoding="utf-8")
    shot = tmp_path / "report.png"
    result = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    assert shot.exists() and shot.stat().st_size > 20_000, result.stderr[-2000:]
    # Chromium logs every console message of the page as "INFO:CONSOLE(...)" on stderr.
    console = [
        line
        for line in result.stderr.splitlines()
        if ":CONSOLE" in line
        or "Uncaught" in line
        or "Refused to" in line
        or "Content Security Policy" in line
    ]
    assert console == []

    dom = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0
    assert dom.stdout.count("<svg") >= 8
    assert "Voeg PV PL07B3 2023123456-2 (4 pagina's) toe aan het papieren dossier 10/600040-08" in dom.stdout

    from PIL import Image

    with Image.open(shot) as img:
        colours = img.convert("RGB").resize((128, 200)).getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 50  # a rendered page, not a blank one
