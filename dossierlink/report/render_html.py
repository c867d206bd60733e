"""The HTML report: one self-contained page (inline CSS, inline SVG charts, no script, no network)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from dossierlink.report.common import (
    GENERATOR,
    RenderOptions,
    action_for,
    ambition_name,
    deadline_line,
    filters_text,
    indicator_definition,
    label_for,
    page_title,
    summary_lines,
    warning_lines,
    weakest_line,
)
from dossierlink.report.indicators import SEVERITIES, Analysis, OrganisationTactics, daily_trend
from dossierlink.report.messages import count, fmt_date, fmt_num, fmt_pct, kind_label, severity_label, t, tn
from dossierlink.report.model import RunPoint

__all__ = ["render_html"]

SEV_COLOURS = {"critical": "#b42318", "high": "#e8590c", "medium": "#f2b01e", "low": "#98a2b3"}
GOOD, WARN, BAD, INK, MUTED, GRID, BRAND = (
    "#1a7f4b",
    "#d98a00",
    "#c4320a",
    "#1d2939",
    "#667085",
    "#e4e7ec",
    "#154273",
)
OPENED, RESOLVED = "#3866b0", "#1a7f4b"

CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#1d2939;background:#f4f6f9}
header{background:#154273;color:#fff;padding:22px 0 18px}
.wrap{max-width:1180px;margin:0 auto;padding:0 28px}
h1{margin:0;font-size:24px;font-weight:650;letter-spacing:.2px}
.sub{opacity:.85;font-size:13.5px;margin-top:4px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;margin-left:6px}
.badge.mask{background:rgba(255,255,255,.18);color:#fff}
.badge.reveal{background:#fde68a;color:#7a2e0e}
main{padding:22px 0 40px}
h2{font-size:19px;margin:30px 0 12px;font-weight:650}
h3{font-size:16px;margin:0 0 8px;font-weight:650}
.tiles{display:grid;grid-template-columns:repeat(4,1fr);gap:14px}
.tile{background:#fff;border-radius:10px;padding:16px 18px;box-shadow:0 1px 2px rgba(16,24,40,.08);border-top:4px solid #154273}
.tile .k{font-size:12.5px;text-transform:uppercase;letter-spacing:.5px;color:#667085;font-weight:600}
.tile .v{font-size:34px;font-weight:700;line-height:1.15;margin-top:4px}
.tile .n{font-size:13px;color:#475467;margin-top:2px}
.tile.good{border-top-color:#1a7f4b}.tile.bad{border-top-color:#c4320a}.tile.warn{border-top-color:#d98a00}
.good-t,.tile .n.good-t{color:#1a7f4b}.bad-t,.tile .n.bad-t{color:#c4320a}.warn-t{color:#b26b00}
.progress{position:relative;height:14px;background:#e4e7ec;border-radius:7px;margin:10px 0 4px;overflow:visible}
.progress .fill{position:absolute;left:0;top:0;bottom:0;border-radius:7px}
.progress .goal{position:absolute;top:-5px;bottom:-5px;width:3px;background:#1d2939;border-radius:2px}
.card{background:#fff;border-radius:10px;padding:18px 20px;box-shadow:0 1px 2px rgba(16,24,40,.08);margin-bottom:14px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:14px}
.note{color:#667085;font-size:13px;margin:6px 0 0}
ul.facts{margin:4px 0 0;padding-left:18px;color:#344054;font-size:14px}
svg{display:block;width:100%;height:auto}
svg text{font-family:inherit}
table{border-collapse:collapse;width:100%;font-size:13.5px}
table.work{table-layout:fixed}table.work td.dossier{white-space:normal;overflow-wrap:anywhere}
th{text-align:left;color:#667085;font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.4px;border-bottom:1px solid #e4e7ec;padding:6px 8px}
td{border-bottom:1px solid #f2f4f7;padding:6px 8px;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.pill{display:inline-block;min-width:58px;text-align:center;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
.pill.low{color:#1d2939}.pill.medium{color:#1d2939}
.dossier{font-weight:600;white-space:nowrap}
details{background:#fff;border-radius:10px;box-shadow:0 1px 2px rgba(16,24,40,.08);margin-bottom:12px}
summary{cursor:pointer;padding:14px 20px;font-weight:650;font-size:15.5px}
details .body{padding:0 20px 14px}
.orgcards{display:grid;grid-template-columns:1fr 1fr;gap:14px}
.kpis{display:flex;gap:18px;margin:2px 0 10px;color:#475467;font-size:13.5px}
.kpis b{color:#1d2939;font-size:18px;display:block}
.ack{color:#667085;font-style:italic}
.warnings{background:#fff4e5;border-left:4px solid #d98a00;padding:10px 16px;border-radius:6px}
footer{color:#667085;font-size:12.5px;padding:10px 0 30px}
@media (max-width:900px){.tiles{grid-template-columns:1fr 1fr}.grid2,.orgcards{grid-template-columns:1fr}}
@media print{body{background:#fff}header{background:#fff;color:#000}.tile,.card,details{box-shadow:none;border:1px solid #ddd}}
"""


