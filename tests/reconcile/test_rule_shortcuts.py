"""The rules' short-cuts for the clean case decide exactly as the full checks they skip."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from dossierlink.reconcile import ReconcileConfig
from dossierlink.reconcile.keys import normalise_document_key
from dossierlink.reconcile.match import DocumentMatching, doc_ref, document_group
from dossierlink.reconcile.persons import PersonCluster, PersonEntry, person_differences
from dossierlink.reconcile.rules import (
    RuleContext,
    _reference_digital,
    _same_person_data,
    person_conflict,
)
from dossierlink.schema import Document, DocumentType, Medium, Person, Role

NOW = dt.datetime(2024, 6, 1, 12, 0)

names = st.sampled_from([None, "", "Berg", "van den Berg", "Berg, van den", "Bérg", "Jansen"])
given_names = st.sampled_from([None, "", "Jan", "J.", "Jan Pieter", "Jan van", "Piet"])
particles = st.sampled_from([None, "", "van den", "de"])
dates = st.sampled_from([None, dt.date(1990, 1, 2), dt.date(1990, 2, 1)])
bsns = st.sampled_from([None, "", " ", "111222333", " 111222333 ", "123456782", "pseudo-1"])
skns = st.sampled_from([None, "", "-", "12345678", "1234-5678", "87654321"])
persons = st.builds(
    Person,
    role=st.sampled_from([Role.VERDACHTE, Role.AANGEVER]),
    voornamen=given_names,
    tussenvoegsel=particles,
    achternaam=names,
    geboortedatum=dates,
    skn=skns,
    bsn=bsns,
)


@settings(max_examples=400, deadline=None)
@given(persons, persons)
def test_a_registration_the_quick_check_calls_the_same_has_no_differences(a: Person, b: Person) -> None:
    if _same_person_data(a, b):
        assert person_differences(a, b) == {}
    if a == b:
        assert _same_person_data(a, b)


ORGS = ["politie", "om", "rechtspraak", "cjib", "gemeente", "advocatuur", "zz-onbekend"]


def _old_reference_digital(members: list, producer: str | None, cfg: ReconcileConfig, attr: str) -> object:
    """The plain definition: sort the digital versions that have the value, take the first."""
    digital = [m for m in members if m.medium == Medium.DIGITAL and getattr(m.document, attr) is not None]
    if not digital:
        return None
    digital.sort(key=lambda m: (m.organisation != producer, cfg.chain_rank(m.organisation), m.organisation))
    return digital[0]


versions = st.lists(
    st.tuples(
        st.sampled_from(ORGS),
        st.sampled_from([Medium.DIGITAL, Medium.PAPER]),
        st.sampled_from([None, 2, 3]),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(versions, st.sampled_from([None, "politie", "om", "gemeente"]))
def test_the_reference_digital_version_is_the_one_the_sorted_definition_picks(
    spec: list[tuple[str, Medium, int | None]], producer: str | None
) -> None:
    cfg = ReconcileConfig()
    key = normalise_document_key("PL07B3 2023123456-1")[0]
    members = tuple(
        doc_ref(i, 0, key, Document(organisation=org, medium=medium, key="x", page_count=pages))
        for i, (org, medium, pages) in enumerate(spec)
    )
    g = document_group(key, members, DocumentType.PV_AANGIFTE, producer)
    ctx = _context(cfg, ())
    for attr in ("page_count", "fingerprint"):
        got = _reference_digital(g, ctx, lambda d, a=attr: getattr(d, a))
        assert got is _old_reference_digital(list(members), producer, cfg, attr)


def _context(cfg: ReconcileConfig, clusters: tuple[PersonCluster, ...]) -> RuleContext:
    return RuleContext(
        config=cfg,
        now=NOW,
        anchor="10/600040-23",
        identifiers=(),
        documents=DocumentMatching(groups=()),
        persons=clusters,
        holdings={},
        events=(),
        dossier_id=1,
    )


def _cluster(*entries: tuple[int, str, Person]) -> PersonCluster:
    return PersonCluster(tuple(PersonEntry(rec, 0, org, p) for rec, org, p in entries))


def test_a_second_suspect_with_the_same_name_key_keeps_its_numbered_subject() -> None:
    """Subjects are made only when a cluster reports: the clean first cluster still counts."""
    jan = Person(role=Role.VERDACHTE, voornamen="Jan", achternaam="Berg", geboortedatum=dt.date(1990, 1, 2))
    joop = Person(role=Role.VERDACHTE, voornamen="Joop", achternaam="Berg", geboortedatum=dt.date(1970, 5, 5))
    joop_other_date = Person(
        role=Role.VERDACHTE, voornamen="Joop", achternaam="Berg", geboortedatum=dt.date(1970, 5, 6)
    )
    clean = _cluster((0, "politie", jan), (1, "om", jan))
    conflicting = _cluster((0, "politie", joop), (1, "om", joop_other_date))
    found = list(person_conflict(None, _context(ReconcileConfig(), (clean, conflicting))))  # type: ignore[arg-type]
    assert [(d.organisation, d.subject) for d in found] == [
        ("om", "person:10/600040-23:verdachte:berg,j#2"),
    ]
    found = list(person_conflict(None, _context(ReconcileConfig(), (conflicting, clean))))  # type: ignore[arg-type]
    assert [(d.organisation, d.subject) for d in found] == [("om", "person:10/600040-23:verdachte:berg,j")]


def test_a_cluster_registered_by_one_organisation_only_reports_nothing() -> None:
    a = Person(role=Role.VERDACHTE, voornamen="Jan", achternaam="Berg", geboortedatum=dt.date(1990, 1, 2))
    b = Person(role=Role.VERDACHTE, voornamen="Jan", achternaam="Berg", geboortedatum=dt.date(1991, 1, 2))
    ctx = _context(ReconcileConfig(), (_cluster((0, "om", a), (1, "om", b)), PersonCluster(())))
    assert list(person_conflict(None, ctx)) == []  # type: ignore[arg-type]
