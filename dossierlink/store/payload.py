"""The store's record payloads: the current format, the readers of every earlier one, and the canonical order."""

from __future__ import annotations

import datetime as dt
import json
import operator
from enum import Enum
from typing import Any

import attrs

from dossierlink.identifiers import IdentifierKind
from dossierlink.schema import (
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
    "CANONICAL_ORDER_VERSION",
    "PAYLOAD_VERSION",
    "PayloadError",
    "forget_canonical",
    "forget_shared",
    "known_canonical",
    "record_from_payload",
    "record_to_payload",
    "shared_identifier",
]


# --- the store's payload, version 1: a compact JSON object ------------------------------------
# Records are written once and read on every reconcile: the payload leaves out defaults, and
# reading trusts what this module wrote (no validators re-run), which makes loading several
# times faster than ``record_from_dict``. Anything the store did not write goes through
# ``record_from_dict`` and full validation. Stores written before version 3 hold this (or the
# full ``record_to_dict`` object): ``record_from_payload`` reads every version ever written.


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


def _record_to_payload_v1(record: Record) -> str:
    """The version 1 payload (a JSON object): defaults left out, and what a document shares with its record."""
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


def _record_from_payload_v1(payload: str) -> Record:
    """Read a version 1 payload or a ``record_to_dict`` object (trusted: no validators run again)."""
    return _record_from_object_v1(json.loads(payload))


def _record_from_object_v1(d: dict[str, Any]) -> Record:
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


# --- payload version 2: positional JSON arrays ------------------------------------------------
# ``[2, organisation, medium, provenance, identifiers, documents, persons, events, inventory,
# warnings, unreadable]``: every object is a JSON array in the field order below, trailing nulls
# left out. An identifier whose raw text is its value (and that is valid) is its key string
# ("pv:PL0900 2024012345-1"); a document's organisation and medium are null when they are its
# record's. Reading is one ``json.loads`` plus one generated positional builder call per object,
# with identifiers and dates shared between records. A value of a type the schema does not
# promise (attrs does not check every field) makes the writer fall back to version 1.

_V2 = 2


class PayloadError(ValueError):
    """A store payload that this version of dossierlink cannot read."""


class _Fallback(Exception):
    """A value that version 2 cannot carry exactly; the writer uses version 1 instead."""