def e(value: object) -> str:
    """Escape every piece of data for HTML text and attributes."""
    return escape(str(value), quote=True)


def _f(value: float) -> str:
    """A coordinate: short and deterministic."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _share_colour(share: float | None, target: float) -> str:
    if share is None:
        return MUTED
    if share >= target:
        return GOOD
    if share >= target - 0.10:
        return WARN
    return BAD


def _svg(width: int, height: int, body: Sequence[str], label: str) -> str:
    return (
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{e(label)}" '
        f'xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>"
    )


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: float = 12,
    fill: str = INK,
    anchor: str = "start",
    weight: int = 400,
) -> str:
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-size="{size}" fill="{fill}" text-anchor="{anchor}"'
        + (f' font-weight="{weight}"' if weight != 400 else "")
        + f">{e(text)}</text>"
    )


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- charts --------------------------------------------------------------------------------


def chart_indicators(a: Analysis, lang: str) -> str:
    """Horizontal bars: each organisation's indicator, with the ambition as a dashed line."""
    inds = a.indicators
    target = a.summary.target
    row, top, left, right_pad = 38, 34, 280, 190
    width = 1060
    plot = width - left - right_pad
    height = top + row * max(1, len(inds)) + 26
    body: list[str] = []
    for pct in (0, 25, 50, 75, 100):
        x = left + plot * pct / 100
        body.append(f'<line x1="{_f(x)}" y1="{top - 6}" x2="{_f(x)}" y2="{height - 22}" stroke="{GRID}"/>')
        body.append(_text(x, height - 6, f"{pct}%", size=11, fill=MUTED, anchor="middle"))
    weakest = a.weakest_link.organisation if a.weakest_link else None
    for n, ind in enumerate(inds):
        y = top + n * row
        is_weak = ind.organisation == weakest
        body.append(
            _text(
                left - 12,
                y + 18,
                _truncate(ind.name, 36),
                size=13,
                anchor="end",
                weight=650 if is_weak else 400,
            )
        )
        body.append(f'<rect x="{left}" y="{y + 5}" width="{plot}" height="20" rx="4" fill="#f2f4f7"/>')
        if ind.share is not None:
            w = max(2.0, plot * ind.share)
            colour = _share_colour(ind.share, target)
            body.append(
                f'<rect x="{left}" y="{y + 5}" width="{_f(w)}" height="20" rx="4" fill="{colour}">'
                f"<title>{e(ind.name)}: {e(fmt_pct(ind.share, lang))}</title></rect>"
            )
        label = fmt_pct(ind.share, lang)
        body.append(_text(left + plot + 10, y + 19, label, size=13, weight=650))
        if is_weak:
            tag = "zwakste schakel" if lang == "nl" else "weakest link"
            body.append(_text(left + plot + 66, y + 19, tag, size=11, fill=BAD, weight=650))
    tx = left + plot * target
    body.append(
        f'<line x1="{_f(tx)}" y1="{top - 12}" x2="{_f(tx)}" y2="{height - 22}" stroke="{INK}" '
        f'stroke-width="2" stroke-dasharray="5 4"/>'
    )
    body.append(
        _text(
            tx,
            top - 16,
            f"{t(lang, 'ambition').lower()} {fmt_pct(target, lang, 0)}",
            size=11.5,
            anchor="middle",
            weight=650,
        )
    )
    return _svg(width, height, body, t(lang, "chart.indicators"))


