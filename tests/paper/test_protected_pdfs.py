"""Protected PDFs from official senders: an owner password alone never stops a scan, a user password does.

Courts, the OM and lawyers send PDFs with printing or copying restricted by an owner password and
an empty user password; every viewer opens them without asking, and so must the ingest. The files
are made at test time by Debian's ``qpdf`` (skipped when absent), the way pypdf's own test
resources were made; pypdf's resources themselves are read from ``DOSSIERLINK_PYPDF_RESOURCES``
(a checkout's ``resources/`` folder of github.com/py-pdf/pypdf) when that is set.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from dossierlink.adapters.scan import ScanAdapter

from dossierlink.ingest.adapter import AdapterError, Hints
from dossierlink.paper import PdfError, read_pdf, read_pdf_isolated
from dossierlink.paper.reader import PDF_ERROR_REASONS
from tools.scanmaker import CASES, render_document

QPDF = shutil.which("qpdf")
needs_qpdf = pytest.mark.skipif(QPDF is None, reason="Debian's qpdf is not installed (apt-get install qpdf)")
# A library's exception class in a user's message: "DependencyError", "PdfReadError: ...".
CLASS_NAME = re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b")
PASSWORD_SENTENCE = "protected with a password; ask the sender for an unprotected copy"

# (name, qpdf --encrypt arguments, the algorithm the record notes); all with an empty user password.
OWNER_ONLY = [
    ("aes256-r6", ["", "eigenaar", "256"], "AES-256 (revision 6)"),
    ("aes256-r5", ["", "eigenaar", "256", "--force-R5"], "AES-256 (revision 5)"),
    ("aes128", ["", "eigenaar", "128", "--use-aes=y"], "AES-128 (revision 4)"),
    ("rc4-128", ["", "eigenaar", "128", "--use-aes=n"], "RC4-128 (revision 3)"),
    ("rc4-40", ["", "eigenaar", "40"], "RC4-40 (revision 2)"),
    ("aes256-no-passwords", ["", "", "256"], "AES-256 (revision 6)"),
]
USER_PASSWORD = [
    ("user-aes256", ["geheim", "eigenaar", "256"]),
    ("user-aes128", ["geheim", "eigenaar", "128", "--use-aes=y"]),
    ("user-rc4", ["geheim", "eigenaar", "128", "--use-aes=n"]),
]


def _qpdf_encrypt(source: Path, target: Path, args: list[str]) -> Path:
    """``qpdf --encrypt USER OWNER BITS [options] -- source target``; RC4 needs --allow-weak-crypto."""
    assert QPDF is not None
    weak = ["--allow-weak-crypto"] if args[2] == "40" or "--use-aes=n" in args else []
    subprocess.run(
        [QPDF, *weak, "--encrypt", *args, "--", str(source), str(target)], check=True, capture_output=True
    )
    return target


@pytest.fixture(scope="module")
def kenmerk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The court's PV of verhoor as its digital original: 5 pages, a text layer, page labels."""
    folder = tmp_path_factory.mktemp("origineel") / "rechtspraak" / "13-123456-23"
    folder.mkdir(parents=True)
    return render_document(CASES["B"].documents[1], folder / "PL13B2_2023078910-2.pdf")


@needs_qpdf
@pytest.mark.parametrize(("name", "args", "algorithm"), OWNER_ONLY, ids=[o[0] for o in OWNER_ONLY])
def test_a_pdf_the_court_locked_against_printing_is_ingested_like_any_other(
    kenmerk: Path, tmp_path: Path, name: str, args: list[str], algorithm: str
) -> None:
    folder = tmp_path / "rechtspraak" / "13-123456-23"
    folder.mkdir(parents=True)
    locked = _qpdf_encrypt(kenmerk, folder / f"PL13B2_2023078910-2-{name}.pdf", args)
    plain, summary = read_pdf(kenmerk), read_pdf_isolated(locked)
    assert summary.encrypted and summary.encryption == algorithm
    assert summary.page_texts == plain.page_texts
    assert summary.page_labels == plain.page_labels == ((1, 5), (2, 5), (3, 5), (4, 5), (5, 5))
    assert summary.fingerprint == plain.fingerprint

    (record,) = ScanAdapter().extract(locked, Hints(root=tmp_path))
    assert record.unreadable is None
    (document,) = record.documents
    assert (document.key, document.page_count) == ("PL13B2 2023078910-2", 5)
    assert any(algorithm in w and "read as usual" in w for w in record.warnings), record.warnings
    assert not any(CLASS_NAME.search(w) for w in record.warnings)


