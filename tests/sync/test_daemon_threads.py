"""The daemon's dispatcher against real filesystem events, with a fake ingest function in threads."""

from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from dossierlink.sync.lock import LockHeld
from dossierlink.sync.status import read_status

from .conftest import FakeIngest, ThreadDaemon, make_config, wait_until, write_atomically, write_slowly

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("mode", ["native", "poll"])
def test_a_scan_written_slowly_is_ingested_once_after_it_stops_changing(tmp_path: Path, mode: str) -> None:
    config = make_config(tmp_path, mode=mode)
    ingest = FakeIngest()
    inbox = config.inboxes[0].path
    with ThreadDaemon(config, ingest):
        write_slowly(inbox / "pv.csv", b"x" * 5000, chunks=5, pause=0.3)
        assert ingest.calls["pv.csv"] == 0 or ingest.outcomes.get("pv.csv") == "ingested"
        assert wait_until(lambda: ingest.settled() == 1)
        time.sleep(1.0)
    assert ingest.calls["pv.csv"] == 1
    assert ingest.outcomes["pv.csv"] == "ingested"


@pytest.mark.parametrize("mode", ["native", "poll"])
def test_an_export_renamed_into_the_inbox_is_ingested(tmp_path: Path, mode: str) -> None:
    config = make_config(tmp_path, mode=mode)
    ingest = FakeIngest()
    with ThreadDaemon(config, ingest):
        write_atomically(config.inboxes[0].path, "zaken.csv", "zaak 1\n")
        assert wait_until(lambda: ingest.settled() == 1)
    assert ingest.outcomes == {"zaken.csv": "ingested"}
    assert ingest.calls[".zaken.csv.part"] == 0


def test_an_export_moved_in_from_a_staging_folder_outside_the_inbox_does_not_wait_out_the_delay(
    tmp_path: Path,
) -> None:
    # mv /staging/x inbox/ gives inotify an IN_MOVED_TO without its IN_MOVED_FROM: still a rename.
    config = make_config(tmp_path, stability=60)
    ingest = FakeIngest()
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "zaken.csv").write_text("zaak 7\n", encoding="utf-8")
    with ThreadDaemon(config, ingest):
        os.rename(staging / "zaken.csv", config.inboxes[0].path / "zaken.csv")
        assert wait_until(lambda: ingest.settled() == 1, timeout=20)  # well before the 60 s delay
    assert ingest.outcomes == {"zaken.csv": "ingested"}


