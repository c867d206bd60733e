"""`dossierlink sync` as a real process on a real store, with politie CSV exports landing in its inboxes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from dossierlink.ingest.adapter import available_adapters

from .conftest import REPO, politie_csv, wait_until, write_atomically

pytestmark = [
    pytest.mark.timeout(240),
    pytest.mark.skipif("politie" not in available_adapters(), reason="the politie adapter is not installed"),
]


def write_config(tmp_path: Path, *, mode: str = "native", inboxes: int = 2, workers: int = 2) -> Path:
    lines = [
        "[store]",
        'path = "keten.db"',
        "[sync]",
        'quarantine = "quarantaine"',
        "stability_seconds = 0.5",
        f"workers = {workers}",
        "shutdown_seconds = 10",
    ]
    for i in range(inboxes):
        (tmp_path / f"inbox{i}").mkdir(exist_ok=True)
        lines += [
            "[[inbox]]",
            f'path = "inbox{i}"',
            'organisation = "politie"',
            f'mode = "{mode}"',
            "poll_interval = 0.25",
        ]
    config = tmp_path / "dossierlink.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def ledger(tmp_path: Path) -> list[tuple[str, str, str | None]]:
    db = tmp_path / "keten.db"
    if not db.exists():
        return []
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        return [
            (Path(p).name, s, h)
            for p, s, h in conn.execute("SELECT path, status, sha256 FROM sources ORDER BY id")
        ]


def drop_burst(tmp_path: Path, n: int, *, start: int = 0) -> dict[str, str]:
    """n exports over two inboxes: every 10th is corrupt, every 7th a copy of another; returns expectations."""
    expected: dict[str, str] = {}
    for i in range(start, start + n):
        folder = tmp_path / f"inbox{i % 2}"
        name = f"reg{i:04d}.csv"
        if i % 10 == 9:
            text, outcome = "dit is geen export\n", "quarantined"
        elif i % 7 == 6 and (i - 3) % 10 != 9 and i - 3 >= start:
            text, outcome = politie_csv(i - 3), f"reg{i - 3:04d}.csv"  # same content as an earlier one
        else:
            text, outcome = politie_csv(i), "ingested"
        write_atomically(folder, name, text)
        expected[name] = outcome
    return expected


def assert_each_settled_once(tmp_path: Path, expected: dict[str, str]) -> None:
    rows = ledger(tmp_path)
    per_file = Counter(name for name, status, _ in rows if status != "superseded")
    assert {n: c for n, c in per_file.items() if c != 1} == {}, "a file was settled twice"
    assert set(per_file) == set(expected), "a file was lost"
    status = {name: s for name, s, _ in rows}
    for name, outcome in expected.items():
        if outcome.startswith("reg"):  # a copy: it or its original is ingested, the other is a duplicate
            assert sorted([status[name], status[outcome]]) == ["duplicate", "ingested"], name
        elif expected.get(name) == "ingested" and name in expected.values():
            continue  # an original with a copy: checked with its copy
        else:
            assert status[name] == outcome, name
    ingested_shas = Counter(h for _, s, h in rows if s == "ingested")
    assert max(ingested_shas.values()) == 1, "one content was ingested twice"
    quarantined = [n for n, o in expected.items() if o == "quarantined"]
    sidecars = list((tmp_path / "quarantaine").rglob("*.error.json"))
    assert len(sidecars) == len(quarantined)


def settled_count(tmp_path: Path) -> int:
    try:
        return len({name for name, status, _ in ledger(tmp_path) if status != "superseded"})
    except sqlite3.OperationalError:
        return 0


@pytest.mark.parametrize("mode", ["native", pytest.param("poll", marks=pytest.mark.slow)])
def test_exports_renamed_into_two_inboxes_are_each_ingested_once(
    tmp_path: Path, process_daemon, mode: str
) -> None:
    config = write_config(tmp_path, mode=mode)
    daemon = process_daemon(config).start()
    daemon.wait_ready()
    expected = drop_burst(tmp_path, 50)
    assert wait_until(lambda: settled_count(tmp_path) == 50, timeout=120), daemon.output()[-3000:]
    assert daemon.terminate() == 0
    assert_each_settled_once(tmp_path, expected)
    out = daemon.output()
    assert " stopped " in out
    assert "999000007" not in out


@pytest.mark.slow  # also covered by the kill -9 test and, fast, by the threaded daemon
def test_exports_dropped_while_the_daemon_was_down_are_picked_up_at_start(
    tmp_path: Path, process_daemon
) -> None:
    config = write_config(tmp_path)
    expected = drop_burst(tmp_path, 12)
    daemon = process_daemon(config).start()
    assert wait_until(lambda: settled_count(tmp_path) == 12, timeout=60), daemon.output()[-3000:]
    assert daemon.terminate() == 0
    assert_each_settled_once(tmp_path, expected)


def test_kill_9_in_the_middle_of_a_burst_and_a_restart_lose_nothing_and_double_nothing(
    tmp_path: Path, process_daemon
) -> None:
    config = write_config(tmp_path)
    first = process_daemon(config).start()
    first.wait_ready()
    expected = drop_burst(tmp_path, 40)
    assert wait_until(lambda: settled_count(tmp_path) >= 5, timeout=60), first.output()[-3000:]
    first.kill()
    expected |= drop_burst(tmp_path, 10, start=40)  # more arrive while it is down
    second = process_daemon(config).start()
    assert wait_until(lambda: settled_count(tmp_path) == 50, timeout=120), second.output()[-3000:]
    assert second.terminate() == 0
    assert_each_settled_once(tmp_path, expected)


def test_sigterm_stops_the_daemon_cleanly_within_seconds(tmp_path: Path, process_daemon) -> None:
    config = write_config(tmp_path)
    daemon = process_daemon(config).start()
    daemon.wait_ready()
    drop_burst(tmp_path, 10)
    time.sleep(0.7)
    started = time.monotonic()
    assert daemon.terminate(timeout=15) == 0
    assert time.monotonic() - started < 15
    status = json.loads((tmp_path / "keten.db.sync-status.json").read_text())
    assert status["state"] == "stopped"
    assert not (tmp_path / "keten.db.sync.lock").read_text().strip()  # the holder is gone


def test_a_second_daemon_on_the_same_store_is_refused_and_says_who_holds_it(
    tmp_path: Path, process_daemon
) -> None:
    config = write_config(tmp_path)
    first = process_daemon(config).start()
    first.wait_ready()
    second = subprocess.run(
        [sys.executable, "-m", "dossierlink", "sync", "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=str(REPO),
        timeout=60,
    )
    assert second.returncode == 3  # could not run: not bad input, so systemd may retry
    assert f"pid {first.proc.pid}" in second.stderr
    assert first.terminate() == 0


def test_status_is_readable_while_the_daemon_runs(tmp_path: Path, process_daemon) -> None:
    config = write_config(tmp_path)
    daemon = process_daemon(config, "--log-format", "json").start()
    assert wait_until(lambda: '"event": "watching"' in daemon.output(), timeout=30), daemon.output()
    expected = drop_burst(tmp_path, 10)
    assert wait_until(lambda: settled_count(tmp_path) == 10, timeout=60)
    out = subprocess.run(
        [sys.executable, "-m", "dossierlink", "status", "--json", "--config", str(config)],
        capture_output=True,
        text=True,
        cwd=str(REPO),
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    status = json.loads(out.stdout)
    assert status["daemon"]["running"] and status["daemon"]["pid"] == daemon.proc.pid
    quarantined = [q for inbox in status["inboxes"] for q in inbox["quarantined"]]
    assert len(quarantined) == sum(o == "quarantined" for o in expected.values())
    assert all(q["reason"] for q in quarantined)
    assert daemon.terminate() == 0
    events = [json.loads(line)["event"] for line in daemon.output().splitlines() if line.startswith("{")]
    assert {"seen", "stable", "ingesting", "ingested", "quarantined"} <= set(events)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["native", "poll"])
def test_a_burst_of_500_exports_ends_with_every_file_settled_exactly_once(
    tmp_path: Path, process_daemon, mode: str
) -> None:
    config = write_config(tmp_path, mode=mode)
    daemon = process_daemon(config).start()
    daemon.wait_ready()
    expected = drop_burst(tmp_path, 500)
    assert wait_until(lambda: settled_count(tmp_path) == 500, timeout=600, interval=0.5), daemon.output()[
        -3000:
    ]
    assert daemon.terminate(timeout=30) == 0
    assert_each_settled_once(tmp_path, expected)


@pytest.mark.slow
def test_repeated_kill_9_during_a_burst_loses_nothing(tmp_path: Path, process_daemon) -> None:
    config = write_config(tmp_path)
    expected = drop_burst(tmp_path, 200)
    for _ in range(3):
        d = process_daemon(config).start()
        time.sleep(3.0)
        os.kill(d.proc.pid, signal.SIGKILL)
        d.proc.wait(timeout=10)
    last = process_daemon(config).start()
    # The killed daemons may have settled every file already: SIGTERM must not race the start-up.
    last.wait_ready()
    assert wait_until(lambda: settled_count(tmp_path) == 200, timeout=300, interval=0.5), last.output()[
        -3000:
    ]
    assert last.terminate() == 0
    assert_each_settled_once(tmp_path, expected)
