"""Cover sheets at the scanning desk: printed by dossierlink, read back from pixels, splitting a batch per case.

The acceptance scenario: the griffie prints scheidingsbladen for two cases, lays each on top of its
stukken, scans the pile as images only (no text layer, slightly skewed, noisy) and ingests it as
paper; each case then holds its own paper document with the right page count.
"""

from __future__ import annotations

import json
import stat
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import dossierlink
from dossierlink.cli import main
from dossierlink.paper import read_pdf, read_pdf_isolated
from dossierlink.paper.barcodes import PageBarcode, barcodes_available
from dossierlink.paper.coversheet import CoverSheet, CoverSheetError, decode_payload, render_cover_sheets
from dossierlink.paper.split import find_cover_sheets, split_batch
from dossierlink.schema import DivergenceKind
from tools.scanmaker import CASES, cover_sheet_batch, document_pages, render_pages, tesseract_available

needs_zxing = pytest.mark.skipif(
    not barcodes_available(), reason="zxing-cpp (dossierlink[barcodes]) is absent"
)
needs_pdftoppm = pytest.mark.skipif(
    not tesseract_available(pdftoppm=True) and not Path("/usr/bin/pdftoppm").exists(),
    reason="poppler's pdftoppm (to print and scan test pages) is absent",
)
CASE_A = CASES["A"].documents[0]  # 10/600040-23, a 3-page PV
CASE_B = CASES["B"].documents[0]  # 13/123456-23, a 2-page PV


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


# --- the payload --------------------------------------------------------------------------------


def test_a_cover_sheet_payload_names_its_case_and_carries_a_check() -> None:
    sheet = CoverSheet.parse("10-600040-23")
    assert sheet.payload.startswith("DL:1|P|10/600040-23||")
    assert decode_payload(sheet.payload) == sheet
    for kind, raw in (("pv", "PL13B2 2023078910-2"), ("ecli", "ECLI:NL:RBROT:2008:BE7078")):
        assert decode_payload(CoverSheet.parse(raw).payload).identifier.kind.value == kind  # type: ignore[union-attr]
    stuk = CoverSheet.parse("10/600040-23", document="PL01A1 2023014223-6")
    assert decode_payload(stuk.payload) == stuk


def test_a_barcode_that_is_not_a_cover_sheet_or_is_damaged_is_never_taken_for_one() -> None:
    good = CoverSheet.parse("10/600040-23").payload
    assert decode_payload("PL13B2 2023078910-2") is None  # a politie PV barcode
    assert decode_payload("https://uitspraken.rechtspraak.nl/ECLI:NL:RBROT:2008:BE7078") is None
    misread = good.replace("600040", "600046")
    for bad in (
        misread,
        good[:-1] + ("0" if good[-1] != "0" else "1"),
        good.replace("|P|", "|Q|"),
        "DL:1|P|x",
    ):
        with pytest.raises(CoverSheetError):
            decode_payload(bad)
    with pytest.raises(CoverSheetError, match="person"):
        CoverSheet.parse("bsn:123456782")
    with pytest.raises(CoverSheetError, match="not a parketnummer"):
        CoverSheet.parse("zaak 12")


# --- splitting a batch never loses a page ---------------------------------------------------------


def _codes(*payloads: str) -> tuple[PageBarcode, ...]:
    return tuple(PageBarcode("DataMatrix", p) for p in payloads)


A, B = CoverSheet.parse("10/600040-23"), CoverSheet.parse("13/123456-23")


def test_two_cover_sheets_in_a_row_and_one_at_the_end_are_warnings_and_every_page_stays() -> None:
    barcodes = [
        (),
        _codes(A.payload),
        _codes(B.payload),
        (),
        (),
        _codes(A.payload),
        _codes(A.payload),
        (),
        _codes(B.payload),
    ]
    covers, notes = find_cover_sheets([""] * len(barcodes), barcodes)
    assert sorted(covers) == [2, 3, 6, 7, 9]
    parts, part_notes = split_batch(len(barcodes), covers)
    assert [(p.sheet, p.pages) for p in parts] == [(None, (1,)), (B, (4, 5)), (A, (8,))]
    text = " ".join(notes + part_notes)
    assert (
        "page 2: the cover sheet for parketnummer 10/600040-23 has no pages after it (page 3 is another"
        in text
    )
    assert "page 7: the cover sheet for parketnummer 10/600040-23 is there twice in a row" in text
    assert (
        "page 9: the cover sheet for parketnummer 13/123456-23 has no pages after it (it is the last page)"
        in text
    )


