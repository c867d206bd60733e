"""The JSON report: the stable machine contract described in docs/report-json.md."""

from __future__ import annotations

import json
from typing import Any

from dossierlink.report.common import (
    GENERATOR,
    JSON_VERSION,
    RenderOptions,
    ambition_name,
    divergence_row,
    indicator_definition,
    iso,
    ordered_divergences,
)
from dossierlink.report.indicators import Analysis
from dossierlink.report.messages import t

__all__ = ["render_json", "report_dict"]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def report_dict(a: Analysis, opts: RenderOptions) -> dict[str, Any]:
    """The whole report as plain JSON-able data; the same shape at every level."""
    lang = opts.lang
    s = a.summary
    amb = a.inp.ambition
    return {
        "version": JSON_VERSION,
        "generator": GENERATOR,
        "generated_at": iso(a.inp.now),
        "level": opts.level,
        "lang": lang,
        "revealed": opts.revealed,
        "recipient": opts.recipient,
        "filters": dict(sorted(a.inp.filters.items())),
        "ambition": {
            "target": amb.target,
            "deadline": amb.deadline.isoformat(),
            "name": ambition_name(a, lang),
            "description": amb.description,
        },
        "summary": {
            "dossiers_total": s.dossiers_total,
            "dossiers_consistent": s.dossiers_consistent,
            "share": _round(s.share),
            "target": s.target,
            "deadline": s.deadline.isoformat(),
            "days_to_deadline": s.days_to_deadline,
            "dossiers_to_fix": s.dossiers_to_fix,
            "open": s.open,
            "acknowledged": s.acknowledged,
            "resolved": s.resolved,
            "by_severity": dict(s.by_severity),
            "by_kind": dict(s.by_kind),
            "dossierless_open": s.dossierless_open,
            "projected_share": _round(s.projected_share),
            "on_track": s.on_track,
            "definition": t(lang, "chain_definition"),
        },
        "indicators": [
            {
                "organisation": i.organisation,
                "name": i.name,
                "dossiers": i.dossiers,
                "dossiers_clean": i.dossiers_clean,
                "share": _round(i.share),
                "open": i.open,
                "acknowledged": i.acknowledged,
                "by_severity": dict(i.by_severity),
                "meets_ambition": i.meets_ambition,
                "definition": indicator_definition(lang, i),
            }
            for i in a.indicators
        ],
        "weakest_link": None
        if a.weakest_link is None
        else {
            "organisation": a.weakest_link.organisation,
            "name": a.weakest_link.name,
            "share": _round(a.weakest_link.share),
            "open": a.weakest_link.open,
        },
        "trend": [
            {
                "at": iso(r.at),
                "dossiers_total": r.dossiers_total,
                "dossiers_consistent": r.dossiers_consistent,
                "share": _round(r.share),
            }
            for r in sorted(a.inp.runs, key=lambda r: r.at)
        ],
        "tactical": [
            {
                "organisation": tac.organisation,
                "name": tac.name,
                "open": tac.open,
                "by_kind": {k: dict(v) for k, v in tac.by_kind.items()},
                "by_severity": dict(tac.by_severity),
                "oldest_days": tac.oldest_days,
                "median_days": tac.median_days,
                "weeks": [{"week": w.week, "opened": w.opened, "resolved": w.resolved} for w in tac.weeks],
            }
            for tac in a.tactics
        ],
        "divergences": [divergence_row(a, d, lang) for d in ordered_divergences(a)],
        "warnings": list(a.inp.warnings),
        "references_not_read": dict(a.inp.references_not_read),
    }


def render_json(a: Analysis, opts: RenderOptions) -> str:
    return json.dumps(report_dict(a, opts), ensure_ascii=False, indent=2, default=str) + "\n"
