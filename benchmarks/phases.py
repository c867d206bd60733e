"""Benchmark phases. Each runs in its own process (``python -m benchmarks.phases NAME ARGS_JSON``) and prints JSON.

A phase reports its figures, the same-run comparison they are measured against, and its own
peak RSS (``ru_maxrss`` of the child). A phase whose part of dossierlink is missing raises
:class:`NotAvailable`, and the table shows "n/a (reason)".
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


class NotAvailable(Exception):
    """The part this phase measures is not there (yet)."""


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# --- generate -----------------------------------------------------------------------------


def phase_generate(a: dict[str, Any]) -> dict[str, Any]:
    from dossierlink.generate import generate_chain

    t = time.perf_counter()
    s = generate_chain(
        a["out"], dossiers=a["dossiers"], seed=a["seed"], divergence_rate=a["rate"], scans=a["scans"]
    )
    secs = time.perf_counter() - t
    return {
        "seconds": round(secs, 3),
        "dossiers": s.dossiers,
        "files": s.files,
        "documents": s.documents,
        "scans": s.scans,
        "scan_pages": s.scan_pages,
        "divergences": s.divergences,
        "dossiers_per_s": round(s.dossiers / secs, 1) if secs else None,
    }


# --- ingest -------------------------------------------------------------------------------


def phase_ingest(a: dict[str, Any]) -> dict[str, Any]:
    import dossierlink

    chain = dossierlink.open(a["db"])
    t = time.perf_counter()
    s = chain.ingest([a["chain"]], reconcile=False, now=NOW)
    secs = time.perf_counter() - t
    docs = chain.stats()["documents"]
    rejected = [f"{o.path}: {o.reason}" for o in s.rejected][:5]
    chain.close()
    return {
        "seconds": round(secs, 3),
        "files": s.files,
        "ingested": s.ingested,
        "quarantined": s.quarantined,
        "records": s.records,
        "documents": docs,
        "documents_per_s": round(docs / secs, 1) if secs else None,
        "rejected_examples": rejected,
    }


_RAW_DDL = """
CREATE TABLE sources (id INTEGER PRIMARY KEY, path TEXT, sha256 TEXT, status TEXT, records INTEGER);
CREATE TABLE dossiers (id INTEGER PRIMARY KEY, anchor TEXT);
CREATE TABLE identifiers (kind TEXT, value TEXT, dossier_id INTEGER, PRIMARY KEY (kind, value)) WITHOUT ROWID;
CREATE TABLE records (id INTEGER PRIMARY KEY, source_id INTEGER, dossier_id INTEGER, organisation TEXT,
    medium TEXT, locator TEXT, payload TEXT);
CREATE TABLE documents (id INTEGER PRIMARY KEY, record_id INTEGER, dossier_id INTEGER, organisation TEXT,
    medium TEXT, key TEXT, type TEXT, title TEXT, date TEXT, page_count INTEGER, sha256 TEXT, fingerprint TEXT,
    modified TEXT);
CREATE TABLE persons (id INTEGER PRIMARY KEY, record_id INTEGER, dossier_id INTEGER, organisation TEXT, role TEXT,
    voornamen TEXT, tussenvoegsel TEXT, achternaam TEXT, geboortedatum TEXT, skn TEXT, bsn TEXT);
CREATE TABLE events (id INTEGER PRIMARY KEY, record_id INTEGER, dossier_id INTEGER, organisation TEXT,
    kind TEXT, date TEXT, sender TEXT, receiver TEXT, status TEXT);
