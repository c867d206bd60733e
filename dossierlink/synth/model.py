"""The synthetic chain's vocabulary: cases, holdings, document copies and chain steps, and names shared by the writers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dossierlink.schema import DivergenceKind

__all__ = [
    "COURTS",
    "DIVERGENCE_KINDS",
    "PAPER_HOLDERS",
    "PAPER_TYPES",
    "REFERENCE_DAY",
    "Case",
    "DocCopy",
    "Holding",
    "Step",
    "Suspect",
    "court_name",
    "pdf_name",
    "today",
]

# A fixed day for what must come out byte for byte the same (pinned results, benchmarks, the case
# building blocks). A chain is otherwise generated for today: its truth holds on the day it is scored
# (a handover inside its term on a fixed day in the past is overdue by now).
REFERENCE_DAY = dt.date(2026, 11, 27)


def today() -> dt.date:
    """Today in UTC: the day ``dossierlink samples generate`` makes the exports on unless told."""
    return dt.datetime.now(dt.UTC).date()


# Every kind in DESIGN.md, in the schema's order.
DIVERGENCE_KINDS: tuple[str, ...] = tuple(k.value for k in DivergenceKind)


COURTS: dict[str, str] = {
    "RBROT": "Rotterdam",
    "RBAMS": "Amsterdam",
    "RBDHA": "Den Haag",
    "RBMNE": "Midden-Nederland",
    "RBNHO": "Noord-Holland",
    "RBGEL": "Gelderland",
    "RBZWB": "Zeeland-West-Brabant",
    "RBLIM": "Limburg",
    "RBOVE": "Overijssel",
    "RBNNE": "Noord-Nederland",
}

# Organisations that keep a paper dossier (see reconcile DEFAULT_PAPER_DOSSIERS) and the types in it.
PAPER_HOLDERS = ("om", "rechtspraak")
PAPER_TYPES = frozenset(
    {
        "proces-verbaal van aangifte",
        "proces-verbaal van verhoor",
        "proces-verbaal van bevindingen",
        "proces-verbaal van aanhouding",
        "proces-verbaal",
        "dagvaarding",
        "oproeping",
        "strafbeschikking",
        "vonnis",
        "arrest",
        "proces-verbaal ter terechtzitting",
        "reclasseringsadvies",
        "uittreksel justitiële documentatie",
        "deskundigenrapport",
    }
)


@dataclass(slots=True)
class Suspect:
    voornamen: str
    tussenvoegsel: str
    achternaam: str
    geboortedatum: dt.date
    bsn: str
    skn: str
    variant: str | None = None  # the spelling variant of achternaam, if the name has one

    @property
    def display(self) -> str:
        return " ".join(p for p in (self.voornamen, self.tussenvoegsel, self.achternaam) if p)


@dataclass(slots=True)
class DocCopy:
    """One document as one organisation holds it (digital or paper)."""

    key: str  # normalised PV number or the producer's document number
    type: str  # DocumentType value
    title: str
    date: dt.date
    pages: int
    producer: str
    modified: dt.datetime  # last change of the digital version
    pv: str | None = None
    version: int = 1  # content version: the text of version 2 differs from version 1
    number: str | None = None  # the holder's own document number, when it has one
    # Paper copies: when the paper copy was made (printed / added to the file).
    made: dt.datetime | None = None
    # Scan copies: labels to print per physical page ((n, m) or None for an unlabelled page).
    labels: tuple[tuple[int, int] | None, ...] | None = None
    unreadable: bool = False  # scan without any text layer


@dataclass(slots=True)
class Step:
    """A chain event as one organisation records it."""

    kind: str  # om export soort, or EventKind value
    date: dt.date
    sender: str | None = None
    receiver: str | None = None
    status: str | None = None


@dataclass(slots=True)
class Holding:
    """What one organisation holds of one case."""

    organisation: str
    parketnummer: str | None
    pvs: list[str]
    person: Suspect
    digital: list[DocCopy]
    steps: list[Step]
    paper: list[DocCopy] | None = None  # the paper dossier (inventory), None when not exported
    scans: list[DocCopy] = field(default_factory=list)  # scanned paper documents
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Case:
    index: int
    route: str
    feit: str
    place: str
    court: str
    parketnummer: str | None
    pv_registration: str
    suspect: Suspect
    documents: list[DocCopy]
    dates: dict[str, dt.date]
    holdings: dict[str, Holding]
    ecli: str | None = None
    truth: list[dict[str, Any]] = field(default_factory=list)
    scan_holders: list[str] = field(default_factory=list)
    seed: int = 1

    @property
    def identifiers(self) -> list[dict[str, str]]:
        ids = []
        if self.parketnummer:
            ids.append({"kind": "parketnummer", "value": self.parketnummer})
        ids.extend({"kind": "pv", "value": d.pv} for d in self.documents if d.pv)
        if self.ecli:
            ids.append({"kind": "ecli", "value": self.ecli})
        return ids


def court_name(code: str) -> str:
    """The court's place name as the open-data creator prints it ("Rechtbank <name>")."""
    return COURTS.get(code, code)


def pdf_name(doc: DocCopy) -> str:
    """The file name of a document's PDF (scan or digital original): its key, safe in a path."""
    return doc.key.replace(" ", "_").replace("/", "-").replace(":", ".") + ".pdf"
