"""Indicators from a ReportInput: the chain's consistency, one crucial indicator per organisation,
the weakest link, the tactical aggregates and the operational work list. Pure: no I/O, no clock."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

import attrs

from dossierlink.identifiers import IdentifierKind
from dossierlink.report.model import ReportInput, RunPoint
from dossierlink.schema import BUILTIN_ORGANISATIONS, Divergence, DivergenceKind, Severity, Status

__all__ = [
    "UNRESOLVED",
    "Analysis",
    "OrganisationIndicator",
    "OrganisationTactics",
    "Summary",
    "WeekCount",
    "WorkDossier",
    "WorkGroup",
    "WorkItem",
    "analyse",
    "chain_order",
    "daily_trend",
    "exceeds",
    "weakest_link",
]

# "Open" in every indicator means not resolved: an acknowledged divergence is still a problem.
UNRESOLVED = frozenset({Status.OPEN, Status.ACKNOWLEDGED})
SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
MAX_WEEKS = 104
DEFAULT_WEEKS = 8


@attrs.frozen
class OrganisationIndicator:
    """One organisation's crucial indicator: the share of its dossiers it has nothing to act on."""

    organisation: str
    name: str
    dossiers: int  # dossiers in which it holds a record or must act
    dossiers_clean: int  # of those, without an unresolved divergence it must act on
    share: float | None  # None when it has no dossiers
    open: int  # unresolved divergences it must act on (open + acknowledged)
    acknowledged: int
    by_severity: Mapping[str, int]
    meets_ambition: bool | None


@attrs.frozen
class Summary:
    """Where the chain stands against its ambition."""

    dossiers_total: int
    dossiers_consistent: int
    share: float | None
    target: float
    deadline: dt.date
    days_to_deadline: int  # negative once the deadline has passed
    dossiers_to_fix: int
    open: int  # unresolved: open + acknowledged
    acknowledged: int
    resolved: int
    by_severity: Mapping[str, int]
    by_kind: Mapping[str, int]
    dossierless_open: int  # unresolved divergences not tied to a dossier
    projected_share: float | None  # at the deadline, at the pace of the run history
    on_track: bool | None


@attrs.frozen
class WeekCount:
    week: str  # ISO week, "2025-W07"
    opened: int
    resolved: int


@attrs.frozen
class OrganisationTactics:
    organisation: str
    name: str
    open: int
    by_kind: Mapping[str, Mapping[str, int]]  # kind -> severity -> unresolved count
    by_severity: Mapping[str, int]
    oldest_days: int | None
    median_days: float | None
    weeks: tuple[WeekCount, ...]


@attrs.frozen
class WorkItem:
    divergence: Divergence
    age_days: int


@attrs.frozen
class WorkDossier:
    dossier_id: int | None
    label: str | None  # None: no identifier known; the renderer names it
    items: tuple[WorkItem, ...]


@attrs.frozen
class WorkGroup:
    organisation: str
    name: str
    dossiers: tuple[WorkDossier, ...]

    @property
    def count(self) -> int:
        return sum(len(d.items) for d in self.dossiers)


@attrs.frozen
class Analysis:
    """Everything the renderers show, computed once."""

    inp: ReportInput
    summary: Summary
    indicators: tuple[OrganisationIndicator, ...]
    weakest_link: OrganisationIndicator | None
    kinds_open: Mapping[str, Mapping[str, int]]  # kind -> severity -> unresolved count (chain)
    tactics: tuple[OrganisationTactics, ...]
    work: tuple[WorkGroup, ...]
    weeks: tuple[str, ...]


def exceeds(divergences: Iterable[Divergence], fail_on: Severity | str) -> bool:
    """True when an open or acknowledged divergence is at or over ``fail_on`` (exit code 1)."""
    threshold = Severity(fail_on).rank
    return any(d.status in UNRESOLVED and d.severity.rank >= threshold for d in divergences)


def chain_order(codes: Iterable[str]) -> list[str]:
    """Organisations in the order a case travels the chain, then any others alphabetically."""
    builtin = list(BUILTIN_ORGANISATIONS)
    return sorted(set(codes), key=lambda c: (builtin.index(c) if c in builtin else len(builtin), c))