def test_a_damaged_cover_sheet_keeps_its_pages_with_the_part_before_it_and_says_so() -> None:
    wrong_check = A.payload[:-4] + "0000"
    barcodes = [
        _codes(B.payload),
        (),
        (PageBarcode("DataMatrix", "", "checksum error"),),
        (),
        _codes(wrong_check),
    ]
    covers, notes = find_cover_sheets(["", "tekst van een stuk " * 5, "", "", ""], barcodes)
    parts, _ = split_batch(5, covers)
    assert [(p.sheet, p.pages) for p in parts] == [(B, (2, 3, 4, 5))]
    assert any("page 3: a barcode was seen but could not be decoded" in n for n in notes)
    assert any("page 5:" in n and "check digits do not match" in n for n in notes)


@given(st.lists(st.sampled_from(["", "A", "B", "X"]), max_size=30))
def test_every_page_of_a_batch_ends_in_exactly_one_part_or_is_a_cover_sheet(pages: list[str]) -> None:
    payload = {
        "A": _codes(A.payload),
        "B": _codes(B.payload),
        "X": (PageBarcode("QRCode", "https://x"),),
        "": (),
    }
    covers, _ = find_cover_sheets([""] * len(pages), [payload[p] for p in pages])
    parts, _ = split_batch(len(pages), covers)
    filed = [n for part in parts for n in part.pages]
    assert sorted(filed + list(covers)) == list(range(1, len(pages) + 1))
    assert len(filed) == len(set(filed))


def test_the_text_layer_identifies_a_cover_sheet_without_decoding_pixels(tmp_path: Path) -> None:
    sheets = tmp_path / "bladen.pdf"
    sheets.write_bytes(render_cover_sheets([A, B]))
    summary = read_pdf(sheets, barcodes=True)
    assert summary.page_barcodes == ((), ())  # both named by their printed payload: no pixels needed
    covers, _ = find_cover_sheets(summary.page_texts, summary.page_barcodes)
    assert covers == {1: A, 2: B}


# --- pixels ---------------------------------------------------------------------------------------


