"""Records and divergences to and from plain JSON-able dicts (store payloads, golden files)."""

from __future__ import annotations

import datetime as dt
import json
from enum import Enum
from typing import Any

import attrs

from dossierlink.identifiers import IdentifierKind
from dossierlink.schema import (
    Divergence,
    Document,
    DocumentType,
    Event,
    EventKind,
    Identifier,
    InventoryAction,
    InventoryEntry,
    Medium,
    Person,
    Provenance,
    Record,
    Role,
)

__all__ = [
    "divergence_to_dict",
    "dumps",
    "record_from_dict",
    "record_from_payload",
    "record_to_dict",
    "record_to_payload",
]


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


# --- the store's compact payload -------------------------------------------------------------
# Records are written once and read on every reconcile: the payload leaves out defaults, and
# reading trusts what this module wrote (no validators re-run), which makes loading several
# times faster than ``record_from_dict``. Anything the store did not write goes through
# ``record_from_dict`` and full validation.


def _defaults(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    out: list[tuple[str, Any, bool]] = []
    for f in attrs.fields(cls):
        factory = getattr(f.default, "factory", None)  # an attrs.Factory default
        if factory is not None:
            out.append((f.name, factory, True))
        else:
            out.append((f.name, f.default, False))
    return tuple(out)


_FIELDS: dict[type, tuple[tuple[str, Any, bool], ...]] = {}


_ATTRS_TYPES: dict[type, bool] = {}


def _is_attrs(cls: type) -> bool:
    known = _ATTRS_TYPES.get(cls)
    if known is None:
        known = _ATTRS_TYPES[cls] = attrs.has(cls)
    return known


def _compact(value: Any) -> Any:
    if _is_attrs(type(value)):
        fields = _FIELDS.get(type(value)) or _FIELDS.setdefault(type(value), _defaults(type(value)))
        out: dict[str, Any] = {}
        for name, default, is_factory in fields:
            v = getattr(value, name)
            if (not is_factory and v == default and v is not attrs.NOTHING) or v is None or v == ():
                continue
            out[name] = _compact(v)
        if type(value) is Identifier and out.get("raw") == out.get("value"):
            del out["raw"]  # the reader fills raw back in from value
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_compact(v) for v in value]
    return value


def record_to_payload(record: Record) -> str:
    """The store's JSON for a record: defaults left out, and what a document shares with its record."""
    data = _compact(record)
    for doc in data.get("documents", ()):
        if doc.get("organisation") == data["organisation"]:
            del doc["organisation"]
        if doc.get("medium") == data["medium"]:
            del doc["medium"]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


_BUILDERS: dict[type, Any] = {}


def _builder(cls: type) -> Any:
    """A generated function that fills a slotted attrs instance straight from a dict.

    One C-level ``object.__setattr__`` per field and no Python loop: several times faster
    than iterating the fields, which is what loading a large store spends its time on.
    """
    fields = _FIELDS.get(cls) or _FIELDS.setdefault(cls, _defaults(cls))
    env: dict[str, Any] = {"_new": object.__new__, "_set": object.__setattr__, "cls": cls}
    lines = ["def build(v):", "    o = _new(cls)", "    g = v.get"]
    for i, (name, default, is_factory) in enumerate(fields):
        env[f"d{i}"] = default
        if is_factory:
            lines.append(f"    _set(o, {name!r}, v[{name!r}] if {name!r} in v else d{i}())")
        else:
            lines.append(f"    _set(o, {name!r}, g({name!r}, d{i}))")
    lines.append("    return o")
    exec("\n".join(lines), env)  # code built only from the class's own field names
    return env["build"]


def _new(cls: type, values: dict[str, Any]) -> Any:
    build = _BUILDERS.get(cls)
    if build is None:
        build = _BUILDERS[cls] = _builder(cls)
    return build(values)


_IDENTS: dict[tuple[Any, ...], Identifier] = {}


def _ident_fast(d: dict[str, Any]) -> Identifier:
    # Identical identifiers recur across a dossier's records: share one immutable object.
    key = (d["kind"], d["value"], d.get("raw"), d.get("valid", True), d.get("problem"))
    found = _IDENTS.get(key)
    if found is None:
        if len(_IDENTS) > 200_000:
            _IDENTS.clear()
        d["kind"] = _IDENT_KIND[d["kind"]]
        d.setdefault("raw", d["value"])
        found = _IDENTS[key] = _new(Identifier, d)
    return found


_IDENT_KIND: dict[Any, IdentifierKind] = dict(IdentifierKind._value2member_map_)
_MEDIUM: dict[Any, Medium] = dict(Medium._value2member_map_)
_DOCTYPE: dict[Any, DocumentType] = dict(DocumentType._value2member_map_)
_ROLE: dict[Any, Role] = dict(Role._value2member_map_)
_EVENT: dict[Any, EventKind] = dict(EventKind._value2member_map_)
_ACTION: dict[Any, InventoryAction] = dict(InventoryAction._value2member_map_)
_iso_date = dt.date.fromisoformat
_iso_datetime = dt.datetime.fromisoformat


def record_from_payload(payload: str) -> Record:
    """Read what :func:`record_to_payload` wrote (trusted: no validators run again)."""
    d = json.loads(payload)
    build_doc = _BUILDERS.get(Document) or _BUILDERS.setdefault(Document, _builder(Document))
    org = d["organisation"]
    medium = d["medium"]
    docs = d.get("documents", ())
    for i, doc in enumerate(docs):
        doc.setdefault("organisation", org)
        doc["medium"] = _MEDIUM[doc.get("medium") or medium]
        if (v := doc.get("type")) is not None:
            doc["type"] = _DOCTYPE[v]
        if (v := doc.get("date")) is not None:
            doc["date"] = _iso_date(v)
        if (v := doc.get("modified")) is not None:
            doc["modified"] = _iso_datetime(v)
        if (v := doc.get("page_labels")) is not None:
            doc["page_labels"] = tuple(tuple(x) if x is not None else None for x in v)
        if (v := doc.get("identifiers")) is not None:
            doc["identifiers"] = tuple(_ident_fast(x) for x in v)
        docs[i] = build_doc(doc)
    persons = d.get("persons", ())
    for i, p in enumerate(persons):
        if (v := p.get("role")) is not None:
            p["role"] = _ROLE[v]
        if (v := p.get("geboortedatum")) is not None:
            p["geboortedatum"] = _iso_date(v)
        persons[i] = _new(Person, p)
    events = d.get("events", ())
    for i, e in enumerate(events):
        e["kind"] = _EVENT[e["kind"]]
        e["date"] = _iso_date(e["date"])
        events[i] = _new(Event, e)
    inventory = d.get("inventory", ())
    for i, inv in enumerate(inventory):
        inv["action"] = _ACTION[inv["action"]]
        inv["at"] = _iso_datetime(inv["at"])
        if (v := inv.get("type")) is not None:
            inv["type"] = _DOCTYPE[v]
        inventory[i] = _new(InventoryEntry, inv)
    return _new(  # type: ignore[no-any-return]
        Record,
        {
            "organisation": d["organisation"],
            "medium": _MEDIUM[medium],
            "provenance": _new(Provenance, d["provenance"]),
            "identifiers": tuple(_ident_fast(x) for x in d.get("identifiers", ())),
            "documents": tuple(docs),
            "persons": tuple(persons),
            "events": tuple(events),
            "inventory": tuple(inventory),
            "warnings": tuple(d.get("warnings", ())),
            "unreadable": d.get("unreadable"),
        },
    )
