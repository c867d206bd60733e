"""Reconciliation, a functional core: one dossier's records in, divergences out (no I/O, no clock)."""

from __future__ import annotations

from dossierlink.reconcile.config import (
    DEFAULT_EXPECTATIONS,
    DEFAULT_PAPER_DOSSIERS,
    DEFAULT_PRODUCERS,
    DEFAULT_SEVERITIES,
    Expectation,
    ReconcileConfig,
    StatusRule,
)
from dossierlink.reconcile.engine import build_context, divergence_sort_key, reconcile_dossier
from dossierlink.reconcile.keys import (
    KIND_ABBREVIATIONS,
    divergence_id,
    dossier_anchor,
    normalise_document_key,
)
from dossierlink.reconcile.kinds import KINDS, KindSpec, kind_spec
from dossierlink.reconcile.match import (
    DocRef,
    DocumentGroup,
    DocumentMatching,
    MatchExplanation,
    fingerprint_similarity,
    match_documents,
)
from dossierlink.reconcile.persons import (
    PersonCluster,
    PersonMatch,
    cluster_persons,
    compare_persons,
    same_person,
    split_name,
)
from dossierlink.reconcile.rules import RULES, Rule, RuleContext
from dossierlink.reconcile.view import DossierView

__all__ = [
    "DEFAULT_EXPECTATIONS",
    "DEFAULT_PAPER_DOSSIERS",
    "DEFAULT_PRODUCERS",
    "DEFAULT_SEVERITIES",
    "KINDS",
    "KIND_ABBREVIATIONS",
    "RULES",
    "DocRef",
    "DocumentGroup",
    "DocumentMatching",
    "DossierView",
    "Expectation",
    "KindSpec",
    "MatchExplanation",
    "PersonCluster",
    "PersonMatch",
    "ReconcileConfig",
    "Rule",
    "RuleContext",
    "StatusRule",
    "build_context",
    "cluster_persons",
    "compare_persons",
    "divergence_id",
    "divergence_sort_key",
    "dossier_anchor",
    "fingerprint_similarity",
    "kind_spec",
    "match_documents",
    "normalise_document_key",
    "reconcile_dossier",
    "same_person",
    "split_name",
]
