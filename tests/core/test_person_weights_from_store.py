"""The chain's own store teaches person matching: name frequencies and EM-estimated weights, defaults when small."""

from __future__ import annotations

import datetime as dt
import types
from pathlib import Path

from click.testing import CliRunner

import dossierlink
from dossierlink.cli import main
from dossierlink.reconcile import ReconcileConfig
from dossierlink.store.person_weights import estimate_from_store

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
REPO = Path(__file__).resolve().parents[2]


def _config(estimate: bool) -> types.SimpleNamespace:
    return types.SimpleNamespace(
        sections={"reconcile": {"estimate_person_weights": estimate}}, store_path=None
    )


def test_a_small_store_keeps_the_default_weights_but_learns_its_name_frequencies(tmp_path: Path) -> None:
    with dossierlink.open(tmp_path / "keten.db") as chain:
        chain.ingest([REPO / "samples" / "exports"], now=NOW)
        default = ReconcileConfig()
        weights = estimate_from_store(chain.store, default)
        assert weights.surname == default.person_weights.surname
        assert weights.prior == default.person_weights.prior
        assert weights.surname_frequencies and abs(sum(weights.surname_frequencies.values()) - 1) < 1e-9


def test_a_generated_chain_reconciled_with_weights_from_its_own_store_finds_the_same_divergences(
    tmp_path: Path,
) -> None:
    out = tmp_path / "gen"
    args = ["samples", "generate", "--dossiers", "150", "--seed", "3", "--scans", "0", "--now", "2026-11-27"]
    result = CliRunner().invoke(main, [*args, "--divergence-rate", "0.3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    found = {}
    for estimate in (False, True):
        with dossierlink.open(tmp_path / f"keten-{estimate}.db", config=_config(estimate)) as chain:
            chain.ingest([out / "chain"], now=NOW)
            cfg = chain.reconcile_config()
            found[estimate] = sorted(
                (d.kind.value, d.organisation, d.subject, d.found) for d in chain.divergences()
            )
            if estimate:
                learnt = cfg.person_weights
                # Enough registrations to learn from: the prior and the threshold are the store's.
                assert learnt.prior != ReconcileConfig().person_weights.prior
                assert cfg.person_threshold == learnt.threshold_for(cfg.person_match_probability)
                assert learnt.surname_frequencies
    assert found[True] == found[False]
    assert any(kind == "person_conflict" for kind, *_ in found[True])
