"""A consistent sample dossier across the chain, and builders to break it one way at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from dossierlink.reconcile import DossierView, ReconcileConfig, reconcile_dossier
from dossierlink.schema import (
    Divergence,
    Document,
    DocumentType,
    Event,
    EventKind,
    Identifier,
    InventoryAction,
    InventoryEntry,
    Medium,
    Person,
    Provenance,
    Record,
    Role,
)

try:
    from dossierlink.paper import fingerprint as _paper_fingerprint
except Exception:  # pragma: no cover - the paper package is optional for these tests
    _paper_fingerprint = None


def fp(text: str) -> str:
    return _paper_fingerprint(text) if _paper_fingerprint is not None else text


PV1 = "PL07B3 2023123456-1"
PV2 = "PL07B3 2023123456-2"
PARKET = "10/600040-23"
NOW = dt.datetime(2024, 3, 1, 9, 0)

TEXTS = {
    PV1: "Op 5 januari 2024 verscheen voor mij de aangever die verklaarde dat zijn fiets "
    "uit de stalling aan de Coolsingel te Rotterdam werd weggenomen door een onbekende man "
    "die daarna wegfietste in de richting van het station. Hij heeft niemand toestemming gegeven.",
    PV2: "Verhoor van de verdachte Jan van den Berg op 8 januari 2024 op het politiebureau. "
    "De verdachte verklaarde dat hij de fiets van een vriend had geleend en niet wist dat "
    "die gestolen was. Hij weigerde de naam van de vriend te noemen en beriep zich op zijn zwijgrecht.",
    "DAG-1": "De officier van justitie dagvaardt de verdachte Jan van den Berg om te verschijnen ter "
    "terechtzitting van de politierechter in de rechtbank Rotterdam op 20 februari 2024 wegens "
    "diefstal van een fiets op 5 januari 2024 aan de Coolsingel te Rotterdam.",
    "RA-1": "Reclasseringsadvies over de verdachte Jan van den Berg. De reclassering adviseert een "
    "werkstraf van veertig uur zonder bijzondere voorwaarden omdat het recidiverisico laag is en "
    "betrokkene werk en vaste woonplaats heeft.",
}
PAGES = {PV1: 4, PV2: 3, "DAG-1": 2, "RA-1": 5}
TYPES = {
    PV1: DocumentType.PV_AANGIFTE,
    PV2: DocumentType.PV_VERHOOR,
    "DAG-1": DocumentType.DAGVAARDING,
    "RA-1": DocumentType.RECLASSERINGSADVIES,
}
DATES = {
    PV1: dt.date(2024, 1, 5),
    PV2: dt.date(2024, 1, 8),
    "DAG-1": dt.date(2024, 2, 1),
    "RA-1": dt.date(2024, 2, 5),
}


def doc(org: str, medium: str, which: str, **kw: Any) -> Document:
    """Document ``which`` as ``org`` holds it on ``medium``, consistent unless overridden (``key=``)."""
    key = which
    n = PAGES[key]
    base: dict[str, Any] = {
        "organisation": org,
        "medium": medium,
        "key": key,
        "type": TYPES[key],
        "date": DATES[key],
        "page_count": n,
        "fingerprint": fp(TEXTS[key]),
        "title": TYPES[key].value,
    }
    if medium == "digital":
        base["modified"] = dt.datetime.combine(DATES[key], dt.time(10))
    else:
        base["modified"] = dt.datetime(2024, 2, 15, 12)  # printed and filed
        base["page_labels"] = tuple((i, n) for i in range(1, n + 1))
    base.update(kw)
    return Document(**base)


def suspect(**kw: Any) -> Person:
    base: dict[str, Any] = {
        "role": Role.VERDACHTE,
        "voornamen": "Jan",
        "tussenvoegsel": "van den",
        "achternaam": "Berg",
        "geboortedatum": dt.date(1990, 3, 4),
        "skn": "12345678",
    }
    base.update(kw)
    return Person(**base)


def ids(*extra: Identifier, parket: str | None = PARKET) -> tuple[Identifier, ...]:
    out = [Identifier.parse("pv", PV1)]
    if parket:
        out.append(Identifier.parse("parketnummer", parket))
    return (*out, *extra)


def record(org: str, medium: str, *, name: str | None = None, **kw: Any) -> Record:
    label = name or f"{org}-{medium}"
    base: dict[str, Any] = {
        "organisation": org,
        "medium": medium,
        "provenance": Provenance(f"/inbox/{label}", f"sha-{label}", org),
        "identifiers": ids(),
    }
    base.update(kw)
    return Record(**base)


def batch(org: str, keys: tuple[str, ...]) -> tuple[Document, ...]:
    """Paper documents of a whole-dossier batch scan: page 1 is the voorblad, the stukken follow.

    Such a scan shows the whole paper file (as of when it was scanned), so a stuk that is not
    in it is missing from the paper dossier.
    """
    out, page = [], 2
    for k in keys:
        n = PAGES[k]
        out.append(doc(org, "paper", k, source_location=f"/inbox/{org}-paper, pages {page}-{page + n - 1}"))
        page += n
    return tuple(out)


def consistent_records() -> dict[str, Record]:
    """A dossier that agrees everywhere: police, OM and court digital and paper, reclassering."""
    ev = Event
    return {
        "politie": record(
            "politie",
            "digital",
            identifiers=ids(parket=None),
            documents=(doc("politie", "digital", PV1), doc("politie", "digital", PV2)),
            persons=(suspect(),),
            events=(
                ev(EventKind.AANGIFTE, dt.date(2024, 1, 5), "politie"),
                ev(EventKind.INZENDING, dt.date(2024, 1, 10), "politie", sender="politie", receiver="om"),
            ),
        ),
        "om": record(
            "om",
            "digital",
            documents=tuple(doc("om", "digital", k) for k in (PV1, PV2, "DAG-1", "RA-1")),
            persons=(suspect(voornamen="J.", tussenvoegsel=None, achternaam="Berg, van den"),),
            events=(
                ev(EventKind.INSTROOM, dt.date(2024, 1, 12), "om"),
                ev(EventKind.DAGVAARDING, dt.date(2024, 2, 1), "om", status="gedagvaard"),
            ),
        ),
        "om-paper": record("om", "paper", documents=batch("om", (PV1, PV2, "DAG-1", "RA-1"))),
        "rechtspraak": record(
            "rechtspraak",
            "digital",
            documents=tuple(doc("rechtspraak", "digital", k) for k in (PV1, PV2, "DAG-1", "RA-1")),
            persons=(suspect(tussenvoegsel=None, achternaam="van den Berg", skn=None),),
            events=(ev(EventKind.ZITTING, dt.date(2024, 2, 20), "rechtspraak", status="zitting gepland"),),
        ),
        "rechtspraak-paper": record(
            "rechtspraak",
            "paper",
            documents=batch("rechtspraak", (PV1, PV2, "DAG-1", "RA-1")),
        ),
        "reclassering": record(
            "reclassering",
            "digital",
            documents=(doc("reclassering", "digital", "RA-1"),),
            persons=(suspect(voornamen="Jan Pieter", skn="12345678", bsn=None),),
            events=(ev(EventKind.ADVIESAANVRAAG, dt.date(2024, 1, 20), "reclassering"),),
        ),
    }


def replace_docs(rec: Record, key: str, new: Document | None) -> Record:
    """The record with document ``key`` replaced by ``new`` (or dropped when None)."""
    docs = [d for d in rec.documents if d.key != key]
    if new is not None:
        docs.append(new)
    return attrs.evolve(rec, documents=tuple(docs))


class Chain:
    """Builders for chain cases: start consistent, break one thing, reconcile."""

    PV1 = PV1
    PV2 = PV2
    PARKET = PARKET
    NOW = NOW
    doc = staticmethod(doc)
    suspect = staticmethod(suspect)
    record = staticmethod(record)
    ids = staticmethod(ids)
    fp = staticmethod(fp)
    replace_docs = staticmethod(replace_docs)
    batch = staticmethod(batch)
    TEXTS = TEXTS
    Event = Event
    EventKind = EventKind
    Identifier = Identifier
    InventoryEntry = InventoryEntry
    InventoryAction = InventoryAction
    Medium = Medium
    Role = Role
    DocumentType = DocumentType

    def records(self, change: Callable[[dict[str, Record]], None] | None = None) -> list[Record]:
        recs = consistent_records()
        if change is not None:
            change(recs)
        return list(recs.values())

    def view(self, records: list[Record], dossier_id: int = 1) -> DossierView:
        idents = sorted({i for r in records for i in r.identifiers if i.valid})
        return DossierView(dossier_id, tuple(idents), tuple(records))

    def run(
        self,
        records: list[Record],
        *,
        now: dt.datetime = NOW,
        config: ReconcileConfig | None = None,
    ) -> list[Divergence]:
        return reconcile_dossier(self.view(records), config or ReconcileConfig(), now)


@pytest.fixture
def chain() -> Chain:
    return Chain()