@needs_zxing
def test_a_decompression_bomb_on_a_page_is_a_warning_and_the_page_is_kept(tmp_path: Path) -> None:
    side = 20_000  # 400 megapixels of white, a few hundred KB deflated
    raw = zlib.compress(b"\xff" * (side * side // 8), 9)
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 1 "
        b"/Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(raw)) + raw + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    bomb = tmp_path / "bom.pdf"
    bomb.write_bytes(bytes(out))
    summary = read_pdf_isolated(bomb, barcodes=True, memory_mb=768, timeout_s=60)
    assert summary.page_count == 1
    assert any("20000x20000 pixels is over the limit" in w for w in summary.warnings), summary.warnings


@needs_zxing
@needs_pdftoppm
@pytest.mark.timeout(240)
def test_two_cases_scanned_as_one_image_only_batch_are_filed_each_under_its_own_parketnummer(
    tmp_path: Path,
) -> None:
    store = str(tmp_path / "keten.db")
    sheets = tmp_path / "scheidingsbladen.pdf"
    code, output = _cli(
        "--db", store, "coversheet", CASE_A.parketnummer, CASE_B.parketnummer, "-o", str(sheets)
    )
    assert code == 0, output
    assert stat.S_IMODE(sheets.stat().st_mode) == 0o600
    batch = cover_sheet_batch(
        [((sheets, 0), document_pages(CASE_A)), ((sheets, 1), document_pages(CASE_B))],
        tmp_path / "scanstraat" / "batch-2023-06-01.pdf",
        ocr=False,
        skew=1.2,
    )
    summary = read_pdf_isolated(batch)
    assert summary.page_count == 1 + CASE_A.pages + 1 + CASE_B.pages and summary.text_chars == 0

    code, output = _cli(
        "--db", store, "ingest", str(batch), "--organisation", "rechtspraak", "--medium", "paper"
    )
    assert code in (0, 1), output
    for case in (CASE_A, CASE_B):
        code, output = _cli("--db", store, "dossier", case.parketnummer, "--json")
        assert code == 0, output
        detail = json.loads(output)
        paper = [
            d
            for r in detail["records"]
            if r["organisation"] == "rechtspraak" and r["medium"] == "paper"
            for d in r["documents"]
        ]
        assert [d["page_count"] for d in paper] == [case.pages], paper
        assert "cover sheet" in paper[0]["source_location"]


@needs_zxing
@needs_pdftoppm
@pytest.mark.timeout(240)
def test_a_barcode_smudged_beyond_reading_loses_no_page(tmp_path: Path) -> None:
    from dossierlink.adapters.scan import ScanAdapter
    from PIL import ImageDraw
    from pypdf import PdfReader, PdfWriter

    from dossierlink.ingest.adapter import Hints

    batch = cover_sheet_batch(
        [(A.identifier.value, document_pages(CASE_A)), (B.identifier.value, document_pages(CASE_B))],
        tmp_path / "batch.pdf",
    )
    # Smudge the second cover sheet: paint over both of its symbols, then rebuild the scan.
    reader = PdfReader(batch)
    writer = PdfWriter()
    for n, page in enumerate(reader.pages, start=1):
        if n == 1 + CASE_A.pages + 1:
            image = page.images[0].image.convert("L")
            draw = ImageDraw.Draw(image)
            w, h = image.size
            draw.rectangle((0, int(h * 0.45), w, int(h * 0.9)), fill=0)
            img_pdf = tmp_path / "smudged.pdf"
            image.save(img_pdf, "PDF", resolution=image.width / 8.27)
            writer.add_page(PdfReader(img_pdf).pages[0])
        else:
            writer.add_page(page)
    smudged = tmp_path / "rechtspraak" / "scan.pdf"
    smudged.parent.mkdir()
    with smudged.open("wb") as fh:
        writer.write(fh)
    records = list(ScanAdapter().extract(smudged, Hints(organisation="rechtspraak")))
    assert [r.identifiers[0].value for r in records] == ["10/600040-23"]  # B's sheet is a page of A's part
    assert sum(d.page_count or 0 for r in records for d in r.documents) == CASE_A.pages + 1 + CASE_B.pages


# --- cover sheet against the stuk's own text ----------------------------------------------------


def test_a_cover_sheet_naming_another_case_than_the_stuk_is_filed_by_the_sheet_and_reported(
    tmp_path: Path,
) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    sheet = tmp_path / "blad.pdf"
    sheet.write_bytes(render_cover_sheets([A]))
    writer.append(PdfReader(sheet))
    writer.append(PdfReader(render_pages(document_pages(CASE_B), tmp_path / "stuk.pdf")))  # says 13/123456-23
    batch = tmp_path / "rechtspraak" / "batch.pdf"
    batch.parent.mkdir()
    with batch.open("wb") as fh:
        writer.write(fh)
    with dossierlink.open(tmp_path / "keten.db") as chain:
        chain.ingest([batch], organisation="rechtspraak", medium="paper")
        detail = chain.dossier("10/600040-23")
        assert detail is not None
        assert [i.value for i in detail.identifiers if i.kind.value == "parketnummer"] == ["10/600040-23"]
        assert chain.dossier("13/123456-23") is None  # the stuk's own number did not pull it elsewhere
        (record,) = detail.records
        (document,) = record.documents
        assert document.page_count == CASE_B.pages and document.key == CASE_B.key
        assert any("13/123456-23" in w and "cover sheet" in w for w in record.warnings)
        conflicts = [d for d in detail.divergences if d.kind is DivergenceKind.IDENTIFIER_CONFLICT]
        assert conflicts and "13/123456-23" in conflicts[0].found  # type: ignore[operator]


def test_chain_coversheet_prints_the_parties_it_knows_and_logs_the_disclosure(tmp_path: Path) -> None:
    from pypdf import PdfReader

    with dossierlink.open(tmp_path / "keten.db") as chain:
        stuk = render_pages(document_pages(CASE_B), tmp_path / "rechtspraak" / "13-123456-23" / "pv.pdf")
        chain.ingest([stuk], organisation="rechtspraak", medium="paper")
        out = chain.coversheet(["13/123456-23", "10/600040-23"], tmp_path / "bladen.pdf")
        texts = [p.extract_text() for p in PdfReader(out).pages]
        assert (
            "SCHEIDINGSBLAD" in texts[0] and "13/123456-23" in texts[0] and "DL:1|P|13/123456-23|" in texts[0]
        )
        assert "10/600040-23" in texts[1]
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        named = any(line.startswith("Verdachte:") for line in texts[0].splitlines())
        assert named == bool(chain.disclosures())


def test_the_coversheet_command_refuses_what_is_no_case_identifier(tmp_path: Path) -> None:
    code, output = _cli(
        "--db", str(tmp_path / "k.db"), "coversheet", "geen-nummer", "-o", str(tmp_path / "x.pdf")
    )
    assert code == 2 and "not a parketnummer" in output
    assert not (tmp_path / "x.pdf").exists()


@needs_zxing
def test_a_politie_barcode_on_an_image_only_stuk_gives_the_stuk_its_pv_number(tmp_path: Path) -> None:
    import zxingcpp
    from dossierlink.adapters.scan import ScanAdapter
    from PIL import Image

    from dossierlink.ingest.adapter import Hints

    page = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi, nothing but a QR code in the corner
    code = zxingcpp.create_barcode("PV PL13B2 2023078910-2", zxingcpp.BarcodeFormat.QRCode)
    raw = memoryview(code.to_image(scale=6))  # type: ignore[arg-type]
    symbol = Image.frombytes("L", (raw.shape[1], raw.shape[0]), raw.tobytes())
    page.paste(symbol, (900, 100))
    scan = tmp_path / "rechtspraak" / "13-123456-23" / "scan-0001.pdf"
    scan.parent.mkdir(parents=True)
    page.save(scan, "PDF", resolution=150)
    (record,) = ScanAdapter().extract(scan, Hints(root=tmp_path))
    (document,) = record.documents
    assert document.key == "PL13B2 2023078910-2"
    assert "pv:PL13B2 2023078910-2" in [i.key for i in record.identifiers]


@needs_zxing
@pytest.mark.parametrize("angle", [90, 180, 270, 3])
def test_a_cover_sheet_fed_in_sideways_or_upside_down_is_still_read(tmp_path: Path, angle: int) -> None:
    import subprocess

    from PIL import Image

    from dossierlink.paper.barcodes import decode_image

    if not Path("/usr/bin/pdftoppm").exists():
        pytest.skip("poppler's pdftoppm is absent")
    sheet = tmp_path / "blad.pdf"
    sheet.write_bytes(render_cover_sheets([A]))
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(sheet), str(tmp_path / "p")], check=True)
    (png,) = tmp_path.glob("p*.png")
    with Image.open(png) as image:
        turned = image.convert("L").rotate(angle, expand=True, fillcolor=255)
    found = decode_image(turned)
    assert any(decode_payload(b.text) == A for b in found if b.error is None), found


