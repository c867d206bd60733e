"""A generated chain scored on the day it was made has no stale-truth false positives, on any day.

`dossierlink samples generate` used to make its exports on a fixed day (2026-11-27): scored on any
later day, handovers that were inside their term had become overdue, and the quality score counted
them as false positives. Without ``--now`` the exports are made today (UTC).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import dossierlink
from benchmarks.quality import score
from dossierlink.synth import REFERENCE_DAY, generate_chain

SIZE = {"dossiers": 200, "seed": 3, "divergence_rate": 0.5, "scans": 0.02}


def false_positives(out: Path, now: dt.datetime | None) -> dict[str, list[str]]:
    """Ingest and reconcile the generated chain at ``now`` (None: the clock), then score it."""
    with dossierlink.open(out / "keten.db") as chain:
        chain.ingest([out / "chain"], reconcile=False, now=now)
        chain.reconcile(all=True, now=now)
    per_kind: dict[str, Any] = score(out / "truth.json", out / "keten.db")
    return {k: v["false_positive_examples"] for k, v in per_kind.items() if v["false_positives"]}


@pytest.mark.timeout(300)
def test_a_chain_generated_without_now_is_right_when_scored_today(tmp_path: Path) -> None:
    from dossierlink.cli.samples import samples_group

    out = tmp_path / "vandaag"
    args = ["generate", "--dossiers", str(SIZE["dossiers"]), "--seed", str(SIZE["seed"])]
    args += [
        "--divergence-rate",
        str(SIZE["divergence_rate"]),
        "--scans",
        str(SIZE["scans"]),
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(samples_group, args)
    assert result.exit_code == 0, result.output
    generated = json.loads((out / "truth.json").read_text(encoding="utf-8"))["generator"]["now"]
    assert generated == dt.datetime.now(dt.UTC).date().isoformat()
    assert false_positives(out, None) == {}


@pytest.mark.timeout(300)
def test_a_chain_made_for_a_later_day_is_right_on_that_day_and_a_reference_day_chain_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same seed, scored 120 days after the reference day: generated for that day it holds;
    generated for the reference day its handovers inside their term have become overdue."""
    later = REFERENCE_DAY + dt.timedelta(days=120)
    at_noon = dt.datetime.combine(later, dt.time(12), tzinfo=dt.UTC)
    monkeypatch.setattr("dossierlink.synth.chain.today", lambda: later)
    generate_chain(tmp_path / "later", **SIZE)  # type: ignore[arg-type]
    assert json.loads((tmp_path / "later" / "truth.json").read_text(encoding="utf-8"))["generator"][
        "now"
    ] == (later.isoformat())
    assert false_positives(tmp_path / "later", at_noon) == {}

    generate_chain(tmp_path / "stale", now=REFERENCE_DAY, **SIZE)  # type: ignore[arg-type]
    stale = false_positives(tmp_path / "stale", at_noon)
    assert set(stale) == {"handover_missing"}, "a chain made for another day scores stale handovers"
