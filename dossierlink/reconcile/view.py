"""DossierView: everything reconciliation sees of one dossier (its identifiers and all its records)."""

from __future__ import annotations

import attrs

from dossierlink.schema import Identifier, Record

__all__ = ["DossierView", "record_sort_key"]


def _tuple_ids(value: object) -> tuple[Identifier, ...]:
    return tuple(value)  # type: ignore[call-overload,no-any-return]


def _tuple_records(value: object) -> tuple[Record, ...]:
    return tuple(value)  # type: ignore[call-overload,no-any-return]


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
        """The same view with identifiers and records in a canonical order."""
        return DossierView(
            self.dossier_id,
            tuple(sorted(set(self.identifiers))),
            tuple(sorted(self.records, key=record_sort_key)),
        )
