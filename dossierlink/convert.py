"""Records and divergences to and from plain JSON-able dicts: the JSON output, golden files and v0 payloads."""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from typing import Any

import attrs

from dossierlink.schema import (
    Divergence,
    Document,
    Event,
    Identifier,
    InventoryEntry,
    Person,
    Provenance,
    Record,
)

__all__ = ["divergence_to_dict", "dumps", "record_from_dict", "record_to_dict"]


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def record_to_dict(record: Record) -> dict[str, Any]:
    out: dict[str, Any] = _plain(record)
    return out


def divergence_to_dict(divergence: Divergence) -> dict[str, Any]:
    out: dict[str, Any] = _plain(divergence)
    return out


def dumps(value: Any, *, indent: int | None = None) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, indent=indent, sort_keys=indent is not None)


def _date(v: str | None) -> dt.date | None:
    return dt.date.fromisoformat(v) if v else None


def _datetime(v: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(v) if v else None


def _identifier(d: dict[str, Any]) -> Identifier:
    return Identifier(d["kind"], d["value"], d.get("raw", ""), d.get("valid", True), d.get("problem"))


def _document(d: dict[str, Any]) -> Document:
    data = dict(d)
    data["date"] = _date(data.get("date"))
    data["modified"] = _datetime(data.get("modified"))
    data["page_labels"] = tuple(tuple(x) if x is not None else None for x in data.get("page_labels", ()))
    data["identifiers"] = tuple(_identifier(i) for i in data.get("identifiers", ()))
    return Document(**data)


def _person(d: dict[str, Any]) -> Person:
    data = dict(d)
    data["geboortedatum"] = _date(data.get("geboortedatum"))
    return Person(**data)


def _event(d: dict[str, Any]) -> Event:
    data = dict(d)
    data["date"] = dt.date.fromisoformat(data["date"])
    return Event(**data)


def _inventory(d: dict[str, Any]) -> InventoryEntry:
    data = dict(d)
    data["at"] = dt.datetime.fromisoformat(data["at"])
    return InventoryEntry(**data)


def record_from_dict(d: dict[str, Any]) -> Record:
    return Record(
        organisation=d["organisation"],
        medium=d["medium"],
        provenance=Provenance(**d["provenance"]),
        identifiers=tuple(_identifier(i) for i in d.get("identifiers", ())),
        documents=tuple(_document(x) for x in d.get("documents", ())),
        persons=tuple(_person(x) for x in d.get("persons", ())),
        events=tuple(_event(x) for x in d.get("events", ())),
        inventory=tuple(_inventory(x) for x in d.get("inventory", ())),
        warnings=tuple(d.get("warnings", ())),
        unreadable=d.get("unreadable"),
    )
