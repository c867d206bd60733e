"""Pieces every report format shares: the header lines, the divergence row, level names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from dossierlink._version import __version__
from dossierlink.report.actions import action
from dossierlink.report.indicators import (
    UNRESOLVED,
    Analysis,
    OrganisationIndicator,
    OrganisationTactics,
    dossier_label,
)
from dossierlink.report.messages import count, fmt_date, fmt_num, fmt_pct, t, tn
from dossierlink.schema import Divergence

__all__ = ["LEVELS", "RenderOptions", "ambition_name", "divergence_row", "header_lines"]

LEVELS = ("strategic", "tactical", "operational")
JSON_VERSION = "1.0"
GENERATOR = f"dossierlink {__version__}"


@attrs.frozen
class RenderOptions:
    level: str
    lang: str
    revealed: bool
    color: bool = False
    recipient: str | None = None


def ambition_name(a: Analysis, lang: str) -> str:
    amb = a.inp.ambition
    if amb.name:
        return amb.name
    return t(
        lang,
        "ambition.default_name",
        target=fmt_pct(amb.target, lang, 0 if round(amb.target * 100, 6).is_integer() else 1),
        deadline=fmt_date(amb.deadline, lang),
    )


def filters_text(a: Analysis, lang: str) -> str:
    if not a.inp.filters:
        return t(lang, "no_filters")
    return t(lang, "filters", filters=", ".join(f"{k}={v}" for k, v in sorted(a.inp.filters.items())))


def header_lines(a: Analysis, opts: RenderOptions) -> list[str]:
    """Title, time, filters, privacy note and recipient: the first lines of every text report."""
    lang = opts.lang
    lines = [
        f"{t(lang, 'title')} — {t(lang, 'level.' + opts.level)}",
        f"{t(lang, 'generated', at=fmt_date(a.inp.now, lang))} UTC · {filters_text(a, lang)}",
        t(lang, "revealed") if opts.revealed else t(lang, "masked"),
    ]
    if opts.recipient:
        lines.append(t(lang, "recipient", who=opts.recipient))
    return lines


def summary_lines(a: Analysis, lang: str) -> list[str]:
    """The strategic figures as sentences, shared by text and markdown."""
    s = a.summary
    lines = [
        t(lang, "ambition.line", name=ambition_name(a, lang)),
        t(
            lang,
            "standing",
            share=fmt_pct(s.share, lang),
            total=count(lang, "dossier", s.dossiers_total),
            consistent=count(lang, "dossier", s.dossiers_consistent),
        ),
        tn(lang, "gap", s.dossiers_to_fix, n=fmt_num(s.dossiers_to_fix, lang))
        if s.dossiers_to_fix
        else t(lang, "gap.met"),
    ]
    lines.append(deadline_line(a, lang))
    if s.on_track is None:
        lines.append(t(lang, "on_track.unknown"))
    else:
        projected = s.projected_share if s.projected_share is not None else s.share
        key = "on_track.yes" if s.on_track else "on_track.no"
        lines.append(t(lang, key, projected=fmt_pct(projected, lang), deadline=fmt_date(s.deadline, lang)))
    lines.append(
        t(
            lang,
            "open_total",
            open=fmt_num(s.open, lang),
            ack=fmt_num(s.acknowledged, lang),
            resolved=fmt_num(s.resolved, lang),
        )
    )
    if s.dossierless_open:
        lines.append(t(lang, "dossierless", n=fmt_num(s.dossierless_open, lang)))
    lines.append(t(lang, "chain_definition"))
    return lines


def deadline_line(a: Analysis, lang: str) -> str:
    """How long until the ambition's deadline, or how long ago it passed."""
    s = a.summary
    deadline = fmt_date(s.deadline, lang)
    if s.days_to_deadline >= 0:
        return t(lang, "deadline.days", days=count(lang, "day", s.days_to_deadline), deadline=deadline)
    return t(lang, "deadline.passed", days=count(lang, "day", -s.days_to_deadline), deadline=deadline)