def _age_days(div: Divergence, now: dt.datetime) -> int:
    if div.first_seen is None:
        return 0
    first = div.first_seen if div.first_seen.tzinfo else div.first_seen.replace(tzinfo=dt.UTC)
    return max(0, (now - first).days)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _week_window(inp: ReportInput) -> tuple[str, ...]:
    end = inp.now.date()
    start = end - dt.timedelta(weeks=DEFAULT_WEEKS - 1)
    since = inp.filters.get("since")
    if since:
        with contextlib.suppress(ValueError):
            start = dt.date.fromisoformat(since[:10])
    start = max(start, end - dt.timedelta(weeks=MAX_WEEKS - 1))
    start -= dt.timedelta(days=start.weekday())  # the Monday of its week
    weeks: list[str] = []
    day = start
    while day <= end:
        weeks.append(_iso_week(day))
        day += dt.timedelta(weeks=1)
    return tuple(weeks)


def daily_trend(runs: Iterable[RunPoint]) -> tuple[RunPoint, ...]:
    """One point per day (UTC): that day's last measurement, oldest day first.

    Reconciliation may run many times a day (each ingest, a demo's four runs in a minute); a
    trend of every run would draw those minutes as if they were the chain's course.
    """
    last: dict[dt.date, RunPoint] = {}
    for run in sorted((r for r in runs if r.share is not None), key=lambda r: r.at):
        last[_utc(run.at).date()] = run
    return tuple(last[day] for day in sorted(last))


def _projection(runs: tuple[RunPoint, ...], deadline: dt.date) -> float | None:
    """The share at the deadline on the least-squares line through the run history."""
    points = sorted((r.at, r.share) for r in runs if r.share is not None)
    # Runs minutes apart say nothing about the pace: ask for measurements on two different days.
    if len(points) < 2 or points[-1][0] - points[0][0] < dt.timedelta(days=1):
        return None
    origin = points[0][0]
    xs = [(at - origin).total_seconds() / 86400.0 for at, _ in points]
    ys = [float(s) for _, s in points if s is not None]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    deadline_x = (dt.datetime.combine(deadline, dt.time(), tzinfo=dt.UTC) - origin).total_seconds() / 86400.0
    return max(0.0, min(1.0, mean_y + slope * (deadline_x - mean_x)))


def weakest_link(indicators: Iterable[OrganisationIndicator]) -> OrganisationIndicator | None:
    """The lowest indicator; a tie goes to the organisation with more open divergences."""
    rated = [i for i in indicators if i.share is not None]
    if not rated:
        return None
    return min(rated, key=lambda i: (i.share, -i.open, i.organisation))


def dossier_label(inp: ReportInput, div: Divergence) -> str | None:
    """The dossier's display identifier: the store's label, else a parketnummer or PV number."""
    if div.dossier_id is not None:
        label = inp.dossier_labels.get(div.dossier_id)
        if label:
            return label
    for kind in (IdentifierKind.PARKETNUMMER, IdentifierKind.PV, IdentifierKind.ECLI, IdentifierKind.EXTERN):
        for ident in div.identifiers:
            if ident.kind is kind:
                return ident.value
    return None


def _sort_key(item: WorkItem) -> tuple[int, int, str]:
    # Most severe first, then oldest, then the stable id.
    return (-item.divergence.severity.rank, -item.age_days, item.divergence.id)


