"""The terminal report: aligned columns, ANSI colour only when asked (a TTY)."""

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

__all__ = ["render_text", "table"]

_RESET = "\x1b[0m"
_STYLE = {
    "critical": "\x1b[1;31m",
    "high": "\x1b[31m",
    "medium": "\x1b[33m",
    "low": "\x1b[2m",
    "good": "\x1b[32m",
    "bad": "\x1b[31m",
    "bold": "\x1b[1m",
}
_SPARK = "▁▂▃▄▅▆▇█"


def _clean(text: str) -> str:
    """No control characters from the data reach the terminal (escape sequences, newlines)."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _c(text: str, style: str | None, color: bool) -> str:
    if not color or not style:
        return text
    return f"{_STYLE[style]}{text}{_RESET}"


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Sequence[int] = (),
    styles: Sequence[Sequence[str | None]] | None = None,
    color: bool = False,
    indent: str = "",
) -> list[str]:
    """Aligned columns; colour is applied after padding so it never breaks the alignment."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    out = []

    def line(cells: Sequence[str], row_styles: Sequence[str | None] | None) -> str:
        parts = []
        for i, cell in enumerate(cells):
            padded = cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            if i == len(cells) - 1 and i not in right:
                padded = cell
            parts.append(_c(padded, row_styles[i] if row_styles else None, color))
        return (indent + "  ".join(parts)).rstrip()

    out.append(line(headers, ["bold"] * len(headers) if color else None))
    for n, row in enumerate(rows):
        out.append(line(row, styles[n] if styles else None))
    return out


def _strategic(a: Analysis, opts: RenderOptions) -> list[str]:
    lang, color = opts.lang, opts.color
    lines = [_c(t(lang, "heading.strategic"), "bold", color), ""]
    lines += summary_lines(a, lang)
    lines += ["", _c(t(lang, "heading.indicators"), "bold", color)]
    rows, styles = [], []
    for ind in a.indicators:
        rows.append(
            [
                f"{ind.name} ({ind.organisation})",
                fmt_pct(ind.share, lang),
                fmt_num(ind.dossiers_clean, lang),
                fmt_num(ind.dossiers, lang),
                fmt_num(ind.open, lang),
                t(lang, "na")
                if ind.meets_ambition is None
                else t(lang, "yes" if ind.meets_ambition else "no"),
            ]
        )
        mark = None if ind.meets_ambition is None else ("good" if ind.meets_ambition else "bad")
        styles.append([None, mark, None, None, None, mark])
    lines += table(
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
        styles=styles,
        color=color,
    )
    lines += [
        indicator_definition(lang),
        "",
        _c(weakest_line(a, lang), "bad" if a.weakest_link else None, color),
    ]
    lines += ["", _c(t(lang, "heading.trend"), "bold", color)]
    days = daily_trend(a.inp.runs)
    if not days:
        lines.append(t(lang, "trend.none"))
    else:
        shares = [r.share for r in days if r.share is not None]
        if len(shares) > 1:
            lo, hi = min(shares), max(shares)
            spark = "".join(_SPARK[0 if hi == lo else round((s - lo) / (hi - lo) * 7)] for s in shares[-40:])
            lines.append(f"{spark}  {fmt_pct(shares[0], lang)} → {fmt_pct(shares[-1], lang)}")
        for r in days[-8:]:
            lines.append(
                t(
                    lang,
                    "trend.point",
                    at=fmt_date(r.at.date(), lang),
                    share=fmt_pct(r.share, lang),
                    consistent=fmt_num(r.dossiers_consistent, lang),
                    total=fmt_num(r.dossiers_total, lang),
                )
            )
        lines.append(t(lang, "trend.legend"))
    return lines


def _tactical(a: Analysis, opts: RenderOptions) -> list[str]:
    lang, color = opts.lang, opts.color
    lines = [_c(t(lang, "heading.tactical"), "bold", color)]
    sev_headers = [severity_label(lang, s.value) for s in SEVERITIES]
    for tac in a.tactics:
        lines.append("")
        lines.append(_c(org_total_line(tac, lang, f"{tac.name} ({tac.organisation})"), "bold", color))
        if tac.by_kind:
            rows = [
                [
                    kind_label(lang, kind),
                    *[fmt_num(counts[s.value], lang) for s in SEVERITIES],
                    fmt_num(sum(counts.values()), lang),
                ]
                for kind, counts in tac.by_kind.items()
            ]
            lines += table(
                [t(lang, "col.kind"), *sev_headers, t(lang, "col.count")],
                rows,
                right=tuple(range(1, len(SEVERITIES) + 2)),
                indent="  ",
            )
        else:
            lines.append("  " + t(lang, "tactical.none"))
        weeks = tac.weeks
        if weeks and any(w.opened or w.resolved for w in weeks):
            lines += table(
                [t(lang, "col.week"), *[w.week[-3:] for w in weeks]],
                [
                    [t(lang, "col.opened"), *[str(w.opened) for w in weeks]],
                    [t(lang, "col.resolved"), *[str(w.resolved) for w in weeks]],
                ],
                right=tuple(range(1, len(weeks) + 1)),
                indent="  ",
            )
    if not a.tactics:
        lines.append(t(lang, "tactical.none"))
    return lines


def _operational(a: Analysis, opts: RenderOptions) -> list[str]:
    lang, color = opts.lang, opts.color
    lines = [_c(t(lang, "heading.operational"), "bold", color)]
    if not a.work:
        lines += ["", t(lang, "work.none")]
    sev_width = max(len(severity_label(lang, s.value)) for s in SEVERITIES) + 2
    ages = [len(fmt_num(i.age_days, lang)) for g in a.work for d in g.dossiers for i in d.items]
    age_width = max(ages, default=1)
    for group in a.work:
        lines += [
            "",
            _c(
                tn(
                    lang,
                    "work.org",
                    group.count,
                    org=f"{group.name} ({group.organisation})",
                    n=fmt_num(group.count, lang),
                ),
                "bold",
                color,
            ),
        ]
        for wd in group.dossiers:
            lines.append("  " + _clean(label_for(a, wd.items[0].divergence, lang)))
            for item in wd.items:
                d = item.divergence
                sev = f"[{severity_label(lang, d.severity.value)}]".ljust(sev_width)
                age = t(lang, "days", n=fmt_num(item.age_days, lang).rjust(age_width))
                ack = f" ({t(lang, 'acknowledged_mark')})" if d.status.value == "acknowledged" else ""
                text = _clean(action_for(a, d, lang))
                lines.append(f"    {_c(sev, d.severity.value, color)} {age}  {text}{ack}")
    return lines


def render_text(a: Analysis, opts: RenderOptions) -> str:
    lines = [_c(line, "bold", opts.color) if i == 0 else line for i, line in enumerate(header_lines(a, opts))]
    lines.append("")
    if opts.level == "strategic":
        lines += _strategic(a, opts)
    elif opts.level == "tactical":
        lines += _tactical(a, opts)
    else:
        lines += _operational(a, opts)
    warnings = warning_lines(a, opts.lang)
    if warnings:
        lines += ["", t(opts.lang, "heading.warnings")]
        lines += [f"  - {_clean(w)}" for w in warnings]
    return "\n".join(lines) + "\n"
