"""Fixtures for the sync daemon tests: inbox folders, configurations, a daemon in a thread or a process."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dossierlink.config import Config
from dossierlink.sync.daemon import SyncDaemon
from dossierlink.sync.worker import Job, Result

REPO = Path(__file__).resolve().parents[2]

POLITIE_HEADER = (
    "PV-nummer;Parketnummer;Soort document;Titel;Datum document;Aantal pagina's;Bestand;Laatst gewijzigd;"
    "Voornamen verdachte;Tussenvoegsel verdachte;Achternaam verdachte;Geboortedatum verdachte;BSN verdachte;"
    "SKN verdachte;Datum inzending OM\n"
)


def politie_row(i: int, pad: int = 0) -> str:
    """One PV registration of a made-up case number ``i`` (``pad`` lengthens the title)."""
    return (
        f"PL17A1 2023{i:06d}-1;10/{600000 + i % 400000:06d}-23;Proces-verbaal van aangifte;Aangifte {i}{'!' * pad};"
        f"02-03-2023;3;;02-03-2023 16:40;Jan;de;Vries;12-04-1990;;;15-03-2023\n"
    )


def politie_csv(i: int, pad: int = 0) -> str:
    return POLITIE_HEADER + politie_row(i, pad)


def wait_until(predicate: Callable[[], bool], timeout: float = 20.0, interval: float = 0.05) -> bool:
    """Poll ``predicate`` until it holds; the tests assert outcomes, this only bounds the wait."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


class FakeIngest:
    """Stands in for Chain.ingest_file: dedups by content, rejects files saying CORRUPT, counts calls."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        self.outcomes: dict[str, str] = {}
        self.by_sha: dict[str, str] = {}
        self.transient: dict[str, int] = {}  # path name -> failures still to give
        self.raise_for: set[str] = set()

    def __call__(self, job: Job) -> Result:
        path = Path(job.path)
        with self.lock:
            self.calls[path.name] += 1
            if path.name in self.raise_for:
                raise RuntimeError("the adapter crashed")
            if self.transient.get(path.name, 0) > 0:
                self.transient[path.name] -= 1
                return Result(job.path, "retry", "OperationalError: database is locked")
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        with self.lock:
            if b"CORRUPT" in data:
                status = "quarantined"
            elif sha in self.by_sha:
                status = "duplicate"
            else:
                self.by_sha[sha] = path.name
                status = "ingested"
            self.outcomes[path.name] = status
        reason = "the file says CORRUPT" if status == "quarantined" else None
        return Result(job.path, status, reason, "fake", sha, 1, (1,) if status == "ingested" else ())

    def settled(self) -> int:
        with self.lock:
            return len(self.outcomes)


def make_config(
    tmp_path: Path, inboxes: int = 1, *, mode: str = "native", stability: float = 0.5, **sync: Any
) -> Config:
    data: dict[str, Any] = {
        "store": {"path": str(tmp_path / "keten.db")},
        "sync": {
            "quarantine": str(tmp_path / "quarantaine"),
            "stability_seconds": stability,
            "rescan_minutes": 5,
            "workers": 2,
            **sync,
        },
        "inbox": [],
    }
    for i in range(inboxes):
        folder = tmp_path / f"inbox{i}"
        folder.mkdir(exist_ok=True)
        data["inbox"].append(
            {
                "path": str(folder),
                "organisation": "politie",
                "mode": mode,
                "poll_interval": 0.2,
                "name": f"in{i}",
            }
        )
    return Config.from_mapping(data, tmp_path)


class ThreadDaemon:
    """A SyncDaemon with a fake ingest function, run in a background thread."""

    def __init__(self, config: Config, ingest: FakeIngest, **kwargs: Any) -> None:
        self.daemon = SyncDaemon(
            config, config.store_path, ingest_fn=ingest, install_signals=False, status_interval=0.1, **kwargs
        )
        self.exit_code: int | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            self.exit_code = self.daemon.run()
        except BaseException as exc:
            self.error = exc

    def __enter__(self) -> ThreadDaemon:
        self.thread.start()
        # Ready once every inbox has finished its first scan.
        assert wait_until(lambda: all(s.last_scan for s in self.daemon.inboxes) or self.error is not None)
        if self.error:
            raise self.error
        return self

    def __exit__(self, *exc: object) -> None:
        self.daemon.stop()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "the daemon did not stop"


@pytest.fixture
def fake_ingest() -> FakeIngest:
    return FakeIngest()


@pytest.fixture
def thread_daemon() -> Callable[..., ThreadDaemon]:
    return ThreadDaemon


def write_slowly(path: Path, data: bytes, chunks: int = 5, pause: float = 0.3) -> None:
    step = max(1, len(data) // chunks)
    with path.open("wb") as fh:
        for i in range(0, len(data), step):
            fh.write(data[i : i + step])
            fh.flush()
            os.fsync(fh.fileno())
            time.sleep(pause)


def write_atomically(folder: Path, name: str, data: str) -> Path:
    """The well-behaved exporter: write a dotfile, then rename it into place."""
    tmp = folder / f".{name}.part"
    tmp.write_text(data, encoding="utf-8")
    target = folder / name
    os.replace(tmp, target)
    return target


class ProcessDaemon:
    """`python -m dossierlink sync --config ...` as a real child process, output captured to a file."""

    def __init__(self, config_file: Path, *args: str, log: Path | None = None) -> None:
        self.config_file = config_file
        self.args = args
        self.log = log or config_file.with_suffix(f".{time.monotonic_ns()}.log")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ProcessDaemon:
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "dossierlink", "sync", "--config", str(self.config_file), *self.args],
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=str(REPO),
                env=env,
            )
        return self

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout: float = 30.0) -> None:
        assert wait_until(lambda: " watching " in self.output() or self.exited(), timeout), self.output()
        assert not self.exited(), self.output()

    def exited(self) -> bool:
        assert self.proc is not None
        return self.proc.poll() is not None

    def terminate(self, timeout: float = 20.0) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def process_daemon() -> Iterator[Callable[..., ProcessDaemon]]:
    started: list[ProcessDaemon] = []

    def factory(config_file: Path, *args: str) -> ProcessDaemon:
        d = ProcessDaemon(config_file, *args)
        started.append(d)
        return d

    yield factory
    for d in started:
        if d.proc is not None and d.proc.poll() is None:
            d.proc.kill()
            d.proc.wait(timeout=10)