@needs_qpdf
@pytest.mark.parametrize(("name", "args"), USER_PASSWORD, ids=[u[0] for u in USER_PASSWORD])
def test_a_pdf_that_needs_a_password_to_open_is_refused_with_the_sentence(
    kenmerk: Path, tmp_path: Path, name: str, args: list[str]
) -> None:
    locked = _qpdf_encrypt(kenmerk, tmp_path / f"{name}.pdf", args)
    with pytest.raises(PdfError) as caught:
        read_pdf_isolated(locked)
    assert caught.value.reason == "encrypted"
    assert PASSWORD_SENTENCE in str(caught.value) and str(locked) in str(caught.value)
    with pytest.raises(AdapterError) as through_adapter:
        list(ScanAdapter().extract(locked, Hints(organisation="rechtspraak")))
    assert PASSWORD_SENTENCE in str(through_adapter.value)
    assert not CLASS_NAME.search(str(through_adapter.value))


def _pypdf_resources() -> list[Path]:
    root = os.environ.get("DOSSIERLINK_PYPDF_RESOURCES")
    if not root or not Path(root).is_dir():
        return []
    return sorted(p for p in Path(root).rglob("*.pdf") if "encrypt" in str(p) or "password" in p.name)


@pytest.mark.skipif(not _pypdf_resources(), reason="DOSSIERLINK_PYPDF_RESOURCES (pypdf's resources/) not set")
@needs_qpdf
def test_every_encrypted_test_file_of_pypdf_is_read_exactly_when_qpdf_opens_it_without_a_password() -> None:
    """qpdf is the second opinion: ``--requires-password`` exits 0 when a password is needed,
    2 when the file is not encrypted, 3 when it is encrypted and opens without one."""
    assert QPDF is not None
    read, refused = [], []
    for path in _pypdf_resources():
        verdict = subprocess.run([QPDF, "--requires-password", str(path)], capture_output=True).returncode
        try:
            summary = read_pdf_isolated(path)
        except PdfError as exc:
            assert exc.reason in PDF_ERROR_REASONS
            assert not CLASS_NAME.search(str(exc)), str(exc)
            assert verdict == 0, f"{path.name}: qpdf opens it without a password, dossierlink refused: {exc}"
            assert PASSWORD_SENTENCE in exc.problem
            refused.append(path.name)
            continue
        assert verdict in (2, 3), f"{path.name}: qpdf needs a password, dossierlink read it"
        assert summary.page_count >= 1 and summary.encrypted == (verdict == 3)
        if verdict == 3:
            assert summary.encryption and summary.encryption in " ".join(summary.warnings)
        read.append(path.name)
    assert "r6-empty-password.pdf" in read and "r5-owner-password.pdf" in read
    assert "r6-both-passwords.pdf" in refused


def _pdf(objects: list[bytes], trailer: bytes) -> bytes:
    """A PDF with a correct cross-reference table around ``objects`` (numbered from 1)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


BROKEN = {
    "garbage": b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n",
    "no-root": _pdf([b"<< /Type /Catalog >>"], b""),
    "pages-not-a-dict": _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"42"], b"/Root 1 0 R"),
    "kids-not-pages": _pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", b"(tekst)"],
        b"/Root 1 0 R",
    ),
    "unknown-encryption": _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [] /Count 0 >>",
            b"<< /Filter /Standard /V 9 /R 9 >>",
        ],
        b"/Root 1 0 R /Encrypt 3 0 R /ID [<00><00>]",
    ),
    "certificate-encryption": _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [] /Count 0 >>",
            b"<< /Filter /Adobe.PubSec /SubFilter /adbe.pkcs7.s5 /V 4 /R 4 >>",
        ],
        b"/Root 1 0 R /Encrypt 3 0 R /ID [<00><00>]",
    ),
    "content-stream-lies-about-length": _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length 99999 /Filter /FlateDecode >>\nstream\nnot deflate\nendstream",
        ],
        b"/Root 1 0 R",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_pdf_is_refused_in_words_without_the_library_s_class_names(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(BROKEN[name])
    for read in (read_pdf, read_pdf_isolated):
        try:
            summary = read(path)
        except PdfError as exc:
            assert exc.reason in PDF_ERROR_REASONS, (name, exc.reason)
            assert str(path) in str(exc) and not CLASS_NAME.search(str(exc)), (name, str(exc))
            if name.endswith("-encryption"):
                assert exc.reason == "encrypted" and "ask the sender for an unprotected copy" in exc.problem
        else:  # pypdf repaired it: then its warnings must read as words too
            assert not any(CLASS_NAME.search(w) for w in summary.warnings), (name, summary.warnings)