def analyse(inp: ReportInput) -> Analysis:
    """Compute the summary, indicators, weakest link, tactical aggregates and work list."""
    now = inp.now
    unresolved = [d for d in inp.divergences if d.status in UNRESOLVED]
    resolved_count = sum(1 for d in inp.divergences if d.status is Status.RESOLVED)

    # --- the chain ----------------------------------------------------------------------
    inconsistent = {d.dossier_id for d in unresolved if d.dossier_id is not None}
    total = inp.dossiers_total
    consistent = max(0, total - len(inconsistent))
    share = consistent / total if total > 0 else None
    target = inp.ambition.target
    needed = math.ceil(target * total - 1e-9)
    projected = _projection(inp.runs, inp.ambition.deadline)
    days_left = (inp.ambition.deadline - now.date()).days
    on_track: bool | None
    if share is not None and share >= target:
        on_track = True
    elif days_left < 0:
        on_track = False if share is not None else None
    else:
        on_track = None if projected is None else projected >= target
    sev_counter = Counter(d.severity.value for d in unresolved)
    kind_counter = Counter(d.kind.value for d in unresolved)
    summary = Summary(
        dossiers_total=total,
        dossiers_consistent=consistent,
        share=share,
        target=target,
        deadline=inp.ambition.deadline,
        days_to_deadline=days_left,
        dossiers_to_fix=max(0, needed - consistent),
        open=len(unresolved),
        acknowledged=sum(1 for d in unresolved if d.status is Status.ACKNOWLEDGED),
        resolved=resolved_count,
        by_severity={s.value: sev_counter.get(s.value, 0) for s in SEVERITIES},
        by_kind={k.value: kind_counter[k.value] for k in DivergenceKind if kind_counter.get(k.value)},
        dossierless_open=sum(1 for d in unresolved if d.dossier_id is None),
        projected_share=projected,
        on_track=on_track,
    )

    # --- one indicator per organisation ---------------------------------------------------
    by_org: dict[str, list[Divergence]] = defaultdict(list)
    for d in unresolved:
        by_org[d.organisation].append(d)
    orgs = chain_order(set(inp.dossiers_by_organisation) | set(by_org))
    indicators: list[OrganisationIndicator] = []
    for org in orgs:
        own = by_org.get(org, [])
        flagged = {d.dossier_id for d in own if d.dossier_id is not None}
        held = inp.dossiers_by_organisation.get(org, frozenset())
        # A receiver that never registered the case still must act on it: count it in.
        dossiers = len(held) + len(flagged - held)
        clean = dossiers - len(flagged)
        org_share = clean / dossiers if dossiers else None
        sev = Counter(d.severity.value for d in own)
        indicators.append(
            OrganisationIndicator(
                organisation=org,
                name=inp.organisation_name(org),
                dossiers=dossiers,
                dossiers_clean=clean,
                share=org_share,
                open=len(own),
                acknowledged=sum(1 for d in own if d.status is Status.ACKNOWLEDGED),
                by_severity={s.value: sev.get(s.value, 0) for s in SEVERITIES},
                meets_ambition=None if org_share is None else org_share >= target,
            )
        )

    kinds_open: dict[str, dict[str, int]] = {}
    for d in unresolved:
        kinds_open.setdefault(d.kind.value, {s.value: 0 for s in SEVERITIES})[d.severity.value] += 1
    kinds_open = {k.value: kinds_open[k.value] for k in DivergenceKind if k.value in kinds_open}

    # --- tactical -------------------------------------------------------------------------
    weeks = _week_window(inp)
    week_set = set(weeks)
    opened: dict[str, Counter[str]] = defaultdict(Counter)
    closed: dict[str, Counter[str]] = defaultdict(Counter)
    for d in inp.divergences:
        if d.first_seen is not None:
            w = _iso_week(_utc(d.first_seen).date())
            if w in week_set:
                opened[d.organisation][w] += 1
        if d.status is Status.RESOLVED and d.resolved_at is not None:
            w = _iso_week(_utc(d.resolved_at).date())
            if w in week_set:
                closed[d.organisation][w] += 1
    tactics: list[OrganisationTactics] = []
    for org in chain_order(set(orgs) | set(opened) | set(closed)):
        own = by_org.get(org, [])
        ages = [_age_days(d, now) for d in own]
        per_kind: dict[str, dict[str, int]] = {}
        for d in own:
            per_kind.setdefault(d.kind.value, {s.value: 0 for s in SEVERITIES})[d.severity.value] += 1
        sev = Counter(d.severity.value for d in own)
        tactics.append(
            OrganisationTactics(
                organisation=org,
                name=inp.organisation_name(org),
                open=len(own),
                by_kind={k.value: per_kind[k.value] for k in DivergenceKind if k.value in per_kind},
                by_severity={s.value: sev.get(s.value, 0) for s in SEVERITIES},
                oldest_days=max(ages) if ages else None,
                median_days=float(statistics.median(ages)) if ages else None,
                weeks=tuple(WeekCount(w, opened[org].get(w, 0), closed[org].get(w, 0)) for w in weeks),
            )
        )

    # --- operational work list ------------------------------------------------------------
    groups: list[WorkGroup] = []
    for org in chain_order(by_org):
        per_dossier: dict[tuple[int | None, str | None], list[WorkItem]] = defaultdict(list)
        for d in by_org[org]:
            label = dossier_label(inp, d)
            # Divergences without a dossier id but with the same identifier belong together.
            per_dossier[(d.dossier_id, label if d.dossier_id is None else None)].append(
                WorkItem(d, _age_days(d, now))
            )
        work_dossiers: list[WorkDossier] = []
        for (dossier_id, _), items in per_dossier.items():
            items.sort(key=_sort_key)
            work_dossiers.append(
                WorkDossier(dossier_id, dossier_label(inp, items[0].divergence), tuple(items))
            )
        work_dossiers.sort(key=lambda wd: (_sort_key(wd.items[0]), wd.label or "", wd.dossier_id or 0))
        groups.append(WorkGroup(org, inp.organisation_name(org), tuple(work_dossiers)))

    return Analysis(
        inp=inp,
        summary=summary,
        indicators=tuple(indicators),
        weakest_link=weakest_link(indicators),
        kinds_open=kinds_open,
        tactics=tuple(tactics),
        work=tuple(groups),
        weeks=weeks,
    )
