"""The PDF reader: what it reads from a sound PDF, and how every kind of broken PDF is refused."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pytest

from dossierlink.ingest.adapter import AdapterError
from dossierlink.paper import PdfError, PdfLimits, read_pdf, read_pdf_isolated
from tools.scanmaker import CASES, document_pages, make_text_scan, render_document


@pytest.fixture
def original(tmp_path: Path) -> Path:
    return render_document(CASES["B"].documents[1], tmp_path / "PL13B2_2023078910-2.pdf")


def test_a_digital_original_gives_pages_labels_hash_and_fingerprint(original: Path) -> None:
    summary = read_pdf(original)
    assert summary.page_count == 5
    assert summary.page_labels == ((1, 5), (2, 5), (3, 5), (4, 5), (5, 5))
    assert summary.dossier_pages == (None,) * 5
    assert len(summary.sha256) == 64
    assert summary.fingerprint.startswith("mh1:")
    assert summary.text_chars > 2000
    assert "PL13B2 2023078910-2" in summary.page_texts[0]
    assert summary.producer and "fpdf2" in summary.producer
    assert not summary.encrypted


def test_the_isolated_reader_gives_the_same_summary(original: Path) -> None:
    assert read_pdf_isolated(original, timeout_s=60, memory_mb=1024) == read_pdf(original)


def _expect(path: Path, reason: str, *, isolated: bool = True) -> PdfError:
    with pytest.raises(PdfError) as caught:
        if isolated:
            read_pdf_isolated(path, timeout_s=60, memory_mb=1024)
        else:
            read_pdf(path)
    assert caught.value.reason == reason, caught.value
    assert str(path) in str(caught.value)
    assert isinstance(caught.value, AdapterError)
    return caught.value


def test_a_zero_byte_file_from_an_interrupted_copy_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "leeg.pdf"
    empty.write_bytes(b"")
    assert "empty" in _expect(empty, "empty").problem


def test_a_word_document_named_pdf_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "brief.pdf"
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    assert "ZIP" in _expect(fake, "not_pdf").problem


def test_a_scan_still_being_written_is_refused_as_truncated(original: Path, tmp_path: Path) -> None:
    half = tmp_path / "half.pdf"
    data = original.read_bytes()
    half.write_bytes(data[: len(data) // 2])
    assert "%%EOF" in _expect(half, "truncated").problem


def test_a_password_protected_pdf_is_refused(original: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(original))
    writer.encrypt(user_password="geheim", owner_password="nog-geheimer", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    assert "password" in _expect(locked, "encrypted").problem


def test_a_pdf_locked_only_against_printing_is_read(original: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(original))
    writer.encrypt(user_password="", owner_password="eigenaar", algorithm="RC4-128")
    locked = tmp_path / "owner-only.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    summary = read_pdf_isolated(locked)
    assert summary.encrypted and summary.page_count == 5


def test_garbage_between_pdf_markers_is_refused_as_corrupt(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    _expect(junk, "corrupt")


def _bomb(path: Path, inflated_mb: int) -> Path:
    """A one-page PDF whose content stream inflates from a few hundred KB to ``inflated_mb`` MB."""
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = [comp.compress(b"BT /F1 12 Tf 72 720 Td (PROCES-VERBAAL) Tj ")]
    parts += [comp.compress(chunk) for _ in range(inflated_mb)]
    stream = b"".join(parts) + comp.compress(b" ET") + comp.flush()
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
    ]
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    offsets.append(out.tell())
    out.write(f"4 0 obj\n<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode())
    out.write(stream + b"\nendstream\nendobj\n")
    xref = out.tell()
    out.write(
        b"xref\n0 5\n0000000000 65535 f \n" + b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    )
    out.write(f"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    path.write_bytes(out.getvalue())
    return path


def test_a_decompression_bomb_is_refused_in_bounded_time(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.pdf", 100)
    assert bomb.stat().st_size < 2_000_000
    error = _expect(bomb, "bomb")
    assert "decompression bomb" in error.problem


def test_a_reader_that_runs_out_of_memory_becomes_a_pdf_error(tmp_path: Path) -> None:
    bomb = _bomb(tmp_path / "bomb.pdf", 60)  # under pypdf's own limit: only RLIMIT_AS stops it
    with pytest.raises(PdfError) as caught:
        read_pdf_isolated(bomb, timeout_s=60, memory_mb=160)
    assert caught.value.reason in ("memory", "crashed", "bomb")


def test_a_reader_that_takes_too_long_is_killed(original: Path) -> None:
    with pytest.raises(PdfError) as caught:
        read_pdf_isolated(original, timeout_s=0.0001)
    assert caught.value.reason == "timeout"
    # and the next file gets a fresh worker
    assert read_pdf_isolated(original).page_count == 5


def test_too_many_pages_is_refused(original: Path) -> None:
    with pytest.raises(PdfError) as caught:
        read_pdf(original, limits=PdfLimits(max_pages=3))
    assert caught.value.reason == "too_many_pages"


def test_a_file_over_the_size_limit_is_refused_before_parsing(original: Path) -> None:
    with pytest.raises(PdfError) as caught:
        read_pdf(original, limits=PdfLimits(max_bytes=100))
    assert caught.value.reason == "too_big"


def test_a_pdf_error_crosses_a_process_boundary_intact(tmp_path: Path) -> None:
    import pickle

    error = PdfError(tmp_path / "x.pdf", "the PDF is truncated", "truncated", "page 2")
    again = pickle.loads(pickle.dumps(error))
    assert (again.path, again.problem, again.reason, again.locator) == (
        error.path,
        error.problem,
        error.reason,
        error.locator,
    )


def test_the_fast_text_scan_keeps_labels_of_the_kept_pages(tmp_path: Path) -> None:
    spec = CASES["B"].documents[1]
    scan = make_text_scan(document_pages(spec), tmp_path / "scan.pdf", drop=(3, 4))
    assert read_pdf(scan).page_labels == ((1, 5), (2, 5), (5, 5))
