"""A small chain for the report tests: 20 dossiers, 13 divergences, 4 runs, as plain objects and as a store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from dossierlink.identifiers import IdentifierKind
from dossierlink.report import Ambition, ReportInput, RunPoint
from dossierlink.schema import Divergence, Identifier

NOW = dt.datetime(2025, 3, 14, 9, 0, tzinfo=dt.UTC)
AMBITION = Ambition(target=0.95, deadline=dt.date(2027, 7, 1))


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def _ids(*pairs: tuple[str, str]) -> tuple[Identifier, ...]:
    return tuple(Identifier(IdentifierKind(k), v) for k, v in pairs)


P1 = ("parketnummer", "10/600040-08")
PV1 = ("pv", "PL07B3 2023123456-2")

DIVERGENCES: tuple[Divergence, ...] = (
    Divergence(
        id="d-missing-paper",
        kind="missing_paper",
        severity="high",
        organisation="rechtspraak",
        organisations=("politie", "rechtspraak"),
        identifiers=_ids(P1, PV1),
        subject="document:pv:PL07B3 2023123456-2",
        expected="in het papieren dossier van de rechtspraak",
        found="ontbreekt",
        message="PV PL07B3 2023123456-2 ontbreekt in het papieren dossier van de rechtspraak.",
        why="De rechtspraak houdt het papieren dossier voor de zitting bij.",
        first_seen=_at("2025-02-03T08:00:00"),
        last_seen=_at("2025-03-14T08:00:00"),
        dossier_id=1,
        details={"page_count": 4},
    ),
    Divergence(
        id="d-pages-missing",
        kind="pages_missing",
        severity="medium",
        organisation="om",
        organisations=("om",),
        identifiers=_ids(P1),
        subject="document:PL07B3 2023123456-1",
        expected="5 pagina's",
        found="pagina 1, 2, 5 van 5",
        message="De scan van PV PL07B3 2023123456-1 mist pagina 3 en 4.",
        first_seen=_at("2025-02-10T08:00:00"),
        last_seen=_at("2025-03-14T08:00:00"),
        dossier_id=1,
        details={"missing_pages": [3, 4]},
    ),
    Divergence(
        id="d-handover",
        kind="handover_missing",
        severity="critical",
        organisation="om",
        organisations=("politie", "om"),
        identifiers=_ids(("parketnummer", "10/700123-24"), ("pv", "PL07B3 2025000010-1")),
        subject="handover:10/700123-24:politie->om",
        expected="instroom bij het OM binnen 14 dagen",
        found="geen registratie",
        message="De politie zond het dossier op 2025-01-20 in; het OM heeft geen registratie.",
        first_seen=_at("2025-03-03T08:00:00"),
        last_seen=_at("2025-03-14T08:00:00"),
        dossier_id=2,
        details={"sent": "2025-01-20", "days": 53, "term_days": 14, "recorded_by": "politie"},
    ),
    Divergence(
        id="d-person",
        kind="person_conflict",
        severity="high",
        organisation="om",
        organisations=("politie", "om"),
        identifiers=_ids(("parketnummer", "10/700200-24"), ("bsn", "123456782")),
        subject="person:10/700200-24:verdachte:skn:12345678",
        expected="geboortedatum 1990-02-01, BSN 123456782",
        found="geboortedatum 01-02-1991",
        message="Geboortedatum van de verdachte verschilt: politie 1990-02-01, OM 01-02-1991 (BSN 123456782).",
        status="acknowledged",
        first_seen=_at("2025-01-20T08:00:00"),
        last_seen=_at("2025-03-14T08:00:00"),
        dossier_id=3,
        details={
            "fields": {"geboortedatum": {"expected": "1990-02-01", "found": "1991-02-01"}},
            "reference_organisation": "politie",
        },
    ),
    Divergence(
        id="d-stale",
        kind="stale_paper",
        severity="medium",
        organisation="rechtspraak",
        organisations=("om", "rechtspraak"),
        identifiers=_ids(("parketnummer", "13/123456-24")),
        subject="document:pv:PL01AB 2024000111-1",
        expected="versie van 2025-02-20",
        found="geprint 2025-01-05",
        message="De papieren versie van PV PL01AB 2024000111-1 is ouder dan de digitale.",
        first_seen=_at("2025-02-21T08:00:00"),
        last_seen=_at("2025-03-14T08:00:00"),
        dossier_id=4,
        details={"digital_modified": "2025-02-20T10:00:00"},
    ),
    Divergence(
        id="d-unreadable",
        kind="unreadable_scan",
        severity="low",
        organisation="rechtspraak",
        organisations=("rechtspraak",),
        identifiers=(),
        subject="scan:9f2c4e1d0a7b",
        expected="leesbare tekst",
        found="geen tekst",
        message="De scan scan-0042.pdf heeft geen bruikbare tekst.",
        details={
            "path": "/inbox/rechtspraak/scan-0042.pdf",
            "sha256": "9f2c4e1d0a7b",
            "problem": "geen tekst",
        },
        first_seen=_at("2025-03-12T08:00:00"),
        last_seen=_at("2025-03-14T08:00:00"),
    ),
    Divergence(
        id="d-status",
        kind="status_conflict",
        severity="high",
        organisation="om",
        organisations=("om", "rechtspraak"),
        identifiers=_ids(("parketnummer", "10/700300-24")),
        subject="status:10/700300-24:om:sepot",
        expected="sepot bij om, geen vervolgstappen",
        found="zitting bij rechtspraak",
        message="Het OM registreerde een sepot; de rechtspraak heeft een zitting gepland.",
        details={
            "closed_on": "2025-02-20",
            "contradicting": [{"organisation": "rechtspraak", "state": "zitting", "date": "2025-03-20"}],
        },
        first_seen=_at("2025-02-27T08:00:00"),
        last_seen=_at("2025-03-14T08:00:00"),
        dossier_id=5,
    ),
    Divergence(
        id="d-duplicate",
        kind="duplicate_document",
        severity="low",
        organisation="politie",
        organisations=("politie",),
        identifiers=_ids(("pv", "PL07B3 2024555666-1")),
        subject="document:pv:PL07B3 2024555666-1",
        expected="1 registratie",
        found="2 registraties",
        message="PV PL07B3 2024555666-1 staat twee keer in het politiedossier.",
        first_seen=_at("2025-03-10T08:00:00"),
        last_seen=_at("2025-03-14T08:00:00"),
        dossier_id=6,
    ),
    Divergence(
        id="d-injection",
        kind="metadata_conflict",
        severity="medium",
        organisation="cjib",
        organisations=("om", "cjib"),
        identifiers=_ids(("parketnummer", "10/700400-24")),
        subject='document:=HYPERLINK("http://example.invalid","klik")',
        expected="+31 6 1234",
        found="@SUM(1+1)",
        message="=cmd|' /C calc'!A0 <script>alert(1)</script>",
        first_seen=_at("2025-03-05T08:00:00"),
        last_seen=_at("2025-03-14T08:00:00"),
        dossier_id=7,
        details={
            "fields": {"titel": {"expected": "+31 6 1234", "found": "@SUM(1+1)"}},
            "reference_organisation": "om",
        },
    ),
    Divergence(
        id="d-resolved-digital",
        kind="missing_digital",
        severity="high",
        organisation="politie",
        organisations=("politie", "om"),
        identifiers=_ids(("parketnummer", "10/700123-24")),
        subject="document:pv:PL07B3 2025000010-1",
        expected="digitaal",
        found="alleen papier",
        message="PV PL07B3 2025000010-1 was alleen op papier.",
        status="resolved",
        first_seen=_at("2025-02-25T08:00:00"),
        last_seen=_at("2025-03-09T08:00:00"),
        resolved_at=_at("2025-03-10T08:00:00"),
        dossier_id=2,
    ),
    Divergence(
        id="d-resolved-pages",
        kind="page_count_mismatch",
        severity="medium",
        organisation="rechtspraak",
        organisations=("om", "rechtspraak"),
        identifiers=_ids(("parketnummer", "13/123456-24")),
        subject="document:pv:PL01AB 2024000111-1",
        expected="6 pagina's",
        found="5 pagina's",
        message="Papier 5 pagina's, digitaal 6.",
        details={
            "paper_pages": 5,
            "digital_pages": 6,
            "paper_organisation": "rechtspraak",
            "digital_organisation": "om",
        },
        status="resolved",
        first_seen=_at("2025-02-12T08:00:00"),
        last_seen=_at("2025-03-04T08:00:00"),
        resolved_at=_at("2025-03-05T08:00:00"),
        dossier_id=4,
    ),
    Divergence(
        id="d-identifier",
        kind="identifier_conflict",
        severity="medium",
        organisation="reclassering",
        organisations=("om", "reclassering"),
        identifiers=_ids(("pv", "PL09XY 2024000999-1")),
        subject="identifier:pv:PL09XY 2024000999",
        expected="parketnummer 10/600040-08",
        found="parketnummer 10/600004-08",
        message="Reclassering registreerde parketnummer 10/600004-08; het OM 10/600040-08.",
        first_seen=_at("2025-01-15T08:00:00"),
        last_seen=_at("2025-03-14T08:00:00"),
        dossier_id=8,
    ),
    Divergence(
        id="d-unknown-subject",
        kind="content_mismatch",
        severity="low",
        organisation="om",
        organisations=("om", "rechtspraak"),
        identifiers=_ids(("parketnummer", "10/700200-24")),
        subject="iets-onbekends",
        expected=None,
        found=None,
        message="De inhoud van het vonnis verschilt tussen papier en digitaal.",
        first_seen=_at("2025-03-13T08:00:00"),
        last_seen=_at("2025-03-14T08:00:00"),
        dossier_id=3,
    ),
)

LABELS = {
    1: "10/600040-08",
    2: "10/700123-24",
    3: "10/700200-24",
    4: "13/123456-24",
    5: "10/700300-24",
    6: "PL07B3 2024555666-1",
    7: "10/700400-24",
}
BY_ORG: dict[str, frozenset[int]] = {
    "politie": frozenset(range(1, 21)),
    "om": frozenset({1, 3, 5, 8, *range(9, 21)}),
    "rechtspraak": frozenset({1, 4, 5}),
    "cjib": frozenset({1, 7}),
    "reclassering": frozenset({8}),
}
RUNS = (
    RunPoint(_at("2025-01-06T06:00:00"), 20, 10),
    RunPoint(_at("2025-02-03T06:00:00"), 20, 11),
    RunPoint(_at("2025-03-03T06:00:00"), 20, 12),
    RunPoint(_at("2025-03-14T06:00:00"), 20, 12),
)


def build_input() -> ReportInput:
    return ReportInput(
        divergences=DIVERGENCES,
        dossiers_total=20,
        dossiers_by_organisation=BY_ORG,
        runs=RUNS,
        ambition=AMBITION,
        now=NOW,
        dossier_labels=LABELS,
    )


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def build_store(path: Path) -> sqlite_utils.Database:
    """The same chain in tables named and shaped as the store's (see /work/brief.md)."""
    db = sqlite_utils.Database(path)
    db["dossiers"].insert_all(
        [
            {"id": i, "created_at": "2025-01-01T00:00:00", "merged_into": None, "dirty": 0, "anchor": None}
            for i in range(1, 21)
        ]
        + [{"id": 21, "created_at": "2025-01-02T00:00:00", "merged_into": 1, "dirty": 0, "anchor": None}],
        pk="id",
    )
    records: list[dict[str, Any]] = []
    for org, ids in sorted(BY_ORG.items()):
        for d in sorted(ids):
            # cjib's record of dossier 1 still points at the merged dossier 21.
            dossier = 21 if (org == "cjib" and d == 1) else d
            records.append(
                {
                    "id": len(records) + 1,
                    "source_id": 1,
                    "dossier_id": dossier,
                    "organisation": org,
                    "medium": "digital",
                    "locator": None,
                    "payload": "{}",
                }
            )
    db["records"].insert_all(records, pk="id")
    idents = [{"kind": "parketnummer", "value": v, "dossier_id": d} for d, v in LABELS.items() if "/" in v]
    idents += [
        {"kind": "pv", "value": "PL07B3 2024555666-1", "dossier_id": 6},
        {"kind": "pv", "value": "PL07B3 2023123456-2", "dossier_id": 1},
        {"kind": "bsn", "value": "123456782", "dossier_id": 3},
    ]
    db["identifiers"].insert_all(idents)
    rows = []
    for d in DIVERGENCES:
        rows.append(
            {
                "id": d.id,
                "dossier_id": d.dossier_id,
                "kind": d.kind.value,
                "severity": d.severity.value,
                "organisation": d.organisation,
                "organisations": json.dumps(list(d.organisations)),
                "identifiers": json.dumps([{"kind": i.kind.value, "value": i.value} for i in d.identifiers]),
                "subject": d.subject,
                "expected": d.expected,
                "found": d.found,
                "message": d.message,
                "why": d.why,
                "status": d.status.value,
                "first_seen": _iso(d.first_seen),
                "last_seen": _iso(d.last_seen),
                "resolved_at": _iso(d.resolved_at),
                "ack_note": None,
                "ack_by": None,
                "ack_at": None,
                "details": json.dumps(d.details),
            }
        )
    db["divergences"].insert_all(rows, pk="id")
    db["runs"].insert_all(
        [
            {
                "id": n + 1,
                "started_at": _iso(r.at - dt.timedelta(minutes=5)),
                "finished_at": _iso(r.at),
                "kind": "reconcile",
                "dossiers_total": r.dossiers_total,
                "dossiers_consistent": r.dossiers_consistent,
                "open_divergences": 0,
                "files": 0,
                "records": 0,
            }
            for n, r in enumerate(RUNS)
        ],
        pk="id",
    )
    return db


@pytest.fixture
def report_input() -> ReportInput:
    return build_input()


@pytest.fixture
def store(tmp_path: Path) -> sqlite_utils.Database:
    return build_store(tmp_path / "chain.db")


@pytest.fixture
def now() -> dt.datetime:
    return NOW


@pytest.fixture
def ambition() -> Ambition:
    return AMBITION
