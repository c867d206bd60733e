"""A generated chain, ingested and reconciled, gives exactly the recorded divergences.

Guards every layer at once — generator, adapters, PDF reading, store, payloads, matching, rules
and messages — against unintended change: ``generated_chain_results.json`` holds the sorted
``divergence_to_dict`` lines of a seeded 400-dossier chain (ids, kinds, organisations, messages,
details, times). Regenerate it (run this file as a script) only when a result changes on purpose,
and say why in the commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

from click.testing import CliRunner

import dossierlink
from dossierlink.cli import main
from dossierlink.convert import divergence_to_dict

GOLDEN = Path(__file__).resolve().parent / "generated_chain_results.json"
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
GENERATE = [
    "samples", "generate", "--dossiers", "400", "--seed", "11", "--scans", "0.1",
    "--divergence-rate", "0.3", "--now", "2026-11-27",
]  # fmt: skip


def divergence_lines(work: Path) -> list[str]:
    out = work / "gen"
    result = CliRunner().invoke(main, [*GENERATE, "--out", str(out)])
    assert result.exit_code == 0, result.output
    with dossierlink.open(work / "keten.db") as chain:
        summary = chain.ingest([out / "chain"], now=NOW)
        assert summary.quarantined == 0, [o.reason for o in summary.rejected]
        # Messages name the export file: the work folder differs per run.
        return sorted(
            json.dumps(divergence_to_dict(d), sort_keys=True, ensure_ascii=False, default=str).replace(
                str(work), "<work>"
            )
            for d in chain.divergences()
        )


def test_a_generated_chain_gives_the_recorded_divergences(tmp_path: Path) -> None:
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = divergence_lines(tmp_path)
    assert len(got) == expected["count"]
    missing = sorted(set(expected["lines"]) - set(got))
    extra = sorted(set(got) - set(expected["lines"]))
    assert not missing and not extra, (
        f"{len(missing)} recorded divergences differ, e.g. {missing[:1]} -> {extra[:1]}"
    )
    assert hashlib.sha256("\n".join(got).encode()).hexdigest() == expected["sha256"]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        lines = divergence_lines(Path(tmp))
    data = {
        "count": len(lines),
        "sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest(),
        "lines": lines,
    }
    GOLDEN.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    sys.stdout.write(f"{len(lines)} divergences recorded\n")
