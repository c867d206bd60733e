"""Reads a ReportInput from the store's tables (divergences, records, dossiers, identifiers, runs)."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import sqlite_utils

from dossierlink.identifiers import IdentifierKind
from dossierlink.report.model import DEFAULT_AMBITION, Ambition, ReportInput, RunPoint, as_utc
from dossierlink.schema import (
    BUILTIN_ORGANISATIONS,
    Divergence,
    DivergenceKind,
    Identifier,
    Severity,
    Status,
    check_organisation,
)
from dossierlink.store.ledger import references_not_read
from dossierlink.store.tables import DIVERGENCES, DOSSIERS, IDENTIFIERS, RECORDS, RUNS

__all__ = ["ReportDataError", "load_report_input", "parse_since", "selection"]

# The store's tables, as the store defines them.
T_DIVERGENCES = DIVERGENCES.name
T_RECORDS = RECORDS.name
T_DOSSIERS = DOSSIERS.name
T_IDENTIFIERS = IDENTIFIERS.name
T_RUNS = RUNS.name

_LABEL_ORDER = {
    IdentifierKind.PARKETNUMMER.value: 0,
    IdentifierKind.PV.value: 1,
    IdentifierKind.ECLI.value: 2,
    IdentifierKind.EXTERN.value: 3,
}


class ReportDataError(ValueError):
    """A filter value or a store that cannot make a report; the message says what to fix."""


def _values(raw: str | Iterable[str] | None) -> list[str]:
    """Accept one value, a comma-separated string, or several values."""
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)
    out: list[str] = []
    for item in items:
        out += [p.strip() for p in str(item).split(",") if p.strip()]
    return out


def _enum_values(name: str, raw: str | Iterable[str] | None, allowed: Iterable[str]) -> list[str]:
    allowed_list = list(allowed)
    values = [v.lower() for v in _values(raw)]
    for v in values:
        if v not in allowed_list:
            raise ReportDataError(f"--{name} {v!r} is not known: choose from {', '.join(allowed_list)}.")
    return values


def parse_since(raw: str | dt.date | dt.datetime | None) -> dt.datetime | None:
    """``--since`` as a UTC datetime: a date means the start of that day."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.datetime):
        return as_utc(raw)
    if isinstance(raw, dt.date):
        return dt.datetime.combine(raw, dt.time(), tzinfo=dt.UTC)
    try:
        value = dt.datetime.fromisoformat(str(raw).strip())
    except ValueError:
        raise ReportDataError(f"--since {raw!r} is not a date: write it as 2025-01-31.") from None
    return as_utc(value)


def selection(
    *,
    organisation: str | Iterable[str] | None = None,
    kind: str | Iterable[str] | None = None,
    severity: str | Iterable[str] | None = None,
    status: str | Iterable[str] | None = None,
    since: str | dt.date | dt.datetime | None = None,
) -> dict[str, Any]:
    """Checked filter values; raises ReportDataError naming the bad one."""
    orgs: list[str] = []
    for o in _values(organisation):
        try:
            orgs.append(check_organisation(o))
        except ValueError as exc:
            raise ReportDataError(f"--organisation: {exc}") from None
    return {
        "organisation": orgs,
        "kind": _enum_values("kind", kind, (k.value for k in DivergenceKind)),
        "severity": _enum_values("severity", severity, (s.value for s in Severity)),
        "status": _enum_values("status", status, (s.value for s in Status)),
        "since": parse_since(since),
    }


