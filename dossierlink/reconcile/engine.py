"""reconcile_dossier: canonicalise the view, match once, run every rule, sort the divergences."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from dossierlink.identifiers import LINKING_KINDS
from dossierlink.reconcile.config import ReconcileConfig
from dossierlink.reconcile.keys import dossier_anchor
from dossierlink.reconcile.match import match_documents
from dossierlink.reconcile.persons import PersonEntry, cluster_persons
from dossierlink.reconcile.rules import RULES, Rule, RuleContext
from dossierlink.reconcile.view import DossierView
from dossierlink.schema import Divergence, Event, Identifier, Medium

__all__ = ["build_context", "divergence_sort_key", "reconcile_dossier"]


def _identifiers(view: DossierView) -> tuple[Identifier, ...]:
    if view.identifiers:
        return view.identifiers
    found = {i for r in view.records for i in r.identifiers if i.valid and i.kind in LINKING_KINDS}
    return tuple(sorted(found))


def build_context(view: DossierView, config: ReconcileConfig, now: dt.datetime) -> RuleContext:
    """Precompute what rules share: anchor, document matching, person clusters, holdings, events.

    ``view`` must be canonical (see :meth:`DossierView.canonical`); references into it are indices.
    """
    identifiers = _identifiers(view)
    holdings: dict[str, set[Medium]] = defaultdict(set)
    events: set[tuple[str, Event]] = set()
    persons: list[PersonEntry] = []
    for ri, rec in enumerate(view.records):
        holdings[rec.organisation].add(rec.medium)
        for ev in rec.events:
            events.add((rec.organisation, ev))
        for pi, p in enumerate(rec.persons):
            persons.append(PersonEntry(ri, pi, rec.organisation, p))
    ordered_events = tuple(
        sorted(
            events, key=lambda t: (t[1].date, t[0], t[1].kind.value, t[1].organisation, t[1].receiver or "")
        )
    )
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
    return sorted(out.values(), key=divergence_sort_key)
