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
    """Peak RSS of this phase: its own process, or a (waited-for) child's if larger (pools, daemons)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


# --- generate -----------------------------------------------------------------------------


def phase_generate(a: dict[str, Any]) -> dict[str, Any]:
    from dossierlink.synth import generate_chain

    t = time.perf_counter()
    # The fixed day every phase reconciles on: the same chain, and the same truth, on every day.
    s = generate_chain(
        a["out"],
        dossiers=a["dossiers"],
        seed=a["seed"],
        divergence_rate=a["rate"],
        scans=a["scans"],
        now=NOW.date(),
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
    from dossierlink.convert import record_to_dict
    from dossierlink.ingest.adapter import Hints, identify, sha256_file
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
    try:  # the scan engineer's own benchmark, when it is there
        from benchmarks import scan_bench
    except ImportError:
        scan_bench = None  # type: ignore[assignment]
    if scan_bench is not None and hasattr(scan_bench, "run"):
        return {"rows": list(scan_bench.run(a.get("size", "small")))}
    files = sorted(str(p) for p in Path(a["chain"]).rglob("*.pdf") if ".documents" not in p.parts)
    files = files[: a.get("max_files", len(files))]
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

        from dossierlink.ingest.adapter import Hints, sha256_file

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


def _full(path: Path, workers: int) -> dict[str, Any]:
    import dossierlink

    chain = dossierlink.open(path)
    t = time.perf_counter()
    s = chain.reconcile(all=True, now=NOW, workers=workers)
    secs = time.perf_counter() - t
    chain.close()
    return {
        "dossiers": s.dossiers,
        "open_divergences": s.open_total,
        "seconds": round(secs, 3),
        "per_dossier_ms": round(secs / s.dossiers * 1000, 3) if s.dossiers else None,
    }


def _breakdown(path: Path, sample: int = 5_000) -> dict[str, Any]:
    """Where one worker's time goes, per dossier, on the first ``sample`` dossiers (CPU seconds):
    loading records, canonical order, shared context (matching, persons), the 13 rules; and a
    pure-Python CPU control loop, so a slow machine shows as such in the same run."""
    import gc

    import dossierlink
    from dossierlink.reconcile.engine import build_context
    from dossierlink.reconcile.rules import RULES

    chain = dossierlink.open(path, create=False)
    config = chain.reconcile_config()
    ids = chain.store.live_dossier_ids()[:sample]
    clock = time.process_time
    spent = {"load": 0.0, "canonical": 0.0, "context": 0.0, "rules": 0.0}
    gc.disable()  # as in the workers: no cyclic collection inside a batch
    try:
        for i in range(0, len(ids), 500):
            t = clock()
            views = chain.store.dossier_views(ids[i : i + 500])  # read in canonical order
            spent["load"] += clock() - t
            for view in views.values():
                t0 = clock()
                view = view.canonical()
                t1 = clock()
                ctx = build_context(view, config, NOW)
                t2 = clock()
                for rule in RULES:
                    for _ in rule(view, ctx):
                        pass
                t3 = clock()
                spent["canonical"] += t1 - t0
                spent["context"] += t2 - t1
                spent["rules"] += t3 - t2
            gc.collect()
    finally:
        gc.enable()
    chain.close()
    t = clock()
    x = 0
    for i in range(3_000_000):
        x += i & 7
    control = clock() - t
    n = max(1, len(ids))
    return {
        "dossiers": len(ids),
        **{f"{k}_ms": round(v / n * 1000, 4) for k, v in spent.items()},
        "total_ms": round(sum(spent.values()) / n * 1000, 4),
        "cpu_control_seconds": round(control, 3),
    }


def phase_reconcile(a: dict[str, Any]) -> dict[str, Any]:
    """Full reconcile with 1 and with 2 worker processes (each from the same ingested store), then
    the incremental reconcile of one touched dossier in the reconciled store of that size."""
    import shutil

    import dossierlink

    db = Path(a["db"])
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    copy = db.with_name(db.stem + "-w2.db")
    shutil.copyfile(db, copy)  # the 2-worker run starts from the same unreconciled store
    try:
        w1 = _full(db, 1)
        w2 = _full(copy, 2)
    finally:
        for p in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
            p.unlink(missing_ok=True)
    breakdown = _breakdown(db)
    chain = dossierlink.open(db)
    ids = chain.store.live_dossier_ids()
    rng = random.Random(1)
    sample = [rng.choice(ids) for _ in range(min(30, len(ids)))] if ids else []
    times = []
    for d in sample:
        with chain.store.transaction() as c:
            c.execute("UPDATE dossiers SET dirty = 1 WHERE id = ?", [d])
        t = time.perf_counter()
        chain.reconcile(now=NOW)  # the dirty dossier only: the incremental path
        times.append(time.perf_counter() - t)
    chain.close()
    return {
        "dossiers": w1["dossiers"],
        "open_divergences": w1["open_divergences"],
        "w1": w1,
        "w2": w2,
        "breakdown": breakdown,
        "full_seconds": w1["seconds"],
        "per_dossier_ms": w1["per_dossier_ms"],
        "incremental_ms_p50": round(statistics.median(times) * 1000, 2) if times else None,
        "incremental_ms_p95": round(_pct(times, 0.95) * 1000, 2) if times else None,
        "incremental_ms_max": round(max(times) * 1000, 2) if times else None,
    }


def phase_pandas(a: dict[str, Any]) -> dict[str, Any]:
    """The analyst's baseline: missing documents and page-count mismatches by pandas merges.

    It reads the same store's ``documents`` table (the read is timed, as our reconcile's is) and
    runs the two checks; beside it, what our reconcile found of those kinds in the same store.
    """
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
    ours = dict(
        conn.execute(
            "SELECT kind, count(*) FROM divergences WHERE status IN ('open', 'acknowledged') "
            "AND kind IN ('missing_digital', 'missing_paper', 'page_count_mismatch', 'pages_missing') "
            "GROUP BY kind"
        ).fetchall()
    )
    conn.close()
    return {
        "seconds": round(secs, 3),
        "documents": len(docs),
        "missing_at_om": n_missing,
        "missing_paper": n_missing_paper,
        "page_count_mismatch": n_pages,
        "ours": ours,
    }


def phase_quality(a: dict[str, Any]) -> dict[str, Any]:
    from benchmarks.quality import score

    return {"per_kind": score(Path(a["truth"]), Path(a["db"]))}


def _report_store(template: Path, target: Path, dossiers: int, open_divergences: int) -> dict[str, Any]:
    """A store of ``dossiers`` dossiers with ``open_divergences`` open divergences, by direct inserts.

    The rows are copies of the reconciled benchmark store's (its dossiers, their organisations'
    records, identifiers made unique per copy, their real open divergences spread evenly), so the
    report sees realistic kinds, messages and organisations. Only what the report reads is filled:
    dossiers, identifiers, records (organisation and medium; payload ``{}``), divergences, runs.
    """
    from dossierlink.store import Store

    Store(target).close()  # the schema
    src = sqlite3.connect(template)
    live = [r[0] for r in src.execute("SELECT id FROM dossiers WHERE merged_into IS NULL ORDER BY id")]
    idents: dict[int, list[tuple[str, str]]] = {}
    for d, kind, value in src.execute("SELECT dossier_id, kind, value FROM identifiers"):
        idents.setdefault(d, []).append((kind, value))
    orgs: dict[int, list[tuple[str, str]]] = {}
    for d, org, medium in src.execute("SELECT DISTINCT dossier_id, organisation, medium FROM records"):
        orgs.setdefault(d, []).append((org, medium))
    cur = src.execute("SELECT * FROM divergences WHERE status IN ('open', 'acknowledged')")
    columns = [c[0] for c in cur.description]
    divs: dict[int, list[tuple[Any, ...]]] = {}
    for row in cur:
        divs.setdefault(row[columns.index("dossier_id")], []).append(row)
    runs = src.execute("SELECT * FROM runs WHERE finished_at IS NOT NULL ORDER BY id").fetchall()
    src.close()
    if not live or not divs:
        raise NotAvailable("the benchmark store has no reconciled dossiers to copy")
    t = time.perf_counter()
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO sources (id, path, status, first_seen) VALUES (1, 'synthetic', 'ingested', ?)",
        [NOW.isoformat()],
    )
    id_col, dossier_col = columns.index("id"), columns.index("dossier_id")
    placeholders = ",".join("?" * len(columns))
    n_div = 0
    rows_d, rows_i, rows_r, rows_v = [], [], [], []
    for i in range(dossiers):
        t_id = live[i % len(live)]
        copy_no = i // len(live)
        new_id = i + 1
        rows_d.append((new_id, NOW.isoformat(), 0, NOW.isoformat()))
        for kind, value in idents.get(t_id, []):
            rows_i.append((kind, value if copy_no == 0 else f"{value}~{copy_no}", new_id))
        for org, medium in orgs.get(t_id, []):
            rows_r.append((1, new_id, org, medium, "{}"))
        if n_div < open_divergences * (i + 1) / dossiers:
            for row in divs.get(t_id, []):
                r = list(row)
                r[id_col] = f"{row[id_col]}~{copy_no}"
                r[dossier_col] = new_id
                rows_v.append(tuple(r))
                n_div += 1
    conn.executemany("INSERT INTO dossiers (id, created_at, dirty, reconciled_at) VALUES (?,?,?,?)", rows_d)
    conn.executemany("INSERT OR IGNORE INTO identifiers (kind, value, dossier_id) VALUES (?,?,?)", rows_i)
    conn.executemany(
        "INSERT INTO records (source_id, dossier_id, organisation, medium, payload) VALUES (?,?,?,?,?)",
        rows_r,
    )
    conn.executemany(f"INSERT INTO divergences ({','.join(columns)}) VALUES ({placeholders})", rows_v)
    if runs:
        n = len(runs[0])
        conn.executemany(f"INSERT INTO runs VALUES ({','.join('?' * n)})", runs)
        conn.execute(
            "UPDATE runs SET dossiers_total = ?, open_divergences = ? WHERE id = (SELECT max(id) FROM runs)",
            [dossiers, n_div],
        )
    conn.execute("COMMIT")
    conn.close()
    return {
        "dossiers": dossiers,
        "open_divergences": n_div,
        "records": len(rows_r),
        "build_seconds": round(time.perf_counter() - t, 3),
    }


def phase_report(a: dict[str, Any]) -> dict[str, Any]:
    """Strategic and operational reports (text, html, json) on a store of the issue's size."""
    try:
        from dossierlink.report import make_report
    except ImportError as exc:
        raise NotAvailable(f"dossierlink.report.make_report is missing: {exc}") from None
    from sqlite_utils import Database

    target = Path(a["db"]).with_name("report.db")
    for p in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        p.unlink(missing_ok=True)
    out: dict[str, Any] = {
        "store": _report_store(Path(a["db"]), target, int(a["dossiers"]), int(a["divergences"]))
    }
    db = Database(target)
    for level, fmt in (
        ("strategic", "text"),
        ("operational", "text"),
        ("strategic", "html"),
        ("operational", "html"),
        ("operational", "json"),
    ):
        t = time.perf_counter()
        text, _ = make_report(db, level=level, fmt=fmt, now=NOW)
        out[f"{level}_{fmt}_seconds"] = round(time.perf_counter() - t, 3)
        out[f"{level}_{fmt}_bytes"] = len(text.encode())
    db.close()
    return out


