"""Fixtures for the adapter tests: paths to the samples, the shared corpus and an extract helper."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dossierlink.ingest.adapter import Adapter, Hints, get_adapter, sha256_file
from dossierlink.schema import Record

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def samples() -> Path:
    return REPO / "samples" / "exports"


@pytest.fixture
def corpus() -> Path:
    path = REPO.parent / "shared" / "corpus"
    if not path.is_dir():
        pytest.skip("the shared corpus (../shared/corpus) is absent")
    return path


@pytest.fixture
def extract() -> Callable[..., list[Record]]:
    def run(adapter: str | Adapter, path: Path, **hints: Any) -> list[Record]:
        a = get_adapter(adapter) if isinstance(adapter, str) else adapter
        hints.setdefault("sha256", sha256_file(path) if path.is_file() else "")
        return list(a.extract(path, Hints(**hints)))

    return run
