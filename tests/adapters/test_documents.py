"""Exports that reference digital PDF originals: read through the core PDF reader, inside a jail."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from dossierlink.schema import Record

HEADER = (
    "PV-nummer;Parketnummer;Soort document;Titel;Datum document;Aantal pagina's;Bestand;Laatst gewijzigd;"
    "Voornamen verdachte;Tussenvoegsel verdachte;Achternaam verdachte;Geboortedatum verdachte;BSN verdachte;"
    "SKN verdachte;Datum inzending OM"
)


def row(ref: str, pages: int = 3) -> str:
    return (
        f"PL17A1 2023045671-1;10/600040-23;Proces-verbaal van aangifte;Aangifte;02-03-2023;{pages};{ref};"
        "02-03-2023 16:40;Jan;de;Vries;12-04-1990;999000007;100000101;15-03-2023"
    )


def make_pdf(path: Path, pages: int) -> Path:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    for n in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.cell(0, 10, f"Proces-verbaal PL17A1 2023045671-1 pagina {n} van {pages}")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def test_the_police_pdf_original_gives_page_count_and_hash(
    tmp_path: Path, extract: Callable[..., list[Record]]
) -> None:
    pdf = make_pdf(tmp_path / "documents/politie/PL17A1_2023045671-1.pdf", 3)
    export = tmp_path / "exports/politie/r.csv"
    export.parent.mkdir(parents=True)
    export.write_text(HEADER + "\n" + row("../../documents/politie/PL17A1_2023045671-1.pdf") + "\n")
    (rec,) = extract("politie", export, root=tmp_path)
    doc = rec.documents[0]
    assert doc.page_count == 3
    assert doc.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert doc.text_chars and doc.text_chars > 0
    assert doc.source_location == "../../documents/politie/PL17A1_2023045671-1.pdf"
    assert not rec.warnings


def test_the_pdf_wins_when_the_export_miscounts_pages(
    tmp_path: Path, extract: Callable[..., list[Record]]
) -> None:
    make_pdf(tmp_path / "a.pdf", 2)
    export = tmp_path / "r.csv"
    export.write_text(HEADER + "\n" + row("a.pdf", pages=5) + "\n")
    (rec,) = extract("politie", export)
    assert rec.documents[0].page_count == 2
    assert any("says 5 pages" in w for w in rec.warnings)


def test_a_reference_that_climbs_out_of_the_export_folder_is_refused(
    tmp_path: Path, extract: Callable[..., list[Record]]
) -> None:
    make_pdf(tmp_path / "secret.pdf", 1)
    export = tmp_path / "inbox/r.csv"
    export.parent.mkdir()
    export.write_text(HEADER + "\n" + row("../secret.pdf") + "\n")
    (rec,) = extract("politie", export)  # no root: the jail is the export's folder
    assert rec.documents[0].sha256 is None
    assert any("outside" in w for w in rec.warnings)


def test_a_symlink_pointing_outside_the_jail_is_refused(
    tmp_path: Path, extract: Callable[..., list[Record]]
) -> None:
    make_pdf(tmp_path / "outside.pdf", 1)
    export = tmp_path / "inbox/r.csv"
    export.parent.mkdir()
    (export.parent / "link.pdf").symlink_to(tmp_path / "outside.pdf")
    export.write_text(HEADER + "\n" + row("link.pdf") + "\n")
    (rec,) = extract("politie", export)
    assert rec.documents[0].sha256 is None and any("outside" in w for w in rec.warnings)


def test_a_missing_or_broken_pdf_is_a_warning_not_an_error(
    tmp_path: Path, extract: Callable[..., list[Record]]
) -> None:
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    export = tmp_path / "r.csv"
    export.write_text(
        HEADER + "\n" + row("missing.pdf") + "\n" + row("broken.pdf").replace("-1;", "-2;", 1) + "\n"
    )
    (rec,) = extract("politie", export)
    assert len(rec.documents) == 2
    assert any("not there" in w for w in rec.warnings)
    assert any("cannot be read" in w for w in rec.warnings)
