"""A daemon killed between recording a rejection and writing its sidecar repairs that at the next start."""

from __future__ import annotations

import json
from pathlib import Path

import dossierlink
from dossierlink.sync.daemon import SyncDaemon

from .conftest import make_config


def test_a_rejection_recorded_just_before_a_kill_gets_its_sidecar_at_the_next_start(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    inbox = config.inboxes[0].path
    bad = inbox / "kapot.csv"
    bad.write_text("dit is geen export\n", encoding="utf-8")
    # What the worker does before the daemon writes the sidecar: the store records the rejection.
    chain = dossierlink.open(config.store_path, config=config)
    outcome = chain.ingest_file(bad, organisation="politie", root=inbox)
    chain.close()
    assert outcome.status == "quarantined"
    quarantine = tmp_path / "quarantaine"
    assert not list(quarantine.rglob("*.error.json"))  # ... and then the daemon was killed

    assert SyncDaemon(config, config.store_path, install_signals=False, once=True).run() == 0
    sidecars = list(quarantine.rglob("*.error.json"))
    assert len(sidecars) == 1
    data = json.loads(sidecars[0].read_text(encoding="utf-8"))
    assert data["original"] == str(bad)
    assert "interrupted run" in data["reason"]
    assert Path(data["copy"]).read_text(encoding="utf-8") == "dit is geen export\n"

    # The next start finds the sidecar and writes no second one.
    assert SyncDaemon(config, config.store_path, install_signals=False, once=True).run() == 0
    assert len(list(quarantine.rglob("*.error.json"))) == 1
