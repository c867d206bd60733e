"""The store's record payload: the current format (version 3) and the one entry point that reads every version.

Version 3 is separated text with the record's canonical order kept beside it; records it cannot
carry exactly are written as version 2 (``dossierlink.store.payload_json``, which also reads
versions 1 and 2 and ``record_to_dict`` objects). Reading trusts what the store wrote and
skips the attrs validators: see ``dossierlink.store.trusted`` for why that is safe.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from enum import Enum
from typing import Any

from dossierlink.reconcile.view import CANONICAL_ORDER_VERSION, canonical_permutations, canonical_record
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
from dossierlink.store import trusted
from dossierlink.store.payload_json import (
    SPECS,
    V2,
    Fallback,
    encode_label,
    iso,
    record_from_object_v1,
    record_from_v2,
    record_to_payload_v2,
)
from dossierlink.store.trusted import (
    ACTION,
    DATES,
    DATETIMES,
    DOCTYPE,
    EVENT,
    EVENTS,
    EVENTS_LIMIT,
    IDENT_KIND,
    IDENTIFIER_LISTS,
    IDENTIFIERS,
    MEDIUM,
    ORDERS,
    PAGE_LABELS,
    PERSONS,
    ROLE,
    SHARED_LIMIT,
    PayloadError,
    build_record,
    identifier_of_key,
    remember,
    shared_date,
    shared_datetime,
    slot_builder,
)

__all__ = [
    "PAYLOAD_VERSION",
    "PayloadError",
    "canonical_record_from_payload",
    "forget_shared",
    "is_current",
    "record_from_payload",
    "record_to_payload",
    "shared_identifier",
]


# --- version 3: separated text ----------------------------------------------------------------
# The positional layout of version 2 (payload_json.SPECS), as one string split by ASCII
# separators instead of JSON: ``str.split`` is several times faster than ``json.loads`` and makes
# no garbage the cyclic GC must scan. Sections (``3``, organisation, medium, provenance,
# identifiers, documents, persons, events, inventory, warnings, unreadable, canonical order) are
# split by RS (\x1e), objects by GS (\x1d), fields by US (\x1f), identifiers by FS (\x1c). Empty
# text is None. Identifiers are key strings ("pv:PL0900 2024012345-1"), integers decimal, dates
# ISO, page labels "1/3,-,3/3". A record with any value this cannot carry exactly (an empty
# string, a separator character, an invalid identifier, a value of an unexpected type) is written
# as version 2.
#
# The canonical order: reconciliation first puts every record's identifiers, documents, persons
# and events in a canonical order (dossierlink.reconcile.view). The last section keeps that order
# as index permutations, ``version GS identifiers GS documents GS persons GS events`` (an empty
# permutation: already in order), so ``canonical_record_from_payload`` gives the canonical record
# without sorting. An order written under another CANONICAL_ORDER_VERSION, or none (early
# version 3 payloads), is ignored and the record is sorted instead.

PAYLOAD_VERSION = 3  # what record_to_payload writes when it can
_RS, _GS, _US, _FS = "\x1e", "\x1d", "\x1f", "\x1c"
_SEPARATORS = frozenset(_RS + _GS + _US + _FS)
_V3_MARK = f"{PAYLOAD_VERSION}{_RS}"
_ORDER_MARK = str(CANONICAL_ORDER_VERSION)
_INTEGERS = {
    (Document, "page_count"),
    (Document, "text_chars"),
    (Document, "size"),
    (InventoryEntry, "page_count"),
}
# Version 3 kinds: those of version 2, with "i" (decimal text) for the integer fields.
_KINDS: dict[type, tuple[tuple[str, str], ...]] = {
    cls: tuple((name, "i" if (cls, name) in _INTEGERS else how) for name, how in spec)
    for cls, spec in SPECS.items()
}


def _text(v: Any) -> str:
    if v is None:
        return ""
    if type(v) is not str or not v or not _SEPARATORS.isdisjoint(v):
        raise Fallback
    return v


def _key(i: Identifier) -> str:
    if not (type(i.value) is str and i.raw == i.value and i.valid is True and i.problem is None):
        raise Fallback
    return _text(f"{i.kind.value}:{i.value}")


def _value(how: str, v: Any, record: Record) -> str:
    if v is None:
        return ""
    if how == "s":
        return _text(v)
    if how == "i":
        if type(v) is not int:
            raise Fallback
        return str(v)
    if how == "date":
        return iso(how, v)
    if how == "datetime":
        return _text(iso(how, v))  # an offset name could hold a separator character
    if how == "idents":
        return _FS.join([_key(i) for i in v])
    if how == "labels":
        return ",".join(["-" if x is None else f"{x[0]}/{x[1]}" for x in map(encode_label, v)])
    if how == "org":
        return "" if v == record.organisation else _text(v)
    if how == "medium":
        return "" if v is record.medium else v.value
    if not isinstance(v, Enum):
        raise Fallback
    return _text(v.value)


def _object(obj: Any, record: Record) -> str:
    return _US.join([_value(how, getattr(obj, name), record) for name, how in _KINDS[type(obj)]]).rstrip(_US)


def _order_section(record: Record) -> str:
    perms = canonical_permutations(record)
    return _GS.join([_ORDER_MARK] + ["" if p is None else ",".join(map(str, p)) for p in perms])


def _encode(record: Record) -> str:
    if type(record.medium) is not Medium or type(record.provenance) is not Provenance:
        raise Fallback
    return _RS.join(
        [
            "3",
            _text(record.organisation),
            record.medium.value,
            _object(record.provenance, record),
            _FS.join([_key(i) for i in record.identifiers]),
            _GS.join([_object(x, record) for x in record.documents]),
            _GS.join([_object(x, record) for x in record.persons]),
            _GS.join([_object(x, record) for x in record.events]),
            _GS.join([_object(x, record) for x in record.inventory]),
            _GS.join([_text(w) for w in record.warnings]),
            _text(record.unreadable),
            _order_section(record),
        ]
    )


def _identifiers(text: str) -> tuple[Identifier, ...]:
    """The identifiers of a non-empty separated key list, shared while the same list recurs."""
    get = IDENTIFIERS.get
    if _FS in text:
        found = tuple([get(k) or identifier_of_key(k) for k in text.split(_FS)])
    else:  # most documents name one identifier
        found = (get(text) or identifier_of_key(text),)
    if len(IDENTIFIER_LISTS) >= SHARED_LIMIT:  # trusted.remember, inline: this runs per record
        IDENTIFIER_LISTS.clear()
    IDENTIFIER_LISTS[text] = found
    return found


def _labels(text: str) -> tuple[tuple[int, int] | None, ...]:
    """Non-empty ``"1/3,-,3/3"`` as page labels, shared while the same text recurs."""
    out: list[tuple[int, int] | None] = []
    for label in text.split(","):
        if label == "-":
            out.append(None)
        else:
            page, of = label.split("/")
            out.append((int(page), int(of)))
    return remember(PAGE_LABELS, text, tuple(out))


# How each kind of field reads back: a Python expression on its text ``{n}``.
_DECODE: dict[str, str] = {
    "s": "{n} or None",
    "i": "int({n}) if {n} else None",
    "date": "(_DG({n}) or _date({n})) if {n} else None",
    "datetime": "(_TG({n}) or _datetime({n})) if {n} else None",
    "idents": "(_IG({n}) or _idents({n})) if {n} else ()",
    "labels": "(_LG({n}) or _labels({n})) if {n} else ()",
    "org": "{n} or ro",
    "medium": "_MEDIUM[{n}] if {n} else rm",
    "doctype": "_DOCTYPE[{n}]",
    "role": "_ROLE[{n}]",
    "event": "_EVENT[{n}]",
    "action": "_ACTION[{n}]",
}
# How an absent trailing field (the writer strips empty ones) reads: what its empty text decodes
# to, as a constant. Enum fields have no empty value: they decode '' and fail as a present empty
# field does.
_ABSENT: dict[str, str] = {
    "s": "None",
    "i": "None",
    "date": "None",
    "datetime": "None",
    "idents": "()",
    "labels": "()",
    "org": "ro",
    "medium": "rm",
}
_ENV: dict[str, Any] = {
    "_DG": DATES.get,
    "_TG": DATETIMES.get,
    "_IG": IDENTIFIER_LISTS.get,
    "_LG": PAGE_LABELS.get,
    "_date": shared_date,
    "_datetime": shared_datetime,
    "_idents": _identifiers,
    "_labels": _labels,
    "_MEDIUM": MEDIUM,
    "_DOCTYPE": DOCTYPE,
    "_ROLE": ROLE,
    "_EVENT": EVENT,
    "_ACTION": ACTION,
}


def _no_fields(ro: Any, rm: Any, fields: list[str]) -> Any:
    raise ValueError("an object with no fields")  # str.split never gives this: kept for the index


def _builders(cls: type) -> tuple[Callable[..., Any], ...]:
    """``build(ro, rm, fields)`` of ``cls`` by the number of fields written (a split never gives zero).

    Each takes the split list itself (no argument unpacking) and sets the absent fields to constants.
    """
    spec = _KINDS[cls]
    names = [name for name, _ in spec]
    out: list[Callable[..., Any]] = [_no_fields]
    for present in range(1, len(spec) + 1):
        values = {
            name: _DECODE[how].format(n=name)
            if i < present
            else _ABSENT.get(how) or _DECODE[how].format(n="''")
            for i, (name, how) in enumerate(spec)
        }
        prologue = (f"[{', '.join(names[:present])}] = fields",)
        out.append(slot_builder(cls, ("ro", "rm", "fields"), values, _ENV, prologue=prologue))
    return tuple(out)


_PROVENANCE = _builders(Provenance)
_DOCUMENT = _builders(Document)
_PERSON = _builders(Person)
_EVENT = _builders(Event)
_INVENTORY = _builders(InventoryEntry)
_fields: Any = operator.methodcaller("split", _US)


def _event(text: str) -> Event:
    f = text.split(_US)
    event: Event = _EVENT[len(f)](None, None, f)
    if len(EVENTS) >= EVENTS_LIMIT:  # trusted.remember, inline: this runs per new event
        EVENTS.clear()
    EVENTS[text] = event
    return event


def _person(text: str) -> Person:
    f = text.split(_US)
    person: Person = _PERSON[len(f)](None, None, f)
    if len(PERSONS) >= SHARED_LIMIT:  # trusted.remember, inline: this runs per new person
        PERSONS.clear()
    PERSONS[text] = person
    return person


_Order = tuple[tuple[int, ...] | None, ...]
_MISS: Any = object()
_IN_ORDER: _Order = ()  # every part already in canonical order


def _permutation(text: str) -> tuple[int, ...]:
    """``"2,0,1"`` as indices, checked to be a permutation."""
    found = tuple(int(i) for i in text.split(","))
    if sorted(found) != list(range(len(found))):
        raise PayloadError(f"canonical order {text!r} is not a permutation")
    return found


def _order(text: str) -> _Order | None:
    """An order section as (identifiers, documents, persons, events) permutations, or None when
    written under another canonical order. Parsed once per distinct text (a few hundred occur)."""
    version, p_ids, p_docs, p_persons, p_events = text.split(_GS)
    if version != _ORDER_MARK:
        found = None
    else:
        found = tuple(_permutation(p) if p else None for p in (p_ids, p_docs, p_persons, p_events))
        if found == (None, None, None, None):
            found = _IN_ORDER
    return remember(ORDERS, text, found)  # type: ignore[no-any-return]


def _permuted(items: tuple[Any, ...], order: tuple[int, ...], apply: bool) -> tuple[Any, ...]:
    if len(order) != len(items):
        text = ",".join(map(str, order))
        raise PayloadError(f"canonical order {text!r} does not fit {len(items)} items")
    return tuple(map(items.__getitem__, order)) if apply else items


_ORDERS_GET = ORDERS.get
_PERSONS_GET = PERSONS.get
_EVENTS_GET = EVENTS.get
_LISTS_GET = IDENTIFIER_LISTS.get


def _read_v3(payload: str, canonical: bool) -> tuple[Record, bool]:
    """The record of a version 3 payload, in canonical order when asked and the payload has it;
    with whether it is in canonical order. (Loading a store is mostly this function: keep it flat.)"""
    parts = payload.split(_RS)
    order = parts.pop() if len(parts) == 12 else ""
    _mark, org, medium, prov, ids, docs, persons, events, inventory, warnings, unreadable = parts
    m = MEDIUM[medium]
    f = prov.split(_US)
    provenance = _PROVENANCE[len(f)](None, None, f)
    identifiers = (_LISTS_GET(ids) or _identifiers(ids)) if ids else ()
    if docs:
        build = _DOCUMENT
        documents = tuple([build[len(f)](org, m, f) for f in map(_fields, docs.split(_GS))])
    else:
        documents = ()
    pg, eg = _PERSONS_GET, _EVENTS_GET
    persons_ = tuple([pg(p) or _person(p) for p in persons.split(_GS)]) if persons else ()
    events_ = tuple([eg(e) or _event(e) for e in events.split(_GS)]) if events else ()
    if inventory:
        build = _INVENTORY
        entries = tuple([build[len(f)](None, None, f) for f in map(_fields, inventory.split(_GS))])
    else:
        entries = ()
    if order:
        perms = _ORDERS_GET(order, _MISS)
        if perms is _MISS:
            perms = _order(order)
        if perms is not None and perms is not _IN_ORDER:
            p_ids, p_docs, p_persons, p_events = perms
            if p_ids is not None:
                identifiers = _permuted(identifiers, p_ids, canonical)
            if p_docs is not None:
                documents = _permuted(documents, p_docs, canonical)
            if p_persons is not None:
                persons_ = _permuted(persons_, p_persons, canonical)
            if p_events is not None:
                events_ = _permuted(events_, p_events, canonical)
    else:
        perms = None
    record: Record = build_record(
        org,
        m,
        provenance,
        identifiers,
        documents,
        persons_,
        events_,
        entries,
        tuple(warnings.split(_GS)) if warnings else (),
        unreadable or None,
    )
    return record, perms is not None


def _read(payload: str, canonical: bool) -> tuple[Record, bool]:
    try:
        if payload.startswith(_V3_MARK):
            return _read_v3(payload, canonical)
        data = json.loads(payload)
        if type(data) is list:
            if not data or data[0] != V2:
                raise PayloadError(f"unknown payload version {data[0] if data else None!r}")
            return record_from_v2(data), False
        if type(data) is dict:
            return record_from_object_v1(data), False
    except PayloadError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise PayloadError(f"malformed record payload: {type(exc).__name__}: {exc}") from None
    raise PayloadError(f"a record payload is a JSON array or object, not {type(data).__name__}")


def record_to_payload(record: Record) -> str:
    """The store's text for a record: version 3, else version 2, else version 1 (see above)."""
    try:
        return _encode(record)
    except (Fallback, KeyError, AttributeError, TypeError):
        return record_to_payload_v2(record)