def chart_trend(a: Analysis, lang: str) -> str:
    """The chain's consistency, one point per day (its last measurement), with the ambition line."""
    runs = list(daily_trend(a.inp.runs))
    width, height, left, right, top, bottom = 560, 260, 48, 18, 20, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    target = a.summary.target
    body: list[str] = []
    if not runs:
        body.append(_text(width / 2, height / 2, t(lang, "trend.none"), size=14, fill=MUTED, anchor="middle"))
        return _svg(width, height, body, t(lang, "chart.trend"))
    shares = [r.share or 0.0 for r in runs]
    low = min([*shares, target])
    y_min = max(0.0, math.floor((low - 0.05) * 10) / 10)
    y_max = 1.0
    steps = round((y_max - y_min) * 10)
    if steps > 5:  # ticks every 20% instead of every 10%
        y_min = max(0.0, 1.0 - 0.2 * math.ceil((1.0 - y_min) / 0.2 - 1e-9))
        steps = round((y_max - y_min) * 5)
    d0, d1 = runs[0].at.date(), runs[-1].at.date()
    span = (d1 - d0).days

    def xy(run: RunPoint) -> tuple[float, float]:
        x = left + plot_w / 2 if span == 0 else left + plot_w * (run.at.date() - d0).days / span
        y = top + plot_h * (1 - ((run.share or 0.0) - y_min) / (y_max - y_min))
        return x, y

    for i in range(steps + 1):
        v = y_min + (y_max - y_min) * i / steps
        y = top + plot_h * (1 - i / steps)
        body.append(f'<line x1="{left}" y1="{_f(y)}" x2="{width - right}" y2="{_f(y)}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, fmt_pct(v, lang, 0), size=11, fill=MUTED, anchor="end"))
    ty = top + plot_h * (1 - (target - y_min) / (y_max - y_min))
    body.append(
        f'<line x1="{left}" y1="{_f(ty)}" x2="{width - right}" y2="{_f(ty)}" stroke="{INK}" '
        f'stroke-width="2" stroke-dasharray="5 4"/>'
    )
    body.append(
        _text(
            width - right - 4,
            ty - 6,
            f"{t(lang, 'target')} {fmt_pct(target, lang, 0)}",
            size=11.5,
            anchor="end",
            weight=650,
        )
    )
    points = [xy(r) for r in runs]
    if len(points) > 1:
        area = (
            f"M{_f(points[0][0])},{_f(top + plot_h)} "
            + " ".join(f"L{_f(x)},{_f(y)}" for x, y in points)
            + f" L{_f(points[-1][0])},{_f(top + plot_h)} Z"
        )
        body.append(f'<path d="{area}" fill="{BRAND}" fill-opacity="0.08"/>')
        line = "M" + " L".join(f"{_f(x)},{_f(y)}" for x, y in points)
        body.append(
            f'<path d="{line}" fill="none" stroke="{BRAND}" stroke-width="2.5" stroke-linejoin="round"/>'
        )
    show_dots = len(points) <= 60
    for r, (x, y) in zip(runs, points, strict=True):
        if show_dots or r is runs[-1]:
            body.append(
                f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{4 if r is runs[-1] else 3}" fill="{BRAND}">'
                f"<title>{e(fmt_date(r.at.date(), lang))}: {e(fmt_pct(r.share, lang))}</title></circle>"
            )
    lx, ly = points[-1]
    body.append(
        _text(
            min(lx, width - right - 30),
            ly - 10,
            fmt_pct(runs[-1].share, lang),
            size=12.5,
            anchor="middle",
            weight=650,
        )
    )
    body.append(_text(left, height - 10, fmt_date(d0, lang), size=11, fill=MUTED))
    if d1 != d0:
        body.append(_text(width - right, height - 10, fmt_date(d1, lang), size=11, fill=MUTED, anchor="end"))
    return _svg(width, height, body, t(lang, "chart.trend"))


def chart_kinds(a: Analysis, lang: str) -> str:
    """Open divergences per kind, stacked by severity."""
    kinds = sorted(
        a.kinds_open.items(),
        key=lambda kv: (-sum(kv[1].values()), *(-kv[1].get(s.value, 0) for s in SEVERITIES), kv[0]),
    )
    width, left, right, top, row = 560, 215, 40, 34, 26
    height = top + row * max(1, len(kinds)) + 8
    plot = width - left - right
    body: list[str] = []
    x = 0.0
    for sev in SEVERITIES:
        body.append(
            f'<rect x="{_f(x)}" y="4" width="11" height="11" rx="2" fill="{SEV_COLOURS[sev.value]}"/>'
        )
        label = severity_label(lang, sev.value)
        body.append(_text(x + 15, 14, label, size=11.5, fill=MUTED))
        x += 26 + 7.2 * len(label)
    if not kinds:
        body.append(
            _text(width / 2, top + 14, t(lang, "tactical.none"), size=13, fill=MUTED, anchor="middle")
        )
        return _svg(width, height + 10, body, t(lang, "chart.kinds"))
    biggest = max(sum(c.values()) for _, c in kinds)
    for n, (kind, counts) in enumerate(kinds):
        y = top + n * row
        body.append(_text(left - 10, y + 14, kind_label(lang, kind), size=12, anchor="end"))
        x = float(left)
        for sev in SEVERITIES:
            c = counts.get(sev.value, 0)
            if not c:
                continue
            w = plot * c / biggest
            body.append(
                f'<rect x="{_f(x)}" y="{y + 2}" width="{_f(max(w, 1.5))}" height="17" fill="{SEV_COLOURS[sev.value]}">'
                f"<title>{e(kind_label(lang, kind))}, {e(severity_label(lang, sev.value))}: {c}</title></rect>"
            )
            x += w
        body.append(_text(x + 6, y + 15, fmt_num(sum(counts.values()), lang), size=12.5, weight=650))
    return _svg(width, height, body, t(lang, "chart.kinds"))


def chart_weeks(tac: OrganisationTactics, lang: str) -> str:
    """Opened (blue) against resolved (green) per ISO week."""
    weeks = tac.weeks
    width, height, left, top, bottom = 520, 150, 30, 22, 26
    plot_w, plot_h = width - left - 8, height - top - bottom
    biggest = max([1, *[max(w.opened, w.resolved) for w in weeks]])
    slot = plot_w / max(1, len(weeks))
    bar = max(2.0, min(16.0, slot / 2 - 3))
    body = [
        f'<rect x="{left}" y="2" width="10" height="10" rx="2" fill="{OPENED}"/>',
        _text(left + 14, 11, t(lang, "legend.opened"), size=11, fill=MUTED),
        f'<rect x="{left + 90}" y="2" width="10" height="10" rx="2" fill="{RESOLVED}"/>',
        _text(left + 104, 11, t(lang, "legend.resolved"), size=11, fill=MUTED),
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" stroke="{GRID}"/>',
        _text(left - 4, top + 8, str(biggest), size=10.5, fill=MUTED, anchor="end"),
    ]
    label_every = max(1, math.ceil(len(weeks) / 12))
    for n, w in enumerate(weeks):
        cx = left + slot * n + slot / 2
        for value, colour, dx in ((w.opened, OPENED, -bar - 1), (w.resolved, RESOLVED, 1)):
            h = plot_h * value / biggest
            if value:
                body.append(
                    f'<rect x="{_f(cx + dx)}" y="{_f(top + plot_h - h)}" width="{_f(bar)}" height="{_f(h)}" fill="{colour}">'
                    f"<title>{e(w.week)}: {value}</title></rect>"
                )
        if n % label_every == 0:
            body.append(_text(cx, height - 8, w.week[-3:], size=10.5, fill=MUTED, anchor="middle"))
    return _svg(width, height, body, t(lang, "chart.weeks"))


# --- sections ------------------------------------------------------------------------------


def _tiles(a: Analysis, lang: str) -> str:
    s = a.summary
    share_cls = "good" if s.share is not None and s.share >= s.target else "bad"
    deadline_note = deadline_line(a, lang)
    if s.on_track is None:
        track, track_cls = t(lang, "on_track.unknown"), ""
    else:
        projected = s.projected_share if s.projected_share is not None else s.share
        track = t(
            lang,
            "on_track.yes" if s.on_track else "on_track.no",
            projected=fmt_pct(projected, lang),
            deadline=fmt_date(s.deadline, lang),
        )
        track_cls = "good-t" if s.on_track else "bad-t"
    sev_bits = " · ".join(
        f'<span style="color:{SEV_COLOURS[k] if k != "low" else MUTED}">{e(fmt_num(v, lang))} {e(severity_label(lang, k))}</span>'
        for k, v in s.by_severity.items()
        if v
    )
    w = a.weakest_link
    weak_value = e(w.name) if w else "—"
    weak_note = f"{e(fmt_pct(w.share, lang))} · {e(count(lang, 'open_divergence', w.open))}" if w else ""
    fill = 0.0 if s.share is None else s.share
    colour = _share_colour(s.share, s.target)
    progress = (
        f'<div class="progress" title="{e(fmt_pct(s.share, lang))}"><div class="fill" style="width:{fill * 100:.2f}%;background:{colour}"></div>'
        f'<div class="goal" style="left:calc({s.target * 100:.2f}% - 1px)"></div></div>'
    )
    gap = (
        tn(lang, "gap", s.dossiers_to_fix, n=fmt_num(s.dossiers_to_fix, lang))
        if s.dossiers_to_fix
        else t(lang, "gap.met")
    )
    weak_title = "Zwakste schakel" if lang == "nl" else "Weakest link"
    return (
        '<div class="tiles">'
        f'<div class="tile {share_cls}"><div class="k">{e(t(lang, "consistent_dossiers"))}</div>'
        f'<div class="v {share_cls}-t">{e(fmt_pct(s.share, lang))}</div>{progress}'
        f'<div class="n">{e(fmt_num(s.dossiers_consistent, lang))} / {e(fmt_num(s.dossiers_total, lang))} · {e(gap)}</div></div>'
        f'<div class="tile"><div class="k">{e(t(lang, "ambition"))}</div>'
        f'<div class="v">{e(fmt_pct(s.target, lang, 0))}</div><div class="n">{e(deadline_note)}</div>'
        f'<div class="n {track_cls}">{e(track)}</div></div>'
        f'<div class="tile {"bad" if s.by_severity.get("critical") else "warn" if s.open else "good"}">'
        f'<div class="k">{e(t(lang, "open_divergences"))}</div>'
        f'<div class="v">{e(fmt_num(s.open, lang))}</div><div class="n">{sev_bits or "&nbsp;"}</div></div>'
        f'<div class="tile {"bad" if w else ""}"><div class="k">{e(weak_title)}</div>'
        f'<div class="v" style="font-size:26px">{weak_value}</div><div class="n">{weak_note}</div></div>'
        "</div>"
    )


def _strategic(a: Analysis, lang: str) -> str:
    facts = "".join(f"<li>{e(line)}</li>" for line in summary_lines(a, lang)[1:])
    desc = f'<p class="note">{e(a.inp.ambition.description)}</p>' if a.inp.ambition.description else ""
    return (
        f"<h2>{e(t(lang, 'heading.strategic'))}</h2>"
        f'<p style="margin:-4px 0 14px;font-size:16px"><b>{e(t(lang, "ambition"))}:</b> {e(ambition_name(a, lang))}</p>{desc}'
        + _tiles(a, lang)
        + f'<div class="card" style="margin-top:14px"><h3>{e(t(lang, "chart.indicators"))}</h3>'
        + chart_indicators(a, lang)
        + f'<p class="note">{e(indicator_definition(lang))}</p>'
        + f'<p class="note"><b>{e(weakest_line(a, lang))}</b></p></div>'
        + '<div class="grid2">'
        + f'<div class="card"><h3>{e(t(lang, "chart.trend"))}</h3>{chart_trend(a, lang)}'
        + f'<p class="note">{e(t(lang, "trend.legend"))}</p></div>'
        + f'<div class="card"><h3>{e(t(lang, "chart.kinds"))}</h3>{chart_kinds(a, lang)}</div>'
        + "</div>"
        + f'<div class="card"><ul class="facts">{facts}</ul></div>'
    )


def _tactical(a: Analysis, lang: str) -> str:
    out = [f"<h2>{e(t(lang, 'heading.tactical'))}</h2>"]
    if not a.tactics:
        out.append(f'<div class="card">{e(t(lang, "tactical.none"))}</div>')
    out.append('<div class="orgcards">')
    for tac in a.tactics:
        oldest = "—" if tac.oldest_days is None else fmt_num(tac.oldest_days, lang)
        median = (
            "—"
            if tac.median_days is None
            else fmt_num(tac.median_days, lang, 0 if tac.median_days.is_integer() else 1)
        )
        rows = "".join(
            f"<tr><td>{e(kind_label(lang, kind))}</td>"
            + "".join(f'<td class="num">{c[s.value] or ""}</td>' for s in SEVERITIES)
            + f'<td class="num"><b>{sum(c.values())}</b></td></tr>'
            for kind, c in tac.by_kind.items()
        )
        table = (
            "<table><thead><tr>"
            + f"<th>{e(t(lang, 'col.kind'))}</th>"
            + "".join(f'<th class="num">{e(severity_label(lang, s.value))}</th>' for s in SEVERITIES)
            + f'<th class="num">{e(t(lang, "col.count"))}</th></tr></thead><tbody>{rows}</tbody></table>'
            if tac.by_kind
            else f'<p class="note">{e(t(lang, "tactical.none"))}</p>'
        )
        out.append(
            f'<div class="card"><h3>{e(tac.name)}</h3><div class="kpis">'
            f"<div><b>{e(fmt_num(tac.open, lang))}</b>{e(t(lang, 'col.open'))}</div>"
            f"<div><b>{e(oldest)}</b>{e(t(lang, 'col.oldest'))}</div>"
            f"<div><b>{e(median)}</b>{e(t(lang, 'col.median'))}</div></div>"
            f"{table}<div style='margin-top:12px'>{chart_weeks(tac, lang)}</div></div>"
        )
    out.append("</div>")
    return "".join(out)


def _operational(a: Analysis, lang: str) -> str:
    out = [f"<h2>{e(t(lang, 'heading.operational'))}</h2>"]
    if not a.work:
        out.append(f'<div class="card">{e(t(lang, "work.none"))}</div>')
    for group in a.work:
        rows: list[str] = []
        for wd in group.dossiers:
            label = label_for(a, wd.items[0].divergence, lang)
            for n, item in enumerate(wd.items):
                d = item.divergence
                sev = d.severity.value
                ack = (
                    f' <span class="ack">({e(t(lang, "acknowledged_mark"))})</span>'
                    if d.status.value == "acknowledged"
                    else ""
                )
                rows.append(
                    "<tr>"
                    + (f'<td class="dossier" rowspan="{len(wd.items)}">{e(label)}</td>' if n == 0 else "")
                    + f'<td><span class="pill {sev}" style="background:{SEV_COLOURS[sev]}">{e(severity_label(lang, sev))}</span></td>'
                    + f'<td class="num">{e(fmt_num(item.age_days, lang))}</td>'
                    + f'<td title="{e(d.message)}">{e(action_for(a, d, lang))}{ack}</td></tr>'
                )
        out.append(
            f"<details open><summary>{e(tn(lang, 'work.org', group.count, org=group.name, n=fmt_num(group.count, lang)))}</summary>"
            '<div class="body"><table class="work"><colgroup><col style="width:170px"><col style="width:96px">'
            '<col style="width:70px"><col></colgroup><thead><tr>'
            f"<th>{e(t(lang, 'col.dossier'))}</th><th>{e(t(lang, 'col.severity'))}</th>"
            f'<th class="num">{e(t(lang, "col.days"))}</th><th>{e(t(lang, "col.action"))}</th>'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div></details>"
        )
    return "".join(out)


def render_html(a: Analysis, opts: RenderOptions) -> str:
    lang = opts.lang
    privacy = (
        f'<span class="badge reveal">{e(t(lang, "revealed"))}</span>'
        if opts.revealed
        else f'<span class="badge mask">{e(t(lang, "masked"))}</span>'
    )
    recipient = f" · {e(t(lang, 'recipient', who=opts.recipient))}" if opts.recipient else ""
    sections = [_strategic(a, lang)]
    if opts.level in ("tactical", "operational"):
        sections.append(_tactical(a, lang))
    if opts.level == "operational":
        sections.append(_operational(a, lang))
    warnings = ""
    if warning_lines(a, lang):
        items = "".join(f"<li>{e(w)}</li>" for w in warning_lines(a, lang))
        warnings = f'<h2>{e(t(lang, "heading.warnings"))}</h2><div class="warnings"><ul>{items}</ul></div>'
    title = page_title(lang, opts.level)  # the page holds its level and every level above it
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{e(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="referrer" content="no-referrer">'
        f"<title>{e(title)}</title><style>{CSS}</style></head><body>"
        f'<header><div class="wrap"><h1>{e(title)}</h1>'
        f'<div class="sub">{e(t(lang, "generated", at=fmt_date(a.inp.now, lang)))} UTC · {e(filters_text(a, lang))}{recipient}{privacy}</div>'
        f'</div></header><main><div class="wrap">{"".join(sections)}{warnings}</div></main>'
        f'<footer><div class="wrap">{e(GENERATOR)} · {e(t(lang, "chain_definition"))}</div></footer>'
        "</body></html>\n"
    )
