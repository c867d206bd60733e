"""A court reads tesseract-OCR'd scans: the fast reader gives exactly bare pypdf's text."""

from __future__ import annotations

import threading
from pathlib import Path

import pypdf
import pytest
from pypdf import PdfReader

from dossierlink.paper import fasttext
from dossierlink.paper.fasttext import PdfTextError, page_texts, page_texts_from_path

pytestmark = pytest.mark.ocr


def bare(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def test_the_courts_scanned_pv_reads_the_same_as_bare_pypdf(
    ocr_scans: dict[str, Path], bare_texts: dict[Path, list[str]]
) -> None:
    for name, path in ocr_scans.items():
        expected = bare_texts[path]
        assert page_texts(PdfReader(path)) == expected, name
        assert page_texts_from_path(path) == expected, name


def test_the_ocr_layer_is_tesseracts_glyphless_font(ocr_scans: dict[str, Path]) -> None:
    reader = PdfReader(ocr_scans["pv_complete"])
    font = reader.pages[0]["/Resources"]["/Font"]
    names = {font[key].get_object()["/BaseFont"] for key in font}
    assert names == {"/GlyphLessFont"}
    cmap = font[next(iter(font))].get_object()["/ToUnicode"].get_data()
    assert b"<0000> <FFFF> <0000>" in cmap


def test_the_scanned_pv_number_and_page_labels_come_through(ocr_scans: dict[str, Path]) -> None:
    texts = page_texts(PdfReader(ocr_scans["pv_complete"]))
    assert len(texts) == 3
    joined = "\n".join(texts)
    # tesseract reads PL01A1 as PLO1A1: the text is the OCR's, correcting it is the paper reader's job.
    assert "2023014223-6" in joined
    assert "PL01A1" in joined or "PLO1A1" in joined
    assert "van 3" in texts[-1]


def test_a_scan_that_lost_its_last_page_still_reads_the_same(
    ocr_scans: dict[str, Path], bare_texts: dict[Path, list[str]]
) -> None:
    path = ocr_scans["pv_lost_last_page"]
    texts = page_texts(PdfReader(path))
    assert len(texts) == 2
    assert texts == bare_texts[path]
    assert "van 3" in texts[-1]


def test_pages_sharing_one_font_object_parse_it_once(
    ocr_scans: dict[str, Path], bare_texts: dict[Path, list[str]]
) -> None:
    reader = PdfReader(ocr_scans["pv_shared_font"])
    refs = {page["/Resources"]["/Font"].raw_get("/f-0-0").idnum for page in reader.pages}
    assert len(reader.pages) == 4 and len(refs) == 1
    calls = []
    original = fasttext._internals()
    assert original is not None
    parse = original.orig_parse_to_unicode

    def counting(ft: object) -> object:
        calls.append(ft)
        return parse(ft)

    original.orig_parse_to_unicode = counting
    try:
        texts = page_texts(reader)
    finally:
        original.orig_parse_to_unicode = parse
    assert texts == bare_texts[ocr_scans["pv_shared_font"]]
    assert len(calls) == 1


def test_pypdf_is_left_as_it_was_after_reading(ocr_scans: dict[str, Path]) -> None:
    import pypdf._cmap
    import pypdf._page
    from pypdf.generic import ContentStream

    before = (
        pypdf._cmap.parse_bfrange,
        pypdf._cmap._parse_to_unicode,
        pypdf._page.Font,
        ContentStream._parse_content_stream,
    )
    page_texts(PdfReader(ocr_scans["pv_complete"]))
    after = (
        pypdf._cmap.parse_bfrange,
        pypdf._cmap._parse_to_unicode,
        pypdf._page.Font,
        ContentStream._parse_content_stream,
    )
    assert before == after


def test_two_clerks_read_scans_at_once_while_a_third_uses_bare_pypdf(
    ocr_scans: dict[str, Path], bare_texts: dict[Path, list[str]]
) -> None:
    paths = [ocr_scans["pv_complete"], ocr_scans["pv_lost_last_page"]]
    expected = bare_texts
    results: list[tuple[Path, list[str]]] = []
    errors: list[BaseException] = []

    def clerk(fast: bool) -> None:
        try:
            for _ in range(1 if not fast else 3):
                for path in paths:
                    got = page_texts(PdfReader(path)) if fast else bare(path)
                    results.append((path, got))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=clerk, args=(fast,)) for fast in (True, True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert len(results) == (3 + 3 + 1) * len(paths)
    assert all(got == expected[path] for path, got in results)


def test_an_unknown_pypdf_gets_plain_pypdf(
    ocr_scans: dict[str, Path], bare_texts: dict[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fasttext, "_INTERNALS_CHECKED", False)
    monkeypatch.setattr(fasttext, "_INTERNALS", None)
    monkeypatch.setattr(fasttext, "SUPPORTED_PYPDF", ((99, 0), (100, 0)))
    assert not fasttext.acceleration_available()
    path = ocr_scans["pv_lost_last_page"]
    assert page_texts(PdfReader(path)) == bare_texts[path]


def test_the_installed_pypdf_is_the_one_the_fast_path_was_built_for() -> None:
    low, high = fasttext.SUPPORTED_PYPDF
    major, minor = (int(part) for part in pypdf.__version__.split(".")[:2])
    if low <= (major, minor) < high:
        assert fasttext.acceleration_available()


def test_a_truncated_scan_is_reported_with_its_file_name(tmp_path: Path, ocr_scans: dict[str, Path]) -> None:
    broken = tmp_path / "pv-kapot.pdf"
    broken.write_bytes(b"%PDF-1.5\n" + b"\x00" * 50)
    with pytest.raises(PdfTextError, match=r"pv-kapot\.pdf"):
        page_texts_from_path(broken)
    missing = tmp_path / "weg.pdf"
    with pytest.raises(PdfTextError, match=r"weg\.pdf"):
        page_texts_from_path(missing)
