"""The daemon under an inbox writer, a full disk and a hang-up: nothing lost, no BSN in what it writes."""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import stat
from pathlib import Path
from typing import Any

import pytest

from dossierlink.config import Config
from dossierlink.sync import dispatch as dispatch_module
from dossierlink.sync import quarantine as sync_quarantine
from dossierlink.sync.status import configure_logging, read_status, status_path
from dossierlink.sync.worker import Job, Result

from .conftest import FakeIngest, ThreadDaemon, make_config, wait_until, write_atomically

pytestmark = pytest.mark.timeout(120)

BSN_SPELLINGS = ("123456782", "123-456-782", "123 456 782")


def _no_bsn(text: str) -> bool:
    return not any(s in text for s in BSN_SPELLINGS)


def test_a_bsn_or_a_line_break_in_a_file_name_reaches_no_log_status_or_quarantine(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    stream = io.StringIO()
    configure_logging("text", stream=stream)
    ingest = FakeIngest()
    name = "aangifte 123-456-782\n2026-01-01T00:00:00 ingested in0 echt.csv"
    with ThreadDaemon(config, ingest) as runner:
        write_atomically(config.inboxes[0].path, name, "CORRUPT\n")
        assert wait_until(lambda: runner.daemon.totals.get("quarantined") == 1)
    log = stream.getvalue()
    assert "aangifte" in log and _no_bsn(log), log
    assert not any(line.startswith("2026-01-01") for line in log.splitlines()), "a forged log line"
    written = [p for p in (tmp_path / "quarantaine").rglob("*")]
    assert written
    for p in written:
        assert _no_bsn(p.name) and "\n" not in p.name, p.name
        if p.is_file():
            assert _no_bsn(p.read_text(encoding="utf-8", errors="replace")), p
    status = status_path(config.store_path).read_text(encoding="utf-8")
    assert _no_bsn(status)


def test_the_status_file_and_the_quarantine_are_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    old = os.umask(0)
    try:
        with ThreadDaemon(config, FakeIngest()) as runner:
            write_atomically(config.inboxes[0].path, "kapot.csv", "CORRUPT\n")
            assert wait_until(lambda: runner.daemon.totals.get("quarantined") == 1)
    finally:
        os.umask(old)
    assert stat.S_IMODE(status_path(config.store_path).stat().st_mode) == 0o600
    q = tmp_path / "quarantaine"
    for p in [q, *q.rglob("*")]:
        assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, (p, oct(p.stat().st_mode))


def test_a_full_disk_at_quarantine_time_leaves_the_file_waiting_not_half_quarantined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_config(tmp_path)
    monkeypatch.setattr(dispatch_module, "WAIT_FOR_DISK_S", 0.3, raising=False)
    real = sync_quarantine.quarantine_file
    failures = {"left": 3}

    def full_disk(*args: Any, **kwargs: Any) -> Path:
        if failures["left"] > 0:
            failures["left"] -= 1
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(sync_quarantine, "quarantine_file", full_disk)
    with ThreadDaemon(config, FakeIngest()) as runner:
        write_atomically(config.inboxes[0].path, "kapot.csv", "CORRUPT\n")
        assert wait_until(lambda: failures["left"] == 0)
        assert runner.daemon.totals.get("quarantined", 0) in (0, 1)
        assert wait_until(lambda: runner.daemon.totals.get("quarantined") == 1)
    (sidecar,) = (tmp_path / "quarantaine").rglob("*.error.json")
    assert json.loads(sidecar.read_text())["copy"]
    assert not list((tmp_path / "quarantaine").rglob("*.partial"))


def test_a_failed_copy_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dossierlink.ingest import quarantine as ingest_quarantine

    source = tmp_path / "kapot.csv"
    source.write_text("CORRUPT\n" * 1000)

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ingest_quarantine.os, "fsync", no_space)
    with pytest.raises(OSError):
        ingest_quarantine.quarantine_file(source, tmp_path / "q", "in0", {"reason": "x"})
    assert [p.name for p in (tmp_path / "q").rglob("*") if p.is_file()] == []


class _Unreadable(FakeIngest):
    """A file the daemon may not read until its permissions are fixed (after many tries)."""

    def __init__(self, denied: int) -> None:
        super().__init__()
        self.denied = denied

    def __call__(self, job: Job) -> Result:
        if Path(job.path).name == "pv.csv" and self.denied > 0:
            with self.lock:
                self.denied -= 1
                self.calls["pv.csv"] += 1
            return Result(job.path, "retry", f"Unreadable: {job.path}: cannot be read (Permission denied)")
        return super().__call__(job)


def test_a_file_without_read_permission_waits_and_is_ingested_once_fixed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = make_config(tmp_path, max_attempts=2)
    monkeypatch.setattr(dispatch_module, "WAIT_FOR_DISK_S", 0.3, raising=False)
    ingest = _Unreadable(denied=5)
    with ThreadDaemon(config, ingest) as runner:
        write_atomically(config.inboxes[0].path, "pv.csv", "zaak\n")
        assert wait_until(lambda: ingest.outcomes.get("pv.csv") == "ingested")
        assert not runner.daemon.totals.get("quarantined")
    assert ingest.calls["pv.csv"] == 6


def test_sighup_stops_the_daemon_cleanly(tmp_path: Path, process_daemon: Any) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    config_file = tmp_path / "dossierlink.toml"
    config_file.write_text(
        f'[store]\npath = "{tmp_path / "keten.db"}"\n[sync]\nquarantine = "{tmp_path / "q"}"\n'
        f'[[inbox]]\npath = "{inbox}"\norganisation = "politie"\n',
        encoding="utf-8",
    )
    daemon = process_daemon(config_file).start()
    daemon.wait_ready()
    assert daemon.proc is not None
    daemon.proc.send_signal(signal.SIGHUP)
    assert daemon.proc.wait(timeout=30) == 0, daemon.output()
    assert " stopped " in daemon.output()
    status = read_status(tmp_path / "keten.db")
    assert status is not None and status["state"] == "stopped"


@pytest.mark.parametrize("inside", ["quarantine", "archive"])
def test_an_inbox_inside_the_quarantine_or_archive_is_refused(tmp_path: Path, inside: str) -> None:
    folder = tmp_path / inside
    inbox = folder / "in0"
    inbox.mkdir(parents=True)
    data = {
        "store": {"path": str(tmp_path / "keten.db")},
        "sync": {"quarantine": str(tmp_path / "quarantine"), "archive": str(tmp_path / "archive")},
        "inbox": [{"path": str(inbox), "organisation": "politie"}],
    }
    problems = Config.from_mapping(data, tmp_path).check()
    assert any("lies inside" in p and inside in p for p in problems), problems
