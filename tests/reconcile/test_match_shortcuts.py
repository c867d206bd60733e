"""The short-cuts in matching, person clustering and the rule context give what the long way gives."""

from __future__ import annotations

import datetime as dt
import re

import attrs

from dossierlink.reconcile import DossierView, ReconcileConfig, build_context, normalise_document_key
from dossierlink.reconcile.match import match_documents
from dossierlink.reconcile.persons import PersonEntry, _evaluate, _prep, _Prepared, cluster_persons
from dossierlink.schema import (
    Document,
    DocumentType,
    Event,
    EventKind,
    InventoryAction,
    InventoryEntry,
    Medium,
    Person,
    Provenance,
    Record,
    Role,
)

CONFIG = ReconcileConfig()
NOW = dt.datetime(2024, 3, 1, 9, 0)
PV1 = "PL07B3 2023123456-1"
PV2 = "PL07B3 2023123456-2"


def _record(org: str, medium: Medium, n: int, **kw: object) -> Record:
    return Record(org, medium, Provenance(f"/{org}/{n}", f"{n:064x}", "test"), **kw)  # type: ignore[arg-type]


def _entry(action: InventoryAction, day: int, key: str, title: str) -> InventoryEntry:
    return InventoryEntry(
        action, dt.datetime(2024, 1, day, 12), key, DocumentType.PV_AANGIFTE, title, page_count=2
    )


def test_a_stuk_removed_from_the_paper_file_and_put_back_is_listed_once() -> None:
    # The log is not in time order: the replay must sort it (removal before the re-addition).
    inventory = (
        _entry(InventoryAction.ADDED, 9, PV1, "teruggelegd"),
        _entry(InventoryAction.ADDED, 2, PV1, "eerste"),
        _entry(InventoryAction.REMOVED, 5, PV1, "eruit"),
        _entry(InventoryAction.ADDED, 3, PV2, "tweede"),
        _entry(InventoryAction.REMOVED, 4, PV2, "eruit"),
    )
    matching = match_documents((_record("om", Medium.PAPER, 1, inventory=inventory),), CONFIG)
    assert [(g.key, g.members[0].document.title) for g in matching.groups] == [(f"pv:{PV1}", "teruggelegd")]
    assert matching.inventory_duplicates == ()


def test_a_stuk_added_twice_without_paper_version_is_a_duplicate_with_its_latest_title() -> None:
    inventory = (
        _entry(InventoryAction.ADDED, 8, PV1, "later"),
        _entry(InventoryAction.ADDED, 2, PV1, "eerder"),
        _entry(InventoryAction.ADDED, 3, PV2, "tweede"),
    )
    matching = match_documents((_record("om", Medium.PAPER, 1, inventory=inventory),), CONFIG)
    titles = {g.key: g.members[0].document.title for g in matching.groups}
    assert titles == {f"pv:{PV1}": "later", f"pv:{PV2}": "tweede"}
    assert matching.inventory_duplicates == (("om", f"pv:{PV1}", 2),)
    assert all(m.from_inventory for g in matching.groups for m in g.members)


def test_the_courts_paper_file_lists_a_stuk_the_om_holds_digitally_in_canonical_member_order() -> None:
    doc = Document("om", Medium.DIGITAL, PV1, DocumentType.PV_AANGIFTE, date=dt.date(2024, 1, 2))
    records = (
        _record("om", Medium.DIGITAL, 1, documents=(doc,)),
        _record("politie", Medium.DIGITAL, 2, documents=(attrs.evolve(doc, organisation="politie"),)),
        _record("om", Medium.PAPER, 3, inventory=(_entry(InventoryAction.ADDED, 4, PV1, "aangifte"),)),
    )
    (group,) = match_documents(records, CONFIG).groups
    # The inventory's version (record 2) sorts between the OM's digital and the police's versions.
    assert [(m.organisation, m.medium, m.from_inventory) for m in group.members] == [
        ("om", Medium.DIGITAL, False),
        ("om", Medium.PAPER, True),
        ("politie", Medium.DIGITAL, False),
    ]
    assert group.paper == (group.members[1],)
    assert group.held == {("om", Medium.DIGITAL), ("om", Medium.PAPER), ("politie", Medium.DIGITAL)}


def _person(role: Role, voornamen: str, birth: dt.date, **kw: str) -> Person:
    return Person(role, voornamen, "van den", "Berg", birth, **kw)


