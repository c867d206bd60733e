"""The demo on the bundled samples finds exactly the divergences samples/STORY.md seeds, no more."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import dossierlink
from dossierlink.demo import DemoResult, run_demo
from dossierlink.reconcile import dossier_anchor

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)

# (kind, organisation that must act, dossier anchor, subject key, a fragment of the action line).
# The same list, with the story behind each line, is the table "Seeded divergences" in STORY.md.
SEEDED: tuple[tuple[str, str, str, str, str], ...] = (
    # A: consistent (the court's paper scans of both PVs agree with the police originals).
    # B: the court's scan of the verhoor lost pages 3 and 4; its inhoudsopgave lacks the vonnis.
    ("pages_missing", "rechtspraak", "13/123456-23", "document:pv:PL13B2 2023078910-2", "pagina's 3 en 4 ontbreken"),
    ("page_count_mismatch", "rechtspraak", "13/123456-23", "document:pv:PL13B2 2023078910-2", "op papier 3, digitaal 5"),
    ("missing_paper", "rechtspraak", "13/123456-23", "document:nr:ECLI:NL:RBAMS:2023:9002", "Voeg vonnis ECLI:NL:RBAMS:2023:9002 (4 pagina's) toe"),
    # C: the OM's paper copy of the bevindingen is the version before the edit of 2023-06-20.
    ("content_mismatch", "om", "09/765432-23", "document:pv:PL15C3 2023099001-1", "door de geldende versie van Politie"),
    ("stale_paper", "om", "09/765432-23", "document:pv:PL15C3 2023099001-1", "digitaal gewijzigd 2023-06-20"),
    # D: the OM's inhoudsopgave (and its batch scan, made before the judgment) lack the vonnis.
    ("missing_paper", "om", "16/234567-23", "document:nr:ECLI:NL:RBMNE:2023:9004", "Voeg vonnis ECLI:NL:RBMNE:2023:9004 (4 pagina's) toe"),
    # E: the court's scan is image-only (reported once, not per document).
    ("unreadable_scan", "rechtspraak", "10/700111-23", "scan:PL17E5_2023033333-1.pdf", "opnieuw in met leesbare tekst"),
    # F-L: the export divergences.
    ("missing_digital", "om", "05/812345-24", "document:pv:PL06F6 2024011111-2", "Politie heeft het op 2024-02-01 verzonden"),
    ("person_conflict", "rechtspraak", "13/654321-24", "person:parketnummer:13/654321-24:verdachte:skn:100000107", "Stem de gegevens van de verdachte in dossier 13/654321-24 af met Politie"),
    # G, H: the court's scanning desk filed both cases' paper behind cover sheets (one batch, July
    # 2024); each part is the case's paper file as scanned, and neither holds the dagvaarding.
    ("missing_paper", "rechtspraak", "13/654321-24", "document:nr:OM-DGV-13-654321", "Voeg dagvaarding OM-DGV-13-654321 (2 pagina's) toe aan het papieren dossier 13/654321-24"),
    ("missing_paper", "rechtspraak", "16/345678-24", "document:nr:OM-DGV-16-345678", "Voeg dagvaarding OM-DGV-16-345678 (2 pagina's) toe aan het papieren dossier 16/345678-24"),
    ("status_conflict", "om", "16/345678-24", "status:parketnummer:16/345678-24:om:sepot", "hebt afgesloten (sepot)"),
    ("identifier_conflict", "politie", "01/111222-25", "identifier:pv:PL01I8 2025012345", "verwacht parketnummer 01/112122-25"),
    ("duplicate_document", "om", "18/456789-25", "document:pv:PL02J9 2025023456-1", "Verwijder de dubbele registratie van PV PL02J9 2025023456-1"),
    ("metadata_conflict", "om", "03/567890-25", "document:pv:PL05K1 2025034567-1", "Corrigeer de datum en de titel van PV PL05K1 2025034567-1"),
    ("handover_missing", "om", "pv:PL04L2 2026077777", "handover:pv:PL04L2 2026077777:politie->om", "Registreer de instroom van dossier PL04L2 2026077777-1"),
    # K: the police's BSN fails the elfproef; the OM's is valid, so the police must correct it.
    ("person_conflict", "politie", "03/567890-25", "person:parketnummer:03/567890-25:verdachte:skn:100000111", "af met Openbaar Ministerie"),
)  # fmt: skip


def _anchor(ids: object) -> str:
    anchor = dossier_anchor(ids)  # type: ignore[arg-type]
    return anchor.removeprefix("parketnummer:")


def _subject(subject: str, details: dict[str, object]) -> str:
    if subject.startswith("scan:") and isinstance(details.get("path"), str):
        return "scan:" + Path(str(details["path"])).name
    return subject


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    if not (SAMPLES / "exports").is_dir():
        pytest.skip("the bundled samples are not here")
    return run_demo(SAMPLES, tmp_path_factory.mktemp("demo"), now=NOW)


@pytest.fixture(scope="module")
def found(demo: DemoResult) -> set[tuple[str, str, str, str]]:
    with dossierlink.open(demo.store) as chain:
        return {
            (d.kind.value, d.organisation, _anchor(d.identifiers), _subject(d.subject, d.details))
            for d in chain.divergences()
            if d.status.value == "open"
        }


def test_the_demo_finds_every_seeded_divergence_and_nothing_else(
    found: set[tuple[str, str, str, str]],
) -> None:
    seeded = {s[:4] for s in SEEDED}
    assert found - seeded == set(), "false positives"
    assert seeded - found == set(), "missed"
    assert len(seeded) == len(SEEDED)


def test_the_demo_reports_as_many_open_divergences_as_the_story_seeds(demo: DemoResult) -> None:
    assert demo.open_divergences == len(SEEDED)


def _sections(text: str) -> dict[str, str]:
    """Operational text report: organisation code -> its block of action lines."""
    out: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"^\S.*\((\w+)\): \d+ actie", line)
        if m:
            current = m.group(1)
            out[current] = ""
        elif current and line.startswith("  "):
            out[current] += line + "\n"
        elif line.strip() and not line.startswith(" "):
            current = None
    return out


def test_the_work_list_names_each_seeded_divergence_under_the_organisation_that_must_act(
    demo: DemoResult,
) -> None:
    sections = _sections(demo.operational)
    for kind, org, _, _, fragment in SEEDED:
        assert org in sections, f"no work list for {org}"
        assert fragment in sections[org], f"{kind} at {org}: {fragment!r} not in\n{sections[org]}"


def test_the_court_is_not_asked_to_register_police_pvs_it_only_holds_on_paper(demo: DemoResult) -> None:
    # The court exports no digital case file here: its paper scans create no digital expectation.
    assert "het zit alleen in het papieren dossier" not in demo.operational
    assert "RN RN-" not in demo.operational  # the OM holds the reclasseringsadviezen


def test_the_story_lists_the_same_seeded_divergences_as_this_test() -> None:
    story = (SAMPLES / "STORY.md").read_text(encoding="utf-8")
    table = story.split("## Seeded divergences", 1)[1].split("\n## ", 1)[0]
    rows = {
        tuple(cell.strip().strip("`") for cell in line.strip().strip("|").split("|"))
        for line in table.splitlines()
        if line.startswith("| ") and "`" in line
    }
    listed = {(r[1], r[2], r[3], r[4]) for r in rows if len(r) >= 5}
    assert listed == {s[:4] for s in SEEDED}
