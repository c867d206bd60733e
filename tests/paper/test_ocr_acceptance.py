"""Issue 10's acceptance on scans OCR'd by tesseract: identifiers normalised, pages missing found, no false gaps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dossierlink.adapters.scan import ScanAdapter

from dossierlink.identifiers import IdentifierKind
from dossierlink.ingest.adapter import Hints
from dossierlink.paper import find_page_label, read_pdf_isolated
from dossierlink.reconcile import DossierView, ReconcileConfig, reconcile_dossier
from dossierlink.schema import DivergenceKind, Record
from tools.scanmaker import acceptance_spec

pytestmark = pytest.mark.ocr

NOW = dt.datetime(2024, 1, 15, 12, 0)


def read(path: Path) -> Record:
    # A flat cache folder: the organisation is given, the parketnummer must come from the pages.
    (record,) = ScanAdapter().extract(path, Hints(organisation="rechtspraak"))
    return record


def pages_missing(record: Record) -> list[list[int]]:
    view = DossierView(1, tuple(record.identifiers), (record,))
    found = reconcile_dossier(view, ReconcileConfig(), NOW)
    return [list(d.details["missing_pages"]) for d in found if d.kind == DivergenceKind.PAGES_MISSING]


def test_the_courts_tesseract_scans_give_every_pv_number_in_its_normalised_form(
    real_ocr_scans: dict[str, Path],
) -> None:
    for name, path in real_ocr_scans.items():
        record = read(path)
        spec = acceptance_spec(name)
        (doc,) = record.documents
        assert doc.key == spec.key, name
        pvs = {i.value for i in record.identifiers if i.kind == IdentifierKind.PV}
        assert pvs == {spec.key}, name
        assert not any(v.startswith("PLO") for v in pvs)


def test_tesseract_prints_plo1a1_and_the_reader_records_the_correction(
    real_ocr_scans: dict[str, Path],
) -> None:
    path = real_ocr_scans["complete"]
    assert "PLO1A1 2023014223-6" in "\n".join(read_pdf_isolated(path).page_texts)  # the OCR's own text
    record = read(path)
    assert record.documents[0].key == "PL01A1 2023014223-6"
    assert any("PL01A1 2023014223-6" in w and "O->0" in w for w in record.warnings)


def test_a_pv_number_that_ocr_split_in_two_is_still_read(real_ocr_scans: dict[str, Path]) -> None:
    from dossierlink.paper.split import split_pages

    texts = read_pdf_isolated(real_ocr_scans["label_variants_lost_page_2"]).page_texts
    (doc,) = split_pages(texts).documents
    # Page 1 says "aangifte PLO9D4 2023051 150-1": the referenced aangifte is found too.
    assert [p.normalised for p in doc.pv_numbers] == ["PL09D4 2023051150-2", "PL09D4 2023051150-1"]


def test_every_parketnummer_comes_from_the_pages_and_ocr_misreadings_do_not_make_a_second_dossier(
    real_ocr_scans: dict[str, Path],
) -> None:
    for name, path in real_ocr_scans.items():
        record = read(path)
        parkets = {i.value for i in record.identifiers if i.kind == IdentifierKind.PARKETNUMMER}
        assert parkets == {acceptance_spec(name).parketnummer}, name


def test_a_complete_tesseract_scan_has_no_missing_pages(real_ocr_scans: dict[str, Path]) -> None:
    record = read(real_ocr_scans["complete"])
    assert record.documents[0].page_labels == ((1, 3), (2, 3), (3, 3))
    assert not any("missing pages" in w for w in record.warnings)
    assert pages_missing(record) == []


def test_a_scan_that_lost_its_last_page_shows_it_missing(real_ocr_scans: dict[str, Path]) -> None:
    record = read(real_ocr_scans["lost_last_page"])
    (doc,) = record.documents
    assert doc.page_labels == ((1, 3), (2, 3))  # "pagina 2 van 3" is the last label
    assert any("missing pages 3 of 3" in w for w in record.warnings)
    assert pages_missing(record) == [[3]]


def test_every_kind_of_page_label_is_read_and_the_lost_page_shows(real_ocr_scans: dict[str, Path]) -> None:
    record = read(real_ocr_scans["label_variants_lost_page_2"])
    (doc,) = record.documents
    # Printed "Pagina 1 van 5", (page 2 lost), "Blad 3 van 5", "Paglna 4 van 5", "pag. 5/5".
    assert doc.page_labels == ((1, 5), (3, 5), (4, 5), (5, 5))
    assert any("missing pages 2 of 5" in w for w in record.warnings)
    assert pages_missing(record) == [[2]]


@pytest.mark.parametrize("label", ["Pagina 3 van 5", "pag. 3/5", "Blad 3 van 5", "Paglna 3 van 5"])
def test_the_page_label_forms_of_the_issue_are_page_labels(label: str) -> None:
    assert find_page_label(f"... einde van de tekst.\n{label}\n") == (3, 5)


def test_pages_whose_label_cannot_be_read_make_no_false_gap(real_ocr_scans: dict[str, Path]) -> None:
    path = real_ocr_scans["unreadable_labels"]
    # Pages 2 and 4 (the last) lost their footer: their labels cannot be read.
    assert read_pdf_isolated(path).page_labels == ((1, 4), None, (3, 4), None)
    record = read(path)
    (doc,) = record.documents
    assert doc.page_labels == ((1, 4), None, (3, 4), None)
    assert doc.page_count == 4
    assert not any("missing pages" in w for w in record.warnings)
    assert pages_missing(record) == []
