"""The Markdown report, to paste into a wiki: headings, sentences and pipe tables."""

from __future__ import annotations

from collections.abc import Sequence

from dossierlink.report.common import (
    RenderOptions,
    action_for,
    header_lines,
    indicator_definition,
    label_for,
    org_total_line,
    summary_lines,
    warning_lines,
    weakest_line,
)
from dossierlink.report.indicators import SEVERITIES, Analysis, daily_trend
from dossierlink.report.messages import fmt_date, fmt_num, fmt_pct, kind_label, severity_label, t, tn

__all__ = ["md_escape", "render_markdown"]

_SPECIAL = str.maketrans(
    {
        "\\": "\\\\",
        "|": "\\|",
        "*": "\\*",
        "_": "\\_",
        "`": "\\`",
        "[": "\\[",
        "]": "\\]",
        "<": "&lt;",
        ">": "&gt;",
        "#": "\\#",
        "\n": " ",
        "\r": " ",
    }
)


def md_escape(text: str) -> str:
    """Data never turns into Markdown or HTML markup (wikis render both)."""
    return text.translate(_SPECIAL)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> list[str]:
    align = ["---:" if i in right else "---" for i in range(len(headers))]
    out = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def _strategic(a: Analysis, lang: str) -> list[str]:
    lines = [f"## {t(lang, 'heading.strategic')}", ""]
    lines += [f"- {md_escape(s)}" for s in summary_lines(a, lang)]
    lines += ["", f"### {t(lang, 'heading.indicators')}", ""]
    rows = []
    for ind in a.indicators:
        meets = (
            t(lang, "na") if ind.meets_ambition is None else t(lang, "yes" if ind.meets_ambition else "no")
        )
        name = md_escape(f"{ind.name} ({ind.organisation})")
        if a.weakest_link is not None and ind.organisation == a.weakest_link.organisation:
            name = f"**{name}**"
        rows.append(
            [
                name,
                fmt_pct(ind.share, lang),
                fmt_num(ind.dossiers_clean, lang),
                fmt_num(ind.dossiers, lang),
                fmt_num(ind.open, lang),
                meets,
            ]
        )
    lines += _table(
        [
            t(lang, k)
            for k in (
                "col.organisation",
                "col.indicator",
                "col.clean",
                "col.dossiers",
                "col.open",
                "col.meets",
            )
        ],
        rows,
        right=(1, 2, 3, 4),
    )
    lines += ["", f"_{md_escape(indicator_definition(lang))}_", "", f"**{md_escape(weakest_line(a, lang))}**"]
    lines += ["", f"### {t(lang, 'heading.trend')}", ""]
    runs = daily_trend(a.inp.runs)
    if not runs:
        lines.append(t(lang, "trend.none"))
    else:
        lines += _table(
            [t(lang, "col.date"), t(lang, "col.share"), t(lang, "col.clean"), t(lang, "col.dossiers")],
            [
                [
                    fmt_date(r.at.date(), lang),
                    fmt_pct(r.share, lang),
                    fmt_num(r.dossiers_consistent, lang),
                    fmt_num(r.dossiers_total, lang),
                ]
                for r in runs[-12:]
            ],
            right=(1, 2, 3),
        )
        lines += ["", t(lang, "trend.legend")]
    return lines


def _tactical(a: Analysis, lang: str) -> list[str]:
    lines = [f"## {t(lang, 'heading.tactical')}"]
    if not a.tactics:
        lines += ["", t(lang, "tactical.none")]
    for tac in a.tactics:
        lines += ["", f"### {md_escape(tac.name)} ({md_escape(tac.organisation)})", ""]
        lines.append(md_escape(org_total_line(tac, lang, tac.name)))
        lines.append("")
        if tac.by_kind:
            lines += _table(
                [
                    t(lang, "col.kind"),
                    *[severity_label(lang, s.value) for s in SEVERITIES],
                    t(lang, "col.count"),
                ],
                [
                    [
                        md_escape(kind_label(lang, kind)),
                        *[fmt_num(c[s.value], lang) for s in SEVERITIES],
                        fmt_num(sum(c.values()), lang),
                    ]
                    for kind, c in tac.by_kind.items()
                ],
                right=tuple(range(1, len(SEVERITIES) + 2)),
            )
        else:
            lines.append(t(lang, "tactical.none"))
        if any(w.opened or w.resolved for w in tac.weeks):
            lines += [""]
            lines += _table(
                [t(lang, "col.week"), t(lang, "col.opened"), t(lang, "col.resolved")],
                [[w.week, str(w.opened), str(w.resolved)] for w in tac.weeks],
                right=(1, 2),
            )
    return lines


def _operational(a: Analysis, lang: str) -> list[str]:
    lines = [f"## {t(lang, 'heading.operational')}"]
    if not a.work:
        lines += ["", t(lang, "work.none")]
    for group in a.work:
        lines += [
            "",
            f"### {md_escape(tn(lang, 'work.org', group.count, org=f'{group.name} ({group.organisation})', n=fmt_num(group.count, lang)))}",
        ]
        for wd in group.dossiers:
            lines += ["", f"#### {md_escape(label_for(a, wd.items[0].divergence, lang))}", ""]
            for item in wd.items:
                d = item.divergence
                ack = f" ({t(lang, 'acknowledged_mark')})" if d.status.value == "acknowledged" else ""
                lines.append(
                    f"- [ ] **{severity_label(lang, d.severity.value)}** · {t(lang, 'days', n=fmt_num(item.age_days, lang))} · "
                    f"{md_escape(action_for(a, d, lang))}{ack}"
                )
    return lines


def render_markdown(a: Analysis, opts: RenderOptions) -> str:
    head = header_lines(a, opts)
    lines = [f"# {md_escape(head[0])}", ""] + [f"{md_escape(h)}  " for h in head[1:]] + [""]
    if opts.level == "strategic":
        lines += _strategic(a, opts.lang)
    elif opts.level == "tactical":
        lines += _tactical(a, opts.lang)
    else:
        lines += _operational(a, opts.lang)
    warnings = warning_lines(a, opts.lang)
    if warnings:
        lines += ["", f"## {t(opts.lang, 'heading.warnings')}", ""]
        lines += [f"- {md_escape(w)}" for w in warnings]
    return "\n".join(lines).rstrip() + "\n"
