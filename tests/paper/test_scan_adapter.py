"""The scan adapter on the sample scans: the court's, the OM's, a batch, a scan without text."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from dossierlink.adapters.scan import ScanAdapter

from dossierlink.ingest.adapter import AdapterError, Hints
from dossierlink.paper import fingerprint_containment, fingerprint_similarity, read_pdf, same_text
from dossierlink.schema import DocumentType, Medium, Record

Records = Callable[[str], list[Record]]


def test_the_courts_scan_of_the_verhoor_lost_pages_three_and_four(scan_records: Records) -> None:
    (record,) = scan_records("rechtspraak/13-123456-23/PL13B2_2023078910-2.pdf")
    assert record.organisation == "rechtspraak" and record.medium is Medium.PAPER
    (doc,) = record.documents
    assert doc.key == "PL13B2 2023078910-2"
    assert doc.page_count == 3
    assert doc.page_labels == ((1, 5), (2, 5), (5, 5))
    assert doc.ondertekening == "analoog"
    assert any("missing pages 3, 4 of 5" in w for w in record.warnings)


def test_a_complete_court_scan_shows_no_gap(scan_records: Records) -> None:
    (record,) = scan_records("rechtspraak/10-600040-23/PL17A1_2023045671-2.pdf")
    (doc,) = record.documents
    assert doc.page_labels == ((1, 4), (2, 4), (3, 4), (4, 4))
    assert doc.type is DocumentType.PV_VERHOOR
    assert str(doc.date) == "2023-03-09"
    assert not any("missing pages" in w for w in record.warnings)
    assert {i.key for i in record.identifiers} == {"parketnummer:10/600040-23", "pv:PL17A1 2023045671-2"}


def test_the_oms_batch_splits_into_its_three_documents(scan_records: Records) -> None:
    (record,) = scan_records("om/16-234567-23/batch.pdf")
    assert record.organisation == "om"
    assert [(d.key, d.type, d.page_count) for d in record.documents] == [
        ("PL09D4 2023055555-1", DocumentType.PV_AANGIFTE, 2),
        ("PL09D4 2023055555-2", DocumentType.PV_VERHOOR, 3),
        ("OM-DGV-16-234567", DocumentType.DAGVAARDING, 2),
    ]
    assert [str(d.date) for d in record.documents] == ["2023-04-03", "2023-04-10", "2023-09-01"]
    assert "parketnummer:16/234567-23" in {i.key for i in record.identifiers}
    # the voorblad (page 1) and the separator sheet (page 7) belong to no document
    assert [d.source_location.rsplit(", ", 1)[1] for d in record.documents if d.source_location] == [
        "pages 2-3",
        "pages 4-6",
        "pages 8-9",
    ]
    assert all(d.sha256 is None for d in record.documents)  # one file, three documents


def test_the_batchs_stamped_dossier_pages_are_read(samples: Path) -> None:
    summary = read_pdf(samples / "scans/om/16-234567-23/batch.pdf")
    assert summary.dossier_pages == (None, 1, 2, 3, 4, 5, None, 6, 7)


def test_a_scan_and_its_digital_original_carry_the_same_text(samples: Path, scan_records: Records) -> None:
    (record,) = scan_records("rechtspraak/10-600040-23/PL17A1_2023045671-1.pdf")
    (doc,) = record.documents
    original = read_pdf(samples / "documents/politie/PL17A1_2023045671-1.pdf")
    assert doc.fingerprint is not None
    assert fingerprint_similarity(doc.fingerprint, original.fingerprint) > 0.95
    assert same_text(doc.fingerprint, original.fingerprint)


def test_the_oms_paper_copy_is_of_the_older_version(samples: Path, scan_records: Records) -> None:
    (record,) = scan_records("om/09-765432-23/PL15C3_2023099001-1.pdf")
    (doc,) = record.documents
    current = read_pdf(samples / "documents/politie/PL15C3_2023099001-1.pdf")
    assert doc.fingerprint is not None
    similarity = fingerprint_similarity(doc.fingerprint, current.fingerprint)
    assert similarity < 0.85
    assert not same_text(doc.fingerprint, current.fingerprint)
    # printed on 2023-06-05, before the digital original changed on 2023-06-20
    assert doc.modified is not None and doc.modified.date().isoformat() == "2023-06-05"


def test_a_scan_that_lost_pages_is_still_the_same_text(samples: Path, scan_records: Records) -> None:
    (record,) = scan_records("rechtspraak/13-123456-23/PL13B2_2023078910-2.pdf")
    (doc,) = record.documents
    original = read_pdf(samples / "documents/politie/PL13B2_2023078910-2.pdf")
    assert doc.fingerprint is not None
    assert fingerprint_containment(doc.fingerprint, original.fingerprint) > 0.95
    assert same_text(doc.fingerprint, original.fingerprint)


def test_different_documents_are_not_the_same_text(samples: Path) -> None:
    a = read_pdf(samples / "documents/politie/PL17A1_2023045671-1.pdf").fingerprint
    b = read_pdf(samples / "documents/politie/PL13B2_2023078910-1.pdf").fingerprint
    assert fingerprint_similarity(a, b) < 0.6
    assert not same_text(a, b)


def test_the_courts_image_only_scan_is_an_unreadable_record(scan_records: Records) -> None:
    (record,) = scan_records("rechtspraak/10-700111-23/PL17E5_2023033333-1.pdf")
    assert record.unreadable is not None and "no text layer" in record.unreadable
    assert "parketnummer:10/700111-23" in {i.key for i in record.identifiers}
    (doc,) = record.documents  # the file name still names the PV
    assert doc.key == "PL17E5 2023033333-1"
    assert doc.text_chars == 0 and doc.page_count == 2 and doc.fingerprint is None


def test_an_ocr_misreading_of_the_parketnummer_does_not_create_a_second_dossier(
    scan_records: Records,
) -> None:
    for relative in (
        "rechtspraak/10-600040-23/PL17A1_2023045671-1.pdf",
        "rechtspraak/10-600040-23/PL17A1_2023045671-2.pdf",
        "om/16-234567-23/batch.pdf",
    ):
        (record,) = scan_records(relative)
        parket = [i.value for i in record.identifiers if i.kind.value == "parketnummer"]
        assert len(parket) == 1, (relative, parket)


def test_the_organisation_hint_overrides_the_folder(samples: Path) -> None:
    path = samples / "scans/rechtspraak/13-123456-23/PL13B2_2023078910-1.pdf"
    (record,) = ScanAdapter().extract(path, Hints(organisation="om", options={"isolate": False}))
    assert record.organisation == "om"
    assert record.documents[0].organisation == "om"


def test_a_scan_outside_any_organisation_folder_is_refused_with_the_fix(
    samples: Path, tmp_path: Path
) -> None:
    loose = tmp_path / "scan.pdf"
    shutil.copy(samples / "scans/rechtspraak/13-123456-23/PL13B2_2023078910-1.pdf", loose)
    with pytest.raises(AdapterError, match="--organisation"):
        list(ScanAdapter().extract(loose, Hints()))


def test_a_configured_folder_pattern_supplies_the_dossier(samples: Path, tmp_path: Path) -> None:
    target = tmp_path / "inbox" / "2023" / "dji" / "13-123456-23" / "scan.pdf"
    target.parent.mkdir(parents=True)
    shutil.copy(samples / "scans/rechtspraak/13-123456-23/PL13B2_2023078910-1.pdf", target)
    hints = Hints(root=tmp_path / "inbox", options={"folder_pattern": "*/{organisation}/{parketnummer}"})
    (record,) = ScanAdapter().extract(target, hints)
    assert record.organisation == "dji"
    assert "parketnummer:13/123456-23" in {i.key for i in record.identifiers}


def test_the_scan_adapter_claims_pdfs_only(samples: Path, tmp_path: Path) -> None:
    adapter = ScanAdapter()
    assert adapter.identify(samples / "scans/om/16-234567-23/batch.pdf")
    csv = tmp_path / "x.pdf"
    csv.write_text("datum;actie\n")
    assert not adapter.identify(csv)
    assert not adapter.identify(tmp_path / "missing.pdf")
    assert not adapter.identify(samples / "inventory/om/16-234567-23/inhoudsopgave.csv")


def test_a_truncated_scan_is_an_adapter_error_naming_the_file(samples: Path, tmp_path: Path) -> None:
    broken = tmp_path / "om" / "16-234567-23" / "batch.pdf"
    broken.parent.mkdir(parents=True)
    data = (samples / "scans/om/16-234567-23/batch.pdf").read_bytes()
    broken.write_bytes(data[: len(data) // 3])
    with pytest.raises(AdapterError) as caught:
        list(ScanAdapter().extract(broken, Hints()))
    assert "truncated" in str(caught.value) and str(broken) in str(caught.value)


def test_the_courts_scan_of_a_vonnis_is_keyed_by_the_ecli_it_prints(tmp_path: Path) -> None:
    from tools.scanmaker import Page, render_pages

    pdf = render_pages(
        [
            Page(
                header=("Rechtbank Den Haag", "ECLI : NL:RBDHA:2024:CY4218    Parketnummer: 09/448990-23"),
                blocks=(
                    ("title", "VONNIS"),
                    ("meta", "Datum: 28 februari 2024"),
                    ("para", "De rechtbank ..."),
                ),
                footer=("Pagina 1 van 1",),
            )
        ],
        tmp_path / "vonnis.pdf",
    )
    (record,) = ScanAdapter().extract(pdf, Hints(organisation="rechtspraak"))
    (doc,) = record.documents
    assert doc.key == "ECLI:NL:RBDHA:2024:CY4218"
    assert doc.type is DocumentType.VONNIS


def test_a_misprinted_ecli_falls_back_to_the_kenmerk(tmp_path: Path) -> None:
    from tools.scanmaker import Page, render_pages

    pdf = render_pages(
        [
            Page(
                header=("Rechtbank Den Haag", "Kenmerk: RB-2024-0042  ECLI:NL:RBDHA:24:CY4218"),
                blocks=(("title", "VONNIS"), ("para", "De rechtbank ...")),
            )
        ],
        tmp_path / "vonnis.pdf",
    )
    (record,) = ScanAdapter().extract(pdf, Hints(organisation="rechtspraak"))
    assert record.documents[0].key == "RB-2024-0042"
