"""What the pages and the API read: the work list (filtered, paged), dossier labels, the cached analysis."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from dossierlink.api import Chain
from dossierlink.identifiers import parse_skn
from dossierlink.report import Analysis, ReportInput, analyse, load_report_input, masked
from dossierlink.report.actions import action
from dossierlink.report.common import divergence_row
from dossierlink.report.privacy import mask_divergence
from dossierlink.schema import Divergence, DivergenceKind, Severity, Status
from dossierlink.store import divergence_from_row, utcnow

__all__ = ["WorkFilter", "WorkPage", "cached_analysis", "dossier_labels", "work_page"]

KINDS = tuple(k.value for k in DivergenceKind)
SEVERITIES = tuple(s.value for s in Severity)
STATUSES = (*(s.value for s in Status), "unresolved")
_SEVERITY_ORDER = "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END"


class FilterError(ValueError):
    """A filter value that is not known; the message names it and the choices."""


@attrs.frozen
class WorkFilter:
    organisation: str | None = None
    kind: str | None = None
    severity: str | None = None
    status: str = "unresolved"
    min_age: int | None = None  # days
    dossier: str | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> WorkFilter:
        def choice(name: str, allowed: Sequence[str], default: str | None = None) -> str | None:
            value = (query.get(name) or "").strip() or default
            if value is not None and value not in allowed:
                raise FilterError(f"{name} {value!r} is not known: choose from {', '.join(allowed)}.")
            return value

        age_raw = (query.get("age") or "").strip()
        if age_raw and (not age_raw.isdigit() or len(age_raw) > 5):
            raise FilterError(f"age {age_raw!r} must be a number of days.")
        return cls(
            organisation=(query.get("organisation") or "").strip().lower() or None,
            kind=choice("kind", KINDS),
            severity=choice("severity", SEVERITIES),
            status=choice("status", STATUSES, "unresolved") or "unresolved",
            min_age=int(age_raw) if age_raw else None,
            dossier=(query.get("dossier") or "").strip()[:80] or None,
        )

    def as_query_fields(self) -> dict[str, Any]:
        return attrs.asdict(self)

    def as_query(self) -> dict[str, str]:
        out = {
            "organisation": self.organisation,
            "kind": self.kind,
            "severity": self.severity,
            "status": self.status,
            "age": str(self.min_age) if self.min_age is not None else None,
            "dossier": self.dossier,
        }
        return {k: v for k, v in out.items() if v}


@attrs.frozen
class WorkPage:
    count: int
    page: int
    page_size: int
    divergences: tuple[Divergence, ...]  # masked
    labels: Mapping[int, str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def _where(chain: Chain, f: WorkFilter, now: dt.datetime) -> tuple[str, list[Any]] | None:
    where: list[str] = []
    params: list[Any] = []
    if f.status == "unresolved":
        where.append("status IN ('open', 'acknowledged')")
    elif f.status:
        where.append("status = ?")
        params.append(f.status)
    if f.organisation:
        where.append("organisation = ?")
        params.append(f.organisation)
    if f.kind:
        where.append("kind = ?")
        params.append(f.kind)
    if f.severity:
        where.append("severity = ?")
        params.append(f.severity)
    if f.min_age is not None:
        where.append("first_seen <= ?")
        params.append((now - dt.timedelta(days=f.min_age)).isoformat())
    if f.dossier:
        dossier_id = chain.store.find_dossier(f.dossier)
        if dossier_id is None:
            return None
        where.append("dossier_id = ?")
        params.append(dossier_id)
    return (" WHERE " + " AND ".join(where) if where else ""), params


def work_page(
    chain: Chain, f: WorkFilter, *, page: int, page_size: int, now: dt.datetime | None = None
) -> WorkPage:
    """One page of the work list: most severe first, then oldest; BSNs and birth dates masked."""
    now = now or utcnow()
    built = _where(chain, f, now)
    if built is None:
        return WorkPage(0, page, page_size, (), {})
    where, params = built
    conn = chain.store.conn
    count = int(conn.execute(f"SELECT count(*) FROM divergences{where}", params).fetchone()[0])
    cur = conn.execute(
        f"SELECT * FROM divergences{where} ORDER BY {_SEVERITY_ORDER}, first_seen, id LIMIT ? OFFSET ?",
        [*params, page_size, (page - 1) * page_size],
    )
    cols = [d[0] for d in cur.description]
    divs = tuple(mask_divergence(divergence_from_row(dict(zip(cols, r, strict=True)))) for r in cur)
    return WorkPage(count, page, page_size, divs, dossier_labels(chain, [d.dossier_id for d in divs]))


def find_dossiers(chain: Chain, text: str) -> list[int]:
    """The live dossiers for a search: by any case identifier, else the cases of a person's SKN."""
    found = chain.store.find_dossier(text)
    if found is not None:
        return [found]
    try:
        skn = parse_skn(text)
    except ValueError:
        return []
    rows = chain.store.conn.execute(
        "SELECT DISTINCT dossier_id FROM persons WHERE skn = ? ORDER BY dossier_id", [skn]
    ).fetchall()
    return sorted({chain.store.live_dossier(int(r[0])) for r in rows})