def test_a_folder_moved_out_of_the_inbox_is_not_scanned_and_the_daemon_goes_on(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    ingest = FakeIngest()
    inbox = config.inboxes[0].path
    (inbox / "zaak").mkdir()
    with ThreadDaemon(config, ingest):
        os.rename(inbox / "zaak", tmp_path / "elders")
        write_atomically(inbox, "na.csv", "zaak 8\n")
        assert wait_until(lambda: ingest.settled() == 1)
    assert ingest.outcomes == {"na.csv": "ingested"}


@pytest.mark.parametrize("mode", ["native", "poll"])
def test_a_burst_with_duplicates_and_corrupt_files_loses_nothing_and_doubles_nothing(
    tmp_path: Path, mode: str
) -> None:
    config = make_config(tmp_path, inboxes=2, mode=mode, workers=3)
    ingest = FakeIngest()
    expected: dict[str, str] = {}
    with ThreadDaemon(config, ingest):
        for i in range(50):
            folder = config.inboxes[i % 2].path
            if i % 10 == 9:
                write_atomically(folder, f"f{i}.csv", f"CORRUPT {i}\n")
                expected[f"f{i}.csv"] = "quarantined"
            elif i % 7 == 6:
                write_atomically(folder, f"f{i}.csv", "zaak 0\n")  # same content as f0
                expected[f"f{i}.csv"] = "copy of f0"
            else:
                write_atomically(folder, f"f{i}.csv", f"zaak {i}\n")
                expected[f"f{i}.csv"] = "ingested"
        assert wait_until(lambda: ingest.settled() == 50, timeout=60)
    # f0 and its copies: whichever settles first is ingested, the others are duplicates
    copies = [*sorted(n for n, e in expected.items() if e == "copy of f0"), "f0.csv"]
    assert sorted(ingest.outcomes[n] for n in copies) == ["duplicate"] * (len(copies) - 1) + ["ingested"]
    rest = {n: e for n, e in expected.items() if n not in copies}
    assert {n: ingest.outcomes[n] for n in rest} == rest
    assert set(ingest.calls.values()) == {1}
    sidecars = sorted(p.name for p in (tmp_path / "quarantaine").rglob("*.error.json"))
    assert len(sidecars) == 5
    copies = [p for p in (tmp_path / "quarantaine").rglob("*.csv")]
    assert len(copies) == 5
    # the originals stay where they were, unchanged
    assert all((config.inboxes[i % 2].path / f"f{i}.csv").exists() for i in range(50))


def test_files_dropped_while_the_daemon_was_down_are_picked_up_at_start(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    inbox = config.inboxes[0].path
    (inbox / "sub").mkdir()
    for i in range(5):
        (inbox / f"old{i}.csv").write_text(f"zaak {i}\n")
    (inbox / "sub" / "deep.csv").write_text("deep\n")
    (inbox / ".hidden.csv").write_text("not mine\n")
    (inbox / "half.part").write_text("not yet\n")
    ingest = FakeIngest()
    with ThreadDaemon(config, ingest, once=False):
        assert wait_until(lambda: ingest.settled() == 6)
        time.sleep(0.5)
    assert sorted(ingest.outcomes) == ["deep.csv", *(f"old{i}.csv" for i in range(5))]


def test_once_processes_what_is_there_and_exits(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    for i in range(4):
        (config.inboxes[0].path / f"z{i}.csv").write_text(f"zaak {i}\n")
    ingest = FakeIngest()
    runner = ThreadDaemon(config, ingest, once=True)
    runner.thread.start()
    runner.thread.join(timeout=30)
    assert not runner.thread.is_alive()
    assert runner.exit_code == 0
    assert len(ingest.outcomes) == 4
    status = read_status(config.store_path)
    assert status is not None and status["state"] == "stopped"
    assert status["inboxes"][0]["counts"] == {"ingested": 4}


def test_a_locked_store_is_retried_with_back_off_and_then_ingested(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    ingest = FakeIngest()
    ingest.transient["busy.csv"] = 2
    with ThreadDaemon(config, ingest):
        write_atomically(config.inboxes[0].path, "busy.csv", "zaak\n")
        assert wait_until(lambda: ingest.settled() == 1)
    assert ingest.calls["busy.csv"] == 3
    assert ingest.outcomes["busy.csv"] == "ingested"


def test_a_file_that_stays_locked_is_quarantined_after_the_last_attempt(tmp_path: Path) -> None:
    config = make_config(tmp_path, max_attempts=3)
    ingest = FakeIngest()
    ingest.transient["stuck.csv"] = 99
    with ThreadDaemon(config, ingest) as runner:
        write_atomically(config.inboxes[0].path, "stuck.csv", "zaak\n")
        assert wait_until(lambda: runner.daemon.totals.get("quarantined") == 1)
    assert ingest.calls["stuck.csv"] == 3
    (sidecar,) = (tmp_path / "quarantaine").rglob("*.error.json")
    body = json.loads(sidecar.read_text())
    assert body["attempts"] == 3
    assert "gave up after 3 attempts" in body["reason"]
    assert body["adapter"] == "auto" and body["time"]
    assert (config.inboxes[0].path / "stuck.csv").exists()


def test_an_adapter_that_crashes_quarantines_the_file_and_the_daemon_goes_on(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    ingest = FakeIngest()
    ingest.raise_for.add("boom.csv")
    with ThreadDaemon(config, ingest) as runner:
        write_atomically(config.inboxes[0].path, "boom.csv", "zaak 1\n")
        assert wait_until(lambda: runner.daemon.totals.get("quarantined") == 1)
        write_atomically(config.inboxes[0].path, "fine.csv", "zaak 2\n")
        assert wait_until(lambda: ingest.outcomes.get("fine.csv") == "ingested")


def test_a_quarantine_sidecar_never_holds_a_bsn(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    ingest = FakeIngest()
    with ThreadDaemon(config, ingest) as runner:
        write_atomically(config.inboxes[0].path, "bsn.csv", "CORRUPT BSN 111222333 staat erin\n")
        assert wait_until(lambda: runner.daemon.totals.get("quarantined") == 1)
        # a fake reason that quotes the number, as a careless adapter might
    (sidecar,) = (tmp_path / "quarantaine").rglob("*.error.json")
    assert "111222333" not in sidecar.read_text()


def test_a_symlink_pointing_out_of_the_inbox_is_refused_and_not_copied(tmp_path: Path) -> None:
    secret = tmp_path / "elders" / "geheim.csv"
    secret.parent.mkdir()
    secret.write_text("not for the inbox\n")
    config = make_config(tmp_path)
    ingest = FakeIngest()
    with ThreadDaemon(config, ingest) as runner:
        os.symlink(secret, config.inboxes[0].path / "link.csv")
        assert wait_until(lambda: runner.daemon.totals.get("quarantined") == 1)
    assert ingest.calls["link.csv"] == 0
    (sidecar,) = (tmp_path / "quarantaine").rglob("*.error.json")
    body = json.loads(sidecar.read_text())
    assert "outside the inbox" in body["reason"] and body["copy"] is None
    assert not list((tmp_path / "quarantaine").rglob("link.csv"))


def test_a_folder_moved_into_a_recursive_inbox_brings_its_files(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    ingest = FakeIngest()
    staging = tmp_path / "staging" / "batch"
    staging.mkdir(parents=True)
    for i in range(3):
        (staging / f"b{i}.csv").write_text(f"batch {i}\n")
    with ThreadDaemon(config, ingest):
        os.rename(staging, config.inboxes[0].path / "batch")
        assert wait_until(lambda: ingest.settled() == 3)


def test_archive_moves_the_original_out_of_the_inbox_after_success(tmp_path: Path) -> None:
    config = make_config(tmp_path, archive=str(tmp_path / "archief"))
    ingest = FakeIngest()
    inbox = config.inboxes[0].path
    with ThreadDaemon(config, ingest):
        write_atomically(inbox, "a.csv", "zaak\n")
        write_atomically(inbox, "bad.csv", "CORRUPT\n")
        assert wait_until(lambda: (tmp_path / "archief" / "in0" / "a.csv").exists())
        assert wait_until(lambda: ingest.settled() == 2)
    assert not (inbox / "a.csv").exists()
    assert (inbox / "bad.csv").exists()  # a rejected file stays for the sender to see


class _NoInotify:
    """An observer factory whose native observers fail as when fs.inotify.max_user_watches is reached."""

    def __init__(self, err: int) -> None:
        self.err = err

    def __call__(self, inbox: Any, mode: str) -> Any:
        from dossierlink.sync.intake import default_observer

        observer = default_observer(inbox, mode)
        if mode == "native":

            def schedule(*args: Any, **kwargs: Any) -> Any:
                raise OSError(self.err, os.strerror(self.err))

            observer.schedule = schedule
        return observer


@pytest.mark.parametrize(
    ("err", "sysctl"), [(errno.ENOSPC, "max_user_watches"), (errno.EMFILE, "max_user_instances")]
)
def test_an_inbox_out_of_inotify_watches_falls_back_to_polling(
    tmp_path: Path, err: int, sysctl: str, caplog: pytest.LogCaptureFixture
) -> None:
    config = make_config(tmp_path)
    ingest = FakeIngest()
    with ThreadDaemon(config, ingest, observer_factory=_NoInotify(err)) as runner:
        write_atomically(config.inboxes[0].path, "a.csv", "zaak\n")
        assert wait_until(lambda: ingest.settled() == 1)
        assert runner.daemon.inboxes[0].mode == "poll"
        assert sysctl in runner.daemon.inboxes[0].mode_reason
    status = read_status(config.store_path)
    assert status is not None and sysctl in status["inboxes"][0]["mode_reason"]


def test_an_inbox_whose_folder_disappears_is_watched_again_when_it_returns(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    ingest = FakeIngest()
    inbox = config.inboxes[0].path
    with ThreadDaemon(config, ingest) as runner:
        inbox.rename(tmp_path / "weg")
        assert wait_until(lambda: runner.daemon.inboxes[0].down_since is not None, timeout=15)
        (tmp_path / "weg").rename(inbox)
        (inbox / "back.csv").write_text("terug\n")
        assert wait_until(lambda: ingest.outcomes.get("back.csv") == "ingested", timeout=30)
        assert runner.daemon.inboxes[0].down_since is None


def test_a_second_daemon_on_the_same_store_is_refused(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    with ThreadDaemon(config, FakeIngest()):
        from dossierlink.sync.daemon import SyncDaemon

        second = SyncDaemon(config, config.store_path, ingest_fn=FakeIngest(), install_signals=False)
        with pytest.raises(LockHeld) as info:
            second.run()
        assert str(os.getpid()) in str(info.value)


def test_status_shows_pending_and_in_flight_files_while_running(tmp_path: Path) -> None:
    config = make_config(tmp_path, stability=3.0)
    ingest = FakeIngest()
    with ThreadDaemon(config, ingest):
        (config.inboxes[0].path / "wacht.csv").write_text("zaak\n")

        def pending() -> bool:
            status = read_status(config.store_path)
            return bool(status and status["inboxes"][0]["pending"] == 1)

        assert wait_until(pending, timeout=5)
        status = read_status(config.store_path)
        assert status is not None
        assert status["state"] == "running" and status["pid"] == os.getpid()
        assert status["inboxes"][0]["pending_files"][0].endswith("wacht.csv")
