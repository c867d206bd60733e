"""The report's input as plain frozen values: divergences, dossier counts, run history, the ambition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from dossierlink.schema import BUILTIN_ORGANISATIONS, Divergence

__all__ = ["DEFAULT_AMBITION", "Ambition", "ReportInput", "RunPoint", "as_utc"]


def as_utc(value: dt.datetime) -> dt.datetime:
    """A naive datetime is taken as UTC; an aware one is converted to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


@attrs.frozen
class RunPoint:
    """One reconciliation run: how many dossiers the chain held and how many were consistent."""

    at: dt.datetime = attrs.field(converter=as_utc)
    dossiers_total: int
    dossiers_consistent: int

    @property
    def share(self) -> float | None:
        if self.dossiers_total <= 0:
            return None
        return max(0.0, min(1.0, self.dossiers_consistent / self.dossiers_total))


def _check_target(_inst: object, _a: attrs.Attribute[Any], value: float) -> None:
    if not 0.0 < value <= 1.0:
        raise ValueError(f"the ambition {value!r} must be a share between 0 and 1, such as 0.95.")


@attrs.frozen
class Ambition:
    """The chain's one shared, measurable ambition: a share of consistent dossiers by a date."""

    target: float = attrs.field(default=0.95, validator=_check_target)
    deadline: dt.date = dt.date(2027, 7, 1)
    name: str | None = None
    description: str | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], errors: list[str] | None = None) -> Ambition:
        """Read ``ambition``, ``deadline``, ``ambition_name`` and ``ambition_description``.

        ``data`` is the ``[chain]`` table of the configuration. A bad value is reported in
        ``errors`` (one sentence each) and replaced by its default, so a report still runs.
        """
        problems = errors if errors is not None else []
        default = cls()
        target = default.target
        raw = data.get("ambition")
        if raw is not None:
            parsed = _parse_share(raw)
            if parsed is None:
                problems.append(
                    f"[chain] ambition = {raw!r} is not a share: write a number between 0 and 1 "
                    'such as 0.95, or a percentage such as "95%".'
                )
            else:
                target = parsed
        deadline = default.deadline
        raw_deadline = data.get("deadline")
        if raw_deadline is not None:
            if isinstance(raw_deadline, dt.datetime):
                deadline = raw_deadline.date()
            elif isinstance(raw_deadline, dt.date):
                deadline = raw_deadline
            else:
                try:
                    deadline = dt.date.fromisoformat(str(raw_deadline).strip())
                except ValueError:
                    problems.append(
                        f"[chain] deadline = {raw_deadline!r} is not a date: write it as 2027-07-01."
                    )
        name = data.get("ambition_name")
        description = data.get("ambition_description")
        for key, value in (("ambition_name", name), ("ambition_description", description)):
            if value is not None and not isinstance(value, str):
                problems.append(f"[chain] {key} must be text, not {type(value).__name__}.")
        return cls(
            target=target,
            deadline=deadline,
            name=name if isinstance(name, str) and name.strip() else None,
            description=description if isinstance(description, str) and description.strip() else None,
        )


def _parse_share(raw: object) -> float | None:
    if isinstance(raw, bool):
        return None
    value: float
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(",", ".")
        percent = text.endswith("%")
        try:
            value = float(text.rstrip("%").strip())
        except ValueError:
            return None
        if percent:
            value /= 100.0
    else:
        return None
    if 1.0 < value <= 100.0:  # "ambition = 95" means 95%
        value /= 100.0
    if not 0.0 < value <= 1.0:
        return None
    return value


DEFAULT_AMBITION = Ambition()


def _divergences(value: Iterable[Divergence]) -> tuple[Divergence, ...]:
    return tuple(value)


def _runs(value: Iterable[RunPoint]) -> tuple[RunPoint, ...]:
    return tuple(value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _frozen_map(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return dict(value)


@attrs.frozen
class ReportInput:
    """Everything a report shows, read from the store once; the renderers do no I/O."""

    divergences: tuple[Divergence, ...] = attrs.field(converter=_divergences)
    dossiers_total: int
    # Dossier ids in which an organisation holds a record.
    dossiers_by_organisation: Mapping[str, frozenset[int]] = attrs.field(converter=_frozen_map)
    now: dt.datetime = attrs.field(converter=as_utc)
    ambition: Ambition = DEFAULT_AMBITION
    runs: tuple[RunPoint, ...] = attrs.field(default=(), converter=_runs)
    organisation_names: Mapping[str, str] = attrs.field(
        factory=lambda: dict(BUILTIN_ORGANISATIONS), converter=_frozen_map
    )
    # Dossier id -> display identifier (its parketnummer, else a PV number).
    dossier_labels: Mapping[int, str] = attrs.field(factory=dict, converter=_frozen_map)
    # The filters that selected these divergences, for the report's header ({"kind": "missing_paper"}).
    filters: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    # Rows of the store that could not be read; shown in the report, never silently dropped.
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    # Document files exports refer to that were not read, by reason ("outside the inbox root": 1).
    references_not_read: Mapping[str, int] = attrs.field(factory=dict, converter=_frozen_map)

    def organisation_name(self, code: str) -> str:
        return self.organisation_names.get(code) or BUILTIN_ORGANISATIONS.get(code) or code
