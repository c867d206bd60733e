"""DossierView: everything reconciliation sees of one dossier (its identifiers and all its records)."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from dossierlink.schema import Document, Event, Identifier, Person, Record

__all__ = ["DossierView", "record_sort_key"]


def _tuple_ids(value: Iterable[Identifier]) -> tuple[Identifier, ...]:
    return tuple(value)


def _tuple_records(value: Iterable[Record]) -> tuple[Record, ...]:
    return tuple(value)


def record_sort_key(record: Record) -> tuple[str, str, str, str, str]:
    """A canonical order of records that does not depend on arrival order."""
    p = record.provenance
    return (record.organisation, record.medium.value, p.sha256, p.locator or "", p.path)


@attrs.frozen
class DossierView:
    """One dossier: its id in the store, its linked case identifiers and every record of it."""

    dossier_id: int
    identifiers: tuple[Identifier, ...] = attrs.field(default=(), converter=_tuple_ids)
    records: tuple[Record, ...] = attrs.field(default=(), converter=_tuple_records)

    def canonical(self) -> DossierView:
        """The same view with identifiers, records and each record's contents in a canonical order.

        Nothing reconciliation reports may depend on the order in which a source listed things.
        """
        records = sorted((_canonical_record(r) for r in self.records), key=record_sort_key)
        return DossierView(self.dossier_id, tuple(sorted(set(self.identifiers))), tuple(records))


def _key(value: object) -> str:
    return "" if value is None else str(value)


def _doc_key(d: Document) -> tuple[str, ...]:
    return (
        d.key,
        d.medium.value,
        d.type.value,
        _key(d.date),
        _key(d.page_count),
        _key(d.sha256),
        _key(d.fingerprint),
        _key(d.modified),
        _key(d.title),
        _key(d.source_location),
        repr(d.page_labels),
        _key(d.text_chars),
        _key(d.version),
    )


def _person_key(p: Person) -> tuple[str, ...]:
    return (
        p.role.value,
        _key(p.achternaam),
        _key(p.tussenvoegsel),
        _key(p.voornamen),
        _key(p.geboortedatum),
        _key(p.skn),
        _key(p.bsn),
    )


def _event_key(e: Event) -> tuple[str, ...]:
    return (
        e.date.isoformat(),
        e.kind.value,
        e.organisation,
        _key(e.sender),
        _key(e.receiver),
        _key(e.status),
        _key(e.description),
    )


def _canonical_record(r: Record) -> Record:
    return attrs.evolve(
        r,
        identifiers=tuple(sorted(r.identifiers, key=lambda i: (i.kind.value, i.value, i.raw))),
        documents=tuple(sorted(r.documents, key=_doc_key)),
        persons=tuple(sorted(r.persons, key=_person_key)),
        events=tuple(sorted(r.events, key=_event_key)),
    )