_POLITIE_HEADER = (
    "PV-nummer;Parketnummer;Soort document;Titel;Datum document;Aantal pagina's;Bestand;Laatst gewijzigd;"
    "Voornamen verdachte;Tussenvoegsel verdachte;Achternaam verdachte;Geboortedatum verdachte;BSN verdachte;"
    "SKN verdachte;Datum inzending OM\n"
)
_SOORTEN = (
    "Proces-verbaal van aangifte",
    "Proces-verbaal van verhoor verdachte",
    "Proces-verbaal van bevindingen",
)


def _politie_export(i: int) -> str:
    """A police export of one made-up case: three PVs (distinct content and size per ``i``)."""
    rows = [
        f"PL17A1 2024{i:06d}-{m};10/{600000 + i:06d}-24;{soort};{soort.split()[-1].title()} zaak {i}{'.' * (i % 7)};"
        f"0{m}-03-2024;{2 + m};;0{m}-03-2024 16:40;Jan;de;Vries;12-04-1990;;;15-03-2024\n"
        for m, soort in enumerate(_SOORTEN, 1)
    ]
    return _POLITIE_HEADER + "".join(rows)


def _sync_config(base: Path, inboxes: int, stability: float, workers: int) -> Path:
    lines = [
        "[store]",
        f'path = "{base / "sync.db"}"',
        "[sync]",
        f'quarantine = "{base / "quarantaine"}"',
        f"stability_seconds = {stability}",
        "rescan_minutes = 5",
        f"workers = {workers}",
    ]
    for i in range(inboxes):
        (base / f"inbox{i}").mkdir()
        lines += [
            "[[inbox]]",
            f'path = "{base / f"inbox{i}"}"',
            'organisation = "politie"',
            'mode = "native"',
        ]
    cfg = base / "dossierlink.toml"
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


