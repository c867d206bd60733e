"""reconcile_dossier: canonicalise the view, match once, run every rule, sort the divergences."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from dossierlink.identifiers import LINKING_KINDS
from dossierlink.reconcile.config import ReconcileConfig
from dossierlink.reconcile.keys import dossier_anchor
from dossierlink.reconcile.match import match_documents
from dossierlink.reconcile.persons import PersonEntry, cluster_persons
from dossierlink.reconcile.rules import RULES, Rule, RuleContext
from dossierlink.reconcile.view import DossierView
from dossierlink.schema import Divergence, DocumentType, Event, Identifier, Medium, Record

__all__ = ["build_context", "divergence_sort_key", "reconcile_dossier"]


def _identifiers(view: DossierView) -> tuple[Identifier, ...]:
    if view.identifiers:
        return view.identifiers
    found = {i for r in view.records for i in r.identifiers if i.valid and i.kind in LINKING_KINDS}
    return tuple(sorted(found))


_FIRST_PAGE = re.compile(r"pages? (\d+)")
_COVER_TYPES = frozenset({DocumentType.VOORBLAD, DocumentType.INHOUDSOPGAVE})


def _whole_file_scan(rec: Record) -> bool:
    """A batch scan of a whole paper dossier: it has a voorblad or inhoudsopgave page.

    The scan adapter keeps no document for those pages; the first stuk then starts after page 1.
    """
    if rec.inventory or not rec.documents:
        return False
    first = None
    for doc in rec.documents:
        if doc.type in _COVER_TYPES:
            return True
        m = _FIRST_PAGE.search(doc.source_location or "")
        if m is not None:
            page = int(m.group(1))
            first = page if first is None else min(first, page)
    return first is not None and first > 1


def _scan_time(rec: Record) -> dt.datetime | None:
    times = [d.modified.replace(tzinfo=None) for d in rec.documents if d.modified is not None]
    return max(times) if times else None


_tuple_new = tuple.__new__


def build_context(view: DossierView, config: ReconcileConfig, now: dt.datetime) -> RuleContext:
    """Precompute what rules share: anchor, document matching, person clusters, holdings, events.

    ``view`` must be canonical (see :meth:`DossierView.canonical`); references into it are indices.
    """
    identifiers = _identifiers(view)
    holdings: dict[str, set[Medium]] = {}
    # One entry per distinct (organisation, event), the first seen kept:
    # key -> (sort key, place in first-seen order, entry).
    events: dict[tuple[object, ...], tuple[tuple[object, ...], int, tuple[str, Event]]] = {}
    persons: list[PersonEntry] = []
    case_files: set[str] = set()
    # Organisations whose paper dossier's whole contents are known: None = as of now (an
    # inventory), else as of that time (a batch scan shows the file when it was scanned).
    paper_known: dict[str, dt.datetime | None] = {}
    publications = config.publication_adapters
    explicit_digital = config.digital_case_files
    explicit_paper = config.complete_paper_files
    digital = Medium.DIGITAL
    for ri, rec in enumerate(view.records):
        org = rec.organisation
        medium = rec.medium
        held = holdings.get(org)
        if held is None:
            holdings[org] = {medium}
        else:
            held.add(medium)
        if medium == digital:
            if org in explicit_digital or (rec.documents and rec.provenance.adapter not in publications):
                case_files.add(org)
        elif not rec.unreadable and (rec.inventory or org in explicit_paper):
            paper_known[org] = None
        elif not rec.unreadable and _whole_file_scan(rec):
            at = _scan_time(rec)
            if org not in paper_known or (
                (known := paper_known[org]) is not None and (at is None or at > known)
            ):
                paper_known[org] = at
        for ev in rec.events:
            # The fields Event equality compares, so equal keys are equal (organisation, event)
            # pairs. The kind enters by its value: hashing an enum member is a Python call, and
            # one kind has one value. Sort key: date, organisation, kind (a StrEnum orders as its
            # value), acting organisation, receiver.
            date, kind, acting, receiver = ev.date, ev.kind._value_, ev.organisation, ev.receiver
            key = (org, date, kind, acting, ev.sender, receiver, ev.status, ev.description)
            if key not in events:
                events[key] = ((date, org, kind, acting, receiver or ""), len(events), (org, ev))
        if rec.persons:
            for pi, p in enumerate(rec.persons):
                persons.append(_tuple_new(PersonEntry, (ri, pi, org, p)))
    # Sorted by sort key, then first-seen place (unique: the entries themselves are never compared).
    # Events with one sort key keep the records' order (a set of them used to leave it to the hash seed).
    ordered_events = tuple([entry for _, _, entry in sorted(events.values())])
    return RuleContext(
        config=config,
        now=now,
        anchor=dossier_anchor(identifiers, view.dossier_id),
        identifiers=identifiers,
        documents=match_documents(view.records, config),
        persons=tuple(cluster_persons(persons, config)),
        holdings={k: frozenset(v) for k, v in holdings.items()},
        events=ordered_events,
        dossier_id=view.dossier_id,
        case_files=frozenset(case_files),
        paper_known=paper_known,
    )


def divergence_sort_key(d: Divergence) -> tuple[int, str, str, str, str]:
    """Worst first, then kind, acting organisation, subject and id."""
    return (-d.severity.rank, d.kind.value, d.organisation, d.subject, d.id)


def reconcile_dossier(
    view: DossierView,
    config: ReconcileConfig | None = None,
    now: dt.datetime | None = None,
    *,
    rules: Sequence[Rule] = RULES,
) -> list[Divergence]:
    """Every divergence in one dossier, sorted deterministically; the same problem keeps its id.

    ``now`` is required in practice (reconciliation reads no clock); it may be omitted only when
    no rule depends on time, and then the latest event date stands in.
    """
    config = config or ReconcileConfig()
    canonical = view.canonical()
    if now is None:
        dates = [ev.date for r in canonical.records for ev in r.events]
        latest = max(dates) if dates else dt.date(1970, 1, 1)
        now = dt.datetime.combine(latest, dt.time())
    ctx = build_context(canonical, config, now)
    out: dict[str, Divergence] = {}
    for rule in rules:
        for d in rule(canonical, ctx):
            out.setdefault(d.id, d)
    if len(out) < 2:
        return list(out.values())  # most dossiers: nothing to sort
    return sorted(out.values(), key=divergence_sort_key)
