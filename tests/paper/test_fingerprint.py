"""Text fingerprints: the same text through OCR noise stays near 1, an edited version does not."""

from __future__ import annotations

import random

import attrs
import pytest

from dossierlink.paper import fingerprint, fingerprint_containment, fingerprint_similarity, same_text
from tools.scanmaker import CASES, document_pages, ocr_noise


def _text(spec_key: str = "C", version: int = 1) -> str:
    spec = attrs.evolve(CASES[spec_key].documents[0], version=version)
    return "\n".join(text for page in document_pages(spec) for _, text in page.blocks)


def test_identical_text_has_similarity_one() -> None:
    assert fingerprint_similarity(fingerprint(_text()), fingerprint(_text())) == 1.0


@pytest.mark.parametrize("rate", [0.002, 0.005, 0.01])
def test_a_scan_with_ocr_noise_is_still_the_same_text(rate: float) -> None:
    noisy = ocr_noise(_text(), rate, random.Random(7))
    assert fingerprint_similarity(fingerprint(noisy), fingerprint(_text())) > 0.9
    assert same_text(fingerprint(noisy), fingerprint(_text()))


def test_heavy_ocr_noise_still_scores_above_an_edited_version() -> None:
    # 2% of characters swapped is far worse than tesseract on a 300 dpi scan (about 0.2%)
    noisy = fingerprint(ocr_noise(_text(), 0.02, random.Random(7)))
    edited = fingerprint(_text(version=2))
    assert fingerprint_similarity(noisy, fingerprint(_text())) > fingerprint_similarity(
        edited, fingerprint(_text())
    )


def test_the_edited_version_is_clearly_lower() -> None:
    old, new = fingerprint(_text(version=1)), fingerprint(_text(version=2))
    assert fingerprint_similarity(old, new) < 0.8
    assert not same_text(old, new)


def test_page_furniture_does_not_change_the_fingerprint() -> None:
    body = _text()
    stamped = f"Dossierpagina 12\n{body}\nPagina 2 van 3\nAfgedrukt op 05-06-2023 09:12"
    assert fingerprint_similarity(fingerprint(body), fingerprint(stamped)) == 1.0


def test_hyphenation_and_case_do_not_change_the_fingerprint() -> None:
    a = fingerprint("De verdachte werd gehoord op het politiebureau aan de Kerkstraat.")
    b = fingerprint("DE VERDACHTE werd ge-\nhoord op het politie-\nbureau aan de Kerkstraat")
    assert fingerprint_similarity(a, b) == 1.0


def test_a_long_text_is_estimated_from_its_sketch() -> None:
    words = [f"woord{i}" for i in range(5000)]
    a = fingerprint(" ".join(words))
    b = fingerprint(" ".join(words[:2500] + [f"ander{i}" for i in range(2500)]))
    # true Jaccard of the 2-word shingle sets is about 1/3
    assert 0.2 < fingerprint_similarity(a, b) < 0.47
    assert 0.35 < fingerprint_containment(b, a) < 0.65


def test_empty_text_is_similar_to_nothing() -> None:
    assert fingerprint("") == "mh1:0:"
    assert fingerprint_similarity(fingerprint(""), fingerprint(_text())) == 0.0
    assert fingerprint_containment(fingerprint(""), fingerprint("")) == 0.0


def test_a_foreign_fingerprint_is_refused() -> None:
    with pytest.raises(ValueError, match="not a dossierlink text fingerprint"):
        fingerprint_similarity("simhash:abc", fingerprint("x y"))
