"""The ingest pipeline is a visible list of named steps, in the order a file goes through them."""

from __future__ import annotations

from pathlib import Path

import dossierlink
from dossierlink.ingest.pipeline import STEPS, IngestOptions, ingest_file


def test_the_steps_read_as_the_pipeline() -> None:
    assert [step.__name__ for step in STEPS] == [
        "preflight",
        "skip_unchanged",
        "hash_content",
        "skip_duplicate",
        "choose_adapter",
        "extract_records",
        "protect",
        "store_records",
    ]
    assert all(step.__doc__ for step in STEPS)


def test_a_file_goes_through_every_step_once_and_then_is_skipped(tmp_path: Path, samples: Path) -> None:
    chain = dossierlink.open(tmp_path / "store.db")
    export = samples / "dji" / "detenties.csv"
    first = ingest_file(chain.store, export, IngestOptions())
    assert (first.status, first.adapter, first.records) == ("ingested", "dji", 2)
    again = ingest_file(chain.store, export, IngestOptions())
    assert (again.status, again.reason) == ("skipped", "unchanged since it was last read")
