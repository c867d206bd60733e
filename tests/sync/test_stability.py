"""The stability tracker decides when a writer is done, with a fake clock and fake stats (no sleeping)."""

from __future__ import annotations

from pathlib import Path

from dossierlink.ingest.quarantine import scrub
from dossierlink.sync.intake import filesystem_type
from dossierlink.sync.stability import Signature, StabilityTracker


class World:
    def __init__(self) -> None:
        self.now = 1000.0
        self.wall = 1_700_000_000.0
        self.files: dict[Path, Signature] = {}
        self.complete: set[Path] = set()

    def write(self, path: Path, size: int) -> None:
        self.files[path] = Signature(size, int(self.wall * 1e9), 1, True, False)

    def tracker(self, stability: float = 5.0) -> StabilityTracker:
        return StabilityTracker(
            stability,
            check_interval=1.0,
            clock=lambda: self.now,
            wallclock=lambda: self.wall,
            stat_fn=self.files.get,
            pdf_complete=lambda p: p in self.complete,
        )

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.wall += seconds


def test_a_file_still_being_written_is_not_stable_until_the_writes_stop() -> None:
    w, p = World(), Path("/in/pv.csv")
    t = w.tracker()
    w.write(p, 10)
    t.touch(p, 0)
    for size in (20, 30, 40):
        w.advance(2)
        w.write(p, size)
        t.touch(p, 0)
        assert t.due() == []
    w.advance(4)
    assert t.due() == []
    w.advance(1.5)
    (verdict,) = t.due()
    assert verdict.kind == "stable" and verdict.sig is not None and verdict.sig.size == 40
    assert len(t) == 0


def test_a_renamed_file_is_done_writing_but_still_checked_twice() -> None:
    w, p = World(), Path("/in/zaken.json")
    t = w.tracker(stability=30)
    w.write(p, 100)
    t.touch(p, 0, renamed=True)
    assert t.due() == []
    w.advance(1.0)
    assert [v.kind for v in t.due()] == ["stable"]


def test_a_renamed_export_is_checked_again_after_a_tenth_of_a_second_not_the_full_interval() -> None:
    w, p = World(), Path("/in/zaken.json")
    t = w.tracker(stability=30)  # check_interval 1.0 for files written in place
    w.write(p, 100)
    t.touch(p, 0, renamed=True)
    w.advance(0.05)
    assert t.due() == []
    w.advance(0.06)
    assert [v.kind for v in t.due()] == ["stable"]


def test_a_renamed_export_that_changes_after_the_rename_waits_for_it_to_settle() -> None:
    w, p = World(), Path("/in/zaken.json")
    t = w.tracker(stability=30)
    w.write(p, 100)
    t.touch(p, 0, renamed=True)
    w.advance(0.2)
    w.write(p, 150)  # a writer still appending after the rename
    assert t.due() == []
    w.advance(0.2)
    assert [v.kind for v in t.due()] == ["stable"]


def test_an_old_file_found_by_a_scan_needs_no_quiet_period() -> None:
    w, p = World(), Path("/in/old.csv")
    w.write(p, 5)
    w.advance(3600)
    t = w.tracker(stability=30)
    t.touch(p, 0, event=False)
    w.advance(1.0)
    assert [v.kind for v in t.due()] == ["stable"]


def test_a_pdf_waits_for_its_eof_marker_but_not_forever() -> None:
    w, p = World(), Path("/in/scan.pdf")
    t = w.tracker(stability=1)
    w.write(p, 1000)
    t.touch(p, 0)
    w.advance(2)
    assert t.due() == []
    w.complete.add(p)
    w.advance(1)
    assert [v.kind for v in t.due()] == ["stable"]
    q = Path("/in/truncated.pdf")
    w.write(q, 500)
    t.touch(q, 0)
    w.advance(3)
    assert t.due() == []
    w.advance(t.pdf_grace)
    (verdict,) = t.due()
    assert verdict.kind == "stable" and "%%EOF" in verdict.note


def test_a_file_deleted_before_it_settles_is_dropped_and_a_symlink_is_flagged() -> None:
    w, p, link = World(), Path("/in/gone.csv"), Path("/in/link.csv")
    t = w.tracker(stability=1)
    w.write(p, 1)
    t.touch(p, 0)
    w.files[link] = Signature(10, 0, 2, False, True)
    t.touch(link, 0)
    del w.files[p]
    w.advance(2)
    assert sorted(v.kind for v in t.due()) == ["gone", "not_regular"]


def test_next_due_says_when_to_look_again() -> None:
    w, p = World(), Path("/in/a.csv")
    t = w.tracker(stability=5)
    assert t.next_due() is None
    w.write(p, 1)
    t.touch(p, 0)
    assert t.next_due() == w.now + 5


def test_bsns_are_masked_in_reasons() -> None:
    assert "111222333" not in scrub("regel 3: BSN 111222333 is ongeldig")
    assert "PL17A1 2023045671-1" in scrub("PV PL17A1 2023045671-1")
    assert scrub("10/600040-23") == "10/600040-23"


def test_a_network_share_is_recognised_from_proc_mounts(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/vda / ext4 rw 0 0\n//server/scans /srv/scans cifs rw 0 0\nhost:/exp /srv/nfs nfs4 rw 0 0\n"
        "/dev/vdb /srv/my\\040scans ext4 rw 0 0\n"
    )
    assert filesystem_type(Path("/srv/scans/rechtbank"), mounts) == "cifs"
    assert filesystem_type(Path("/srv/nfs"), mounts) == "nfs4"
    assert filesystem_type(Path("/srv/my scans/x"), mounts) == "ext4"
    assert filesystem_type(Path("/srv/other"), mounts) == "ext4"
