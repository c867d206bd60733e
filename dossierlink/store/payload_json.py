"""The store's JSON payloads: version 1 objects, version 2 positional arrays, and ``record_to_dict`` objects.

Stores written before version 3 hold these, and the version 3 writer still falls back to
version 2 (and that to version 1) for a record it cannot carry exactly, so both are read and
written here. The positional layout (``SPECS``) is shared with version 3.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from enum import Enum
from typing import Any

import attrs

from dossierlink.schema import (
    Document,
    Event,
    Identifier,
    InventoryEntry,
    Medium,
    Person,
    Provenance,
    Record,
)
from dossierlink.store.trusted import (
    ACTION,
    DATES,
    DATETIMES,
    DOCTYPE,
    EVENT,
    IDENT_KIND,
    MEDIUM,
    ROLE,
    build_identifier,
    build_record,
    identifier_of_key,
    shared_date,
    shared_datetime,
    slot_builder,
)

__all__ = [
    "SPECS",
    "V2",
    "Fallback",
    "encode_label",
    "encode_scalar",
    "iso",
    "record_from_object_v1",
    "record_from_v2",
    "record_to_payload_v1",
    "record_to_payload_v2",
]


# --- version 1: a compact JSON object ---------------------------------------------------------
# The ``record_to_dict`` object with defaults left out, and a document's organisation and medium
# left out when they are its record's. A full ``record_to_dict`` object reads the same way.


def _defaults(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    """(field, default, whether the default is a factory) of an attrs class, in field order."""
    out: list[tuple[str, Any, bool]] = []
    for f in attrs.fields(cls):
        factory = getattr(f.default, "factory", None)  # an attrs.Factory default
        if factory is not None:
            out.append((f.name, factory, True))
        else:
            out.append((f.name, f.default, False))
    return tuple(out)


_CLASSES = (Record, Provenance, Identifier, Document, Person, Event, InventoryEntry)
_DEFAULTS = {cls: _defaults(cls) for cls in _CLASSES}


def _compact(value: Any) -> Any:
    if attrs.has(type(value)):
        out: dict[str, Any] = {}
        for name, default, is_factory in _DEFAULTS.get(type(value)) or _defaults(type(value)):
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


def record_to_payload_v1(record: Record) -> str:
    """The version 1 payload (a JSON object): defaults left out, and what a document shares with its record."""
    data = _compact(record)
    for doc in data.get("documents", ()):
        if doc.get("organisation") == data["organisation"]:
            del doc["organisation"]
        if doc.get("medium") == data["medium"]:
            del doc["medium"]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _dict_builder(cls: type) -> Callable[[dict[str, Any]], Any]:
    """``build(v)``: a ``cls`` from a dict of its fields, absent ones at their defaults."""
    env: dict[str, Any] = {}
    values: dict[str, str] = {}
    for name, default, is_factory in _defaults(cls):
        env[f"_d_{name}"] = default
        if is_factory:
            values[name] = f"v[{name!r}] if {name!r} in v else _d_{name}()"
        else:
            values[name] = f"_g({name!r}, _d_{name})"
    return slot_builder(cls, ("v",), values, env, prologue=("_g = v.get",))


_FROM_DICT = {cls: _dict_builder(cls) for cls in _CLASSES}


def _ident_v1(d: dict[str, Any]) -> Identifier:
    d["kind"] = IDENT_KIND[d["kind"]]
    d.setdefault("raw", d["value"])
    ident: Identifier = _FROM_DICT[Identifier](d)
    return ident


def record_from_object_v1(d: dict[str, Any]) -> Record:
    """Read a version 1 payload or a ``record_to_dict`` object, once ``json.loads`` made it a dict."""
    build_doc = _FROM_DICT[Document]
    org = d["organisation"]
    medium = d["medium"]
    docs = d.get("documents", ())
    for i, doc in enumerate(docs):
        doc.setdefault("organisation", org)
        doc["medium"] = MEDIUM[doc.get("medium") or medium]
        if (v := doc.get("type")) is not None:
            doc["type"] = DOCTYPE[v]
        if (v := doc.get("date")) is not None:
            doc["date"] = dt.date.fromisoformat(v)
        if (v := doc.get("modified")) is not None:
            doc["modified"] = dt.datetime.fromisoformat(v)
        if (v := doc.get("page_labels")) is not None:
            doc["page_labels"] = tuple(tuple(x) if x is not None else None for x in v)
        if (v := doc.get("identifiers")) is not None:
            doc["identifiers"] = tuple(_ident_v1(x) for x in v)
        docs[i] = build_doc(doc)
    persons = d.get("persons", ())
    for i, p in enumerate(persons):
        if (v := p.get("role")) is not None:
            p["role"] = ROLE[v]
        if (v := p.get("geboortedatum")) is not None:
            p["geboortedatum"] = dt.date.fromisoformat(v)
        persons[i] = _FROM_DICT[Person](p)
    events = d.get("events", ())
    for i, e in enumerate(events):
        e["kind"] = EVENT[e["kind"]]
        e["date"] = dt.date.fromisoformat(e["date"])
        events[i] = _FROM_DICT[Event](e)
    inventory = d.get("inventory", ())
    for i, inv in enumerate(inventory):
        inv["action"] = ACTION[inv["action"]]
        inv["at"] = dt.datetime.fromisoformat(inv["at"])
        if (v := inv.get("type")) is not None:
            inv["type"] = DOCTYPE[v]
        inventory[i] = _FROM_DICT[InventoryEntry](inv)
    return build_record(
        d["organisation"],
        MEDIUM[medium],
        _FROM_DICT[Provenance](d["provenance"]),
        tuple(_ident_v1(x) for x in d.get("identifiers", ())),
        tuple(docs),
        tuple(persons),
        tuple(events),
        tuple(inventory),
        tuple(d.get("warnings", ())),
        d.get("unreadable"),
    )


# --- version 2: positional JSON arrays --------------------------------------------------------
# ``[2, organisation, medium, provenance, identifiers, documents, persons, events, inventory,
# warnings, unreadable]``: every object is a JSON array in the field order below, trailing nulls
# left out. An identifier whose raw text is its value (and that is valid) is its key string
# ("pv:PL0900 2024012345-1"); a document's organisation and medium are null when they are its
# record's. A value of a type the schema does not promise (attrs does not check every field)
# makes the writer fall back to version 1.

V2 = 2


class Fallback(Exception):
    """A value a format cannot carry exactly; the writer uses the next wider format instead."""


# (field, how it is encoded) in payload order; the order is part of versions 2 and 3: append only.
SPECS: dict[type, tuple[tuple[str, str], ...]] = {
    Provenance: (("path", "s"), ("sha256", "s"), ("adapter", "s"), ("locator", "s")),
    Document: (
        ("key", "s"),
        ("type", "doctype"),
        ("title", "s"),
        ("date", "date"),
        ("page_count", "s"),
        ("source_location", "s"),
        ("modified", "datetime"),
        ("identifiers", "idents"),
        ("status", "s"),
        ("ondertekening", "s"),
        ("version", "s"),
        ("vertrouwelijkheidaanduiding", "s"),
        ("sha256", "s"),
        ("integriteit", "s"),
        ("text_chars", "s"),
        ("fingerprint", "s"),
        ("page_labels", "labels"),
        ("size", "s"),
        ("organisation", "org"),
        ("medium", "medium"),
    ),
    Person: (
        ("role", "role"),
        ("voornamen", "s"),
        ("tussenvoegsel", "s"),
        ("achternaam", "s"),
        ("geboortedatum", "date"),
        ("skn", "s"),
        ("bsn", "s"),
    ),
    Event: (
        ("kind", "event"),
        ("date", "date"),
        ("organisation", "s"),
        ("sender", "s"),
        ("receiver", "s"),
        ("status", "s"),
        ("description", "s"),
    ),
    InventoryEntry: (
        ("action", "action"),
        ("at", "datetime"),
        ("document_key", "s"),
        ("type", "doctype"),
        ("title", "s"),
        ("page_count", "s"),
        ("dossier_pages", "s"),
        ("by", "s"),
    ),
}
for _cls, _spec in SPECS.items():  # every field has exactly one place in the format
    assert sorted(n for n, _ in _spec) == sorted(f.name for f in attrs.fields(_cls)), _cls

_SCALARS = frozenset({str, int, bool, type(None)})


def encode_scalar(v: Any) -> Any:
    if type(v) not in _SCALARS:
        raise Fallback
    return v


def _enc_ident(i: Identifier) -> Any:
    if type(i.value) is str and i.raw == i.value and i.valid is True and i.problem is None:
        return f"{i.kind.value}:{i.value}"
    return [
        i.kind.value,
        encode_scalar(i.value),
        encode_scalar(i.raw),
        encode_scalar(i.valid),
        encode_scalar(i.problem),
    ]


def encode_label(label: Any) -> Any:
    if label is None:
        return None
    if type(label) is not tuple or len(label) != 2 or any(type(x) is not int for x in label):
        raise Fallback
    return list(label)


_TEMPORAL: dict[str, type] = {"date": dt.date, "datetime": dt.datetime}


def iso(how: str, v: dt.date) -> str:
    """A date or datetime field as ISO text; any other type (or a date for a datetime) falls back."""
    if type(v) is not _TEMPORAL[how]:
        raise Fallback
    return v.isoformat()


def _enc_value(how: str, v: Any, record: Record) -> Any:
    if v is None:
        return None
    if how == "s":
        return encode_scalar(v)
    if how in _TEMPORAL:
        return iso(how, v)
    if how == "idents":
        return [_enc_ident(i) for i in v] or None
    if how == "labels":
        return [encode_label(x) for x in v] or None
    if how == "org":
        return None if v == record.organisation else encode_scalar(v)
    if how == "medium":
        return None if v is record.medium else v.value
    if not isinstance(v, Enum):  # doctype, role, event, action
        raise Fallback
    return v.value


def _enc_object(obj: Any, record: Record) -> list[Any]:
    out = [_enc_value(how, getattr(obj, name), record) for name, how in SPECS[type(obj)]]
    while out and out[-1] is None:
        out.pop()
    return out


def _encode_v2(record: Record) -> list[Any]:
    if type(record.medium) is not Medium or type(record.provenance) is not Provenance:
        raise Fallback
    return [
        V2,
        encode_scalar(record.organisation),
        record.medium.value,
        _enc_object(record.provenance, record),
        [_enc_ident(i) for i in record.identifiers],
        [_enc_object(x, record) for x in record.documents],
        [_enc_object(x, record) for x in record.persons],
        [_enc_object(x, record) for x in record.events],
        [_enc_object(x, record) for x in record.inventory],
        [encode_scalar(w) for w in record.warnings],
        encode_scalar(record.unreadable),
    ]


def record_to_payload_v2(record: Record) -> str:
    """The version 2 payload, or version 1 for a record version 2 cannot carry exactly."""
    try:
        data = _encode_v2(record)
    except (Fallback, KeyError, AttributeError, TypeError):
        return record_to_payload_v1(record)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _ident_v2(x: Any) -> Identifier:
    if type(x) is str:
        return identifier_of_key(x)
    kind, value, raw, valid, problem = x
    return build_identifier(IDENT_KIND[kind], value, raw, valid, problem)


def _labels_v2(v: list[Any]) -> tuple[tuple[int, int] | None, ...]:
    out: list[tuple[int, int] | None] = []
    for x in v:
        if x is None:
            out.append(None)
        else:
            page, of = x
            out.append((page, of))
    return tuple(out)


# How each encoding turns back into a value: a Python expression on the parameter ``{n}``.
_DECODE: dict[str, str] = {
    "s": "{n}",
    "date": "None if {n} is None else (_DG({n}) or _date({n}))",
    "datetime": "None if {n} is None else (_TG({n}) or _datetime({n}))",
    "idents": "() if {n} is None else tuple(map(_ident, {n}))",
    "labels": "() if {n} is None else _labels({n})",
    "org": "ro if {n} is None else {n}",
    "medium": "rm if {n} is None else _MEDIUM[{n}]",
    "doctype": "_DOCTYPE[{n}]",
    "role": "_ROLE[{n}]",
    "event": "_EVENT[{n}]",
    "action": "_ACTION[{n}]",
}

_ENV: dict[str, Any] = {
    "_DG": DATES.get,
    "_TG": DATETIMES.get,
    "_date": shared_date,
    "_datetime": shared_datetime,
    "_ident": _ident_v2,
    "_labels": _labels_v2,
    "_MEDIUM": MEDIUM,
    "_DOCTYPE": DOCTYPE,
    "_ROLE": ROLE,
    "_EVENT": EVENT,
    "_ACTION": ACTION,
}


def _positional_builder(cls: type) -> Callable[..., Any]:
    """``build(ro, rm, *fields)``: a ``cls`` from its version 2 array (absent fields are None);
    ``ro`` and ``rm`` are the record's organisation and medium, for a document that shares them."""
    spec = SPECS[cls]
    params = ["ro", "rm", *(f"{name}=None" for name, _ in spec)]
    return slot_builder(cls, params, {name: _DECODE[how].format(n=name) for name, how in spec}, _ENV)


_B_PROVENANCE = _positional_builder(Provenance)
_B_DOCUMENT = _positional_builder(Document)
_B_PERSON = _positional_builder(Person)
_B_EVENT = _positional_builder(Event)
_B_INVENTORY = _positional_builder(InventoryEntry)


def record_from_v2(v: list[Any]) -> Record:
    """Read a version 2 payload, once ``json.loads`` made it a list."""
    _version, org, medium, prov, ids, docs, persons, events, inventory, warnings, unreadable = v
    m = MEDIUM[medium]
    return build_record(
        org,
        m,
        _B_PROVENANCE(None, None, *prov),
        tuple(map(_ident_v2, ids)),
        tuple([_B_DOCUMENT(org, m, *d) for d in docs]),
        tuple([_B_PERSON(None, None, *p) for p in persons]),
        tuple([_B_EVENT(None, None, *e) for e in events]),
        tuple([_B_INVENTORY(None, None, *i) for i in inventory]),
        tuple(warnings),
        unreadable,
    )
