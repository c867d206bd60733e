"""Person-matching weights learnt from the store's own registrations: name frequencies and EM over candidate pairs."""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from dossierlink.reconcile.config import PersonWeights, ReconcileConfig
from dossierlink.reconcile.persons import (
    comparison_levels,
    estimate_person_weights,
    name_frequencies,
    split_name,
)
from dossierlink.schema import Person
from dossierlink.store.database import Store

__all__ = ["estimate_from_store", "person_candidate_pairs"]

# Dossiers read for the estimate (spread evenly over the store): enough for stable frequencies
# and m/u probabilities, bounded so a large store estimates in seconds.
MAX_DOSSIERS = 5000
# Registrations of one surname compared across dossiers (each with the next few in id order).
ACROSS_PER_REGISTRATION = 3
_BATCH = 500


def _registrations(store: Store, max_dossiers: int) -> list[tuple[int, int, Person]]:
    """(dossier, record index, person) of every registration in a spread sample of dossiers."""
    ids = store.live_dossier_ids()
    if len(ids) > max_dossiers:
        step = len(ids) / max_dossiers
        ids = [ids[int(i * step)] for i in range(max_dossiers)]
    out: list[tuple[int, int, Person]] = []
    for start in range(0, len(ids), _BATCH):
        for did, (_, records) in store.dossier_batch(ids[start : start + _BATCH]).items():
            for ri, rec in enumerate(records):
                out.extend((did, ri, p) for p in rec.persons)
    return out


def person_candidate_pairs(registrations: list[tuple[int, int, Person]]) -> Iterator[tuple[Person, Person]]:
    """Candidate pairs within and across dossiers, as matching meets them.

    Within a dossier: every two registrations from different records (the same party at two
    organisations, or two parties of one case). Across dossiers: registrations sharing a surname,
    each with the next ``ACROSS_PER_REGISTRATION`` of that surname elsewhere (namesakes, and the
    same person in another case).
    """
    by_dossier: dict[int, list[tuple[int, Person]]] = {}
    by_surname: dict[str, list[tuple[int, Person]]] = {}
    for did, ri, p in registrations:
        by_dossier.setdefault(did, []).append((ri, p))
        key = split_name(p).full_surname
        if key:
            by_surname.setdefault(key, []).append((did, p))
    for members in by_dossier.values():
        for i, (ri, a) in enumerate(members):
            for rj, b in members[i + 1 :]:
                if ri != rj:
                    yield a, b
    for members in by_surname.values():
        for i, (di, a) in enumerate(members):
            taken = 0
            for dj, b in members[i + 1 :]:
                if dj == di:
                    continue
                yield a, b
                taken += 1
                if taken == ACROSS_PER_REGISTRATION:
                    break


def estimate_from_store(
    store: Store, config: ReconcileConfig, *, max_dossiers: int = MAX_DOSSIERS
) -> PersonWeights:
    """The store's name frequencies and EM-estimated m/u probabilities, starting from ``config``'s.

    A store with too few candidate pairs to learn from (see ``estimate_person_weights``) keeps
    the starting m/u probabilities; the frequencies are always the store's own.
    """
    registrations = _registrations(store, max_dossiers)
    if not registrations:
        return config.person_weights
    surnames, given = name_frequencies(p for _, _, p in registrations)
    start = attrs.evolve(config.person_weights, surname_frequencies=surnames, given_frequencies=given)
    with_frequencies = attrs.evolve(config, person_weights=start)
    levels = [comparison_levels(a, b, with_frequencies) for a, b in person_candidate_pairs(registrations)]
    return estimate_person_weights(levels, start)
