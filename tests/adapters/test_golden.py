"""Golden tests: every adapter's Records for a sample export equal the expected-output JSON.

Regenerate after a deliberate change with ``DOSSIERLINK_UPDATE_GOLDEN=1 pytest tests/adapters``
and review the diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dossierlink.convert import record_to_dict
from dossierlink.schema import Record

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
DATA = Path(__file__).parent / "data"

CASES: list[tuple[str, str, Path, dict[str, Any]]] = [
    (
        "politie",
        "politie",
        REPO / "samples/exports/politie/registraties.csv",
        {"options": {"read_documents": False}},
    ),
    ("om", "om", REPO / "samples/exports/om/zaken.json", {}),
    ("rechtspraak", "rechtspraak", REPO / "samples/exports/rechtspraak/ECLI.NL.RBAMS.2023.9002.xml", {}),
    ("zgw", "zgw", REPO / "samples/exports/rechtspraak/zaken-zgw.json", {}),
    ("cjib", "cjib", REPO / "samples/exports/cjib/tenuitvoerleggingsopdrachten.xml", {}),
    ("reclassering", "reclassering", REPO / "samples/exports/reclassering/adviezen.json", {}),
    ("dji", "dji", REPO / "samples/exports/dji/detenties.csv", {}),
    ("mdto", "mdto", DATA / "mdto-strafdossier.xml", {"organisation": "om"}),
    ("topx-dossier", "topx", DATA / "topx/dossier.metadata", {"organisation": "om"}),
    ("topx-record", "topx", DATA / "topx/record-pv.metadata", {"organisation": "om"}),
    ("topx-bestand", "topx", DATA / "topx/bestand-pv.pdf.metadata", {"organisation": "om"}),
    (
        "mapping",
        "mapping",
        REPO / "samples/exports/rvdk/rapportages.csv",
        {"options": {"mapping": str(REPO / "samples/exports/rvdk/mapping.toml")}},
    ),
]


def _portable(record: Record) -> dict[str, Any]:
    d = record_to_dict(record)
    d["provenance"]["path"] = Path(d["provenance"]["path"]).resolve().relative_to(REPO).as_posix()
    return d


@pytest.mark.parametrize(("golden", "adapter", "path", "hints"), CASES, ids=[c[0] for c in CASES])
def test_each_adapter_reads_its_sample_export_as_recorded(
    golden: str, adapter: str, path: Path, hints: dict[str, Any], extract: Callable[..., list[Record]]
) -> None:
    got = [_portable(r) for r in extract(adapter, path, **hints)]
    expected_file = GOLDEN / f"{golden}.json"
    if os.environ.get("DOSSIERLINK_UPDATE_GOLDEN") or not expected_file.exists():
        expected_file.write_text(
            json.dumps(got, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    assert got == expected
