"""Schema objects rebuilt from the store's own payloads without running attrs validators again.

Why: reconciling a store reads every record on every full run, millions of small frozen attrs
objects. The schema's constructors validate and convert every field; for a value the store
wrote itself that is work already done, and it is most of what loading would cost. So the
payload readers build objects through :func:`slot_builder`: a function generated once per class
(and per payload layout) that makes the instance with ``object.__new__`` and stores each field
through its slot descriptor, one statement per field and no loop.

What makes that safe:

- Only payloads the store wrote come through here. Each value was validated when its record was
  first made (an adapter builds records through the schema's constructors), and a payload format
  carries a record only when it can carry each value exactly: otherwise the writer falls back to
  a wider format (version 3 → 2 → 1, see ``dossierlink.store.payload``).
- Every field of the class is set exactly once (checked when the builder is made).
- The generated code is made from the class's field names and the payload modules' fixed decode
  expressions only, never from payload text.
- ``tests/core/test_payload.py`` reads records back from every format and checks that each equals
  (``==``) the record built through the validating constructors and passes ``attrs.validate``.

The same readers share immutable values that recur between records (the tables below): each
maps the text a payload holds to the object read from it, so equal text gives one object.
None is keyed by object identity, and each is bounded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import attrs

from dossierlink.identifiers import IdentifierKind
from dossierlink.schema import (
    DocumentType,
    Event,
    EventKind,
    Identifier,
    InventoryAction,
    Medium,
    Person,
    Record,
    Role,
)

__all__ = [
    "ACTION",
    "DOCTYPE",
    "EVENT",
    "IDENT_KIND",
    "MEDIUM",
    "ROLE",
    "SHARED_LIMIT",
    "PayloadError",
    "build_identifier",
    "build_record",
    "forget_batch",
    "identifier_of_key",
    "remember",
    "shared_date",
    "shared_datetime",
    "slot_builder",
]


class PayloadError(ValueError):
    """A store payload that this version of dossierlink cannot read."""


def slot_builder(
    cls: type,
    params: Sequence[str],
    values: Mapping[str, str],
    env: Mapping[str, Any],
    *,
    prologue: Sequence[str] = (),
) -> Callable[..., Any]:
    """A generated ``build(*params)`` that makes a ``cls`` with each field set to ``values[field]``.

    ``values`` maps every attrs field of ``cls`` to a Python expression over the parameters and
    the names in ``env``; ``prologue`` lines run first (unpacking a list, say). Names that start
    with ``_`` are the builder's own, so fields and parameters must not.
    """
    fields = [f.name for f in attrs.fields(cls)]
    if sorted(values) != sorted(fields):
        raise ValueError(f"a builder of {cls.__name__} must set each of its fields once")
    names = fields + [p.partition("=")[0] for p in params]
    if not all(n.isidentifier() and not n.startswith("_") for n in names):
        raise ValueError(f"a builder of {cls.__name__} has a field or parameter it cannot name")
    namespace: dict[str, Any] = {**env, "_new": object.__new__, "_cls": cls}
    lines = [f"def build({', '.join(params)}):", *(f"    {line}" for line in prologue)]
    lines.append("    _o = _new(_cls)")
    for name in fields:
        namespace[f"_set_{name}"] = cls.__dict__[name].__set__  # the slot's own descriptor
        lines.append(f"    _set_{name}(_o, {values[name]})")
    lines.append("    return _o")
    exec("\n".join(lines), namespace)  # code made only from field names and fixed expressions
    build: Callable[..., Any] = namespace["build"]
    return build


def _plain_builder(cls: type) -> Callable[..., Any]:
    """``build(field, ...)`` in attrs field order, each value stored as given."""
    fields = [f.name for f in attrs.fields(cls)]
    return slot_builder(cls, fields, {name: name for name in fields}, {})


# Enum members by stored value: a dict look-up is several times cheaper than calling the enum.
IDENT_KIND: dict[Any, IdentifierKind] = dict(IdentifierKind._value2member_map_)
MEDIUM: dict[Any, Medium] = dict(Medium._value2member_map_)
DOCTYPE: dict[Any, DocumentType] = dict(DocumentType._value2member_map_)
ROLE: dict[Any, Role] = dict(Role._value2member_map_)
EVENT: dict[Any, EventKind] = dict(EventKind._value2member_map_)
ACTION: dict[Any, InventoryAction] = dict(InventoryAction._value2member_map_)

build_record: Callable[..., Record] = _plain_builder(Record)
build_identifier: Callable[..., Identifier] = _plain_builder(Identifier)


# --- values shared between records -----------------------------------------------------------
# table            key (payload text)        kept                  why
# IDENTIFIERS      "kind:value"              one batch             a dossier's records name the same keys
# IDENTIFIER_LISTS a version 3 key list      one batch             ... often the same list, whole
# PERSONS          a version 3 person        one batch             one suspect, registered by every organisation
# EVENTS           a version 3 event         across batches        the same hearing or handover in every record
#                                                                   that names it; 5 in 6 recur in a large store
# DATES, DATETIMES ISO text                  across batches        a few thousand distinct days
# PAGE_LABELS      "1/3,-,3/3"               across batches        scans of the same length repeat
# ORDERS           a canonical order section across batches        a few hundred distinct permutations
# "One batch" tables are emptied by forget_batch(), which the store calls after each batch it
# reads; every table is emptied when it outgrows its limit, so memory stays flat over any store.

SHARED_LIMIT = 100_000
EVENTS_LIMIT = 50_000
IDENTIFIERS: dict[str, Identifier] = {}
IDENTIFIER_LISTS: dict[str, tuple[Identifier, ...]] = {}
PERSONS: dict[str, Person] = {}
EVENTS: dict[str, Event] = {}
DATES: dict[str, dt.date] = {}
DATETIMES: dict[str, dt.datetime] = {}
PAGE_LABELS: dict[str, tuple[tuple[int, int] | None, ...]] = {}
ORDERS: dict[str, Any] = {}

_V = TypeVar("_V")


def remember(table: dict[str, _V], key: str, value: _V, limit: int = SHARED_LIMIT) -> _V:
    """Keep ``value`` under ``key`` in a shared table (emptied first when it is full); returns it."""
    if len(table) >= limit:
        table.clear()
    table[key] = value
    return value


def forget_batch() -> None:
    """Empty the tables kept for one batch (see above): what they share lives as long as its records."""
    IDENTIFIERS.clear()
    IDENTIFIER_LISTS.clear()
    PERSONS.clear()


def identifier_of_key(key: str) -> Identifier:
    """The identifier of a ``kind:value`` key whose raw text is its value (valid), shared."""
    found = IDENTIFIERS.get(key)
    if found is None:
        kind, sep, value = key.partition(":")
        if not sep:
            raise PayloadError(f"identifier {key!r} has no kind")
        found = build_identifier(IDENT_KIND[kind], value, value, True, None)
        if len(IDENTIFIERS) >= SHARED_LIMIT:  # remember(), inline: this runs per new identifier
            IDENTIFIERS.clear()
        IDENTIFIERS[key] = found
    return found


def shared_date(text: str) -> dt.date:
    found = DATES.get(text)
    return remember(DATES, text, dt.date.fromisoformat(text)) if found is None else found


def shared_datetime(text: str) -> dt.datetime:
    found = DATETIMES.get(text)
    return remember(DATETIMES, text, dt.datetime.fromisoformat(text)) if found is None else found