def test_one_suspect_registered_alike_by_four_organisations_is_one_party_joined_three_times() -> None:
    suspect = _person(Role.VERDACHTE, "Jan", dt.date(1990, 5, 1), skn="123456789", bsn="111222333")
    entries = [
        PersonEntry(0, 0, "cjib", attrs.evolve(suspect, role=Role.VEROORDEELDE, bsn=None)),
        PersonEntry(1, 0, "om", suspect),
        PersonEntry(2, 0, "politie", suspect),
        PersonEntry(3, 0, "rechtspraak", attrs.evolve(suspect, skn=None)),
    ]
    (cluster,) = cluster_persons(entries, CONFIG)
    assert cluster.members == tuple(entries)
    assert len(cluster.links) == 3
    assert all(link[2] is not None and link[2][0] >= link[2][1] for link in cluster.links)


def test_father_and_son_in_every_record_stay_two_parties() -> None:
    father = _person(Role.VERDACHTE, "Jan", dt.date(1960, 5, 1))
    son = _person(Role.VERDACHTE, "Jan", dt.date(1990, 5, 1))
    entries = [
        PersonEntry(record, index, org, person)
        for record, org in enumerate(("om", "politie"))
        for index, person in enumerate((father, son))
    ]
    clusters = cluster_persons(entries, CONFIG)
    assert [[m.person.geboortedatum.year for m in c.members] for c in clusters] == [
        [1960, 1960],
        [1990, 1990],
    ]


def test_a_birth_date_typo_still_joins_the_only_suspect_of_each_record() -> None:
    # Below the threshold on evidence, joined by the second pass (one suspect of that name per record).
    entries = [
        PersonEntry(-3, 0, "om", _person(Role.VERDACHTE, "Jan", dt.date(1990, 5, 1))),
        PersonEntry(7, 0, "politie", _person(Role.VERDACHTE, "Jan", dt.date(1991, 8, 3))),
        PersonEntry(7, 1, "politie", _person(Role.SLACHTOFFER, "Piet", dt.date(1970, 1, 1), bsn="111222333")),
    ]
    clusters = cluster_persons(entries, CONFIG)
    assert [len(c.members) for c in clusters] == [2, 1]
    assert clusters[0].links[0][2] is None


def test_one_name_split_scores_as_two_equal_splits_do() -> None:
    names = [
        ("Jan Pieter", "van den", "Berg"),
        ("J.P.", None, "Berg"),
        (None, None, "de Jong"),
        ("Mo", None, None),
        ("Jan", None, "Jansen"),
        ("JP", "van", "Dijk"),
    ]
    for voornamen, tussenvoegsel, achternaam in names:
        p = Person(Role.VERDACHTE, voornamen, tussenvoegsel, achternaam, dt.date(1990, 1, 2), skn="1")
        a, b = _prep(p), _prep(p)
        assert a.name is b.name
        copy = _Prepared(p, attrs.evolve(a.name), a.bsn, a.skn)
        assert _evaluate(a, b, CONFIG) == _evaluate(a, copy, CONFIG)


def test_events_on_one_day_keep_the_records_order_and_duplicates_count_once() -> None:
    day = dt.date(2024, 1, 5)
    first = Event(EventKind.STATUS, day, "om", status="in behandeling")
    second = Event(EventKind.STATUS, day, "om", status="afgedaan")
    records = (
        _record("om", Medium.DIGITAL, 1, events=(first, second)),
        _record("om", Medium.DIGITAL, 2, events=(attrs.evolve(second), first)),
    )
    ctx = build_context(DossierView(1, (), records).canonical(), CONFIG, NOW)
    statuses = [ev.status for _, ev in ctx.events]
    assert sorted(statuses) == ["afgedaan", "in behandeling"]
    # The canonical view orders each record's events; ties keep that order, whatever the hash seed.
    canonical_order = [ev.status for ev in DossierView(1, (), records).canonical().records[0].events]
    assert statuses == canonical_order


def test_a_document_key_with_tabs_and_odd_spaces_normalises_as_single_spaced() -> None:
    for raw in ["PL07B3\t2023123456-1", " \u00a0PL07B3  2023123456-1\n", "om-doc\u2003 12", "\x1cnr 5\x1f"]:
        expected = re.sub(r"\s+", " ", raw.strip())
        key, _ = normalise_document_key(raw)
        assert key in (f"pv:{PV1}", f"nr:{expected.upper()}")
