"""The [reconcile] table, and why documents were (or were not) paired."""

from __future__ import annotations

import datetime as dt
import tomllib

from dossierlink.reconcile import (
    DossierView,
    ReconcileConfig,
    build_context,
    divergence_id,
    dossier_anchor,
    normalise_document_key,
)
from dossierlink.schema import DivergenceKind, DocumentType, Identifier, Severity

SAMPLE = """
[reconcile]
default_term_days = 30
fingerprint_threshold = 0.75
extra_common_surnames = ["Pietersz"]

[reconcile.terms]
"politie->om" = 10
"*->cjib" = 5

[reconcile.severities]
missing_paper = "high"

[reconcile.paper_dossiers]
rechtspraak = "default"
cjib = ["vonnis", "strafbeschikking"]

[reconcile.extra_organisations]
halt = "Bureau Halt"

[[reconcile.expectations]]
holder = "halt"
producers = ["politie"]
when = "handover"

[[reconcile.status_rules]]
closing = "om:sepot"
contradicts = ["rechtspraak:zitting"]
"""


def test_a_chain_configuration_is_read_from_toml():
    errors: list[str] = []
    cfg = ReconcileConfig.from_mapping(tomllib.loads(SAMPLE)["reconcile"], errors)
    assert errors == []
    assert cfg.term_days("politie", "om") == 10
    assert cfg.term_days("om", "cjib") == 5
    assert cfg.term_days("om", "rechtspraak") == 30
    assert cfg.fingerprint_threshold == 0.75
    assert cfg.severity(DivergenceKind.MISSING_PAPER) is Severity.HIGH
    assert cfg.severity(DivergenceKind.STATUS_CONFLICT) is Severity.CRITICAL
    assert DocumentType.VONNIS in cfg.paper_dossiers["cjib"]
    assert "om" not in cfg.paper_dossiers  # the table replaces the default
    assert cfg.organisations["halt"] == "Bureau Halt"
    assert [e.holder for e in cfg.expectations] == ["halt"]
    assert "pietersz" in cfg.common_surnames and "de jong" in cfg.common_surnames


def test_every_mistake_in_the_table_is_one_sentence_naming_the_key():
    errors: list[str] = []
    cfg = ReconcileConfig.from_mapping(
        {
            "default_term_days": "veertien",
            "fingerprint_threshold": 3,
            "terms": {"politie": 14, "om->rechtspraak": -1},
            "severities": {"missing_paper": "urgent", "lost": "low"},
            "expectations": [{"holder": "OM!", "when": "soms"}],
            "paper_dossiers": {"rechtspraak": ["vonnis", "kattenplaatje"]},
            "bogus": 1,
        },
        errors,
    )
    assert isinstance(cfg, ReconcileConfig)
    assert len(errors) == 10
    for key in (
        "default_term_days",
        "fingerprint_threshold",
        "terms",
        "missing_paper",
        "lost",
        "expectations[1]",
        "paper_dossiers.rechtspraak",
        "bogus",
    ):
        assert any(key in e for e in errors), key
    assert all(e.endswith(".") for e in errors)


def test_a_pv_number_read_with_ocr_errors_normalises_to_the_real_one():
    key, fixes = normalise_document_key("PL07B3 2O23123456-1")
    assert key == "pv:PL07B3 2023123456-1" and fixes
    assert normalise_document_key("om-doc  17")[0] == "nr:OM-DOC 17"


def test_the_anchor_is_the_smallest_parketnummer_else_the_pv_registration():
    pv = Identifier.parse("pv", "PL07B3 2023123456-2")
    assert (
        dossier_anchor([pv, Identifier.parse("parketnummer", "10-600040-23")]) == "parketnummer:10/600040-23"
    )
    assert dossier_anchor([pv]) == "pv:PL07B3 2023123456"
    assert dossier_anchor([], 12) == "dossier:12"
    assert divergence_id(DivergenceKind.MISSING_PAPER, "om", "document:pv:X").startswith("MP-")


def test_a_scan_paired_by_text_explains_its_evidence(chain):
    def change(r):
        scan = chain.doc("rechtspraak", "paper", "DAG-1", key="ONLEESBAAR-3")
        r["rechtspraak-paper"] = chain.replace_docs(r["rechtspraak-paper"], "DAG-1", scan)

    view = chain.view(chain.records(change)).canonical()
    ctx = build_context(view, ReconcileConfig(), chain.NOW)
    lines = ctx.documents.explain("DAG-1")
    assert any(
        "similarity" in line and "tekst gelijk" in line and "zelfde datum" in line for line in lines
    ), lines
    group = ctx.documents.group("DAG-1")
    assert group is not None and group.holds("rechtspraak", chain.Medium.PAPER)


def test_two_verhoren_on_one_day_are_not_paired_blindly(chain):
    def change(r):
        # The court's scan has no PV number and no text layer: only type, date and pages.
        scan = chain.doc("rechtspraak", "paper", chain.PV2, key="SCAN-9", fingerprint=None)
        twin = chain.doc("om", "digital", chain.PV2, key="PL07B3 2023999999-1", fingerprint=None)
        r["rechtspraak-paper"] = chain.replace_docs(r["rechtspraak-paper"], chain.PV2, scan)
        r["om"] = chain.replace_docs(r["om"], "PL07B3 2023999999-1", twin)

    view = chain.view(chain.records(change)).canonical()
    ctx = build_context(view, ReconcileConfig(), chain.NOW)
    assert ctx.documents.group("SCAN-9").key == "nr:SCAN-9"  # type: ignore[union-attr]
    assert any(e.by == "ambiguous" for e in ctx.documents.near_misses)


def test_reconcile_reads_no_clock_the_term_runs_from_the_given_now(chain):
    records = [chain.records()[0]]
    view = DossierView(3, chain.ids(parket=None), records)
    early = build_context(view.canonical(), ReconcileConfig(), dt.datetime(2024, 1, 11))
    assert early.now == dt.datetime(2024, 1, 11)
