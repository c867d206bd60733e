"""Odd but possible inputs never crash reconciliation, and results never depend on arrival order."""

from __future__ import annotations

import datetime as dt
import random

import attrs

from dossierlink.reconcile import DossierView, ReconcileConfig, reconcile_dossier
from dossierlink.schema import (
    Document,
    DocumentType,
    Event,
    EventKind,
    Identifier,
    InventoryAction,
    InventoryEntry,
    Person,
    Provenance,
    Record,
)

ORGS = ["politie", "om", "rechtspraak", "cjib", "dji", "reclassering", "halt"]
KEYS = [
    "PL07B3 2023123456-1",
    "PL07B3 2023123456",
    "PLO7B3 2O23123456-2",
    "DOC 1",
    "doc  1",
    "X",
    "PL01AA 2020000001-3",
]
UTC = dt.UTC


def random_record(rng: random.Random, n: int) -> Record:
    org = rng.choice(ORGS)
    medium = rng.choice(["paper", "digital"])
    docs = []
    for _ in range(rng.randint(0, 5)):
        labels = tuple(
            rng.choice([None, (rng.randint(0, 5), rng.randint(0, 5))]) for _ in range(rng.randint(0, 4))
        )
        docs.append(
            Document(
                organisation=org,
                medium=rng.choice(["paper", "digital"]),
                key=rng.choice(KEYS),
                type=rng.choice(list(DocumentType)),
                title=rng.choice([None, "PV van aangifte", "", "Dagvaarding politierechter"]),
                date=rng.choice([None, dt.date(2024, 1, rng.randint(1, 28))]),
                page_count=rng.choice([None, 0, 1, 3, 4]),
                fingerprint=rng.choice([None, "", "abc", "mh1:0:", "0f0f0f0f", "ffff0000"]),
                sha256=rng.choice([None, "s1", "s2"]),
                modified=rng.choice(
                    [None, dt.datetime(2024, 2, rng.randint(1, 28)), dt.datetime(2024, 2, 3, tzinfo=UTC)]
                ),
                page_labels=labels,
                text_chars=rng.choice([None, 0, 100]),
            )
        )
    persons = [
        Person(
            voornamen=rng.choice([None, "J.", "Jan", "", "Ü"]),
            tussenvoegsel=rng.choice([None, "van", "'t"]),
            achternaam=rng.choice([None, "Berg", "van den", ",", "Meijer"]),
            geboortedatum=rng.choice([None, dt.date(1990, 3, 4), dt.date(1990, 4, 3)]),
            skn=rng.choice([None, "123456", "x"]),
            bsn=rng.choice([None, "111222333", "123"]),
        )
        for _ in range(rng.randint(0, 3))
    ]
    events = [
        Event(
            kind=rng.choice(list(EventKind)),
            date=dt.date(2024, 1, rng.randint(1, 28)),
            organisation=rng.choice(ORGS),
            sender=rng.choice([None, org]),
            receiver=rng.choice([None, *ORGS]),
            status=rng.choice([None, "geseponeerd", "afgedaan", "zitting gepland", ""]),
        )
        for _ in range(rng.randint(0, 3))
    ]
    inventory = [
        InventoryEntry(
            action=rng.choice(list(InventoryAction)),
            at=dt.datetime(2024, 2, rng.randint(1, 5)),
            document_key=rng.choice(KEYS),
        )
        for _ in range(rng.randint(0, 3))
    ]
    ids = [
        Identifier.parse(k, v)
        for k, v in rng.sample(
            [
                ("pv", "PL07B3 2023123456-1"),
                ("parketnummer", "10/600040-23"),
                ("parketnummer", "11/000001-23"),
                ("parketnummer", "1/2"),
                ("bsn", "123456789"),
                ("ecli", "ECLI:NL:RBROT:2024:1"),
            ],
            rng.randint(0, 3),
        )
    ]
    return Record(
        organisation=org,
        medium=medium,
        provenance=Provenance(f"/in/{n}", f"sha{n}", "test", rng.choice([None, "page 1"])),
        identifiers=ids,
        documents=docs,
        persons=persons,
        events=events,
        inventory=inventory,
        unreadable=rng.choice([None, None, "geen tekst"]),
    )


def test_random_dossiers_never_crash_and_do_not_depend_on_arrival_order():
    rng = random.Random(11)
    cfg = ReconcileConfig()
    for case in range(300):
        records = [random_record(rng, i) for i in range(rng.randint(0, 6))]
        now = rng.choice([dt.datetime(2024, 6, 1), dt.datetime(2024, 6, 1, tzinfo=UTC)])
        first = reconcile_dossier(DossierView(case, (), records), cfg, now)
        shuffled = [
            attrs.evolve(
                r,
                documents=rng.sample(r.documents, len(r.documents)),
                persons=rng.sample(r.persons, len(r.persons)),
                events=rng.sample(r.events, len(r.events)),
            )
            for r in records
        ]
        rng.shuffle(shuffled)
        again = reconcile_dossier(DossierView(case, (), shuffled), cfg, now)
        assert [(d.id, d.message, d.expected, d.found) for d in first] == [
            (d.id, d.message, d.expected, d.found) for d in again
        ]
        assert len({d.id for d in first}) == len(first)
