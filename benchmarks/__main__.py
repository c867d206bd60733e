"""Run the benchmark: generate a synthetic chain, then every phase in its own process; print a table, write JSON.

    python -m benchmarks --size small      # CI: well under 2 minutes on 2 cores
    python -m benchmarks --size large      # 100k dossiers
    python -m benchmarks --size small --profile   # also pyinstrument profiles of ingest and reconcile

Figures are printed, not asserted. A phase whose part is missing prints "n/a (reason)".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZES: dict[str, dict[str, Any]] = {
    # sync: files renamed in one at a time (latency), a burst at once (throughput), idle seconds;
    # report: the store the report is timed on (dossiers, open divergences), built by direct inserts.
    "small": {
        "dossiers": 1_000,
        "scans": 0.03,
        "scan_files": 40,
        "store_files": 150,
        "sync": {"latency_files": 20, "burst": 200, "idle_seconds": 5},
        "report": {"dossiers": 10_000, "divergences": 1_000},
        "serve": {"requests": 40, "clients": 10, "seconds": 10},
    },
    "medium": {
        "dossiers": 10_000,
        "scans": 0.01,
        "scan_files": 120,
        "store_files": 400,
        "sync": {"latency_files": 30, "burst": 1_000, "idle_seconds": 10},
        "report": {"dossiers": 100_000, "divergences": 10_000},
    },
    "large": {
        "dossiers": 100_000,
        "scans": 0.002,
        "scan_files": 200,
        "store_files": 400,
        "sync": {"latency_files": 40, "burst": 1_000, "idle_seconds": 10},
        "report": {"dossiers": 100_000, "divergences": 10_000},
        "serve": {"requests": 200, "clients": 50, "seconds": 60},
    },
}
HERE = Path(__file__).resolve().parent


def run_phase(name: str, args: dict[str, Any], timeout: float) -> dict[str, Any]:
    t = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.phases", name, json.dumps(args)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=HERE.parent,
        )
    except subprocess.TimeoutExpired:
        return {
            "ok": False,
            "reason": f"timed out after {timeout:.0f} s",
            "wall_s": round(time.perf_counter() - t, 1),
        }
    line = next((ln for ln in reversed(proc.stdout.splitlines()) if ln.startswith("BENCH-RESULT ")), None)
    if line is None:
        tail = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
        return {"ok": False, "reason": f"phase crashed (exit {proc.returncode}): {tail[0][:200]}"}
    out: dict[str, Any] = json.loads(line[len("BENCH-RESULT ") :])
    out["wall_s"] = round(time.perf_counter() - t, 2)
    return out


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.3f}" if v < 10 else f"{v:,.1f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def table(results: dict[str, Any]) -> str:
    """The human table: figure, value, same-run comparison."""
    rows: list[tuple[str, str, str]] = []

    def na(phase: str) -> str | None:
        r = results.get(phase, {})
        return None if r.get("ok") else f"n/a ({r.get('reason', 'not run')})"

    def rss(phase: str) -> str:
        return f"{_fmt(results.get(phase, {}).get('peak_rss_mb'))} MB"

    g = results.get("generate", {}).get("result", {})
    rows.append(
        (
            "generate",
            f"{_fmt(g.get('dossiers'))} dossiers, {_fmt(g.get('files'))} files in {_fmt(g.get('seconds'))} s",
            f"{_fmt(g.get('dossiers_per_s'))} dossiers/s",
        )
    )
    if (m := na("ingest")) is None:
        r = results["ingest"]["result"]
        rows.append(
            (
                "ingest end to end",
                f"{_fmt(r['documents_per_s'])} documents/s",
                f"{_fmt(r['documents'])} docs, {_fmt(r['files'])} files in {_fmt(r['seconds'])} s; "
                f"{r['quarantined']} quarantined",
            )
        )
        rows.append(
            (
                "ingest peak RSS",
                rss("ingest"),
                f"streaming {_fmt(r['documents'])} documents (target: 1M documents <= 400 MB)",
            )
        )
    else:
        rows.append(("ingest end to end", m, ""))
    if (m := na("store")) is None:
        r = results["store"]["result"]
        rows.append(
            (
                "store writes",
                f"{_fmt(r['store_documents_per_s'])} documents/s",
                f"raw sqlite3 executemany {_fmt(r['raw_documents_per_s'])}/s, one transaction; "
                f"ratio {_fmt(r['ratio'])} (target >= 0.5)",
            )
        )
    else:
        rows.append(("store writes", m, ""))
    if (m := na("scans")) is None:
        r = results["scans"]["result"]
        if "rows" in r:  # benchmarks/scan_bench.py
            for x in r["rows"]:
                cmp = f"{x.get('baseline', '')}"
                if x.get("ratio") is not None:
                    cmp += f"; ratio {_fmt(x['ratio'])}"
                if x.get("note"):
                    cmp += f"; {x['note']}"
                rows.append((str(x.get("figure")), f"{_fmt(x.get('value'))} {x.get('unit', '')}", cmp))
        else:
            for w in (1, 2):
                x = r[f"w{w}"]
                rows.append(
                    (
                        f"scans, {w} worker{'s' if w > 1 else ''}",
                        f"{_fmt(x['ours_pages_per_s'])} pages/s (read_pdf)",
                        f"bare pypdf {_fmt(x['bare_pages_per_s'])} pages/s; ratio {_fmt(x['ratio'])}",
                    )
                )
            rows.append(
                (
                    "scan adapter, 1 worker",
                    f"{_fmt(r.get('adapter_pages_per_s'))} pages/s",
                    f"{r['files']} files",
                )
            )
    else:
        rows.append(("scans", m, ""))
    if (m := na("reconcile")) is None:
        r = results["reconcile"]["result"]
        p = results.get("pandas", {}).get("result")
        for w in (1, 2):
            x = r[f"w{w}"]
            extra = ""
            if w == 1 and p and p.get("seconds"):
                extra = f"; pandas merges (2 checks) {_fmt(p['seconds'])} s: ratio {_fmt(x['seconds'] / p['seconds'])}"
            rows.append(
                (
                    f"reconcile full, {w} worker{'s' if w > 1 else ''}",
                    f"{_fmt(x['seconds'])} s ({_fmt(x['per_dossier_ms'])} ms/dossier)",
                    f"{_fmt(x['dossiers'])} dossiers, 13 kinds{extra}; target 100k <= 30 s on 2 cores "
                    f"(at this rate: {_fmt(x['per_dossier_ms'] * 100)} s)",
                )
            )
        if b := r.get("breakdown"):
            rows.append(
                (
                    "reconcile, one worker's CPU per dossier",
                    f"{_fmt(b['total_ms'])} ms",
                    f"load {_fmt(b['load_ms'])}, canonical order {_fmt(b['canonical_ms'])}, matching and "
                    f"persons {_fmt(b['context_ms'])}, 13 rules {_fmt(b['rules_ms'])} ms (first "
                    f"{_fmt(b['dossiers'])} dossiers); CPU control loop {_fmt(b['cpu_control_seconds'])} s",
                )
            )
        rows.append(
            (
                "reconcile incremental",
                f"{_fmt(r['incremental_ms_p50'])} ms p50 (one dossier)",
                f"p95 {_fmt(r.get('incremental_ms_p95'))} ms, max {_fmt(r['incremental_ms_max'])} ms "
                f"in a store of {_fmt(r['dossiers'])} (target <= 50 ms)",
            )
        )
        if p:
            ours = p.get("ours", {})
            rows.append(
                (
                    "pandas baseline found",
                    f"{p['missing_at_om']} missing at OM, {p['missing_paper']} missing on paper, "
                    f"{p['page_count_mismatch']} page counts",
                    f"ours: missing_digital {ours.get('missing_digital', 0)}, missing_paper "
                    f"{ours.get('missing_paper', 0)}, page_count_mismatch {ours.get('page_count_mismatch', 0)}, "
                    f"pages_missing {ours.get('pages_missing', 0)}",
                )
            )
    else:
        rows.append(("reconcile", m, ""))
    if (m := na("report")) is None:
        r = results["report"]["result"]
        st = r["store"]
        text = r["strategic_text_seconds"] + r["operational_text_seconds"]
        html = r["strategic_html_seconds"] + r["operational_html_seconds"]
        rows.append(
            (
                "report strategic+operational",
                f"{_fmt(text)} s text, {_fmt(html)} s html",
                f"{_fmt(st['dossiers'])} dossiers, {_fmt(st['open_divergences'])} open divergences "
                f"(store built by direct inserts in {_fmt(st['build_seconds'])} s); operational json "
                f"{_fmt(r['operational_json_seconds'])} s; target: seconds",
            )
        )
    else:
        rows.append(("report", m, ""))
    if (m := na("sync")) is None:
        r = results["sync"]["result"]
        d = r["stability_seconds"]
        rows.append(
            (
                "sync latency (renamed in)",
                f"p50 {_fmt(r['p50_s'])} s, p95 {_fmt(r['p95_s'])} s",
                f"{r['files']} files 0.3 s apart, rename -> ingested and reconciled; stability delay {d} s: "
                f"target p95 <= {_fmt(d + 1.0)} s",
            )
        )
        rows.append(
            (
                "sync burst throughput",
                f"{_fmt(r['burst_files_per_s'])} files/s",
                f"{_fmt(r['burst_files'])} files renamed in at once, all done in {_fmt(r['burst_seconds'])} s; "
                f"latency p50 {_fmt(r['burst_p50_s'])} s, p95 {_fmt(r['burst_p95_s'])} s; {r['workers']} workers",
            )
        )
        rows.append(
            (
                "sync idle CPU",
                f"{_fmt(r['idle_cpu_pct'])} % of one core",
                f"{r['idle_inboxes']} native inboxes, {_fmt(r['idle_cpu_s'])} CPU-s in {r['idle_seconds']} s "
                f"(daemon + workers; target ~0); start-up to ready {_fmt(r['startup_s'])} s",
            )
        )
    else:
        rows.append(("sync", m, ""))
    if (m := na("serve")) is None:
        from benchmarks.serve_bench import serve_rows

        rows += serve_rows(results["serve"]["result"], _fmt)
    else:
        rows.append(("serve", m, ""))
    peak = ", ".join(
        f"{k} {_fmt(v.get('peak_rss_mb'))}"
        for k, v in results.items()
        if isinstance(v, dict) and "peak_rss_mb" in v
    )
    rows.append(("peak RSS (MB) per phase", peak, "target: ingest of 1M documents <= 400 MB"))
    w = max(len(r[0]) for r in rows)
    lines = [f"{'figure':<{w}}  value  |  same-run comparison", "-" * (w + 60)]
    lines += [f"{a:<{w}}  {b}  |  {c}" for a, b, c in rows]
    if (m := na("quality")) is None:
        lines.append("")
        lines.append(f"{'kind':<22}{'truth':>7}{'TP':>7}{'FP':>7}{'tol.':>6}{'precision':>11}{'recall':>8}")
        for kind, q in results["quality"]["result"]["per_kind"].items():
            lines.append(
                f"{kind:<22}{q['truth']:>7}{q['true_positives']:>7}{q['false_positives']:>7}{q['tolerated']:>6}"
                f"{_fmt(q['precision']):>11}{_fmt(q['recall']):>8}"
            )
    else:
        lines.append(f"detection quality: {m}")
    return "\n".join(lines)


def markdown(results: dict[str, Any]) -> str:
    """The same table as Markdown (for docs/performance.md)."""
    out = ["| figure | value | same-run comparison |", "| --- | --- | --- |"]
    for line in table(results).splitlines()[2:]:
        if not line.strip():
            break
        a, _, rest = line.partition("  ")
        b, _, c = rest.strip().partition("  |  ")
        out.append(f"| {a.strip()} | {b.strip()} | {c.strip()} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="small")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--divergence-rate", type=float, default=0.1)
    ap.add_argument("--work", help="keep the generated chain and store here (default: a temp folder)")
    ap.add_argument(
        "--only",
        help="comma-separated phases to run (generate and ingest always; reconcile for quality and pandas)",
    )
    ap.add_argument(
        "--profile", action="store_true", help="write pyinstrument text profiles of ingest and reconcile"
    )
    ap.add_argument("--output", help="JSON file (default benchmarks/results/<size>.json)")
    ns = ap.parse_args(argv)
    size = SIZES[ns.size]
    work = Path(ns.work) if ns.work else Path(tempfile.mkdtemp(prefix=f"dossierlink-bench-{ns.size}-"))
    work.mkdir(parents=True, exist_ok=True)
    gen = work / "gen"
    db = work / "bench.db"
    if gen.exists():
        shutil.rmtree(gen)
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    results_dir = HERE / "results"
    results_dir.mkdir(exist_ok=True)
    common = {"chain": str(gen / "chain"), "db": str(db), "truth": str(gen / "truth.json")}

    def prof(name: str) -> dict[str, str]:
        return {"profile": str(results_dir / f"profile-{ns.size}-{name}.txt")} if ns.profile else {}

    plan: list[tuple[str, dict[str, Any], float]] = [
        (
            "generate",
            {
                "out": str(gen),
                "dossiers": size["dossiers"],
                "seed": ns.seed,
                "rate": ns.divergence_rate,
                "scans": size["scans"],
            },
            3600,
        ),
        ("ingest", {**common, **prof("ingest")}, 7200),
        ("store", {**common, "max_files": size["store_files"]}, 1800),
        ("scans", {**common, "max_files": size["scan_files"], "size": ns.size}, 1800),
        ("reconcile", {**common, **prof("reconcile")}, 7200),
        ("pandas", {**common}, 1800),
        ("quality", {**common}, 1800),
        ("report", {**common, **size["report"]}, 1800),
        ("sync", {**size["sync"], "stability": 1.0, "workers": 2}, 900),
        ("serve", {**common, **size.get("serve", {})}, 900),
    ]
    only = set(ns.only.split(",")) if ns.only else None
    if only and only & {"quality", "pandas"}:
        only.add("reconcile")  # they read the divergences a full reconcile (at the benchmark's now) left
    if only and "serve" in only:
        only.add("reconcile")  # the server shows the reconciled store
    results: dict[str, Any] = {}
    started = time.perf_counter()
    for name, args, timeout in plan:
        if only and name not in only and name not in ("generate", "ingest"):
            continue
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        results[name] = run_phase(name, args, timeout)
        if not results[name].get("ok"):
            print(f"[bench] {name}: n/a ({results[name].get('reason')})", file=sys.stderr, flush=True)
    meta = {
        "size": ns.size,
        "dossiers": size["dossiers"],
        "seed": ns.seed,
        "divergence_rate": ns.divergence_rate,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    text = table(results)
    print(
        f"dossierlink benchmark, size {ns.size} ({size['dossiers']:,} dossiers), {meta['cpus']} CPUs, "
        f"{meta['total_seconds']} s total"
    )
    print(text)
    (results_dir / f"{ns.size}.md").write_text(markdown(results) + "\n", encoding="utf-8")
    out = Path(ns.output) if ns.output else results_dir / f"{ns.size}.json"
    out.write_text(
        json.dumps({"meta": meta, "phases": results}, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"\nJSON: {out}")
    if not ns.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