# (field, how it is encoded) in payload order; the order is part of the format: append only.
_SPECS: dict[type, tuple[tuple[str, str], ...]] = {
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
for _cls, _spec in _SPECS.items():  # every field has exactly one place in the format
    assert sorted(n for n, _ in _spec) == sorted(f.name for f in attrs.fields(_cls)), _cls

_SCALARS = frozenset({str, int, bool, type(None)})


def _enc_scalar(v: Any) -> Any:
    if type(v) not in _SCALARS:
        raise _Fallback
    return v


def _enc_ident(i: Identifier) -> Any:
    if type(i.value) is str and i.raw == i.value and i.valid is True and i.problem is None:
        return f"{i.kind.value}:{i.value}"
    return [
        i.kind.value,
        _enc_scalar(i.value),
        _enc_scalar(i.raw),
        _enc_scalar(i.valid),
        _enc_scalar(i.problem),
    ]


def _enc_label(label: Any) -> Any:
    if label is None:
        return None
    if type(label) is not tuple or len(label) != 2 or any(type(x) is not int for x in label):
        raise _Fallback
    return list(label)


_TEMPORAL: dict[str, type] = {"date": dt.date, "datetime": dt.datetime}


def _iso(how: str, v: dt.date) -> str:
    """A date or datetime field as ISO text; any other type (or a date for a datetime) falls back."""
    if type(v) is not _TEMPORAL[how]:
        raise _Fallback
    return v.isoformat()


def _enc_value(how: str, v: Any, record: Record) -> Any:
    if v is None:
        return None
    if how == "s":
        return _enc_scalar(v)
    if how in _TEMPORAL:
        return _iso(how, v)
    if how == "idents":
        return [_enc_ident(i) for i in v] or None
    if how == "labels":
        return [_enc_label(x) for x in v] or None
    if how == "org":
        return None if v == record.organisation else _enc_scalar(v)
    if how == "medium":
        return None if v is record.medium else v.value
    if not isinstance(v, Enum):  # doctype, role, event, action
        raise _Fallback
    return v.value


def _enc_object(obj: Any, record: Record) -> list[Any]:
    out = [_enc_value(how, getattr(obj, name), record) for name, how in _SPECS[type(obj)]]
    while out and out[-1] is None:
        out.pop()
    return out


def _encode_v2(record: Record) -> list[Any]:
    if type(record.medium) is not Medium or type(record.provenance) is not Provenance:
        raise _Fallback
    return [
        _V2,
        _enc_scalar(record.organisation),
        record.medium.value,
        _enc_object(record.provenance, record),
        [_enc_ident(i) for i in record.identifiers],
        [_enc_object(x, record) for x in record.documents],
        [_enc_object(x, record) for x in record.persons],
        [_enc_object(x, record) for x in record.events],
        [_enc_object(x, record) for x in record.inventory],
        [_enc_scalar(w) for w in record.warnings],
        _enc_scalar(record.unreadable),
    ]


def _record_to_payload_v2(record: Record) -> str:
    try:
        data = _encode_v2(record)
    except (_Fallback, KeyError, AttributeError, TypeError):
        return _record_to_payload_v1(record)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


_CACHE_LIMIT = 100_000
_V2_IDENTS: dict[Any, Identifier] = {}
_DATES: dict[str, dt.date] = {}
_DATETIMES: dict[str, dt.datetime] = {}
_LABELS: dict[tuple[int, int], tuple[int, int]] = {}


_I_SET = tuple(Identifier.__dict__[f.name].__set__ for f in attrs.fields(Identifier))


def _make_ident(kind: IdentifierKind, value: Any, raw: Any, valid: Any, problem: Any) -> Identifier:
    ident: Identifier = object.__new__(Identifier)
    set_kind, set_value, set_raw, set_valid, set_problem = _I_SET
    set_kind(ident, kind)
    set_value(ident, value)
    set_raw(ident, raw)
    set_valid(ident, valid)
    set_problem(ident, problem)
    return ident


def _ident_v2(x: Any) -> Identifier:
    if type(x) is str:
        found = _V2_IDENTS.get(x)
        if found is None:
            kind, sep, value = x.partition(":")
            if not sep:
                raise PayloadError(f"identifier {x!r} has no kind")
            found = _make_ident(_IDENT_KIND[kind], value, value, True, None)
            if len(_V2_IDENTS) > _CACHE_LIMIT:
                _V2_IDENTS.clear()
            _V2_IDENTS[x] = found
        return found
    kind, value, raw, valid, problem = x
    return _make_ident(_IDENT_KIND[kind], value, raw, valid, problem)


def _date_v2(v: str) -> dt.date:
    d = _DATES.get(v)
    if d is None:
        if len(_DATES) > _CACHE_LIMIT:
            _DATES.clear()
        d = _DATES[v] = _iso_date(v)
    return d


def _datetime_v2(v: str) -> dt.datetime:
    d = _DATETIMES.get(v)
    if d is None:
        if len(_DATETIMES) > _CACHE_LIMIT:
            _DATETIMES.clear()
        d = _DATETIMES[v] = _iso_datetime(v)
    return d


def _labels_v2(v: list[Any]) -> tuple[tuple[int, int] | None, ...]:
    out: list[tuple[int, int] | None] = []
    for x in v:
        if x is None:
            out.append(None)
        else:
            page, of = x
            t = (page, of)
            out.append(_LABELS.setdefault(t, t) if len(_LABELS) < _CACHE_LIMIT else t)
    return tuple(out)


# How each encoding turns back into a value: a Python expression on the parameter ``{n}``.
_DECODE: dict[str, str] = {
    "s": "{n}",
    "date": "None if {n} is None else (_DG({n}) or _date({n}))",
    "datetime": "None if {n} is None else (_TG({n}) or _datetime({n}))",
    "idents": "() if {n} is None else tuple(map(_ident, {n}))",
    "labels": "() if {n} is None else _labels({n})",
    "org": "_ro if {n} is None else {n}",
    "medium": "_rm if {n} is None else _MEDIUM[{n}]",
    "doctype": "_DOCTYPE[{n}]",
    "role": "_ROLE[{n}]",
    "event": "_EVENT[{n}]",
    "action": "_ACTION[{n}]",
}


_ENUM_ENV: dict[str, Any] = {
    "_new": object.__new__,
    "_DG": _DATES.get,
    "_TG": _DATETIMES.get,
    "_MEDIUM": _MEDIUM,
    "_DOCTYPE": _DOCTYPE,
    "_ROLE": _ROLE,
    "_EVENT": _EVENT,
    "_ACTION": _ACTION,
}


def _generated_builder(
    cls: type, spec: Any, decode: dict[str, str], missing: str, env: dict[str, Any]
) -> Any:
    """A generated ``build(_ro, _rm, *fields)`` that fills a slotted attrs instance in payload order.

    One slot-descriptor store per field and no loop; ``missing`` is the literal an absent field
    defaults to. The code is made only from this module's field specs, never from payload text.
    """
    env = {**_ENUM_ENV, **env, "cls": cls}
    params = ", ".join(f"{name}={missing}" for name, _ in spec)
    lines = [f"def build(_ro, _rm, {params}):", "    o = _new(cls)"]
    for name, how in spec:
        env[f"_set_{name}"] = cls.__dict__[name].__set__
        lines.append(f"    _set_{name}(o, {decode[how].format(n=name)})")
    lines.append("    return o")
    exec("\n".join(lines), env)
    return env["build"]


def _positional_builder(cls: type) -> Any:
    """The version 2 builder of ``cls`` (fields from positional JSON; absent ones are None)."""
    env = {"_date": _date_v2, "_datetime": _datetime_v2, "_ident": _ident_v2, "_labels": _labels_v2}
    return _generated_builder(cls, _SPECS[cls], _DECODE, "None", env)


_B_PROVENANCE = _positional_builder(Provenance)
_B_DOCUMENT = _positional_builder(Document)
_B_PERSON = _positional_builder(Person)
_B_EVENT = _positional_builder(Event)
_B_INVENTORY = _positional_builder(InventoryEntry)
_RECORD_SET = {f.name: Record.__dict__[f.name].__set__ for f in attrs.fields(Record)}
_R_ORG, _R_MEDIUM, _R_PROV = _RECORD_SET["organisation"], _RECORD_SET["medium"], _RECORD_SET["provenance"]
_R_IDS, _R_DOCS, _R_PERSONS = _RECORD_SET["identifiers"], _RECORD_SET["documents"], _RECORD_SET["persons"]
_R_EVENTS, _R_INV = _RECORD_SET["events"], _RECORD_SET["inventory"]
_R_WARN, _R_UNREAD = _RECORD_SET["warnings"], _RECORD_SET["unreadable"]


def _record_from_v2(v: list[Any]) -> Record:
    _version, org, medium, prov, ids, docs, persons, events, inventory, warnings, unreadable = v
    m = _MEDIUM[medium]
    r: Record = _new_object(Record)
    _R_ORG(r, org)
    _R_MEDIUM(r, m)
    _R_PROV(r, _B_PROVENANCE(None, None, *prov))
    _R_IDS(r, tuple(map(_ident_v2, ids)))
    _R_DOCS(r, tuple([_B_DOCUMENT(org, m, *d) for d in docs]))
    _R_PERSONS(r, tuple([_B_PERSON(None, None, *p) for p in persons]))
    _R_EVENTS(r, tuple([_B_EVENT(None, None, *e) for e in events]))
    _R_INV(r, tuple([_B_INVENTORY(None, None, *i) for i in inventory]))
    _R_WARN(r, tuple(warnings))
    _R_UNREAD(r, unreadable)
    return r


_new_object = object.__new__


def record_to_payload(record: Record) -> str:
    """The store's text for a record: version 3, else version 2, else version 1 (see above)."""
    try:
        return _encode_v3(record)
    except (_Fallback, KeyError, AttributeError, TypeError):
        return _record_to_payload_v2(record)


def record_from_payload(payload: str) -> Record:
    """Read a store payload of any version ever written (trusted: no validators run again).

    Version 3 is separated text, version 2 a JSON array, version 1 a JSON object (and so is a
    ``record_to_dict`` dict).
    Anything else, or a payload that does not fit its format, raises :class:`PayloadError`.
    """
    try:
        if payload.startswith(_V3_MARK):
            return _record_from_v3(payload)
        data = json.loads(payload)
        if type(data) is list:
            if not data or data[0] != _V2:
                raise PayloadError(f"unknown payload version {data[0] if data else None!r}")
            return _record_from_v2(data)
        if type(data) is dict:
            return _record_from_object_v1(data)
    except PayloadError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise PayloadError(f"malformed record payload: {type(exc).__name__}: {exc}") from None
    raise PayloadError(f"a record payload is a JSON array or object, not {type(data).__name__}")


# --- payload version 3: separated text --------------------------------------------------------
# The same positional layout as version 2, as one string split by ASCII separators instead of
# JSON: ``str.split`` is several times faster than ``json.loads`` and makes no garbage the cyclic
# GC must scan. Sections (``3``, organisation, medium, provenance, identifiers, documents,
# persons, events, inventory, warnings, unreadable) are split by RS (\x1e), objects by GS (\x1d),
# fields by US (\x1f), identifiers by FS (\x1c). Empty text is None. Identifiers are
# key strings ("pv:PL0900 2024012345-1"), integers decimal, dates ISO, page labels "1/3,-,3/3".
# A record with any value this cannot carry exactly (an empty string, a separator character, an
# invalid identifier, a value of an unexpected type) is written as version 2. The last section
# is the canonical order (see below).

PAYLOAD_VERSION = 3  # what record_to_payload writes when it can
_RS, _GS, _US, _FS = "\x1e", "\x1d", "\x1f", "\x1c"
_SEPARATORS = frozenset(_RS + _GS + _US + _FS)
_V3_MARK = "3" + _RS
# Version 3 kinds: "s" text, "i" integer; the rest as in _SPECS.
_V3_KINDS: dict[type, tuple[tuple[str, str], ...]] = {
    cls: tuple(
        (
            name,
            "i"
            if (cls, name)
            in {
                (Document, "page_count"),
                (Document, "text_chars"),
                (Document, "size"),
                (InventoryEntry, "page_count"),
            }
            else how,
        )
        for name, how in spec
    )
    for cls, spec in _SPECS.items()
}


def _v3_text(v: Any) -> str:
    if v is None:
        return ""
    if type(v) is not str or not v or not _SEPARATORS.isdisjoint(v):
        raise _Fallback
    return v


def _v3_key(i: Identifier) -> str:
    if not (type(i.value) is str and i.raw == i.value and i.valid is True and i.problem is None):
        raise _Fallback
    return _v3_text(f"{i.kind.value}:{i.value}")


def _v3_value(how: str, v: Any, record: Record) -> str:
    if v is None:
        return ""
    if how == "s":
        return _v3_text(v)
    if how == "i":
        if type(v) is not int:
            raise _Fallback
        return str(v)
    if how == "date":
        return _iso(how, v)
    if how == "datetime":
        return _v3_text(_iso(how, v))  # an offset name could hold a separator character
    if how == "idents":
        return _FS.join([_v3_key(i) for i in v])
    if how == "labels":
        return ",".join(["-" if x is None else f"{x[0]}/{x[1]}" for x in map(_enc_label, v)])
    if how == "org":
        return "" if v == record.organisation else _v3_text(v)
    if how == "medium":
        return "" if v is record.medium else v.value
    if not isinstance(v, Enum):
        raise _Fallback
    return _v3_text(v.value)


def _v3_object(obj: Any, record: Record) -> str:
    return _US.join(
        [_v3_value(how, getattr(obj, name), record) for name, how in _V3_KINDS[type(obj)]]
    ).rstrip(_US)


def _encode_v3(record: Record) -> str:
    if type(record.medium) is not Medium or type(record.provenance) is not Provenance:
        raise _Fallback
    return _RS.join(
        [
            "3",
            _v3_text(record.organisation),
            record.medium.value,
            _v3_object(record.provenance, record),
            _FS.join([_v3_key(i) for i in record.identifiers]),
            _GS.join([_v3_object(x, record) for x in record.documents]),
            _GS.join([_v3_object(x, record) for x in record.persons]),
            _GS.join([_v3_object(x, record) for x in record.events]),
            _GS.join([_v3_object(x, record) for x in record.inventory]),
            _GS.join([_v3_text(w) for w in record.warnings]),
            _v3_text(record.unreadable),
            _order_section(record),
        ]
    )


def _order_section(record: Record) -> str:
    from dossierlink.reconcile.view import canonical_permutations  # reconcile builds on this module

    perms = canonical_permutations(record)
    return _GS.join(
        [str(CANONICAL_ORDER_VERSION)] + ["" if p is None else ",".join(map(str, p)) for p in perms]
    )


_MISS: Any = object()
_V3_IDENTS: dict[str, tuple[Identifier, ...]] = {}


def _v3_idents(text: str) -> tuple[Identifier, ...]:
    """The identifiers of a separated key list, shared while the same list recurs."""
    found = _V3_IDENTS.get(text)
    if found is None:
        if len(_V3_IDENTS) > _CACHE_LIMIT:
            _V3_IDENTS.clear()
        if _FS in text:
            found = tuple([_V2_IDENTS.get(k) or _ident_v2(k) for k in text.split(_FS)])
        else:  # most documents name one identifier (or none)
            found = (_V2_IDENTS.get(text) or _ident_v2(text),) if text else ()
        _V3_IDENTS[text] = found
    return found


def _v3_date(v: str) -> dt.date | None:
    return _date_v2(v) if v else None


def _v3_datetime(v: str) -> dt.datetime | None:
    return _datetime_v2(v) if v else None


_DECODE_V3: dict[str, str] = {
    "s": "{n} or None",
    "i": "int({n}) if {n} else None",
    "date": "d if (d := _DG({n}, _M)) is not _M else _date({n})",
    "datetime": "d if (d := _TG({n}, _M)) is not _M else _datetime({n})",
    "idents": "d if (d := _IG({n})) is not None else _idents({n})",
    "labels": "d if (d := _LG({n})) is not None else _labels({n})",
    "org": "{n} or _ro",
    "medium": "_MEDIUM[{n}] if {n} else _rm",
    "doctype": "_DOCTYPE[{n}]",
    "role": "_ROLE[{n}]",
    "event": "_EVENT[{n}]",
    "action": "_ACTION[{n}]",
}


_V3_LABELS: dict[str, tuple[tuple[int, int] | None, ...]] = {"": ()}


def _v3_labels(text: str) -> tuple[tuple[int, int] | None, ...]:
    """``"1/3,-,3/3"`` as page labels, shared while the same text recurs."""
    out: list[tuple[int, int] | None] = []
    for label in text.split(","):
        if label == "-":
            out.append(None)
        else:
            page, of = label.split("/")
            out.append((int(page), int(of)))
    if len(_V3_LABELS) > _CACHE_LIMIT:
        _V3_LABELS.clear()
        _V3_LABELS[""] = ()
    found = _V3_LABELS[text] = tuple(out)
    return found


# How an absent trailing field (the writer strips empty ones) reads: the value its empty text
# decodes to, as a constant. Enum fields have no empty value: their builders decode '' and fail
# exactly as a present empty field does.
_ABSENT_V3: dict[str, str] = {
    "s": "None",
    "i": "None",
    "date": "None",
    "datetime": "None",
    "idents": "()",
    "labels": "()",
    "org": "_ro",
    "medium": "_rm",
}


def _v3_arity_builder(cls: type, present: int) -> Any:
    """The version 3 builder of ``cls`` for an object with its first ``present`` fields written.

    ``build(_ro, _rm, fields)`` takes the split list itself (no argument unpacking) and sets the
    absent fields to constants; the code is made only from this module's field specs.
    """
    spec = _V3_KINDS[cls]
    names = [name for name, _ in spec]
    assert not {"f", "o", "_ro", "_rm"} & set(names)
    env: dict[str, Any] = {
        **_ENUM_ENV,
        "cls": cls,
        "_M": _MISS,
        "_IG": _V3_IDENTS.get,
        "_date": _v3_date,
        "_datetime": _v3_datetime,
        "_idents": _v3_idents,
        "_LG": _V3_LABELS.get,
        "_labels": _v3_labels,
    }
    lines = ["def build(_ro, _rm, f):"]
    lines.append(f"    [{', '.join(names[:present])}] = f")
    lines.append("    o = _new(cls)")
    for i, (name, how) in enumerate(spec):
        env[f"_set_{name}"] = cls.__dict__[name].__set__
        if i < present:
            value = _DECODE_V3[how].format(n=name)
        else:
            value = _ABSENT_V3.get(how) or _DECODE_V3[how].format(n="''")
        lines.append(f"    _set_{name}(o, {value})")
    lines.append("    return o")
    exec("\n".join(lines), env)
    return env["build"]


def _v3_builders(cls: type) -> tuple[Any, ...]:
    """Builders of ``cls`` by the number of fields written (a split never gives zero fields)."""
    return (None, *[_v3_arity_builder(cls, k) for k in range(1, len(_V3_KINDS[cls]) + 1)])


_V3_PROVENANCE = _v3_builders(Provenance)
_V3_DOCUMENT = _v3_builders(Document)
_V3_PERSON = _v3_builders(Person)
_V3_EVENT = _v3_builders(Event)
_V3_INVENTORY = _v3_builders(InventoryEntry)
_fields: Any = operator.methodcaller("split", _US)

# Events repeat: the same hearing or handover in every record that mentions it, and the same
# dates, kinds and organisations across dossiers (in a 100k-dossier store, five in six events
# were read before, within this table's limit). An event's text carries every field (nothing
# comes from its record), so equal text is an equal immutable object: it is read once and
# shared, in a table kept across batches.
# Persons repeat within a dossier (the same suspect as several organisations registered them):
# shared the same way, but only for a batch (forget_shared), as they do not recur across dossiers.
_V3_EVENTS: dict[str, Event] = {}
_V3_PERSONS: dict[str, Person] = {}
_EVENTS_LIMIT = 50_000


def _v3_event(text: str) -> Event:
    f = text.split(_US)
    found: Event = _V3_EVENT[len(f)](None, None, f)
    if len(_V3_EVENTS) >= _EVENTS_LIMIT:
        _V3_EVENTS.clear()
    _V3_EVENTS[text] = found
    return found


def _v3_person(text: str) -> Person:
    f = text.split(_US)
    found: Person = _V3_PERSON[len(f)](None, None, f)
    if len(_V3_PERSONS) > _CACHE_LIMIT:
        _V3_PERSONS.clear()
    _V3_PERSONS[text] = found
    return found


_EG = _V3_EVENTS.get
_PG = _V3_PERSONS.get


def _record_from_v3(payload: str) -> Record:
    parts = payload.split(_RS)
    order = parts.pop() if len(parts) == 12 else ""
    _mark, org, medium, prov, ids, docs, persons, events, inventory, warnings, unreadable = parts
    m = _MEDIUM[medium]
    r: Record = _new_object(Record)
    _R_ORG(r, org)
    _R_MEDIUM(r, m)
    f = prov.split(_US)
    _R_PROV(r, _V3_PROVENANCE[len(f)](None, None, f))
    _R_IDS(r, _V3_IDENTS.get(ids) or _v3_idents(ids))
    if docs:
        build = _V3_DOCUMENT
        _R_DOCS(r, tuple([build[len(f)](org, m, f) for f in map(_fields, docs.split(_GS))]))
    else:
        _R_DOCS(r, ())
    _R_PERSONS(r, tuple([_PG(p) or _v3_person(p) for p in persons.split(_GS)]) if persons else ())
    _R_EVENTS(r, tuple([_EG(e) or _v3_event(e) for e in events.split(_GS)]) if events else ())
    if inventory:
        build = _V3_INVENTORY
        _R_INV(r, tuple([build[len(f)](None, None, f) for f in map(_fields, inventory.split(_GS))]))
    else:
        _R_INV(r, ())
    _R_WARN(r, tuple(warnings.split(_GS)) if warnings else ())
    _R_UNREAD(r, unreadable or None)
    if order:
        _remember_canonical(r, order)
    return r


# --- the canonical order, kept with each record ----------------------------------------------
# Reconciliation first puts every record's identifiers, documents, persons and events in a
# canonical order (dossierlink.reconcile.view). A version 3 payload carries that order as index
# permutations, so a record read back brings its canonical copy along and the view need not sort.
# The copy is found by the record's identity, held only until the store reads its next batch.

CANONICAL_ORDER_VERSION = 1  # bump when reconcile.view changes its canonical order
_ORDER_MARK = str(CANONICAL_ORDER_VERSION)
_KNOWN: dict[int, tuple[Record, Record]] = {}
_KNOWN_LIMIT = 50_000


_PERMUTATIONS: dict[str, tuple[int, ...]] = {}


def _permutation(text: str) -> tuple[int, ...]:
    """``"2,0,1"`` as indices, checked to be a permutation (parsed once per distinct text)."""
    found = _PERMUTATIONS.get(text)
    if found is None:
        found = tuple(int(i) for i in text.split(","))
        if sorted(found) != list(range(len(found))):
            raise PayloadError(f"canonical order {text!r} is not a permutation")
        if len(_PERMUTATIONS) > _CACHE_LIMIT:
            _PERMUTATIONS.clear()
        _PERMUTATIONS[text] = found
    return found


def _permuted(items: tuple[Any, ...], order: tuple[int, ...]) -> tuple[Any, ...]:
    if len(order) != len(items):
        text = ",".join(map(str, order))
        raise PayloadError(f"canonical order {text!r} does not fit {len(items)} items")
    return tuple(map(items.__getitem__, order))


_Order = tuple[tuple[int, ...] | None, ...]
_ORDERS: dict[str, _Order | None] = {}
_IDENTITY: _Order = ()  # every part already in canonical order: the record is its own copy


def _order(text: str) -> _Order | None:
    """An order section as (identifiers, documents, persons, events) permutations, or None when
    written under another canonical order. Parsed once per distinct text (a few hundred occur)."""
    version, p_ids, p_docs, p_persons, p_events = text.split(_GS)
    if version != _ORDER_MARK:
        found = None  # the view sorts such a record itself
    else:
        found = tuple(_permutation(p) if p else None for p in (p_ids, p_docs, p_persons, p_events))
        if found == (None, None, None, None):
            found = _IDENTITY
    if len(_ORDERS) > _CACHE_LIMIT:
        _ORDERS.clear()
    _ORDERS[text] = found
    return found


def _remember_canonical(r: Record, order: str) -> None:
    perms = _ORDERS.get(order, _MISS)
    if perms is _MISS:
        perms = _order(order)
    if perms is None:
        return
    if perms is _IDENTITY:
        c = r
    else:
        p_ids, p_docs, p_persons, p_events = perms
        c = _new_object(Record)
        _R_ORG(c, r.organisation)
        _R_MEDIUM(c, r.medium)
        _R_PROV(c, r.provenance)
        _R_IDS(c, r.identifiers if p_ids is None else _permuted(r.identifiers, p_ids))
        _R_DOCS(c, r.documents if p_docs is None else _permuted(r.documents, p_docs))
        _R_PERSONS(c, r.persons if p_persons is None else _permuted(r.persons, p_persons))
        _R_EVENTS(c, r.events if p_events is None else _permuted(r.events, p_events))
        _R_INV(c, r.inventory)
        _R_WARN(c, r.warnings)
        _R_UNREAD(c, r.unreadable)
    if len(_KNOWN) >= _KNOWN_LIMIT:
        _KNOWN.clear()
    _KNOWN[id(r)] = (r, c)


def known_canonical(record: Record) -> Record | None:
    """The canonical copy of a record the store just read (see above), or None when not known."""
    hit = _KNOWN.get(id(record))
    if hit is not None and hit[0] is record:  # the entry holds the record: its id is not reused
        return hit[1]
    return None


def forget_canonical() -> None:
    """Drop the canonical copies kept for records read earlier (the store calls this per batch)."""
    _KNOWN.clear()


def forget_shared() -> None:
    """Drop the identifiers the reader shares between records (call after a batch: keeps the heap small)."""
    _V2_IDENTS.clear()
    _V3_IDENTS.clear()
    _V3_PERSONS.clear()


def shared_identifier(kind: str, value: str) -> Identifier:
    """``Identifier(kind, value, value)``, the same object the payload reader gives for that key."""
    key = f"{kind}:{value}"
    found = _V2_IDENTS.get(key)
    if found is None:
        ident_kind = _IDENT_KIND.get(kind)
        if ident_kind is None:
            return Identifier(kind, value, value)  # raises the schema's own error for an unknown kind
        found = _make_ident(ident_kind, value, value, True, None)  # what _ident_v2(key) makes
        if len(_V2_IDENTS) > _CACHE_LIMIT:
            _V2_IDENTS.clear()
        _V2_IDENTS[key] = found
    return found
