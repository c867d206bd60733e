"""Shared fixtures: where the real-world corpus lives, and a clean store per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"

# A fixed example budget in CI; HYPOTHESIS_PROFILE=nightly for a long run (docs/reliability.md).
settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("nightly", max_examples=20_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    return CORPUS


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "keten.db"
