"""PDF bombs, loops and locks: refused by the isolated reader in bounded time and memory, quarantined
when they arrive in an inbox, and a mere warning when an export refers to one."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dossierlink.ingest.adapter import available_adapters

BOMBS = [
    "flate_bomb",
    "nested_arrays",
    "reference_chain",
    "page_tree_cycle",
    "circular_xref",
    "many_pages",
    "encrypted",
    "no_eof",
    "multi_stream_bomb",
]
# pypdf reads these without harm (it breaks the chain or the loop itself): reading may succeed,
# as long as it ends in bounded time and memory.
MAY_BE_READ = {"reference_chain", "circular_xref", "multi_stream_bomb"}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("bomb", BOMBS)
def test_the_isolated_pdf_reader_refuses_a_hostile_pdf_with_a_reason(
    bomb: str, tmp_path: Path, pdfbombs: Any
) -> None:
    from dossierlink.paper import PdfError, read_pdf_isolated

    path = pdfbombs.write(tmp_path / f"{bomb}.pdf", bomb)
    pattern = pdfbombs.BOMBS[bomb][1]
    try:
        summary = read_pdf_isolated(path, timeout_s=45, memory_mb=768)
    except PdfError as exc:
        assert str(path) in str(exc), "the error must name the file"
        assert re.search(pattern, str(exc), flags=re.I), str(exc)
    else:
        assert bomb in MAY_BE_READ, f"{bomb} was read as a good PDF: {summary.page_count} pages"


@pytest.mark.timeout(120)
def test_a_pdf_reader_that_runs_over_time_is_killed_and_the_next_file_still_reads(
    tmp_path: Path, pdfbombs: Any
) -> None:
    from dossierlink.paper import PdfError, read_pdf_isolated

    slow = pdfbombs.write(tmp_path / "traag.pdf", "reference_chain")
    with pytest.raises(PdfError) as info:
        read_pdf_isolated(slow, timeout_s=0.05, memory_mb=768)
    assert info.value.reason == "timeout"
    good = tmp_path / "goed.pdf"
    good.write_bytes(pdfbombs.good_pdf())
    assert read_pdf_isolated(good, timeout_s=60, memory_mb=768).page_count == 1


SCAN = available_adapters().get("scan")


@pytest.mark.timeout(240)
@pytest.mark.skipif(SCAN is None, reason="the scan adapter is not installed yet")
@pytest.mark.parametrize("bomb", BOMBS)
def test_a_hostile_scan_in_an_inbox_is_quarantined_and_earlier_dossiers_survive(
    bomb: str, tmp_path: Path, pdfbombs: Any, baseline: Any, table_counts: Any
) -> None:
    chain, before = baseline
    path = pdfbombs.write(tmp_path / "inbox" / f"{bomb}.pdf", bomb)
    outcome = chain.ingest_file(
        path, adapter="scan", organisation="rechtspraak", medium="paper", reconcile=False
    )
    if bomb in MAY_BE_READ and outcome.status == "ingested":
        return
    assert outcome.status == "quarantined", outcome
    assert re.search(pdfbombs.BOMBS[bomb][1], outcome.reason or "", flags=re.I), outcome.reason
    assert table_counts(chain.path) == before


_EXPORT_CHILD = r"""
import resource, sys, json, dossierlink
chain = dossierlink.open(sys.argv[1])
o = chain.ingest_file(sys.argv[2], root=sys.argv[3], reconcile=False)
payload = " ".join(r[0] for r in chain.db.execute("SELECT payload FROM records WHERE source_id = ?", [o.source_id]))
print(json.dumps({"status": o.status, "reason": o.reason, "payload": payload,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""


@pytest.mark.timeout(180)
@pytest.mark.parametrize(
    "bomb", ["flate_bomb", "nested_arrays", "page_tree_cycle", "many_pages", "encrypted"]
)
def test_a_pdf_bomb_an_export_refers_to_is_a_warning_not_a_lost_export(
    bomb: str, tmp_path: Path, pdfbombs: Any, make: Any, baseline: Any
) -> None:
    import json

    chain, _ = baseline
    inbox = tmp_path / "inbox"
    pdfbombs.write(inbox / "stukken" / "pv.pdf", bomb)
    export = make.politie_csv(inbox / "registraties.csv", [950], bestand="stukken/pv.pdf")
    chain.close()
    proc = subprocess.run(
        [sys.executable, "-c", _EXPORT_CHILD, str(chain.path), str(export), str(inbox)],
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["status"] == "ingested", result["reason"]
    assert "pv.pdf" in result["payload"] and "cannot be read" in result["payload"], "no warning on the record"
    assert result["rss"] < 600, f"reading the referenced {bomb} took {result['rss']} MB in the ingest process"
