"""Page labels and dossier page stamps, as printed and as OCR garbles them."""

from __future__ import annotations

import pytest

from dossierlink.paper import find_dossier_page, find_page_label, label_gaps


@pytest.mark.parametrize(
    ("printed", "label"),
    [
        ("Pagina 3 van 5", (3, 5)),
        ("pagina 3 van 5", (3, 5)),
        ("pag. 3/5", (3, 5)),
        ("Pag 3 / 5", (3, 5)),
        ("blad 2/3", (2, 3)),
        ("Blad 3 van 5", (3, 5)),
        ("Paglna 3 van 5", (3, 5)),
        ("Pagína 2 vau 4", (2, 4)),
        ("PAGINA l van 5", (1, 5)),
        ("Pagina 1 van S", (1, 5)),
        ("Pagina 1O van 12", (10, 12)),
        ("Page 1 of 2", (1, 2)),
    ],
)
def test_a_scanned_footer_reads_as_a_page_label_through_ocr_noise(
    printed: str, label: tuple[int, int]
) -> None:
    assert find_page_label(f"Waarvan proces-verbaal.\n{printed}\nAfgedrukt op 05-06-2023 09:12") == label


@pytest.mark.parametrize(
    "text",
    ["zie pagina 2 van het proces-verbaal", "Pagina 6 van 5", "Dossierpagina 12", "blad 0/3", ""],
)
def test_words_that_only_look_like_a_label_are_not_one(text: str) -> None:
    assert find_page_label(text) is None


def test_the_last_label_on_a_page_is_the_footer() -> None:
    assert find_page_label("in bijlage pagina 1 van 2 staat\n...\nPagina 4 van 7") == (4, 7)


def test_a_stamped_dossier_page_number_is_read() -> None:
    assert find_dossier_page("Dossierpagina 12\nPOLITIE") == 12
    assert find_dossier_page("Dos. pag. 000031") == 31
    assert find_dossier_page("Pagina 1 van 3") is None


def test_the_scan_that_lost_two_pages_shows_the_gap() -> None:
    assert label_gaps([(1, 5), (2, 5), (5, 5)]) == (3, 4)


def test_a_scan_that_lost_its_last_page_shows_the_gap() -> None:
    assert label_gaps([(1, 3), (2, 3)]) == (3,)


def test_an_unreadable_label_does_not_create_a_false_gap() -> None:
    assert label_gaps([(1, 3), None, (3, 3)]) == ()
    assert label_gaps([(1, 5), None, (3, 5), None, (5, 5)]) == ()


def test_an_unreadable_label_cannot_hide_two_missing_pages() -> None:
    assert label_gaps([(1, 5), None, (5, 5)]) == (2, 3, 4)


def test_a_complete_scan_has_no_gap() -> None:
    assert label_gaps([(1, 2), (2, 2)]) == ()
    assert label_gaps([None, None]) == ()