CREATE INDEX documents_dossier ON documents(dossier_id);
CREATE INDEX records_dossier ON records(dossier_id);
"""


def phase_store(a: dict[str, Any]) -> dict[str, Any]:
    """Store.add_source on pre-extracted Records vs raw executemany of equivalent rows, one transaction."""
    from dossierlink.adapter import Hints, identify, sha256_file
    from dossierlink.serialize import record_to_dict
    from dossierlink.store import Store

    files = sorted(p for p in Path(a["chain"], "exports").rglob("*") if p.is_file())[
        : a.get("max_files", 400)
    ]
    extracted = []
    for f in files:
        adapter = identify(f)
        sha = sha256_file(f)
        records = list(
            adapter.extract(f, Hints(sha256=sha, root=Path(a["chain"]), options={"read_documents": False}))
        )
        extracted.append((f, sha, adapter.name, adapter.organisation, records))
    n_docs = sum(len(r.documents) for *_, recs in extracted for r in recs)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store.db")
        t = time.perf_counter()
        for f, sha, name, org, records in extracted:
            store.add_source(
                path=str(f),
                sha256=sha,
                size=f.stat().st_size,
                mtime=f.stat().st_mtime,
                adapter=name,
                organisation=org,
                medium="digital",
                records=records,
                now=NOW,
            )
        store_s = time.perf_counter() - t
        store.close()
        # The same rows, prepared beforehand (the store must also serialise): only the writing is timed,
        # so the payload JSON is built inside the timed part as the store does.
        conn = sqlite3.connect(Path(tmp) / "raw.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.executescript(_RAW_DDL)
        t = time.perf_counter()
        conn.execute("BEGIN")
        rid = 0
        did = 0
        src_rows, dossier_rows, ident_rows, rec_rows, doc_rows, person_rows, event_rows = (
            [],
            [],
            [],
            [],
            [],
            [],
            [],
        )
        seen_ident: dict[tuple[str, str], int] = {}
        for sid, (f, sha, _name, _org, records) in enumerate(extracted, 1):
            src_rows.append((sid, str(f), sha, "ingested", len(records)))
            for r in records:
                rid += 1
                keys = [(i.kind.value, i.value) for i in r.linking_identifiers]
                dossier = next((seen_ident[k] for k in keys if k in seen_ident), None)
                if dossier is None:
                    did += 1
                    dossier = did
                    dossier_rows.append((did, None))
                for k in keys:
                    if k not in seen_ident:
                        seen_ident[k] = dossier
                        ident_rows.append((k[0], k[1], dossier))
                payload = json.dumps(record_to_dict(r), ensure_ascii=False, separators=(",", ":"))
                rec_rows.append(
                    (rid, sid, dossier, r.organisation, r.medium.value, r.provenance.locator, payload)
                )
                for d in r.documents:
                    doc_rows.append(
                        (
                            rid,
                            dossier,
                            d.organisation,
                            d.medium.value,
                            d.key,
                            d.type.value,
                            d.title,
                            d.date.isoformat() if d.date else None,
                            d.page_count,
                            d.sha256,
                            d.fingerprint,
                            d.modified.isoformat() if d.modified else None,
                        )
                    )
                for p in r.persons:
                    person_rows.append(
                        (
                            rid,
                            dossier,
                            r.organisation,
                            p.role.value,
                            p.voornamen,
                            p.tussenvoegsel,
                            p.achternaam,
                            p.geboortedatum.isoformat() if p.geboortedatum else None,
                            p.skn,
                            p.bsn,
                        )
                    )
                for e in r.events:
                    event_rows.append(
                        (
                            rid,
                            dossier,
                            e.organisation,
                            e.kind.value,
                            e.date.isoformat(),
                            e.sender,
                            e.receiver,
                            e.status,
                        )
                    )
        conn.executemany("INSERT INTO sources VALUES (?,?,?,?,?)", src_rows)
        conn.executemany("INSERT INTO dossiers VALUES (?,?)", dossier_rows)
        conn.executemany("INSERT INTO identifiers VALUES (?,?,?)", ident_rows)
        conn.executemany("INSERT INTO records VALUES (?,?,?,?,?,?,?)", rec_rows)
        conn.executemany(
            "INSERT INTO documents (record_id, dossier_id, organisation, medium, key, type, title, date, page_count, "
            "sha256, fingerprint, modified) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            doc_rows,
        )
        conn.executemany(
            "INSERT INTO persons (record_id, dossier_id, organisation, role, voornamen, tussenvoegsel, achternaam, "
            "geboortedatum, skn, bsn) VALUES (?,?,?,?,?,?,?,?,?,?)",
            person_rows,
        )
        conn.executemany(
            "INSERT INTO events (record_id, dossier_id, organisation, kind, date, sender, receiver, status) "
            "VALUES (?,?,?,?,?,?,?,?)",
            event_rows,
        )
        conn.execute("COMMIT")
        raw_s = time.perf_counter() - t
        conn.close()
    return {
        "files": len(extracted),
        "records": rid,
        "documents": n_docs,
        "store_seconds": round(store_s, 3),
        "raw_seconds": round(raw_s, 3),
        "store_documents_per_s": round(n_docs / store_s, 1) if store_s else None,
        "raw_documents_per_s": round(n_docs / raw_s, 1) if raw_s else None,
        "ratio": round(raw_s / store_s, 3) if store_s else None,
    }


# --- scans --------------------------------------------------------------------------------


def _bare_pypdf(path: str) -> int:
    from pypdf import PdfReader

    reader = PdfReader(path)
    for page in reader.pages:
        page.extract_text()
    return len(reader.pages)


def _ours(path: str) -> int:
    from dossierlink.paper import read_pdf

    return int(read_pdf(Path(path)).page_count)


def _rate(fn: Callable[[str], int], files: list[str], workers: int) -> tuple[float, int]:
    t = time.perf_counter()
    if workers == 1:
        pages = sum(fn(f) for f in files)
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers) as pool:
            pages = sum(pool.map(fn, files, chunksize=8))
    secs = time.perf_counter() - t
    return (pages / secs if secs else 0.0), pages


def phase_scans(a: dict[str, Any]) -> dict[str, Any]:
    files = sorted(str(p) for p in Path(a["chain"]).rglob("*.pdf") if ".documents" not in p.parts)
    if not files:
        raise NotAvailable("no scans were generated (--scans 0)")
    try:
        from dossierlink.paper import read_pdf  # noqa: F401
    except ImportError as exc:
        raise NotAvailable(f"dossierlink.paper.read_pdf is missing: {exc}") from None
    out: dict[str, Any] = {"files": len(files)}
    for workers in (1, 2):
        bare, pages = _rate(_bare_pypdf, files, workers)
        ours, _ = _rate(_ours, files, workers)
        out[f"w{workers}"] = {
            "pages": pages,
            "bare_pages_per_s": round(bare, 1),
            "ours_pages_per_s": round(ours, 1),
            "ratio": round(ours / bare, 3) if bare else None,
        }
    # The scan adapter end to end (with its isolation worker) on the same files.
    try:
        from dossierlink.adapters.scan import ScanAdapter

        from dossierlink.adapter import Hints, sha256_file

        adapter = ScanAdapter()
        t = time.perf_counter()
        pages = 0
        for f in files:
            for rec in adapter.extract(Path(f), Hints(sha256=sha256_file(Path(f)), root=Path(a["chain"]))):
                pages += sum(d.page_count or 0 for d in rec.documents)
        secs = time.perf_counter() - t
        out["adapter_pages_per_s"] = round(pages / secs, 1) if secs else None
    except Exception as exc:  # the adapter may be missing or broken: say so, keep the rest
        out["adapter_pages_per_s"] = f"n/a ({type(exc).__name__}: {exc})"
    return out


# --- reconcile ----------------------------------------------------------------------------


def phase_reconcile(a: dict[str, Any]) -> dict[str, Any]:
    import dossierlink

    chain = dossierlink.open(a["db"])
    t = time.perf_counter()
    s = chain.reconcile(all=True, now=NOW)
    full = time.perf_counter() - t
    ids = chain.store.live_dossier_ids()
    rng = random.Random(1)
    sample = [rng.choice(ids) for _ in range(min(20, len(ids)))] if ids else []
    times = []
    for d in sample:
        with chain.store.transaction() as conn:
            conn.execute("UPDATE dossiers SET dirty = 1 WHERE id = ?", [d])
        t = time.perf_counter()
        chain.reconcile(now=NOW)  # the dirty dossier only: the incremental path
        times.append(time.perf_counter() - t)
    chain.close()
    return {
        "dossiers": s.dossiers,
        "open_divergences": s.open_total,
        "full_seconds": round(full, 3),
        "per_dossier_ms": round(full / s.dossiers * 1000, 3) if s.dossiers else None,
        "incremental_ms_p50": round(statistics.median(times) * 1000, 2) if times else None,
        "incremental_ms_max": round(max(times) * 1000, 2) if times else None,
    }


def phase_pandas(a: dict[str, Any]) -> dict[str, Any]:
    """The analyst's baseline: missing documents and page-count mismatches by pandas merges."""
    import pandas as pd

    conn = sqlite3.connect(a["db"])
    t = time.perf_counter()
    docs = pd.read_sql_query("SELECT dossier_id, organisation, medium, key, page_count FROM documents", conn)
    digital = docs[docs.medium == "digital"]
    paper = docs[docs.medium == "paper"]
    # Missing at the OM: police documents whose dossier has an OM record but no OM copy.
    pol = digital[digital.organisation == "politie"][["dossier_id", "key"]]
    om = digital[digital.organisation == "om"][["dossier_id", "key"]].assign(at_om=True)
    om_dossiers = om[["dossier_id"]].drop_duplicates()
    pol = pol.merge(om_dossiers, on="dossier_id")
    missing = pol.merge(om, on=["dossier_id", "key"], how="left")
    n_missing = int(missing.at_om.isna().sum())
    # Missing on paper and page counts: each paper holder's digital vs paper copies.
    merged = digital.merge(paper, on=["dossier_id", "organisation", "key"], how="left", suffixes=("_d", "_p"))
    holders = paper[["dossier_id", "organisation"]].drop_duplicates()
    merged = merged.merge(holders, on=["dossier_id", "organisation"])
    n_missing_paper = int(merged.page_count_p.isna().sum())
    both = merged.dropna(subset=["page_count_p", "page_count_d"])
    n_pages = int((both.page_count_p != both.page_count_d).sum())
    secs = time.perf_counter() - t
    conn.close()
    return {
        "seconds": round(secs, 3),
        "missing_at_om": n_missing,
        "missing_paper": n_missing_paper,
        "page_count_mismatch": n_pages,
    }


