"""What each format promises: masked personal data, safe CSV, escaped HTML, a JSON that keeps its schema."""

from __future__ import annotations

import csv
import io
import json
import re
from importlib.resources import files

import pytest

from dossierlink.reconcile import KINDS
from dossierlink.report import ReportInput, render
from dossierlink.report.privacy import mask_text
from dossierlink.report.validate import generated_schema_text, load_schema, validate_report

FORMATS = ("text", "markdown", "csv", "json", "html")
LEVELS = ("strategic", "tactical", "operational")
BSN = "123456782"
BIRTH_DATES = ("1990-02-01", "01-02-1991", "1991-02-01")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("level", LEVELS)
def test_a_suspects_bsn_and_birth_date_never_leave_the_store_unmasked(
    report_input: ReportInput, fmt: str, level: str
) -> None:
    text = render(report_input, level=level, fmt=fmt)
    assert BSN not in text
    for date in BIRTH_DATES:
        assert date not in text


def test_revealing_shows_the_bsn_and_birth_date_and_says_so(report_input: ReportInput) -> None:
    data = json.loads(render(report_input, level="operational", fmt="json", reveal=True))
    person = next(d for d in data["divergences"] if d["id"] == "d-person")
    assert data["revealed"] is True
    assert BSN in person["expected"] and "1990-02-01" in person["message"]
    assert {"kind": "bsn", "value": BSN} in person["identifiers"]
    assert "--reveal" in render(report_input, level="operational", fmt="text", reveal=True)


def test_masking_keeps_pv_numbers_parketnummers_and_document_dates() -> None:
    text = "PV PL07B3 2023123456-2 in 10/600040-08 van 2025-02-20, BSN 1234.56.782 en 123456782"
    masked = mask_text(text)
    assert "PL07B3 2023123456-2" in masked and "10/600040-08" in masked and "2025-02-20" in masked
    assert "123456782" not in masked and "1234.56.782" not in masked and masked.count("*******82") == 2
    assert mask_text("geboren 1990-02-01", dates=True) == "geboren **-**-****"


def test_a_csv_cell_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(
    report_input: ReportInput,
) -> None:
    rows = list(csv.reader(io.StringIO(render(report_input, level="operational", fmt="csv"))))
    header, body = rows[0], rows[1:]
    assert len(body) == len(report_input.divergences)
    assert all(len(r) == len(header) for r in body)
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    injected = next(r for r in body if r[0] == "d-injection")
    assert "'=cmd|' /C calc'!A0 <script>alert(1)</script>" in injected
    assert "'+31 6 1234" in injected and "'@SUM(1+1)" in injected


def test_the_html_page_escapes_every_piece_of_data(report_input: ReportInput) -> None:
    page = render(report_input, level="operational", fmt="html")
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "HYPERLINK(&quot;http://example.invalid&quot;" in page


def test_the_html_page_is_self_contained(report_input: ReportInput) -> None:
    page = render(report_input, level="operational", fmt="html")
    assert page.startswith("<!DOCTYPE html>")
    for forbidden in ("<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "href="):
        assert forbidden not in page, forbidden
    # The only URLs are the SVG namespace, the CSP and escaped data text.
    urls = set(re.findall(r"https?://[^\s\"'&<]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://example.invalid"}
    assert page.count("<svg") >= 3 + 5  # three strategic charts, one weekly chart per organisation
    assert "default-src 'none'" in page


def test_the_markdown_report_does_not_let_data_become_markup(report_input: ReportInput) -> None:
    import attrs

    evil = attrs.evolve(
        report_input.divergences[0], subject="iets", message="<script>x</script> | **b** [l](u)"
    )
    md = render(attrs.evolve(report_input, divergences=(evil,)), level="operational", fmt="markdown")
    assert "&lt;script&gt;x&lt;/script&gt; \\| \\*\\*b\\*\\* \\[l\\](u)" in md
    md = render(report_input, level="operational", fmt="markdown")
    assert (
        "- [ ] **hoog** · 39 d · Voeg PV PL07B3 2023123456-2 (4 pagina's) toe aan het papieren dossier 10/600040-08"
        in md
    )


def test_the_json_report_keeps_its_documented_schema(report_input: ReportInput) -> None:
    for level in LEVELS:
        for lang in ("nl", "en"):
            data = json.loads(render(report_input, level=level, fmt="json", lang=lang))
            assert validate_report(data) == []
            assert data["version"] == "1.0" and data["level"] == level
    data = json.loads(render(report_input, level="operational", fmt="json"))
    ids = [d["id"] for d in data["divergences"]]
    assert len(ids) == 13 and ids[0] == "d-handover"
    assert data["weakest_link"]["organisation"] == "reclassering"
    assert {"summary", "indicators", "weakest_link", "divergences"} <= set(data)


def test_the_json_schema_is_itself_enforced(report_input: ReportInput) -> None:
    data = json.loads(render(report_input, level="operational", fmt="json"))
    del data["divergences"][0]["kind"]
    data["summary"]["share"] = 1.5
    data["version"] = "2.0"
    problems = validate_report(data)
    assert len(problems) == 3, problems


def test_the_shipped_schema_lists_exactly_the_described_kinds() -> None:
    # A new kind's description is not enough: `python -m dossierlink.report.validate` writes it
    # into report.schema.json, and this test fails until that file is checked in.
    text = files("dossierlink.report").joinpath("report.schema.json").read_text(encoding="utf-8")
    assert generated_schema_text(text) == text
    assert load_schema()["$defs"]["kind"]["enum"] == [spec.kind.value for spec in KINDS]


def test_a_report_with_an_undescribed_kind_breaks_the_schema(report_input: ReportInput) -> None:
    data = json.loads(render(report_input, level="operational", fmt="json"))
    data["divergences"][0]["kind"] = "lost_in_the_post"
    assert len(validate_report(data)) == 1


def test_a_full_json_schema_validator_agrees(report_input: ReportInput) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = json.loads(render(report_input, level="operational", fmt="json", reveal=True))
    jsonschema.Draft202012Validator.check_schema(load_schema())
    jsonschema.validate(data, load_schema())


def test_the_terminal_gets_colour_only_when_asked(report_input: ReportInput) -> None:
    plain = render(report_input, level="operational", fmt="text")
    coloured = render(report_input, level="operational", fmt="text", color=True)
    assert "\x1b[" not in plain and "\x1b[1;31m" in coloured
    assert "\x1b[" not in render(report_input, level="operational", fmt="csv", color=True)


def test_an_escape_sequence_in_the_data_does_not_reach_the_terminal(report_input: ReportInput) -> None:
    import attrs

    evil = attrs.evolve(report_input.divergences[5], message="\x1b]0;owned\x07 scan", subject="iets")
    inp = attrs.evolve(report_input, divergences=(evil,))
    assert "\x1b" not in render(inp, level="operational", fmt="text")


def test_english_reports_use_english_words(report_input: ReportInput) -> None:
    text = render(report_input, level="strategic", fmt="text", lang="en")
    assert (
        "Weakest link: Reclassering Nederland" in text
        and "Ambition: 95% of dossiers consistent by 2027-07-01" in text
    )


def test_a_bad_level_format_or_language_is_a_clear_error(report_input: ReportInput) -> None:
    for kwargs in ({"level": "board"}, {"fmt": "pdf"}, {"lang": "de"}):
        with pytest.raises(ValueError, match="choose one of"):
            render(report_input, **kwargs)  # type: ignore[arg-type]