def _dt(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return as_utc(value)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
    return as_utc(dt.datetime.fromisoformat(str(value).strip()))


def _json(value: Any, default: Any) -> Any:
    if value is None or value == "":
        return default
    if isinstance(value, list | dict):
        return value
    return json.loads(value)


def _columns(db: sqlite_utils.Database, table: str) -> set[str]:
    if not db[table].exists():
        return set()
    return {c.name for c in db[table].columns}


def _merged(db: sqlite_utils.Database) -> dict[int, int]:
    """Merged dossier id -> the dossier it lives on in now (followed to the end of the chain)."""
    if "merged_into" not in _columns(db, T_DOSSIERS):
        return {}
    direct = {
        int(r[0]): int(r[1])
        for r in db.execute(
            f"SELECT id, merged_into FROM [{T_DOSSIERS}] WHERE merged_into IS NOT NULL"
        ).fetchall()
    }
    out: dict[int, int] = {}
    for start in direct:
        seen = {start}
        target = direct[start]
        while target in direct and target not in seen:
            seen.add(target)
            target = direct[target]
        out[start] = target
    return out


def _divergence(row: Mapping[str, Any], merged: Mapping[int, int]) -> Divergence:
    idents = []
    for item in _json(row.get("identifiers"), []):
        idents.append(Identifier(IdentifierKind(str(item["kind"])), str(item["value"])))
    dossier_id = row.get("dossier_id")
    if dossier_id is not None:
        dossier_id = merged.get(int(dossier_id), int(dossier_id))
    details = _json(row.get("details"), {})
    return Divergence(
        id=str(row["id"]),
        kind=str(row["kind"]),
        severity=str(row["severity"]),
        organisation=str(row["organisation"]),
        organisations=tuple(str(o) for o in _json(row.get("organisations"), [row["organisation"]])),
        identifiers=tuple(idents),
        subject=str(row.get("subject") or ""),
        expected=None if row.get("expected") is None else str(row["expected"]),
        found=None if row.get("found") is None else str(row["found"]),
        message=str(row.get("message") or ""),
        why=str(row.get("why") or ""),
        status=str(row.get("status") or "open"),
        first_seen=_dt(row.get("first_seen")),
        last_seen=_dt(row.get("last_seen")),
        resolved_at=_dt(row.get("resolved_at")),
        dossier_id=dossier_id,
        details=details if isinstance(details, dict) else {"value": details},
    )


def _in(column: str, values: list[str], where: list[str], params: list[Any]) -> None:
    if values:
        where.append(f"[{column}] IN ({', '.join('?' for _ in values)})")
        params.extend(values)


def load_report_input(
    db: sqlite_utils.Database,
    *,
    now: dt.datetime,
    ambition: Ambition = DEFAULT_AMBITION,
    organisation: str | Iterable[str] | None = None,
    kind: str | Iterable[str] | None = None,
    severity: str | Iterable[str] | None = None,
    status: str | Iterable[str] | None = None,
    since: str | dt.date | dt.datetime | None = None,
    organisation_names: Mapping[str, str] | None = None,
) -> ReportInput:
    """Read everything a report needs in a handful of queries.

    Filters select divergences (``organisation`` is the one that must act; ``since`` keeps the
    divergences first seen or resolved on or after that moment, and the runs after it).
    A row that cannot be read becomes a warning in the report, never a crash.
    """
    sel = selection(organisation=organisation, kind=kind, severity=severity, status=status, since=since)
    warnings: list[str] = []
    merged = _merged(db)

    divergences: list[Divergence] = []
    if _columns(db, T_DIVERGENCES):
        where: list[str] = []
        params: list[Any] = []
        _in("organisation", sel["organisation"], where, params)
        _in("kind", sel["kind"], where, params)
        _in("severity", sel["severity"], where, params)
        _in("status", sel["status"], where, params)
        sql = f"SELECT * FROM [{T_DIVERGENCES}]" + (f" WHERE {' AND '.join(where)}" if where else "")
        cursor = db.execute(sql, params)
        columns = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(columns, values, strict=True))
            try:
                div = _divergence(row, merged)
            except (ValueError, KeyError, TypeError) as exc:
                warnings.append(f"divergence {row.get('id')!r} in the store could not be read: {exc}")
                continue
            since_at: dt.datetime | None = sel["since"]
            if since_at is not None and not (
                (div.first_seen is not None and div.first_seen >= since_at)
                or (div.resolved_at is not None and div.resolved_at >= since_at)
            ):
                continue
            divergences.append(div)

    dossier_cols = _columns(db, T_DOSSIERS)
    if dossier_cols:
        cond = " WHERE merged_into IS NULL" if "merged_into" in dossier_cols else ""
        dossiers_total = int(db.execute(f"SELECT count(*) FROM [{T_DOSSIERS}]{cond}").fetchone()[0])
    elif "dossier_id" in _columns(db, T_RECORDS):
        dossiers_total = int(
            db.execute(
                f"SELECT count(DISTINCT dossier_id) FROM [{T_RECORDS}] WHERE dossier_id IS NOT NULL"
            ).fetchone()[0]
        )
    else:
        dossiers_total = 0

    by_org: dict[str, set[int]] = defaultdict(set)
    if {"organisation", "dossier_id"} <= _columns(db, T_RECORDS):
        where_r = ["dossier_id IS NOT NULL"]
        params_r: list[Any] = []
        _in("organisation", sel["organisation"], where_r, params_r)
        for org, dossier_id in db.execute(
            f"SELECT DISTINCT organisation, dossier_id FROM [{T_RECORDS}] WHERE {' AND '.join(where_r)}",
            params_r,
        ):
            d = int(dossier_id)
            by_org[str(org)].add(merged.get(d, d))

    labels: dict[int, str] = {}
    wanted = {d.dossier_id for d in divergences if d.dossier_id is not None}
    if wanted and {"kind", "value", "dossier_id"} <= _columns(db, T_IDENTIFIERS):
        best: dict[int, tuple[int, str]] = {}
        rows = db.execute(
            f"SELECT dossier_id, kind, value FROM [{T_IDENTIFIERS}] WHERE kind IN "
            f"({', '.join('?' for _ in _LABEL_ORDER)}) AND dossier_id IS NOT NULL",
            list(_LABEL_ORDER),
        )
        for dossier_id, ident_kind, value in rows:
            d = int(dossier_id)
            d = merged.get(d, d)
            if d not in wanted:
                continue
            rank = (_LABEL_ORDER[str(ident_kind)], str(value))
            if d not in best or rank < best[d]:
                best[d] = rank
        labels = {d: value for d, (_, value) in best.items()}

    runs: list[RunPoint] = []
    run_cols = _columns(db, T_RUNS)
    if {"dossiers_total", "dossiers_consistent"} <= run_cols:
        at_cols = [c for c in ("finished_at", "started_at") if c in run_cols]
        if at_cols:
            at_expr = f"coalesce({', '.join(at_cols)})" if len(at_cols) > 1 else at_cols[0]
            for at, total, consistent in db.execute(
                f"SELECT {at_expr}, dossiers_total, dossiers_consistent FROM [{T_RUNS}] "
                "WHERE dossiers_total IS NOT NULL AND dossiers_consistent IS NOT NULL"
            ):
                try:
                    point = RunPoint(_dt(at) or now, int(total), int(consistent))
                except (ValueError, TypeError) as exc:
                    warnings.append(f"a run in the store could not be read: {exc}")
                    continue
                if sel["since"] is None or point.at >= sel["since"]:
                    runs.append(point)
    runs.sort(key=lambda r: r.at)

    org_names = dict(BUILTIN_ORGANISATIONS)
    org_names.update(organisation_names or {})
    filters: dict[str, str] = {}
    for key in ("organisation", "kind", "severity", "status"):
        if sel[key]:
            filters[key] = ",".join(sel[key])
    if sel["since"] is not None:
        filters["since"] = (
            sel["since"].date().isoformat() if sel["since"].time() == dt.time() else sel["since"].isoformat()
        )

    return ReportInput(
        divergences=tuple(divergences),
        dossiers_total=dossiers_total,
        dossiers_by_organisation={org: frozenset(ids) for org, ids in by_org.items()},
        runs=tuple(runs),
        ambition=ambition,
        organisation_names=org_names,
        now=now,
        dossier_labels=labels,
        filters=filters,
        warnings=tuple(warnings),
        references_not_read={
            p.value: n for p, n in references_not_read(db.conn, organisations=sel["organisation"]).items()
        },
    )