def phase_quality(a: dict[str, Any]) -> dict[str, Any]:
    from benchmarks.quality import score

    return {"per_kind": score(Path(a["truth"]), Path(a["db"]))}


def phase_report(a: dict[str, Any]) -> dict[str, Any]:
    try:
        from dossierlink.report import make_report
    except ImportError as exc:
        raise NotAvailable(f"dossierlink.report.make_report is missing: {exc}") from None
    from sqlite_utils import Database

    db = Database(a["db"])
    out: dict[str, Any] = {}
    for level, fmt in (
        ("strategic", "text"),
        ("operational", "text"),
        ("strategic", "html"),
        ("operational", "json"),
    ):
        t = time.perf_counter()
        text, _ = make_report(db, level=level, fmt=fmt, now=NOW)
        out[f"{level}_{fmt}_seconds"] = round(time.perf_counter() - t, 3)
        out[f"{level}_{fmt}_bytes"] = len(text.encode())
    return out


def phase_sync(a: dict[str, Any]) -> dict[str, Any]:
    """Latency from a file renamed into an inbox to its source row in the store (``dossierlink sync``)."""
    from dossierlink.generate import generate_chain

    n = int(a.get("files", 20))
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        generate_chain(base / "gen", dossiers=n * 2, seed=99, divergence_rate=0.0, scans=0.0, shard_size=2)
        sources = sorted((base / "gen" / "chain" / "exports" / "politie").glob("*.csv"))[:n]
        inbox = base / "inbox"
        inbox.mkdir()
        stage = base / "stage"
        stage.mkdir()
        db = base / "sync.db"
        cfg = base / "dossierlink.toml"
        cfg.write_text(
            f'[store]\npath = "{db}"\n[sync]\nquarantine = "{base / "q"}"\nstability_seconds = 1\n'
            f'rescan_minutes = 5\nworkers = 1\n[[inbox]]\npath = "{inbox}"\nadapter = "auto"\n'
            'organisation = "politie"\nmedium = "digital"\nmode = "native"\n',
            encoding="utf-8",
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "dossierlink", "--config", str(cfg), "sync"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "DOSSIERLINK_CONFIG": str(cfg)},
        )
        latencies: list[float] = []
        try:
            deadline = time.monotonic() + 20
            while not db.exists() and time.monotonic() < deadline:
                if proc.poll() is not None:
                    raise NotAvailable(
                        f"dossierlink sync exited with {proc.returncode}: "
                        f"{(proc.stderr.read() if proc.stderr else b'').decode()[-300:]}"
                    )
                time.sleep(0.05)
            for src in sources:
                staged = stage / src.name
                staged.write_bytes(src.read_bytes())
                target = inbox / src.name
                t = time.monotonic()
                os.rename(staged, target)
                limit = t + 30
                found = False
                while time.monotonic() < limit:
                    try:
                        c = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
                        row = c.execute("SELECT 1 FROM sources WHERE path = ?", [str(target)]).fetchone()
                        c.close()
                    except sqlite3.Error:
                        row = None
                    if row:
                        latencies.append(time.monotonic() - t)
                        found = True
                        break
                    time.sleep(0.02)
                if not found:
                    raise NotAvailable(f"{target.name} was not ingested within 30 s")
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    latencies.sort()
    return {
        "files": len(latencies),
        "stability_seconds": 1,
        "p50_s": round(latencies[len(latencies) // 2], 3),
        "p95_s": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))], 3),
    }


PHASES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "generate": phase_generate,
    "ingest": phase_ingest,
    "store": phase_store,
    "scans": phase_scans,
    "reconcile": phase_reconcile,
    "pandas": phase_pandas,
    "quality": phase_quality,
    "report": phase_report,
    "sync": phase_sync,
}


def main() -> None:
    name, raw = sys.argv[1], sys.argv[2]
    args = json.loads(raw)
    profile = args.get("profile")
    try:
        if profile:
            from pyinstrument import Profiler

            prof = Profiler()
            prof.start()
            result = PHASES[name](args)
            prof.stop()
            Path(profile).write_text(prof.output_text(unicode=False, color=False), encoding="utf-8")
        else:
            result = PHASES[name](args)
        out = {"ok": True, "result": result}
    except NotAvailable as exc:
        out = {"ok": False, "reason": str(exc)}
    except Exception as exc:
        out = {"ok": False, "reason": f"{type(exc).__name__}: {exc}"}
    out["peak_rss_mb"] = _peak_mb()
    print("BENCH-RESULT " + json.dumps(out))


if __name__ == "__main__":
    main()
