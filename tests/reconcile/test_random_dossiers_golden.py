"""Odd random dossiers give the recorded divergences: no change to matching or rules goes unnoticed.

``random_dossiers_golden.json`` holds, per random dossier (seeded, from
``test_robustness.random_record``), a digest of every divergence as ``divergence_to_dict`` renders
it. Regenerate it (run this file as a script) only when a rule or the matching changes on purpose.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import random
from pathlib import Path
from types import ModuleType

from dossierlink.convert import divergence_to_dict
from dossierlink.reconcile import DossierView, ReconcileConfig, reconcile_dossier

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "random_dossiers_golden.json"
CASES = 300


def _robustness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_reconcile_robustness", HERE / "test_robustness.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def digests() -> list[str]:
    make = _robustness().random_record
    rng = random.Random(20261127)
    cfg = ReconcileConfig()
    out = []
    for case in range(CASES):
        records = [make(rng, i) for i in range(rng.randint(0, 7))]
        now = rng.choice([dt.datetime(2024, 6, 1), dt.datetime(2024, 6, 1, tzinfo=dt.UTC)])
        found = reconcile_dossier(DossierView(case, (), records), cfg, now)
        text = json.dumps([divergence_to_dict(d) for d in found], sort_keys=True, default=str)
        out.append(hashlib.sha256(text.encode()).hexdigest()[:16])
    return out


def test_odd_random_dossiers_give_the_recorded_divergences() -> None:
    expected = json.loads(GOLDEN.read_text())
    got = digests()
    differing = [i for i, (a, b) in enumerate(zip(expected, got, strict=True)) if a != b]
    assert not differing, f"dossiers with other divergences than recorded: {differing[:20]}"


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(digests(), indent=0) + "\n")
