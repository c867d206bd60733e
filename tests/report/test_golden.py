"""Golden reports per level and format on the small chain; DOSSIERLINK_UPDATE_GOLDEN=1 rewrites them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dossierlink.report import ReportInput, load_report_input, render

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DOSSIERLINK_UPDATE_GOLDEN") == "1"
SUFFIX = {"text": "txt", "markdown": "md", "csv": "csv", "json": "json", "html": "html"}
CASES = [
    (level, fmt, "nl")
    for fmt in ("text", "markdown", "html")
    for level in ("strategic", "tactical", "operational")
] + [
    ("operational", "csv", "nl"),
    ("operational", "json", "nl"),
    ("strategic", "text", "en"),
    ("operational", "text", "en"),
    ("operational", "csv", "en"),
]


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        if not UPDATE:
            pytest.fail(f"{path} did not exist and was written: check it and run again.")
    expected = path.read_bytes().decode("utf-8")
    assert text == expected, f"{name} differs from its golden file (DOSSIERLINK_UPDATE_GOLDEN=1 rewrites it)"


@pytest.mark.parametrize(("level", "fmt", "lang"), CASES, ids=[f"{lv}-{f}-{lg}" for lv, f, lg in CASES])
def test_the_small_chains_report_matches_its_golden_file(
    report_input: ReportInput, level: str, fmt: str, lang: str
) -> None:
    text = render(report_input, level=level, fmt=fmt, lang=lang)
    _check_golden(f"{level}.{lang}.{SUFFIX[fmt]}", text)


@pytest.mark.parametrize("fmt", ["json", "text", "html"])
def test_the_store_gives_the_report_the_plain_objects_give(store, now, ambition, report_input, fmt) -> None:  # type: ignore[no-untyped-def]
    from_store = load_report_input(store, now=now, ambition=ambition)
    assert render(from_store, level="operational", fmt=fmt) == render(
        report_input, level="operational", fmt=fmt
    )