def record_from_payload(payload: str) -> Record:
    """The record as it was stored, from a payload of any version ever written.

    Version 3 is separated text, version 2 a JSON array, version 1 a JSON object (and so is a
    ``record_to_dict`` dict). Anything else, or a payload that does not fit its format, raises
    :class:`PayloadError`.
    """
    return _read(payload, canonical=False)[0]


def canonical_record_from_payload(payload: str) -> Record:
    """The record in canonical order (``reconcile.view.canonical_record``), from any payload.

    A current payload carries that order: the record is built in it, without sorting.
    """
    record, ordered = _read(payload, canonical=True)
    return record if ordered else canonical_record(record)


def is_current(payload: str) -> bool:
    """Whether a payload is in the format ``record_to_payload`` writes, with today's canonical order."""
    return payload.startswith(_V3_MARK) and f"{_RS}{_ORDER_MARK}{_GS}" in payload[payload.rfind(_RS) :]


def forget_shared() -> None:
    """Drop what the reader shares within a batch (the store calls this after each: keeps the heap small)."""
    trusted.forget_batch()


def shared_identifier(kind: str, value: str) -> Identifier:
    """``Identifier(kind, value, value)``, the same object the payload reader gives for that key."""
    key = f"{kind}:{value}"
    found = IDENTIFIERS.get(key)
    if found is None:
        if kind not in IDENT_KIND:
            return Identifier(kind, value, value)  # raises the schema's own error for an unknown kind
        found = identifier_of_key(key)
    return found
