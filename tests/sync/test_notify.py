"""The daemon under systemd (Type=notify): READY after the start-up scan, WATCHDOG from the loop, STATUS counts.

Each test plays the service manager: it binds a Unix datagram socket, hands its address to the
daemon as ``$NOTIFY_SOCKET`` and reads what arrives (sd_notify(3)).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from dossierlink.sync.notify import Notifier

from .conftest import REPO, FakeIngest, ThreadDaemon, make_config, politie_csv, wait_until, write_atomically

pytestmark = pytest.mark.timeout(120)


class Manager:
    """The listening end of $NOTIFY_SOCKET: collects every datagram as a dict of its fields."""

    def __init__(self, sock: socket.socket, address: str) -> None:
        self.sock = sock
        self.address = address
        self.messages: list[dict[str, str]] = []

    def drain(self, timeout: float = 0.2) -> list[dict[str, str]]:
        self.sock.settimeout(timeout)
        try:
            while True:
                data = self.sock.recv(4096).decode()
                self.messages.append(dict(line.split("=", 1) for line in data.splitlines() if "=" in line))
                self.sock.settimeout(0.01)
        except (TimeoutError, BlockingIOError):
            pass
        return self.messages

    def wait_for(self, key: str, value: str | None = None, timeout: float = 30.0) -> dict[str, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for m in self.drain():
                if key in m and (value is None or value in m[key]):
                    return m
        raise AssertionError(f"no {key}={value or '*'} within {timeout} s; got {self.messages}")


@pytest.fixture
def manager(tmp_path: Path) -> Iterator[Manager]:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(str(path))
        yield Manager(sock, str(path))


@pytest.fixture
def abstract_manager() -> Iterator[Manager]:
    name = f"dossierlink-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        yield Manager(sock, "@" + name)


def test_the_daemon_says_ready_after_its_first_scan_and_reports_counts(
    tmp_path: Path, manager: Manager
) -> None:
    config = make_config(tmp_path)
    write_atomically(tmp_path / "inbox0", "reg0001.csv", politie_csv(1))
    notifier = Notifier({"NOTIFY_SOCKET": manager.address, "WATCHDOG_USEC": "400000"})
    ingest = FakeIngest()
    with ThreadDaemon(config, ingest, notifier=notifier) as running:
        ready = manager.wait_for("READY", "1")
        assert running.daemon.inboxes[0].last_scan, "READY came before the start-up scan finished"
        assert ready["MAINPID"] == str(os.getpid())
        assert ready["STATUS"].startswith("watching 1 inbox:")
        # The file found by the scan settles; the status line counts it.
        assert manager.wait_for("STATUS", "1 ingested")["STATUS"].endswith("0 pending, 0 in flight")
        # Keep-alives keep coming from the loop, at half the watchdog interval, while nothing happens.
        before = sum(1 for m in manager.drain() if m.get("WATCHDOG") == "1")
        time.sleep(1.0)
        after = sum(1 for m in manager.drain() if m.get("WATCHDOG") == "1")
        assert after - before >= 3
    stopping = manager.wait_for("STOPPING", "1")
    assert stopping["STATUS"].startswith("draining")


def test_sync_as_a_process_notifies_an_abstract_socket_and_stops_on_sigterm(
    tmp_path: Path, abstract_manager: Manager
) -> None:
    config = make_config(tmp_path)
    config_file = tmp_path / "dossierlink.toml"
    config_file.write_text(
        "\n".join(
            [
                "[store]",
                f'path = "{tmp_path / "keten.db"}"',
                "[sync]",
                f'quarantine = "{tmp_path / "quarantaine"}"',
                "stability_seconds = 0.3",
                "workers = 1",
                "[[inbox]]",
                f'path = "{config.inboxes[0].path}"',
                'organisation = "politie"',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    env = {**os.environ, "NOTIFY_SOCKET": abstract_manager.address, "WATCHDOG_USEC": "2000000"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dossierlink", "sync", "--config", str(config_file)],
        cwd=str(REPO),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready = abstract_manager.wait_for("READY", "1", timeout=60)
        assert ready["MAINPID"] == str(proc.pid)
        abstract_manager.wait_for("WATCHDOG", "1")
        write_atomically(config.inboxes[0].path, "reg0002.csv", politie_csv(2))
        abstract_manager.wait_for("STATUS", "1 ingested", timeout=60)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    abstract_manager.wait_for("STOPPING", "1")


def test_without_a_service_manager_nothing_is_sent_and_nothing_fails() -> None:
    quiet = Notifier({})
    assert not quiet.enabled
    assert quiet.send(READY="1") is False
    quiet.watchdog()
    assert quiet.next_due() is None


def test_a_watchdog_meant_for_another_process_is_not_answered(manager: Manager) -> None:
    other = Notifier({"NOTIFY_SOCKET": manager.address, "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"})
    assert other.enabled and other.watchdog_interval is None
    other.watchdog()
    assert manager.drain() == []


def test_a_vanished_manager_is_logged_once_and_the_daemon_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    gone = Notifier({"NOTIFY_SOCKET": str(tmp_path / "no-such.sock")})
    assert gone.send(STATUS="x") is False
    assert gone.send(STATUS="y") is False
    assert sum("could not notify" in r.message for r in caplog.records) == 1


def test_status_is_sent_only_when_it_changes(manager: Manager) -> None:
    n = Notifier({"NOTIFY_SOCKET": manager.address})
    n.status("watching 1 inbox: 1 ingested")
    n.status("watching 1 inbox: 1 ingested")
    n.status("watching 1 inbox: 2 ingested")
    assert wait_until(lambda: len(manager.drain()) >= 2, timeout=5)
    assert [m["STATUS"] for m in manager.messages] == [
        "watching 1 inbox: 1 ingested",
        "watching 1 inbox: 2 ingested",
    ]
