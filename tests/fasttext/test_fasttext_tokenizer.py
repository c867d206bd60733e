"""The content-stream and CMap shortcuts build exactly what pypdf's own parsers build, token by token."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

from dossierlink.paper import fasttext

pytestmark = pytest.mark.skipif(not fasttext.acceleration_available(), reason="pypdf outside SUPPORTED_PYPDF")

CORPUS_PDF = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "pdf"


def canon(value: Any) -> Any:
    """A comparable form that keeps pypdf's object types (FloatObject vs NumberObject matters)."""
    if isinstance(value, dict):
        return (type(value).__name__, sorted((str(k), canon(v)) for k, v in value.items()))
    if isinstance(value, list):
        return (type(value).__name__, [canon(v) for v in value])
    if isinstance(value, tuple):
        return tuple(canon(v) for v in value)
    return (type(value).__name__, bytes(value) if isinstance(value, bytes) else value)


def parse(data: bytes, fast: bool) -> Any:
    stream = ContentStream(None, None, "bytes")
    stream.set_data(data)
    try:
        if fast:
            with fasttext._accelerated(None):
                operations = stream.operations
        else:
            operations = stream.operations
    except Exception as exc:
        return ("raises", type(exc).__name__)
    return canon(operations)


def tokenized(data: bytes) -> list[Any] | None:
    internals = fasttext._internals()
    assert internals is not None
    return fasttext._tokenize(data, "bytes", internals)


@pytest.mark.parametrize(
    "data",
    [
        b"BT /f-0-0 11 Tf 100.37 Tz [ <0050004F004C> ] TJ 49.44 0 Td ET",
        b"BT /F1 12 Tf (Pagina 1 van 3) Tj ET",
        b"(nested (parens)) Tj (esc\\)aped\\n) Tj",
        b"[ (\\000P\\000L\\000O\\0551) ] TJ (\\101\\7\\12\\1234) Tj (\\777) Tj (\\400x) Tj",
        b"(a\\\\) Tj (\\q) Tj (line\\\ncont) Tj (\\/\\%\\<\\>\\[\\]\\#\\_\\&\\$\\ ) Tj (\\",
        b"/Span<</ActualText <FEFF0041> >> BDC (A) Tj EMC",
        b"% a comment\n1 0 0 1 0 0 cm % another\r q Q",
        b"[1 [2 3] 4] TJ [true false null] TJ [(a) % c\n 5] TJ",
        b"1.2.3 Tc -.5 Tw +.5 Tw 5. TL 1,5 TL -- TL",
        b"/A#20B Tf /\xc3\xa9 Tf <4 1> Tj <> Tj <abc> Tj",
        b"12 0 R 0 0 1 RG",
        b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q",
        b"] ) > { } Tj",
        b"\x0b Tj \x00Tj\x00",
        b"[ <00> <01",
        b"(unterminated",
        b"1 2 3",
        b"",
    ],
)
def test_a_hand_made_content_stream_parses_as_pypdf_parses_it(data: bytes) -> None:
    logging.disable(logging.WARNING)
    try:
        assert parse(data, fast=True) == parse(data, fast=False)
    finally:
        logging.disable(logging.NOTSET)


FRAGMENTS = [
    b"0",
    b"12",
    b"-3",
    b"+4",
    b".5",
    b"5.",
    b"1.25",
    b"1.2.3",
    b",",
    b"--",
    b"1 0 R",
    b"0 0 1 RG",
    b"/F1",
    b"/f-0-0",
    b"/A#20",
    b"/\xe9",
    b"/",
    b"<0041>",
    b"<4 1>",
    b"<>",
    b"<zz>",
    b"<<",
    b">>",
    b"<</A 1>>",
    b"(x)",
    b"(a(b)c)",
    b"(\\101)",
    b"(\\000P\\000L)",
    b"(\\0551)",
    b"(\\777)",
    b"(\\n\\)\\\\)",
    b"(\\",
    b"\\",
    b"(\\q)",
    b"(a\\\nb)",
    b"(\\12",
    b"(",
    b")",
    b"[",
    b"]",
    b"[1 2]",
    b"[[1]]",
    b"true",
    b"null",
    b"Tj",
    b"TJ",
    b"Tf",
    b"T*",
    b"'",
    b'"',
    b"BT",
    b"ET",
    b"BI",
    b"ID",
    b"EI",
    b"%c\n",
    b"%",
    b"{",
    b"}",
    b"\x00",
    b"\x0b",
    b"\x0c",
    b"\r\n",
    b"\x80",
]
SEPARATORS = [b" ", b"", b"\n", b"\r", b"\t", b"\x00", b"  "]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(FRAGMENTS), st.sampled_from(SEPARATORS)), max_size=25))
def test_any_token_soup_parses_as_pypdf_parses_it(parts: list[tuple[bytes, bytes]]) -> None:
    data = b"".join(fragment + separator for fragment, separator in parts)
    logging.disable(logging.WARNING)
    try:
        assert parse(data, fast=True) == parse(data, fast=False)
    finally:
        logging.disable(logging.NOTSET)