def dossier_labels(chain: Chain, dossier_ids: Sequence[int | None]) -> dict[int, str]:
    """dossier id -> its display identifier: the smallest parketnummer, else PV, ECLI, extern."""
    wanted = sorted({d for d in dossier_ids if d is not None})
    if not wanted:
        return {}
    rank = {"parketnummer": 0, "pv": 1, "ecli": 2, "extern": 3}
    best: dict[int, tuple[int, str]] = {}
    marks = ",".join("?" * len(wanted))
    for dossier_id, kind, value in chain.store.conn.execute(
        f"SELECT dossier_id, kind, value FROM identifiers WHERE dossier_id IN ({marks}) "
        "AND kind IN ('parketnummer', 'pv', 'ecli', 'extern')",
        wanted,
    ):
        key = (rank[kind], value)
        if dossier_id not in best or key < best[dossier_id]:
            best[dossier_id] = key
    return {d: v for d, (_, v) in best.items()}


def item_analysis(chain: Chain, divergences: Sequence[Divergence], labels: Mapping[int, str]) -> Analysis:
    """A small analysis over just these divergences, so rows come out as the JSON report writes them."""
    inp = ReportInput(
        divergences=tuple(divergences),
        dossiers_total=0,
        dossiers_by_organisation={},
        now=utcnow(),
        organisation_names=chain.organisation_names(),
        dossier_labels=dict(labels),
    )
    return analyse(inp)


def report_rows(
    chain: Chain, divergences: Sequence[Divergence], labels: Mapping[int, str], lang: str
) -> list[dict[str, Any]]:
    a = item_analysis(chain, divergences, labels)
    return [divergence_row(a, d, lang) for d in divergences]


def action_text(chain: Chain, div: Divergence, labels: Mapping[int, str], lang: str) -> str:
    names = chain.organisation_names()
    label = labels.get(div.dossier_id) if div.dossier_id is not None else None
    return action(div, dossier=label, lang=lang, names=lambda code: names.get(code, code))


# --- the analysis the overview and organisation pages show, cached per store state -----------

_cache: dict[tuple[Any, ...], Analysis] = {}
_cache_lock = threading.Lock()


def _state(chain: Chain) -> tuple[Any, ...]:
    """Changes when a reconcile run finishes or anyone acknowledges: the cache's key."""
    conn = chain.store.conn
    run = conn.execute("SELECT max(id), max(finished_at) FROM runs").fetchone()
    hist = conn.execute("SELECT max(id) FROM divergence_history").fetchone()
    return (str(chain.path), run[0], run[1], hist[0])


def cached_analysis(chain: Chain, organisation: str | None = None) -> Analysis:
    """The strategic/tactical analysis (masked), recomputed only after a run or an acknowledgement.

    The age of divergences moves with the clock: an entry lives at most ten minutes.
    """
    now = utcnow()
    key = (*_state(chain), organisation, now.replace(minute=now.minute // 10, second=0, microsecond=0))
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    inp = load_report_input(
        chain.db,
        now=now,
        ambition=chain.ambition(on_problem=lambda _problem: None),
        organisation=organisation,
        organisation_names=chain.organisation_names(),
    )
    result = analyse(masked(inp))
    with _cache_lock:
        for old in [k for k in _cache if k[0] == key[0] and k[4] == organisation]:
            del _cache[old]
        _cache[key] = result
    return result
