"""DossierView: everything reconciliation sees of one dossier (its identifiers and all its records)."""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from dossierlink.schema import Document, Event, Identifier, Person, Record

__all__ = [
    "CANONICAL_ORDER_VERSION",
    "DossierView",
    "canonical_permutations",
    "canonical_record",
    "canonical_view",
    "record_sort_key",
]

# Bump whenever the canonical order defined in this module changes: the store keeps each record's
# order with it (canonical_permutations), tagged with this version, and ignores other versions.
CANONICAL_ORDER_VERSION = 1


def _tuple_ids(value: Iterable[Identifier]) -> tuple[Identifier, ...]:
    return tuple(value)


def _tuple_records(value: Iterable[Record]) -> tuple[Record, ...]:
    return tuple(value)


def record_sort_key(record: Record) -> tuple[str, str, str, str, str]:
    """A canonical order of records that does not depend on arrival order."""
    p = record.provenance
    # Medium is a StrEnum: the member orders exactly as its value, without the enum property lookup.
    return (record.organisation, record.medium, p.sha256, p.locator or "", p.path)


@attrs.frozen
class DossierView:
    """One dossier: its id in the store, its linked case identifiers and every record of it."""

    dossier_id: int
    identifiers: tuple[Identifier, ...] = attrs.field(default=(), converter=_tuple_ids)
    records: tuple[Record, ...] = attrs.field(default=(), converter=_tuple_records)
    # True only on a view made by canonical() or canonical_view(): it is its own canonical form.
    # Not part of equality: a view equals another with the same contents however it was made.
    is_canonical: bool = attrs.field(default=False, init=False, eq=False, repr=False)

    def canonical(self) -> DossierView:
        """The same view with identifiers, records and each record's contents in a canonical order.

        Nothing reconciliation reports may depend on the order in which a source listed things.
        """
        if self.is_canonical:
            return self
        return canonical_view(self.dossier_id, self.identifiers, [canonical_record(r) for r in self.records])


def canonical_view(
    dossier_id: int, identifiers: Iterable[Identifier], records: Iterable[Record]
) -> DossierView:
    """The canonical view of a dossier whose records are each in canonical order already.

    Each record must be what :func:`canonical_record` gives for it (the store reads records that
    way); the records themselves and the identifiers are put in order here.
    """
    ordered = sorted(records, key=record_sort_key)
    view: DossierView = _new_view(DossierView)
    _SET_ID(view, dossier_id)
    _SET_IDENTIFIERS(view, _canonical_identifiers(tuple(identifiers)))
    _SET_RECORDS(view, tuple(ordered))
    _SET_CANONICAL(view, True)
    return view


_new_view = object.__new__
# The canonical view is made from tuples already: its fields are set directly, past the converters.
_SET_ID = DossierView.__dict__["dossier_id"].__set__
_SET_IDENTIFIERS = DossierView.__dict__["identifiers"].__set__
_SET_RECORDS = DossierView.__dict__["records"].__set__
_SET_CANONICAL = DossierView.__dict__["is_canonical"].__set__


def _canonical_identifiers(identifiers: tuple[Identifier, ...]) -> tuple[Identifier, ...]:
    """Distinct identifiers ordered by (kind, value), exactly as their attrs ordering does.

    The store lists a dossier's identifiers that way already: strictly increasing (kind, value)
    means no two are equal and the order is the sorted one, so the tuple is its own answer.
    """
    keys = [(i.kind, i.value) for i in identifiers]
    for a, b in itertools.pairwise(keys):
        if not a < b:
            return tuple(sorted(set(identifiers), key=_ident_order))
    return identifiers


def _key(value: object) -> str:
    return "" if value is None else str(value)


# Sort keys compare enum members directly: they are StrEnums, so they order exactly as their values.
# Other values go through str() as before (a trusted payload may hold a number where a str is typed).
def _doc_key(d: Document) -> tuple[object, ...]:
    date, pages, sha, fp, modified = d.date, d.page_count, d.sha256, d.fingerprint, d.modified
    title, loc, chars, version = d.title, d.source_location, d.text_chars, d.version
    return (
        d.key,
        d.medium,
        d.type,
        "" if date is None else str(date),
        "" if pages is None else str(pages),
        "" if sha is None else str(sha),
        "" if fp is None else str(fp),
        "" if modified is None else str(modified),
        "" if title is None else str(title),
        "" if loc is None else str(loc),
        repr(d.page_labels),
        "" if chars is None else str(chars),
        "" if version is None else str(version),
    )


