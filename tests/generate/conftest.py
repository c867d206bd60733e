"""Fixtures for the generator tests: one small generated chain per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossierlink.synth import REFERENCE_DAY, generate_chain


@pytest.fixture(scope="session")
def small_chain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("chain")
    generate_chain(
        out, dossiers=120, seed=11, divergence_rate=0.5, scans=0.05, shard_size=50, now=REFERENCE_DAY
    )
    return out