class _Daemon:
    """``python -m dossierlink sync --log-format json`` in a child process, its log parsed as it grows."""

    def __init__(self, cfg: Path, log: Path) -> None:
        self.log = log
        self.started = time.time()
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "dossierlink", "sync", "--log-format", "json", "--config", str(cfg)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def events(self, event: str) -> dict[str, float]:
        found: dict[str, float] = {}
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("{") and f'"{event}"' in line:
                body = json.loads(line)
                if body.get("event") == event:
                    found[Path(body.get("path", "")).name] = dt.datetime.fromisoformat(
                        body["time"]
                    ).timestamp()
        return found

    def wait(self, event: str, n: int, timeout: float) -> dict[str, float]:
        deadline = time.monotonic() + timeout
        while True:
            found = self.events(event)
            if len(found) >= n:
                return found
            if self.proc.poll() is not None:
                tail = self.log.read_text(errors="replace")[-300:]
                raise NotAvailable(f"dossierlink sync exited with {self.proc.returncode}: {tail}")
            if time.monotonic() > deadline:
                raise NotAvailable(
                    f"{len(found)} of {n} '{event}' log lines after {timeout:.0f} s; see {self.log}"
                )
            time.sleep(0.05)

    def ready(self, timeout: float = 60) -> float:
        """Seconds from the process start to its workers being up (the ``ready`` line; else ``watching``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in ("ready",):
                got = self.events(event)
                if got:
                    return max(got.values()) - self.started
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        watching = self.wait("watching", 1, 5)  # an older daemon without the ready line
        time.sleep(3)
        return max(watching.values()) + 3 - self.started

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def phase_sync(a: dict[str, Any]) -> dict[str, Any]:
    """``dossierlink sync``: latency rename → ingested and reconciled, a burst's throughput, idle CPU.

    The end point is the daemon's ``ingested`` log line: ``Chain.ingest_file`` has stored the file
    and committed the incremental reconcile of its dossiers (the divergences) before it returns,
    so the line's time is an upper bound on "divergences in the store".
    """
    import psutil

    stability = float(a.get("stability", 1.0))
    workers = int(a.get("workers", 2))
    spaced = int(a.get("latency_files", 20))
    burst = int(a.get("burst", 200))
    idle_inboxes = int(a.get("idle_inboxes", 10))
    idle_seconds = float(a.get("idle_seconds", 5))
    out: dict[str, Any] = {"stability_seconds": stability, "workers": workers}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "one"
        base.mkdir()
        stage = base / "stage"  # same filesystem as the inbox: os.rename is atomic
        stage.mkdir()
        cfg = _sync_config(base, 1, stability, workers)
        inbox = base / "inbox0"
        daemon = _Daemon(cfg, base / "daemon.log")
        try:
            out["startup_s"] = round(daemon.ready(), 3)
            # 1. Files arriving one at a time (0.3 s apart): the latency a sender sees.
            renamed: dict[str, float] = {}
            for i in range(spaced):
                name = f"spaced{i:05d}.csv"
                (stage / name).write_text(_politie_export(i), encoding="utf-8")
                renamed[name] = time.time()
                os.rename(stage / name, inbox / name)
                time.sleep(0.3)
            done = daemon.wait("ingested", spaced, 60 + 2 * spaced)
            lat = [done[n] - renamed[n] for n in renamed]
            out["files"] = spaced
            out["p50_s"] = round(statistics.median(lat), 3)
            out["p95_s"] = round(_pct(lat, 0.95), 3)
            out["max_s"] = round(max(lat), 3)
            # 2. A burst: every file renamed in at once.
            names = [f"burst{i:05d}.csv" for i in range(burst)]
            for i, name in enumerate(names):
                (stage / name).write_text(_politie_export(100_000 + i), encoding="utf-8")
            burst_renamed: dict[str, float] = {}
            for name in names:
                burst_renamed[name] = time.time()
                os.rename(stage / name, inbox / name)
            first = min(burst_renamed.values())
            done = daemon.wait("ingested", spaced + burst, 120 + burst)
            blat = [done[n] - burst_renamed[n] for n in names]
            span = max(done[n] for n in names) - first
            out["burst_files"] = burst
            out["burst_seconds"] = round(span, 3)
            out["burst_files_per_s"] = round(burst / span, 1) if span else None
            out["burst_p50_s"] = round(statistics.median(blat), 3)
            out["burst_p95_s"] = round(_pct(blat, 0.95), 3)
            p = psutil.Process(daemon.proc.pid)
            family = [p, *p.children(recursive=True)]
            out["daemon_rss_mb"] = round(sum(x.memory_info().rss for x in family) / 2**20, 1)
            out["processes"] = len(family)
        finally:
            daemon.stop()
        # 3. Idle CPU: N native inboxes, nothing arriving.
        base = Path(tmp) / "idle"
        base.mkdir()
        cfg = _sync_config(base, idle_inboxes, 5.0, workers)
        daemon = _Daemon(cfg, base / "daemon.log")
        try:
            daemon.ready()
            time.sleep(1.0)  # the first scans are over
            p = psutil.Process(daemon.proc.pid)
            family = [p, *p.children(recursive=True)]
            before = sum(sum(x.cpu_times()[:2]) for x in family)
            time.sleep(idle_seconds)
            after = sum(sum(x.cpu_times()[:2]) for x in family)
        finally:
            daemon.stop()
        out["idle_inboxes"] = idle_inboxes
        out["idle_seconds"] = idle_seconds
        out["idle_cpu_s"] = round(after - before, 4)
        out["idle_cpu_pct"] = round(100 * (after - before) / idle_seconds, 3)
    return out


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
    "serve": lambda a: __import__("benchmarks.serve_bench", fromlist=["phase_serve"]).phase_serve(a),
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
