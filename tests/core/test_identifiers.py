"""The chain's identifiers: the examples in DESIGN.md, OCR tolerance, and properties."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dossierlink.identifiers import (
    BsnError,
    EcliError,
    IdentifierError,
    IdentifierKind,
    ParketnummerError,
    PvNumberError,
    clean_pv_normalised,
    find_parketnummers,
    find_pv_numbers,
    is_valid_bsn,
    mask_bsn,
    normalise,
    parse_bsn,
    parse_ecli,
    parse_parketnummer,
    parse_pv_number,
    parse_skn,
)
from dossierlink.schema import Identifier


def test_the_design_examples_parse() -> None:
    assert parse_parketnummer("10/600040-08").normalised == "10/600040-08"
    assert parse_pv_number("PL07B3 2023123456-1").normalised == "PL07B3 2023123456-1"
    assert parse_ecli("ECLI:NL:RBROT:2008:BE7078") == "ECLI:NL:RBROT:2008:BE7078"


@pytest.mark.parametrize(
    "printed",
    [
        "10/600040-08",
        "10-600040-08",
        "10.600040.08",
        " 10 / 600040 - 08 ",
        "1060004008",
        "10/600040-08 VON",
        "10/600040-08 (TUL)",
    ],
)
def test_a_parketnummer_printed_either_way_is_one_parketnummer(printed: str) -> None:
    assert normalise(IdentifierKind.PARKETNUMMER, printed) == "10/600040-08"


def test_the_suffix_of_a_side_procedure_is_kept_but_joins_the_same_case() -> None:
    p = parse_parketnummer("10-600040-08 (TUL)")
    assert p.suffix == "TUL" and p.normalised == "10/600040-08"


@pytest.mark.parametrize("bad", ["", "10/60004-08", "abc", "10/600040", "1/600040-08", "x" * 500])
def test_a_malformed_parketnummer_is_refused_with_a_sentence_naming_it(bad: str) -> None:
    with pytest.raises(ParketnummerError) as exc:
        parse_parketnummer(bad)
    assert "parketnummer" in str(exc.value) and str(exc.value).endswith(".")


def test_ocr_reads_zero_as_o_in_a_pv_number_and_the_correction_is_recorded() -> None:
    pv = parse_pv_number("PLO1A1 2O23O14223-6", ocr=True)
    assert pv.normalised == "PL01A1 2023014223-6"
    assert pv.corrections
    with pytest.raises(PvNumberError):
        parse_pv_number("PLO1A1 2O23O14223-6")  # strict parsing does not guess


@pytest.mark.parametrize(
    ("noisy", "read"),
    [
        ("PL01A1 2023014223-6", "PL01A1 2023014223-6"),
        ("PL01A12023014223-6", "PL01A1 2023014223-6"),
        ("PLO1A1 2023014223-6", "PL01A1 2023014223-6"),
        ("PL0lA1 2O23Ol4223-6", "PL01A1 2023014223-6"),
        ("PL01A1 2O23O14S23-B", "PL01A1 2023014523-8"),
    ],
)
def test_pv_numbers_are_found_in_noisy_scan_text(noisy: str, read: str) -> None:
    found = [p.normalised for p in find_pv_numbers(f"Proces-verbaal nummer: {noisy}\nPagina 1 van 3")]
    assert found == [read]


def test_parketnummers_are_found_in_free_text() -> None:
    text = "Parketnummer: 13/123456-23, gevoegd met 13-654321-22 (TUL)."
    assert [p.normalised for p in find_parketnummers(text)] == ["13/123456-23", "13/654321-22"]


def test_bsn_elfproef() -> None:
    assert is_valid_bsn("111222333")
    with pytest.raises(BsnError):
        parse_bsn("000000000")
    with pytest.raises(BsnError) as exc:
        parse_bsn("123456780")
    assert "123456780" not in str(exc.value)  # never echo a BSN into a message


def test_an_invalid_identifier_is_kept_as_recorded_and_flagged() -> None:
    ident = Identifier.parse("parketnummer", "10/60004O-08")
    assert not ident.valid and ident.value == "10/60004O-08" and ident.problem


def test_ecli_and_skn() -> None:
    assert parse_ecli(" ecli:nl:rbrot:2008:be7078 ") == "ECLI:NL:RBROT:2008:BE7078"
    with pytest.raises(EcliError):
        parse_ecli("ECLI:NL:RBROT:08:BE7078")
    assert parse_skn("1234.5678") == "12345678"


def test_mask_bsn_shows_only_the_last_two_digits() -> None:
    assert mask_bsn("111222333") == "*******33"


# --- properties -----------------------------------------------------------------------------

parket = st.builds(
    lambda a, b, c, sep1, sep2: f"{a:02d}{sep1}{b:06d}{sep2}{c:02d}",
    st.integers(0, 99),
    st.integers(0, 999_999),
    st.integers(0, 99),
    st.sampled_from(["/", "-", ".", " / "]),
    st.sampled_from(["-", "/", "."]),
)
pv = st.builds(
    lambda r, u, y, s, m: f"PL{r:02d}{u} {y:04d}{s:06d}" + (f"-{m}" if m is not None else ""),
    st.integers(0, 99),
    st.text(alphabet="ABCDEFGHJKMNPRTUVWXYZ0123456789", min_size=2, max_size=2),
    st.integers(1990, 2099),
    st.integers(0, 999_999),
    st.one_of(st.none(), st.integers(1, 99)),
)


@given(parket)
def test_normalising_a_parketnummer_is_idempotent(raw: str) -> None:
    once = normalise("parketnummer", raw)
    assert normalise("parketnummer", once) == once


@given(pv)
def test_valid_pv_numbers_round_trip_strict_and_ocr(raw: str) -> None:
    assert parse_pv_number(raw).normalised == raw
    assert parse_pv_number(raw, ocr=True).normalised == raw


@given(st.text(max_size=80))
def test_no_input_raises_anything_but_identifier_error(text: str) -> None:
    for kind in IdentifierKind:
        with contextlib.suppress(IdentifierError):
            normalise(kind, text)
    list(find_pv_numbers(text))
    list(find_parketnummers(text))


@given(st.integers(0, 99_999_999))
def test_bsn_validation_agrees_with_the_elfproef(n: int) -> None:
    digits = f"{n:08d}"
    total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True))
    check = total % 11
    if check < 10:
        bsn = digits + str(check)
        assert is_valid_bsn(bsn) == (bsn != "000000000")


@given(
    st.one_of(
        st.text(alphabet="PLpl0123456789AB -OI", max_size=24),
        st.builds(
            lambda r, u, y, s, m: f"PL{r:02d}{u} {y}{s:06d}" + (f"-{m}" if m is not None else ""),
            st.integers(0, 99),
            st.sampled_from(["A1", "B3", "07", "ZZ"]),
            st.integers(1990, 2030),
            st.integers(0, 999_999),
            st.one_of(st.none(), st.integers(0, 999)),
        ),
    )
)
def test_the_fast_pv_key_reads_exactly_what_the_full_parser_reads(text: str) -> None:
    """Document keys take a shortcut for cleanly written PV numbers; it must agree with the parser."""
    text = " ".join(text.split())
    try:
        expected: str | None = parse_pv_number(text).normalised
    except IdentifierError:
        expected = None
    assert clean_pv_normalised(text) == expected


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_the_elfproef_is_the_textbook_one(value: str) -> None:
    weights = [9, 8, 7, 6, 5, 4, 3, 2, -1]
    textbook = value != "000000000" and sum(int(c) * w for c, w in zip(value, weights, strict=True)) % 11 == 0
    assert is_valid_bsn(value) == textbook