def content_streams(paths: list[Path]) -> Iterator[tuple[str, bytes]]:
    for path in paths:
        try:
            reader = PdfReader(path)
            for number, page in enumerate(reader.pages):
                contents = page.get_contents()
                if contents is not None:
                    yield f"{path.name}#{number}", contents.get_data()
        except Exception:  # broken corpus files are the corpus test's business
            continue


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS_PDF.is_dir(), reason=f"no corpus in {CORPUS_PDF}")
def test_every_corpus_content_stream_parses_as_pypdf_parses_it() -> None:
    logging.disable(logging.WARNING)
    try:
        paths = [p for p in sorted(CORPUS_PDF.rglob("*.pdf")) if p.stat().st_size < 1_000_000]
        for name, data in content_streams(paths):
            assert parse(data, fast=True) == parse(data, fast=False), name
    finally:
        logging.disable(logging.NOTSET)


@pytest.mark.ocr
def test_ocr_content_streams_take_the_fast_tokenizer_all_the_way(ocr_scans: dict[str, Path]) -> None:
    for name, data in content_streams(list(ocr_scans.values())):
        operations = tokenized(data)
        assert operations is not None, name
        assert canon(operations) == parse(data, fast=False), name


def test_the_samples_merged_ocr_layers_take_the_fast_tokenizer_all_the_way() -> None:
    # pypdf's merge_page (how scanning software lays a text layer on a page image) rewrites
    # tesseract's hex strings as literal strings with octal escapes: "(\\000P\\000L...)".
    samples = Path(__file__).resolve().parents[2] / "samples" / "scans"
    paths = sorted(samples.rglob("*.pdf"))
    if not paths:
        pytest.skip("samples/scans is missing")
    internals = fasttext._internals()
    assert internals is not None
    read_object = internals.read_object
    delegated: list[object] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        delegated.append(args)
        return read_object(*args, **kwargs)

    seen = 0
    for name, data in content_streams(paths):
        if b"TJ" not in data:
            continue  # the image-only scan
        seen += 1
        assert b"\\000" in data, name
        internals.read_object = counting
        try:
            operations = tokenized(data)
        finally:
            internals.read_object = read_object
        assert operations is not None and not delegated, name
        assert canon(operations) == parse(data, fast=False), name
    assert seen > 10


@pytest.mark.parametrize(
    "cmap",
    [
        b"1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange",  # tesseract, OCRmyPDF
        b"2 beginbfrange\n<0020> <007E> <0020>\n<00A0> <00FF> <00A0>\nendbfrange",
        b"1 beginbfrange\n<20> <7E> <0041>\nendbfrange",
        b"1 beginbfrange\n<0003> <0001> <0041>\nendbfrange",
        b"1 beginbfrange\n<D7F0> <E010> <D7F0>\nendbfrange",
        b"1 beginbfrange\n<FFF0> <FFFF> <FFF8>\nendbfrange",  # runs past U+FFFF: pypdf's loop
        b"1 beginbfrange\n<0000> <0002> [<0041> <0042> <0043>]\nendbfrange",
        b"1 beginbfrange\n<000000> <000010> <0041>\nendbfrange",
        b"1 beginbfchar\n<0003> <0020>\nendbfchar\n1 beginbfrange\n<0010> <0012> <0030>\nendbfrange",
    ],
)
def test_an_ocr_fonts_tounicode_cmap_maps_as_pypdf_maps_it(cmap: bytes) -> None:
    from pypdf._cmap import _parse_to_unicode
    from pypdf.generic import DecodedStreamObject, NameObject

    font = DictionaryObject()
    stream = DecodedStreamObject()
    stream.set_data(cmap)
    font[NameObject("/ToUnicode")] = stream
    expected = _parse_to_unicode(font)
    with fasttext._accelerated(None):
        from pypdf import _cmap

        got = _cmap._parse_to_unicode(font)
    assert got == expected
    assert list(got[0]) == list(expected[0])  # same insertion order