def _person_key(p: Person) -> tuple[object, ...]:
    return (
        p.role,
        _key(p.achternaam),
        _key(p.tussenvoegsel),
        _key(p.voornamen),
        _key(p.geboortedatum),
        _key(p.skn),
        _key(p.bsn),
    )


def _event_key(e: Event) -> tuple[object, ...]:
    return (
        e.date.isoformat(),
        e.kind,
        e.organisation,
        _key(e.sender),
        _key(e.receiver),
        _key(e.status),
        _key(e.description),
    )


def _event_key_fast(e: Event) -> tuple[object, ...]:
    """``_event_key`` with a plain date as itself: it orders as its ISO text (four-digit years).

    A datetime stays ISO text, so a mix of both raises TypeError and the caller uses ``_event_key``.
    """
    date = e.date
    sender, receiver, status, description = e.sender, e.receiver, e.status, e.description
    return (
        date if type(date) is _DATE else date.isoformat(),
        e.kind,
        e.organisation,
        "" if sender is None else str(sender),
        "" if receiver is None else str(receiver),
        "" if status is None else str(status),
        "" if description is None else str(description),
    )


def _ident_order(i: Identifier) -> tuple[str, str]:
    return (i.kind, i.value)


def _ident_key(i: Identifier) -> tuple[str, str, str]:
    return (i.kind, i.value, i.raw)


_T = TypeVar("_T")


def _sorted(items: tuple[_T, ...], key: Callable[[_T], Any]) -> tuple[_T, ...]:
    """``tuple(sorted(items, key=key))``, returning ``items`` itself when it is already in order."""
    if len(items) < 2:
        return items
    ordered = sorted(items, key=key)
    for a, b in zip(ordered, items, strict=True):
        if a is not b:
            return tuple(ordered)
    return items


def _sorted_documents(docs: tuple[Document, ...]) -> tuple[Document, ...]:
    if len(docs) < 2:
        return docs
    # Distinct keys (the usual case) decide the order alone: the rest of the sort key is never read.
    if len({d.key for d in docs}) == len(docs):
        return _sorted(docs, _DOC_FIRST)
    return _sorted(docs, _doc_key)


_DATE = dt.date
_DOC_FIRST: Callable[[Document], str] = operator.attrgetter("key")
_RECORD_FIELDS = tuple(a.name for a in attrs.fields(Record))


def canonical_record(r: Record) -> Record:
    """The record with its identifiers, documents, persons and events in canonical order
    (``r`` itself when they are already)."""
    identifiers = _sorted(r.identifiers, _ident_key)
    documents = _sorted_documents(r.documents)
    persons = _sorted(r.persons, _person_key)
    try:
        events = _sorted(r.events, _event_key_fast)
    except TypeError:
        events = _sorted(r.events, _event_key)
    if (
        identifiers is r.identifiers
        and documents is r.documents
        and persons is r.persons
        and events is r.events
    ):
        return r
    # A copy with the sorted tuples; every value was validated when ``r`` was made.
    changes = {"identifiers": identifiers, "documents": documents, "persons": persons, "events": events}
    new: Record = object.__new__(Record)
    for name in _RECORD_FIELDS:
        object.__setattr__(new, name, changes[name] if name in changes else getattr(r, name))
    return new


def _permutation(items: tuple[_T, ...], key: Callable[[_T], Any]) -> tuple[int, ...] | None:
    order = sorted(range(len(items)), key=lambda i: key(items[i]))  # stable: ties keep their order
    return None if order == list(range(len(items))) else tuple(order)


def canonical_permutations(r: Record) -> tuple[tuple[int, ...] | None, ...]:
    """Where ``canonical()`` puts a record's identifiers, documents, persons and events.

    For each, the canonical order as indices into the record's own order, or None when that is
    already canonical. The store keeps these with a record (tagged with CANONICAL_ORDER_VERSION),
    so reading a dossier for reconciliation need not sort again. Bump CANONICAL_ORDER_VERSION
    above whenever the order defined here changes.
    """
    return (
        _permutation(r.identifiers, _ident_key),
        _permutation(r.documents, _doc_key),
        _permutation(r.persons, _person_key),
        _permutation(r.events, _event_key),
    )
