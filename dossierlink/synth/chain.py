"""Synthetic chain generator: realistic Dutch cases through the strafrechtketen, with injected divergences.

``generate_chain(out, dossiers=N, seed=S)`` writes every organisation's export (in the built-in
formats), paper inventories and scans for a fraction of the dossiers, and ``truth.json``: every
divergence it injected, with the dossier's identifiers, the organisation that must act and the
subject. The same arguments give byte-identical output: every dossier draws from its own
``random.Random`` seeded from (seed, index), dates are relative to a fixed ``now``, no wall
clock and no set order reaches the output.

Layout of ``out``::

    truth.json               injected divergences (the answer key)
    manifest.json            counts and the arguments, for the benchmark
    chain/exports/<org>/...                 digital exports, sharded per ``shard_size`` dossiers
    chain/<org>/inhoudsopgave-NNNNN.csv     paper inventories of the OM and the court
    chain/<org>/<parketnummer>/<key>.pdf    scans (the scan adapter's folder convention)
    chain/.documents/politie/<pv>.pdf       digital PDF originals the police CSV refers to
    chain/.documents/om/<key>.pdf           the OM's DMS files of its other stukken (the OM export refers to them)

Ingest ``out/chain`` (with it as root, so folder conventions and references resolve); the
originals sit in a hidden folder so a bulk ingest does not take them for paper scans, and
``truth.json`` stays outside the chain so it is never ingested.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossierlink.synth.cases import plan_case
from dossierlink.synth.exports import write_exports
from dossierlink.synth.model import DIVERGENCE_KINDS, Case, Holding, today
from dossierlink.synth.output import ChainFiles
from dossierlink.synth.paper import write_paper

__all__ = ["GenerateSummary", "generate_chain", "write_shard"]


@dataclass(frozen=True, slots=True)
class GenerateSummary:
    out: Path
    dossiers: int
    files: int
    documents: int
    scans: int
    scan_pages: int
    divergences: int
    by_kind: dict[str, int]


def generate_chain(
    out: str | Path,
    *,
    dossiers: int,
    seed: int = 1,
    divergence_rate: float = 0.1,
    scans: float = 0.02,
    now: dt.date | None = None,
    shard_size: int = 1000,
) -> GenerateSummary:
    """Write a synthetic chain of ``dossiers`` cases under ``out`` (see the module docstring).

    ``now`` is the day the exports are made (default: today, UTC); every date is relative to it,
    and the truth holds when the chain is reconciled on that day. Pass a fixed day
    (``REFERENCE_DAY``) for output that is the same byte for byte on every day.
    """
    if now is None:
        now = today()
    if dossiers < 0:
        raise ValueError(f"--dossiers must be 0 or more, not {dossiers}.")
    if not 0.0 <= divergence_rate <= 1.0:
        raise ValueError(f"--divergence-rate must lie between 0 and 1, not {divergence_rate}.")
    if not 0.0 <= scans <= 1.0:
        raise ValueError(f"--scans must lie between 0 and 1, not {scans}.")
    if shard_size < 1:
        raise ValueError(f"shard size must be at least 1, not {shard_size}.")
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    files = ChainFiles(root / "chain")
    truth: list[dict[str, Any]] = []
    for start in range(0, dossiers, shard_size):
        cases = [
            plan_case(i, seed, divergence_rate=divergence_rate, scans=scans, now=now)
            for i in range(start, min(dossiers, start + shard_size))
        ]
        write_shard(files, start // shard_size + 1, cases, now=now)
        for c in cases:
            truth.extend(c.truth)
    by_kind = {k: 0 for k in DIVERGENCE_KINDS}
    for t in truth:
        by_kind[t["kind"]] += 1
    args = {
        "dossiers": dossiers,
        "seed": seed,
        "divergence_rate": divergence_rate,
        "scans": scans,
        "now": now.isoformat(),
        "shard_size": shard_size,
    }
    _write_json(root / "truth.json", {"version": 1, "generator": args, "divergences": truth})
    summary = GenerateSummary(
        out=root,
        dossiers=dossiers,
        files=files.files,
        documents=files.documents,
        scans=files.scans,
        scan_pages=files.scan_pages,
        divergences=len(truth),
        by_kind=by_kind,
    )
    _write_json(
        root / "manifest.json",
        {
            "version": 1,
            "generator": args,
            "files": files.files,
            "documents": files.documents,
            "scans": files.scans,
            "scan_pages": files.scan_pages,
            "divergences": len(truth),
            "by_kind": by_kind,
            "by_format": dict(sorted(files.by_format.items())),
        },
    )
    return summary


def write_shard(files: ChainFiles, shard: int, cases: list[Case], *, now: dt.date) -> None:
    """Every file of one shard of cases: paper dossiers and scans, then each organisation's export."""
    tag = f"{shard:05d}"
    holdings: dict[str, list[tuple[Case, Holding]]] = {}
    for case in cases:
        for org, hold in case.holdings.items():
            holdings.setdefault(org, []).append((case, hold))
            files.documents += len(hold.digital) + len(hold.paper or ()) + len(hold.scans)
    # Paper first: it decides which digital originals the police CSV refers to.
    write_paper(files, tag, holdings)
    write_exports(files, tag, holdings, now=now)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