def org_total_line(tac: OrganisationTactics, lang: str, org: str) -> str:
    """One organisation's open divergences with the age of the oldest and the median, in days."""
    oldest = "-" if tac.oldest_days is None else count(lang, "day", tac.oldest_days)
    median = (
        "-"
        if tac.median_days is None
        else count(lang, "day", tac.median_days, 0 if tac.median_days.is_integer() else 1)
    )
    return t(lang, "org_total", org=org, open=fmt_num(tac.open, lang), oldest=oldest, median=median)


def page_title(lang: str, level: str) -> str:
    """The title of a page that holds ``level`` and every level above it (the HTML report)."""
    return f"{t(lang, 'title')} — {t(lang, 'levels.' + level)}"


def references_lines(a: Analysis, lang: str) -> list[str]:
    """One line per reason a referenced document file was not read: "1 referenced file not read: …"."""
    return [
        t(
            lang,
            "references.not_read",
            files=count(lang, "referenced_file", n),
            reason=t(lang, f"reference.{reason}"),
        )
        for reason, n in a.inp.references_not_read.items()
        if n
    ]


def warning_lines(a: Analysis, lang: str) -> list[str]:
    """What the report's warnings section lists: files not read first, then unreadable store rows."""
    return [*references_lines(a, lang), *a.inp.warnings]


def weakest_line(a: Analysis, lang: str) -> str:
    w = a.weakest_link
    if w is None:
        return t(lang, "weakest.none")
    return tn(lang, "weakest", w.open, org=w.name, share=fmt_pct(w.share, lang), open=fmt_num(w.open, lang))


def indicator_definition(lang: str, ind: OrganisationIndicator | None = None) -> str:
    if ind is None:
        org = "de organisatie" if lang == "nl" else "the organisation"
        text = t(lang, "indicator.definition", org=org)
        return text[0].upper() + text[1:]
    return t(lang, "indicator.definition", org=ind.name)


def label_for(a: Analysis, div: Divergence, lang: str) -> str:
    label = dossier_label(a.inp, div)
    if label:
        return label
    if div.dossier_id is not None:
        return t(lang, "dossier_fallback", id=div.dossier_id)
    return t(lang, "no_dossier")


def action_for(a: Analysis, div: Divergence, lang: str) -> str:
    return action(div, dossier=dossier_label(a.inp, div), lang=lang, names=a.inp.organisation_name)


def ordered_divergences(a: Analysis) -> list[Divergence]:
    """Unresolved first, then most severe, oldest, and by id: the order of CSV and JSON rows."""
    now = a.inp.now

    def key(d: Divergence) -> tuple[int, int, float, str]:
        first = d.first_seen.timestamp() if d.first_seen is not None else now.timestamp()
        return (0 if d.status in UNRESOLVED else 1, -d.severity.rank, first, d.id)

    return sorted(a.inp.divergences, key=key)


def age_days(a: Analysis, div: Divergence) -> int | None:
    """Days a divergence has been open: until now, or until it was resolved."""
    if div.first_seen is None:
        return None
    end = div.resolved_at if div.status not in UNRESOLVED and div.resolved_at is not None else a.inp.now
    return max(0, (_aware(end) - _aware(div.first_seen)).days)


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return str(value.astimezone(dt.UTC).isoformat()).replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def divergence_row(a: Analysis, div: Divergence, lang: str) -> dict[str, Any]:
    """One divergence as the JSON contract describes it (CSV takes its columns from this)."""
    return {
        "id": div.id,
        "dossier_id": div.dossier_id,
        "dossier": label_for(a, div, lang) if (div.dossier_id is not None or div.identifiers) else None,
        "kind": div.kind.value,
        "severity": div.severity.value,
        "status": div.status.value,
        "organisation": div.organisation,
        "organisations": list(div.organisations),
        "identifiers": [{"kind": i.kind.value, "value": i.value} for i in div.identifiers],
        "subject": div.subject,
        "expected": div.expected,
        "found": div.found,
        "message": div.message,
        "why": div.why,
        "action": action_for(a, div, lang),
        "first_seen": iso(div.first_seen),
        "last_seen": iso(div.last_seen),
        "resolved_at": iso(div.resolved_at),
        "age_days": age_days(a, div),
        "details": div.details if isinstance(div.details, dict) else {},
    }
