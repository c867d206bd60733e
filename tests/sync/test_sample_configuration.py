"""A new user's first run: the daemon on samples/dossierlink.toml finds what `dossierlink demo` finds.

And a document file an export refers to that cannot be read is no silent gap: the record carries a
warning that `status` and `dossier` show ("1 referenced file not read: outside the inbox root").
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import dossierlink
from dossierlink.demo import run_demo

from .conftest import POLITIE_HEADER, REPO

SAMPLES = REPO / "samples"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dossierlink", *args],
        capture_output=True,
        text=True,
        cwd=str(cwd),
        timeout=240,
        env=dict(os.environ),
    )


def open_divergences(store: Path) -> set[tuple[str, str, str, str]]:
    with dossierlink.open(store) as chain:
        return {
            (d.id, d.kind.value, d.organisation, d.subject)
            for d in chain.divergences()
            if d.status.value == "open"
        }


@pytest.mark.timeout(300)
def test_the_daemon_on_the_sample_configuration_finds_what_the_demo_finds(tmp_path: Path) -> None:
    if not (SAMPLES / "dossierlink.toml").is_file():
        pytest.skip("the bundled samples are not here")
    # A copy: the sample configuration keeps its store beside the samples folder.
    samples = tmp_path / "samples"
    shutil.copytree(SAMPLES, samples)
    run = cli("sync", "--once", "--config", str(samples / "dossierlink.toml"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr + run.stdout
    daemon = open_divergences(tmp_path / ".dossierlink-samples" / "keten.db")

    demo = run_demo(samples, tmp_path / "demo")
    expected = open_divergences(demo.store)

    # 15 from the exports and scans, 2 from the cover-sheet batch scan (samples/STORY.md).
    assert len(expected) == 17
    status = cli("status", "--config", str(samples / "dossierlink.toml"), cwd=tmp_path).stdout
    assert daemon == expected, f"missing {expected - daemon}, extra {daemon - expected}\n{status}"
    assert "referenced file" not in status, status
    # The OM's paper bevindingen differ from the police original: found only with the original read.
    assert any(
        (kind, org, subject) == ("content_mismatch", "om", "document:pv:PL15C3 2023099001-1")
        for _, kind, org, subject in daemon
    ), daemon


@pytest.mark.timeout(300)
def test_a_police_export_whose_document_lies_outside_the_inbox_root_says_so(tmp_path: Path) -> None:
    """The police export points at ../elders/pv.pdf; the inbox has no `root`, so the file is not read."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    elders = tmp_path / "elders"
    elders.mkdir()
    shutil.copy(SAMPLES / "documents" / "politie" / "PL17A1_2023045671-1.pdf", elders / "pv.pdf")
    (inbox / "registraties.csv").write_text(
        POLITIE_HEADER + "PL17A1 2023045671-1;10/600040-23;Proces-verbaal van aangifte;Aangifte;02-03-2023;3;"
        "../elders/pv.pdf;02-03-2023 16:40;Jan;de;Vries;12-04-1990;;;15-03-2023\n",
        encoding="utf-8",
    )
    config = tmp_path / "dossierlink.toml"
    config.write_text(
        '[store]\npath = "store/keten.db"\n[sync]\nquarantine = "store/q"\nstability_seconds = 0.2\n'
        '[[inbox]]\nname = "politie"\npath = "inbox"\nadapter = "politie"\norganisation = "politie"\n'
        'medium = "digital"\n',
        encoding="utf-8",
    )
    run = cli("sync", "--once", "--config", str(config), cwd=tmp_path)
    assert run.returncode == 0, run.stderr + run.stdout

    status = cli("status", "--config", str(config), cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert "1 referenced file not read: outside the inbox root" in status.stdout
    as_json = json.loads(cli("status", "--json", "--config", str(config), cwd=tmp_path).stdout)
    assert as_json["inboxes"][0]["references_not_read"] == {"outside the inbox root": 1}

    dossier = cli("--config", str(config), "dossier", "10/600040-23", cwd=tmp_path)
    assert dossier.returncode == 0, dossier.stderr
    assert "1 referenced file not read: outside the inbox root" in dossier.stdout
    assert "../elders/pv.pdf" in dossier.stdout
    report = cli("--config", str(config), "report", "--lang", "en", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert "1 referenced file not read: outside the inbox root" in report.stdout
    verslag = cli("--config", str(config), "report", "--format", "markdown", cwd=tmp_path)
    assert "1 gekoppeld bestand niet gelezen: buiten de root van de inbox" in verslag.stdout

    # With the folder as the inbox's root the file is read: the warning is gone, the fingerprint there.
    config.write_text(config.read_text(encoding="utf-8") + 'root = "."\n', encoding="utf-8")
    (inbox / "registraties.csv").write_text(
        (inbox / "registraties.csv")
        .read_text(encoding="utf-8")
        .replace("Aangifte;", "Aangifte mishandeling;"),
        encoding="utf-8",
    )
    run = cli("sync", "--once", "--config", str(config), cwd=tmp_path)
    assert run.returncode == 0, run.stderr + run.stdout
    status = cli("status", "--config", str(config), cwd=tmp_path)
    assert "referenced file" not in status.stdout
    with dossierlink.open(tmp_path / "store" / "keten.db") as chain:
        detail = chain.dossier("10/600040-23")
        assert detail is not None
        docs = [d for r in detail.records for d in r.documents]
        assert docs and all(d.fingerprint for d in docs)


def test_a_missing_and_a_broken_referenced_pdf_are_counted_by_reason(tmp_path: Path) -> None:
    from dossierlink.schema import ReferenceProblem, reference_problems, reference_summary

    (tmp_path / "kapot.pdf").write_bytes(b"%PDF-1.4\n geen pdf")
    row = "PL17A1 2023045671-{n};10/600040-23;Proces-verbaal van aangifte;Aangifte;02-03-2023;3;{file};"
    row += "02-03-2023 16:40;Jan;de;Vries;12-04-1990;;;15-03-2023\n"
    export = tmp_path / "registraties.csv"
    export.write_text(
        POLITIE_HEADER + row.format(n=1, file="weg.pdf") + row.format(n=2, file="kapot.pdf"), encoding="utf-8"
    )
    with dossierlink.open(tmp_path / "keten.db") as chain:
        outcome = chain.ingest_file(export, root=tmp_path, reconcile=False)
        assert outcome.status == "ingested", outcome.reason
        detail = chain.dossier("10/600040-23")
        assert detail is not None
    counts = reference_problems(w for r in detail.records for w in r.warnings)
    assert counts == {ReferenceProblem.MISSING: 1, ReferenceProblem.UNREADABLE: 1}
    assert reference_summary(counts) == [
        "1 referenced file not read: missing",
        "1 referenced file not read: unreadable",
    ]
