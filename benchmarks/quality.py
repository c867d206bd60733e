"""Detection quality: match the store's divergences to the generator's truth.json, precision and recall per kind.

Matching (also in docs/performance.md): a store divergence D and a truth entry T match when

- ``D.kind == T.kind`` and ``D.organisation == T.organisation`` (who must act is part of the answer);
- D's dossier holds one of T's case identifiers (parketnummer or a PV number), or, for an
  unreadable scan that could not be tied to a dossier, D names T's scan file;
- the subject agrees: documents by normalised key (``document:pv:<PV>`` / ``document:nr:<KEY>``),
  persons by ``person:``, handovers by the ``sender->receiver`` pair, statuses by
  ``:<organisation>:``; an unreadable scan by kind, organisation and dossier alone (or its file).

Each truth entry is matched at most once. A store divergence that matches no entry is a false
positive for its kind, except when it matches an entry's ``tolerated`` kinds (a scan that lost a
page is also shorter than the original: a page_count_mismatch beside the pages_missing is fair).
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any

from dossierlink.synth import DIVERGENCE_KINDS

KINDS = DIVERGENCE_KINDS  # the generator injects exactly the schema's kinds


def _subject_matches(truth: dict[str, Any], div: dict[str, Any]) -> bool:
    subject = str(div["subject"])
    want = str(truth["subject"])
    if want.startswith(("pv:", "nr:")):
        kind, _, value = want.partition(":")
        if truth["kind"] == "unreadable_scan":
            # Kind, organisation and dossier (or the scan's file) already agree: a scan is one
            # problem whatever its subject says (the file's hash, or a document key inside it).
            return True
        if truth["kind"] == "identifier_conflict":
            # The rule names the PV registration (without mutation) that sits under two parketnummers.
            return subject.startswith("identifier:") and value.partition("-")[0] in subject
        return subject == f"document:{kind}:{value.upper() if kind == 'nr' else value}"
    if want.startswith("person:"):
        return subject.startswith("person:")
    if want.startswith("handover:"):
        return subject.endswith(":" + want.split(":", 1)[1])
    if want == "status":
        return f":{truth['organisation']}:" in subject
    return subject == want


def load_store_divergences(db: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    idents: dict[int, set[str]] = defaultdict(set)
    for row in conn.execute("SELECT kind, value, dossier_id FROM identifiers"):
        idents[int(row["dossier_id"])].add(f"{row['kind']}:{row['value']}")
    out = []
    for row in conn.execute(
        "SELECT id, dossier_id, kind, organisation, subject, details FROM divergences WHERE status != 'resolved'"
    ):
        out.append(
            {
                "id": row["id"],
                "kind": row["kind"],
                "organisation": row["organisation"],
                "subject": row["subject"],
                "details": json.loads(row["details"]) if row["details"] else {},
                "ids": idents.get(int(row["dossier_id"]), set()),
            }
        )
    conn.close()
    return out


def score(truth_path: Path, db: Path) -> dict[str, Any]:
    """Per kind: truth count, found, true positives, false positives, precision, recall."""
    truth = json.loads(truth_path.read_text(encoding="utf-8"))["divergences"]
    divs = load_store_divergences(db)
    # Index truth by identifier for speed.
    by_ident: dict[str, list[int]] = defaultdict(list)
    by_file: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(truth):
        for ident in t["identifiers"]:
            by_ident[f"{ident['kind']}:{ident['value']}"].append(i)
        if t.get("details", {}).get("file"):
            by_file[Path(t["details"]["file"]).name].append(i)
    matched: set[int] = set()
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    tolerated: dict[str, int] = defaultdict(int)
    fp_examples: dict[str, list[str]] = defaultdict(list)
    for d in divs:
        candidates: set[int] = set()
        for ident in d["ids"]:
            candidates.update(by_ident.get(ident, ()))
        path = str((d["details"] or {}).get("path") or "")
        if path:
            for i in by_file.get(Path(path).name, ()):
                if path.replace("\\", "/").endswith(truth[i]["details"]["file"]):
                    candidates.add(i)
        hit = None
        soft = False
        for i in sorted(candidates):
            t = truth[i]
            if t["organisation"] != d["organisation"] or not _subject_matches(t, d):
                continue
            if t["kind"] == d["kind"] and i not in matched:
                hit = i
                break
            if d["kind"] in t.get("tolerated", ()):
                soft = True
        if hit is not None:
            matched.add(hit)
            tp[d["kind"]] += 1
        elif soft:
            tolerated[d["kind"]] += 1
        else:
            fp[d["kind"]] += 1
            if len(fp_examples[d["kind"]]) < 3:
                fp_examples[d["kind"]].append(f"{d['organisation']} {d['subject']}")
    per_kind: dict[str, Any] = {}
    for kind in KINDS:
        n_truth = sum(1 for t in truth if t["kind"] == kind)
        t_p, f_p = tp[kind], fp[kind]
        per_kind[kind] = {
            "truth": n_truth,
            "true_positives": t_p,
            "false_positives": f_p,
            "tolerated": tolerated[kind],
            "precision": round(t_p / (t_p + f_p), 4) if t_p + f_p else None,
            "recall": round(t_p / n_truth, 4) if n_truth else None,
            "false_positive_examples": fp_examples[kind],
        }
    return per_kind
