"""Measurements of the sync daemon for the benchmark harness (run by hand; not collected by pytest).

    python tests/sync/bench_sync.py latency --files 40 --stability 0.5
    python tests/sync/bench_sync.py idle --inboxes 10 --seconds 10

latency: politie exports renamed into an inbox one by one (spaced apart) and in a burst; the time
from each rename to the daemon's JSON ``ingested`` line (divergences are in the store by then:
Chain.ingest_file reconciles before returning). idle: CPU seconds the daemon and its workers use
over a quiet period with N inboxes in native mode (psutil cpu_times).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from conftest import politie_csv  # noqa: E402  (a script beside the tests)


def _config(root: Path, inboxes: int, stability: float, workers: int) -> Path:
    lines = [
        "[store]",
        'path = "keten.db"',
        "[sync]",
        'quarantine = "quarantaine"',
        f"stability_seconds = {stability}",
        f"workers = {workers}",
    ]
    for i in range(inboxes):
        (root / f"inbox{i}").mkdir()
        lines += ["[[inbox]]", f'path = "inbox{i}"', 'organisation = "politie"', 'mode = "native"']
    path = root / "dossierlink.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _start(config: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "dossierlink", "sync", "--log-format", "json", "--config", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=str(REPO),
        )


def _events(log: Path, event: str) -> dict[str, float]:
    found: dict[str, float] = {}
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            body = json.loads(line)
            if body.get("event") == event:
                found[Path(body["path"]).name] = dt.datetime.fromisoformat(body["time"]).timestamp()
    return found


def _wait_for(log: Path, event: str, n: int, timeout: float = 300) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _events(log, event)
        if len(found) >= n:
            return found
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {n} {event} lines; see {log}")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency(files: int, stability: float, workers: int, burst: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = _config(root, 1, stability, workers)
        log = root / "daemon.log"
        proc = _start(config, log)
        try:
            _wait_for(log, "watching", 1, 60)
            time.sleep(3)  # let the worker processes come up
            renamed: dict[str, float] = {}
            inbox = root / "inbox0"
            t0 = time.monotonic()
            for i in range(files):
                name = f"reg{i:04d}.csv"
                tmpfile = inbox / f".{name}.part"
                tmpfile.write_text(politie_csv(i, pad=i))  # sizes differ, as real exports do
                os.replace(tmpfile, inbox / name)
                renamed[name] = time.time()
                if not burst:
                    time.sleep(0.25)
            done = _wait_for(log, "ingested", files)
            elapsed = time.monotonic() - t0
        finally:
            proc.terminate()
            proc.wait(30)
        lat = [done[n] - renamed[n] for n in renamed]
        kind = "burst" if burst else "spaced 0.25 s"
        print(
            f"latency rename→ingested ({kind}, {files} files, stability {stability} s, {workers} workers): "
            f"p50 {statistics.median(lat):.3f} s, p95 {_pct(lat, 0.95):.3f} s, max {max(lat):.3f} s; "
            f"throughput {files / elapsed:.1f} files/s"
        )


def idle(inboxes: int, seconds: float) -> None:
    import psutil

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        config = _config(root, inboxes, 5.0, 2)
        log = root / "daemon.log"
        proc = _start(config, log)
        try:
            _wait_for(log, "watching", inboxes, 60)
            time.sleep(5)  # start-up and the first scans are over
            p = psutil.Process(proc.pid)
            family = [p, *p.children(recursive=True)]
            before = sum(sum(x.cpu_times()[:2]) for x in family)
            time.sleep(seconds)
            after = sum(sum(x.cpu_times()[:2]) for x in family)
            threads = p.num_threads()
        finally:
            proc.terminate()
            proc.wait(30)
        used = after - before
        print(
            f"idle CPU, {inboxes} native inboxes, {len(family)} processes, {threads} threads in the daemon: "
            f"{used:.3f} CPU-s over {seconds:g} s = {100 * used / seconds:.2f}% of one core"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="what", required=True)
    lat = sub.add_parser("latency")
    lat.add_argument("--files", type=int, default=40)
    lat.add_argument("--stability", type=float, default=0.5)
    lat.add_argument("--workers", type=int, default=2)
    lat.add_argument("--burst", action="store_true", help="rename all files at once")
    idl = sub.add_parser("idle")
    idl.add_argument("--inboxes", type=int, default=10)
    idl.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()
    if args.what == "latency":
        latency(args.files, args.stability, args.workers, args.burst)
    else:
        idle(args.inboxes, args.seconds)


if __name__ == "__main__":
    main()
