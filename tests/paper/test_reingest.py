"""The court re-ingests its scan folder: unchanged scans cost a stat or a hash, never a PDF parse."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dossierlink.adapters.scan import ScanAdapter

import dossierlink


def test_re_ingesting_an_unchanged_scan_folder_parses_nothing(
    samples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scans = tmp_path / "scans"
    shutil.copytree(
        samples / "scans" / "rechtspraak" / "13-123456-23", scans / "rechtspraak" / "13-123456-23"
    )
    chain = dossierlink.open(tmp_path / "keten.db")
    first = chain.ingest([scans], root=scans)
    assert (first.files, first.ingested, first.quarantined) == (2, 2, 0)

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged scan was parsed again")

    monkeypatch.setattr(ScanAdapter, "extract", no_parse)
    again = chain.ingest([scans], root=scans)
    assert {o.status for o in again.outcomes} == {"skipped"}
    assert again.skipped == 2 and again.ingested == 0

    # The same bytes under another name (a copy on the next scan run): a hash, then 'duplicate'.
    copy = scans / "rechtspraak" / "13-123456-23" / "copy-of-PL13B2_2023078910-2.pdf"
    shutil.copy(scans / "rechtspraak" / "13-123456-23" / "PL13B2_2023078910-2.pdf", copy)
    outcome = chain.ingest_file(copy, root=scans)
    assert outcome.status == "duplicate"
