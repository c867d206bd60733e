"""Event intake turns watchdog events and scan results into sightings, without touching the store."""

from __future__ import annotations

import threading
from pathlib import Path

from dossierlink.sync.intake import Gone, Intake, Touched
from dossierlink.sync.status import StatusFile

from .conftest import make_config


def _intake(tmp_path: Path) -> tuple[Intake, Path]:
    config = make_config(tmp_path)
    intake = Intake(
        config.inboxes,
        config.store_path,
        StatusFile(config.store_path, 0.5),
        threading.Event(),
        once=True,
        rescan_minutes=5,
    )
    return intake, intake.inboxes[0].root


def test_an_export_renamed_into_the_inbox_is_a_rename_and_its_old_name_is_gone(tmp_path: Path) -> None:
    intake, root = _intake(tmp_path)
    staging = str(root / ".reg-0412.csv.part")
    sightings = intake.read(("fs", 0, "moved", False, staging, str(root / "reg-0412.csv")))
    assert sightings == [Gone(Path(staging)), Touched(root / "reg-0412.csv", 0, renamed=True)]


def test_a_file_written_in_place_is_touched_and_a_deleted_one_is_gone(tmp_path: Path) -> None:
    intake, root = _intake(tmp_path)
    assert intake.read(("fs", 0, "modified", False, str(root / "pv.csv"), "")) == [
        Touched(root / "pv.csv", 0)
    ]
    assert intake.read(("fs", 0, "deleted", False, str(root / "pv.csv"), "")) == [Gone(root / "pv.csv")]


def test_a_file_moved_out_of_the_inbox_or_ignored_is_no_arrival(tmp_path: Path) -> None:
    intake, root = _intake(tmp_path)
    outside = str(tmp_path / "elders.csv")
    assert intake.read(("fs", 0, "moved", False, str(root / "a.csv"), outside)) == [Gone(root / "a.csv")]
    assert intake.read(("fs", 0, "created", False, str(root / ".a.csv.part"), "")) == []


def test_a_file_found_by_a_scan_is_a_sighting_without_an_event(tmp_path: Path) -> None:
    intake, root = _intake(tmp_path)
    assert intake.read(("found", 0, str(root / "a.csv"))) == [Touched(root / "a.csv", 0, event=False)]


def test_the_end_of_a_full_scan_is_recorded_on_the_inbox(tmp_path: Path) -> None:
    intake, _ = _intake(tmp_path)
    intake.request_scan(0)
    assert intake.inboxes[0].scanning and intake.scans_outstanding == 1
    assert intake.read(("scan-done", 0, False, 3)) == []
    assert not intake.inboxes[0].scanning and intake.inboxes[0].last_scan is not None
    assert intake.scans_outstanding == 0
