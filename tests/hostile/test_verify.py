"""Fixity: `dossierlink verify` classifies every ingested file as unchanged, changed or missing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest


@pytest.mark.timeout(120)
def test_verify_finds_the_export_that_was_changed_and_the_one_that_disappeared(
    tmp_path: Path, make: Any, quick_cli: Any
) -> None:
    inbox = tmp_path / "inbox"
    kept = make.politie_csv(inbox / "p1" / "registraties.csv", range(6000, 6003))
    changed = make.om_json(inbox / "o1" / "zaken.json", range(6000, 6003))
    gone = make.politie_csv(inbox / "p2" / "registraties.csv", range(6100, 6102))
    db = tmp_path / "keten.db"
    assert quick_cli(["--db", str(db), "ingest", str(inbox)]).returncode == 0
    clean = quick_cli(["--db", str(db), "verify", "--json"])
    assert clean.returncode == 0, clean.stderr
    assert len(json.loads(clean.stdout)["unchanged"]) == 3

    changed.write_text(changed.read_text().replace("Vries6001", "Vries6001x"))
    gone.unlink()
    result = quick_cli(["--db", str(db), "verify", "--json"])
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["unchanged"] == [str(kept)]
    assert report["changed"] == [str(changed)]
    assert report["missing"] == [str(gone)]
    text = quick_cli(["--db", str(db), "verify"])
    assert text.returncode == 1
    assert f"changed: {changed}" in text.stdout and f"missing: {gone}" in text.stdout


@pytest.mark.timeout(60)
def test_verify_on_a_store_that_does_not_exist_is_a_usage_error_and_creates_nothing(
    tmp_path: Path, quick_cli: Any
) -> None:
    result = quick_cli(["--db", str(tmp_path / "geen.db"), "verify"])
    assert result.returncode == 2
    assert not (tmp_path / "geen.db").exists()
