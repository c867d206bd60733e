"""The registry's inhoudsopgave log (CSV): the log itself and the dossier's current contents."""

from __future__ import annotations

from pathlib import Path

import pytest
from dossierlink.adapters.inventory import InventoryCsvAdapter

from dossierlink.ingest.adapter import AdapterError, Hints
from dossierlink.schema import DocumentType, InventoryAction


def _records(path: Path, **hints: object) -> list:  # type: ignore[type-arg]
    return list(InventoryCsvAdapter().extract(path, Hints(**hints)))  # type: ignore[arg-type]


def test_the_courts_inventory_keeps_the_log_and_the_current_contents(samples: Path) -> None:
    path = samples / "inventory/rechtspraak/13-123456-23/inhoudsopgave.csv"
    assert InventoryCsvAdapter().identify(path)
    (record,) = _records(path)
    assert record.organisation == "rechtspraak"
    assert [e.action for e in record.inventory] == [InventoryAction.ADDED] * 3 + [InventoryAction.REMOVED]
    # the second copy of the aangifte was added and removed again: one of each remains
    assert [(d.key, d.page_count) for d in record.documents] == [
        ("PL13B2 2023078910-1", 2),
        ("PL13B2 2023078910-2", 5),
    ]
    assert record.documents[1].type is DocumentType.PV_VERHOOR
    assert record.inventory[1].dossier_pages == "3-7" and record.inventory[1].by == "griffie J. Bos"
    assert {i.key for i in record.identifiers} == {
        "parketnummer:13/123456-23",
        "pv:PL13B2 2023078910-1",
        "pv:PL13B2 2023078910-2",
    }


def test_the_oms_inventory_names_the_parketnummer_per_line(samples: Path) -> None:
    (record,) = _records(samples / "inventory/om/16-234567-23/inhoudsopgave.csv")
    assert record.organisation == "om"  # from the folder
    assert [d.key for d in record.documents] == [
        "PL09D4 2023055555-1",
        "PL09D4 2023055555-2",
        "OM-DGV-16-234567",
    ]
    assert record.documents[2].type is DocumentType.DAGVAARDING


def test_a_document_removed_from_the_paper_file_is_no_longer_in_it(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "Parketnummer: 10/600040-23\n"
        "datum;actie;documentnummer;soort;pagina's\n"
        "2023-06-01 10:00;toegevoegd;PL17A1 2023045671-1;aangifte;3\n"
        "2023-06-01 10:05;toegevoegd;PL17A1 2023045671-2;verhoor;4\n"
        "2023-06-09 15:30;verwijderd;PL17A1 2023045671-2;verhoor;4\n",
        encoding="utf-8",
    )
    (record,) = _records(path, organisation="rechtspraak")
    assert [d.key for d in record.documents] == ["PL17A1 2023045671-1"]
    assert len(record.inventory) == 3
    # a removed document no longer ties the paper file to its PV
    assert "pv:PL17A1 2023045671-2" not in {i.key for i in record.identifiers}


def test_one_log_for_several_dossiers_gives_one_record_each(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "parketnummer,datum,actie,documentnummer\n"
        "10/600040-23,2023-06-01 10:00,toegevoegd,PL17A1 2023045671-1\n"
        "13-123456-23,2023-06-01 11:00,toegevoegd,PL13B2 2023078910-1\n",
        encoding="utf-8",
    )
    records = _records(path, organisation="rechtspraak")
    assert sorted(r.identifiers[0].value for r in records) == ["10/600040-23", "13/123456-23"]


def test_bad_lines_are_kept_as_warnings_not_crashes(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "Parketnummer: 10/600040-23\n"
        "datum;actie;documentnummer\n"
        "gisteren;toegevoegd;PL17A1 2023045671-1\n"
        "2023-06-01 10:00;gescand;PL17A1 2023045671-1\n"
        "2023-06-01 10:00;toegevoegd;PL17A1 2023045671-1\n"
        "2023-06-02 10:00;verwijderd;PL17A1 2023045671-9\n",
        encoding="utf-8",
    )
    (record,) = _records(path, organisation="rechtspraak")
    assert len(record.documents) == 1
    text = " ".join(record.warnings)
    assert "line 3" in text and "line 4" in text and "never added" in text


def test_a_csv_without_the_needed_columns_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("naam;bedrag\nx;1\n", encoding="utf-8")
    with pytest.raises(AdapterError, match="datum, actie, document"):
        _records(path, organisation="om")


def test_the_inventory_adapter_does_not_claim_other_csvs(samples: Path, tmp_path: Path) -> None:
    other = tmp_path / "registraties.csv"
    other.write_text("pv_nummer;datum;soort\nPL17A1 2023045671-1;2023-03-02;aangifte\n", encoding="utf-8")
    assert not InventoryCsvAdapter().identify(other)
    assert not InventoryCsvAdapter().identify(samples / "scans/om/16-234567-23/batch.pdf")
