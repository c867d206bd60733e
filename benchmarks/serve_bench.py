"""The `serve` phase: page and API latency of `dossierlink serve` against a bare SELECT of the same rows.

The server runs as its own process (as in production) over a copy of the reconciled benchmark
store; each page is fetched ``requests`` times after one warm-up; the bare SELECT reads the same
rows from the same store file in this process. Then ``clients`` threads fetch mixed pages for
``seconds`` seconds and every non-200 answer counts as an error. Figures, never assertions.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["phase_serve", "serve_rows"]

_ORDER = (
    "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, first_seen, id"
)


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def _timed(fn: Callable[[], Any], n: int) -> dict[str, float]:
    fn()  # warm-up (the overview's analysis is cached from here on)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(_pct(times, 0.95), 2)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def phase_serve(a: dict[str, Any]) -> dict[str, Any]:
    try:
        import httpx

        import dossierlink.web.app  # the serve extra is installed
    except ImportError as exc:
        from benchmarks.phases import NotAvailable

        raise NotAvailable(f"the serve extra is not installed: {exc}") from None
    import dossierlink

    db = Path(a["db"]).with_name("serve.db")
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    src = sqlite3.connect(a["db"])
    src.execute(f"VACUUM INTO '{db}'")
    src.close()
    with dossierlink.open(db, create=False) as chain:
        chain.accounts.add_user(
            "regie", organisation="om", role="ketenregisseur", password="benchmark-wachtwoord"
        )
        token = chain.accounts.add_token("bench", organisation="om")
        label_row = chain.store.conn.execute(
            "SELECT i.value, d.dossier_id FROM divergences d JOIN identifiers i ON i.dossier_id = d.dossier_id "
            "WHERE d.organisation = 'om' AND i.kind = 'parketnummer' LIMIT 1"
        ).fetchone()
        counts = chain.stats()
    if label_row is None:
        from benchmarks.phases import NotAvailable

        raise NotAvailable("the store has no OM divergence in a dossier with a parketnummer")
    label, dossier_id = label_row
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dossierlink", "--db", str(db), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            time.sleep(0.1)
        client = httpx.Client(base_url=base, timeout=60)
        form = client.get("/login").text
        csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        client.post("/login", data={"user": "regie", "password": "benchmark-wachtwoord", "csrf": csrf})
        api = httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Token {token}"})
        n = int(a.get("requests", 40))

        def get(c: httpx.Client, path: str) -> Callable[[], None]:
            def run() -> None:
                r = c.get(path)
                if r.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {r.status_code}")

            return run

        conn = sqlite3.connect(db)
        work_sql = (
            "SELECT * FROM divergences WHERE status IN ('open','acknowledged') AND organisation = 'om' "
            f"ORDER BY {_ORDER} LIMIT 50"
        )
        dossier_sqls = (
            "SELECT * FROM records WHERE dossier_id = ?",
            "SELECT * FROM divergences WHERE dossier_id = ?",
            "SELECT * FROM identifiers WHERE dossier_id = ?",
        )
        out: dict[str, Any] = {"store": counts, "requests": n}
        out["select_work"] = _timed(lambda: conn.execute(work_sql).fetchall(), n)
        out["select_dossier"] = _timed(
            lambda: [conn.execute(q, [dossier_id]).fetchall() for q in dossier_sqls], n
        )
        out["select_overview"] = _timed(
            lambda: conn.execute(
                "SELECT organisation, severity, count(*) FROM divergences WHERE status IN ('open','acknowledged') "
                "GROUP BY 1, 2"
            ).fetchall(),
            n,
        )
        conn.close()
        out["page_work"] = _timed(get(client, "/work?organisation=om"), n)
        out["api_divergences"] = _timed(get(api, "/api/v1/divergences?page_size=50"), n)
        out["page_dossier"] = _timed(get(client, f"/dossiers/{label}"), n)
        out["page_overview"] = _timed(get(client, "/"), n)
        for page, base_sel in (
            ("page_work", "select_work"),
            ("api_divergences", "select_work"),
            ("page_dossier", "select_dossier"),
            ("page_overview", "select_overview"),
        ):
            out[page]["ratio_p95"] = round(out[page]["p95_ms"] / max(out[base_sel]["p95_ms"], 0.001), 1)

        # Concurrent clients, mixed pages.
        clients, seconds = int(a.get("clients", 10)), float(a.get("seconds", 10))
        paths = ["/work?organisation=om", f"/dossiers/{label}", "/", "/work?organisation=om&page=2"]
        stats = {"ok": 0, "errors": 0}
        lock = threading.Lock()
        stop_at = time.monotonic() + seconds
        cookies = dict(client.cookies)

        def worker(i: int) -> None:
            c = httpx.Client(base_url=base, timeout=60, cookies=cookies)
            k = i
            while time.monotonic() < stop_at:
                try:
                    ok = c.get(paths[k % len(paths)]).status_code == 200
                except httpx.HTTPError:
                    ok = False
                k += 1
                with lock:
                    stats["ok" if ok else "errors"] += 1

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        out["concurrent"] = {
            "clients": clients,
            "seconds": seconds,
            "requests": stats["ok"] + stats["errors"],
            "errors": stats["errors"],
            "per_s": round((stats["ok"] + stats["errors"]) / seconds, 1),
        }
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out_code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out_code = -9
    out["sigterm_exit"] = out_code
    return out


def serve_rows(r: dict[str, Any], fmt: Callable[[Any], str]) -> list[tuple[str, str, str]]:
    """Rows of the benchmark table."""
    rows = []
    for key, name, sel in (
        ("page_work", "serve work list page", "select_work"),
        ("api_divergences", "serve GET /api/v1/divergences", "select_work"),
        ("page_dossier", "serve dossier page", "select_dossier"),
        ("page_overview", "serve chain overview", "select_overview"),
    ):
        rows.append(
            (
                name,
                f"p95 {fmt(r[key]['p95_ms'])} ms",
                f"p50 {fmt(r[key]['p50_ms'])} ms; bare SELECT of the same rows p95 {fmt(r[sel]['p95_ms'])} ms "
                f"(x{fmt(r[key]['ratio_p95'])}); {r['requests']} requests each",
            )
        )
    c = r["concurrent"]
    rows.append(
        (
            "serve concurrent clients",
            f"{fmt(c['per_s'])} req/s",
            f"{c['clients']} clients for {fmt(c['seconds'])} s, {c['requests']} requests, {c['errors']} errors; "
            f"SIGTERM exit {r['sigterm_exit']}",
        )
    )
    return rows