@needs_zxing
@pytest.mark.parametrize("renderer", ["pypdfium2", "pdftoppm"])
def test_a_cover_sheet_without_image_or_text_is_rendered_and_read(
    tmp_path: Path, renderer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet saved by a 'print to PDF' that turned its letters into outlines: vectors only."""
    import re

    from dossierlink.paper import barcodes

    if renderer == "pypdfium2" and not barcodes._pdfium_available():
        pytest.skip("pypdfium2 is absent")
    if renderer == "pdftoppm":
        if not Path("/usr/bin/pdftoppm").exists():
            pytest.skip("poppler's pdftoppm is absent")
        monkeypatch.setattr(barcodes, "_pdfium_available", lambda: False)
    data = render_cover_sheets([A])
    start = data.index(b"stream\n") + len(b"stream\n")
    end = data.index(b"\nendstream", start)
    vectors = re.sub(rb"BT .*? ET", b"", data[start:end])
    pdf = data[:start] + vectors + data[end:]
    pdf = pdf.replace(b"/Length %d" % (end - start), b"/Length %d" % len(vectors), 1)
    sheet = tmp_path / "contouren.pdf"
    sheet.write_bytes(pdf)
    summary = read_pdf(sheet, barcodes=True)
    assert summary.text_chars == 0
    covers, _ = find_cover_sheets(summary.page_texts, summary.page_barcodes)
    assert covers == {1: A}


def test_pages_before_the_first_cover_sheet_are_read_as_any_scan_and_keep_their_own_case(
    tmp_path: Path,
) -> None:
    from dossierlink.adapters.scan import ScanAdapter
    from pypdf import PdfReader, PdfWriter

    from dossierlink.ingest.adapter import Hints

    writer = PdfWriter()
    writer.append(PdfReader(render_pages(document_pages(CASE_B), tmp_path / "b.pdf")))  # no sheet on top
    sheet = tmp_path / "blad.pdf"
    sheet.write_bytes(render_cover_sheets([A]))
    writer.append(PdfReader(sheet))
    writer.append(PdfReader(render_pages(document_pages(CASE_A), tmp_path / "a.pdf")))
    batch = tmp_path / "batch.pdf"
    with batch.open("wb") as fh:
        writer.write(fh)
    before, after = ScanAdapter().extract(batch, Hints(organisation="rechtspraak"))
    assert before.provenance.locator == f"pages 1-{CASE_B.pages}"
    assert "parketnummer:13/123456-23" in [i.key for i in before.identifiers]
    assert [(d.key, d.page_count, d.sha256) for d in before.documents] == [(CASE_B.key, CASE_B.pages, None)]
    assert after.identifiers[0].key == "parketnummer:10/600040-23"
    assert [(d.key, d.page_count) for d in after.documents] == [(CASE_A.key, CASE_A.pages)]
    assert after.provenance.locator == f"pages {CASE_B.pages + 2}-{CASE_B.pages + 1 + CASE_A.pages}"
