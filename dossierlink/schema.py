"""The common dossier schema: frozen attrs value classes and the enums every part shares.

Adapters produce :class:`Record` objects; the store keeps them; reconciliation turns a
dossier's records into :class:`Divergence` objects. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

import attrs

from dossierlink.identifiers import IdentifierError, IdentifierKind, normalise

__all__ = [
    "BUILTIN_ORGANISATIONS",
    "Divergence",
    "DivergenceKind",
    "Document",
    "DocumentType",
    "Event",
    "EventKind",
    "Identifier",
    "InventoryAction",
    "InventoryEntry",
    "Medium",
    "Person",
    "Provenance",
    "Record",
    "ReferenceProblem",
    "Role",
    "Severity",
    "Status",
    "check_organisation",
    "reference_problems",
    "reference_summary",
    "reference_warning",
]


class Medium(StrEnum):
    PAPER = "paper"
    DIGITAL = "digital"


# Organisations are an open set: these are built in, a configuration may add more.
BUILTIN_ORGANISATIONS: dict[str, str] = {
    "politie": "Politie",
    "om": "Openbaar Ministerie",
    "rechtspraak": "Rechtspraak",
    "cjib": "Centraal Justitieel Incassobureau",
    "reclassering": "Reclassering Nederland",
    "dji": "Dienst Justitiële Inrichtingen",
    "rvdk": "Raad voor de Kinderbescherming",
}
_ORG_RE = re.compile(r"^[a-z][a-z0-9_\-]{1,39}$")


def check_organisation(value: str) -> str:
    """Return the organisation code, lower-cased; raise ValueError for a malformed one."""
    code = value.strip().lower()
    if not _ORG_RE.match(code):
        raise ValueError(
            f"{value!r} is not an organisation code: use 2-40 lower-case letters, digits, - or _, "
            f"such as {', '.join(BUILTIN_ORGANISATIONS)}."
        )
    return code


def _org_validator(_inst: object, attribute: attrs.Attribute[Any], value: str) -> None:
    if value != check_organisation(value):
        raise ValueError(f"{attribute.name}: {value!r} must be a lower-case organisation code.")


def _opt_org_validator(inst: object, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None:
        _org_validator(inst, attribute, value)


class DocumentType(StrEnum):
    """Controlled vocabulary of processtukken."""

    PV_AANGIFTE = "proces-verbaal van aangifte"
    PV_VERHOOR = "proces-verbaal van verhoor"
    PV_BEVINDINGEN = "proces-verbaal van bevindingen"
    PV_AANHOUDING = "proces-verbaal van aanhouding"
    PV = "proces-verbaal"
    DAGVAARDING = "dagvaarding"
    OPROEPING = "oproeping"
    VONNIS = "vonnis"
    ARREST = "arrest"
    BESCHIKKING = "beschikking"
    STRAFBESCHIKKING = "strafbeschikking"
    SEPOTBESLISSING = "sepotbeslissing"
    RECLASSERINGSADVIES = "reclasseringsadvies"
    UITTREKSEL_JUSTITIELE_DOCUMENTATIE = "uittreksel justitiële documentatie"
    DESKUNDIGENRAPPORT = "deskundigenrapport"
    PROCES_VERBAAL_TERECHTZITTING = "proces-verbaal ter terechtzitting"
    TENUITVOERLEGGINGSOPDRACHT = "tenuitvoerleggingsopdracht"
    DETENTIEGEGEVENS = "detentiegegevens"
    INHOUDSOPGAVE = "inhoudsopgave"
    VOORBLAD = "voorblad"
    CORRESPONDENTIE = "correspondentie"
    OVERIG = "overig"

    @classmethod
    def parse(cls, raw: str | None) -> DocumentType:
        """Map a free-text type (any case, common abbreviations) onto the vocabulary."""
        if not raw:
            return cls.OVERIG
        text = " ".join(raw.strip().lower().replace("_", " ").split())
        for member in cls:
            if text == member.value or text == member.name.lower().replace("_", " "):
                return member
        for alias, member in _TYPE_ALIASES:
            if alias in text:
                return member
        return cls.OVERIG


_TYPE_ALIASES: tuple[tuple[str, DocumentType], ...] = (
    ("van aangifte", DocumentType.PV_AANGIFTE),
    ("aangifte", DocumentType.PV_AANGIFTE),
    ("van verhoor", DocumentType.PV_VERHOOR),
    ("verhoor", DocumentType.PV_VERHOOR),
    ("van bevindingen", DocumentType.PV_BEVINDINGEN),
    ("bevindingen", DocumentType.PV_BEVINDINGEN),
    ("aanhouding", DocumentType.PV_AANHOUDING),
    ("ter terechtzitting", DocumentType.PROCES_VERBAAL_TERECHTZITTING),
    ("zittingsproces", DocumentType.PROCES_VERBAAL_TERECHTZITTING),
    ("dagvaarding", DocumentType.DAGVAARDING),
    ("oproeping", DocumentType.OPROEPING),
    ("vonnis", DocumentType.VONNIS),
    ("uitspraak", DocumentType.VONNIS),
    ("arrest", DocumentType.ARREST),
    ("strafbeschikking", DocumentType.STRAFBESCHIKKING),
    ("beschikking", DocumentType.BESCHIKKING),
    ("sepot", DocumentType.SEPOTBESLISSING),
    ("reclasseringsadvies", DocumentType.RECLASSERINGSADVIES),
    ("voorlichtingsrapport", DocumentType.RECLASSERINGSADVIES),
    ("advies", DocumentType.RECLASSERINGSADVIES),
    ("justitiële documentatie", DocumentType.UITTREKSEL_JUSTITIELE_DOCUMENTATIE),
    ("justitiele documentatie", DocumentType.UITTREKSEL_JUSTITIELE_DOCUMENTATIE),
    ("strafblad", DocumentType.UITTREKSEL_JUSTITIELE_DOCUMENTATIE),
    ("deskundige", DocumentType.DESKUNDIGENRAPPORT),
    ("tenuitvoerlegging", DocumentType.TENUITVOERLEGGINGSOPDRACHT),
    ("detentie", DocumentType.DETENTIEGEGEVENS),
    ("inhoudsopgave", DocumentType.INHOUDSOPGAVE),
    ("voorblad", DocumentType.VOORBLAD),
    ("brief", DocumentType.CORRESPONDENTIE),
    ("proces-verbaal", DocumentType.PV),
    ("proces verbaal", DocumentType.PV),
    ("pv", DocumentType.PV),
)


class Role(StrEnum):
    VERDACHTE = "verdachte"
    SLACHTOFFER = "slachtoffer"
    GETUIGE = "getuige"
    AANGEVER = "aangever"
    VEROORDEELDE = "veroordeelde"
    BETROKKENE = "betrokkene"
    OVERIG = "overig"

    @classmethod
    def parse(cls, raw: str | None) -> Role:
        text = (raw or "").strip().lower()
        for member in cls:
            if text == member.value:
                return member
        if text in ("suspect", "verd", "verdachte(n)"):
            return cls.VERDACHTE
        if text in ("victim", "benadeelde", "benadeelde partij"):
            return cls.SLACHTOFFER
        return cls.OVERIG


class EventKind(StrEnum):
    """Chain steps. Handovers name a sender and a receiver."""

    AANGIFTE = "aangifte"
    AANHOUDING = "aanhouding"
    INZENDING = "inzending"  # politie -> OM (handover)
    INSTROOM = "instroom"  # registration of the case at the receiver
    OVERDRACHT = "overdracht"  # any other handover
    SEPOT = "sepot"
    STRAFBESCHIKKING = "strafbeschikking"
    DAGVAARDING = "dagvaarding"
    ZITTING = "zitting"
    UITSPRAAK = "uitspraak"
    HOGER_BEROEP = "hoger beroep"
    ADVIESAANVRAAG = "adviesaanvraag"
    ADVIES = "advies"
    TENUITVOERLEGGING = "tenuitvoerlegging"
    INSLUITING = "insluiting"
    INVRIJHEIDSTELLING = "invrijheidstelling"
    BETALING = "betaling"
    AFGEDAAN = "afgedaan"
    STATUS = "status"  # an organisation's case status (see Event.status)

    @classmethod
    def parse(cls, raw: str | None) -> EventKind:
        text = (raw or "").strip().lower().replace("_", " ")
        for member in cls:
            if text == member.value or text == member.name.lower().replace("_", " "):
                return member
        return cls.STATUS

    @property
    def is_handover(self) -> bool:
        return self in (EventKind.INZENDING, EventKind.OVERDRACHT)


class DivergenceKind(StrEnum):
    MISSING_DIGITAL = "missing_digital"
    MISSING_PAPER = "missing_paper"
    PAGE_COUNT_MISMATCH = "page_count_mismatch"
    PAGES_MISSING = "pages_missing"
    CONTENT_MISMATCH = "content_mismatch"
    STALE_PAPER = "stale_paper"
    METADATA_CONFLICT = "metadata_conflict"
    IDENTIFIER_CONFLICT = "identifier_conflict"
    PERSON_CONFLICT = "person_conflict"
    HANDOVER_MISSING = "handover_missing"
    STATUS_CONFLICT = "status_conflict"
    DUPLICATE_DOCUMENT = "duplicate_document"
    UNREADABLE_SCAN = "unreadable_scan"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """Higher is worse: critical 4 .. low 1."""
        return {"critical": 4, "high": 3, "medium": 2, "low": 1}[self.value]


class Status(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class InventoryAction(StrEnum):
    ADDED = "added"
    REMOVED = "removed"


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


def _opt_str(value: object) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


@attrs.frozen(order=True)
class Identifier:
    """A typed, namespaced key: ``(kind, value)``; ``raw`` is what the source printed.

    ``valid`` is False when the source value could not be parsed: it is kept as recorded
    (``value`` == stripped raw), flagged, and never used to link dossiers.
    """

    kind: IdentifierKind = attrs.field(converter=IdentifierKind)
    value: str
    raw: str = attrs.field(default="", eq=False, order=False)
    valid: bool = attrs.field(default=True, eq=False, order=False)
    problem: str | None = attrs.field(default=None, eq=False, order=False)

    @classmethod
    def parse(cls, kind: IdentifierKind | str, raw: str, *, ocr: bool = False) -> Identifier:
        """Normalise ``raw``; an invalid value is kept as recorded with ``valid=False``."""
        k = IdentifierKind(kind)
        try:
            return cls(k, normalise(k, raw, ocr=ocr), raw)
        except IdentifierError as exc:
            kept = " ".join(str(raw).split())[:200]
            return cls(k, kept, raw, valid=False, problem=str(exc))

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.value}"

    def __str__(self) -> str:
        return self.key


@attrs.frozen
class Provenance:
    """Where a record came from: the file, its hash, the adapter and the place inside it."""

    path: str
    sha256: str
    adapter: str
    locator: str | None = None  # "line 14", "/open-rechtspraak/rdf:RDF", "page 3-6"


@attrs.frozen
class Document:
    """One processtuk as one source holds it (paper or digital)."""

    organisation: str = attrs.field(validator=_org_validator)
    medium: Medium = attrs.field(converter=Medium)
    key: str = attrs.field()  # normalised PV number or the source's document number
    type: DocumentType = attrs.field(default=DocumentType.OVERIG, converter=DocumentType)
    title: str | None = attrs.field(default=None, converter=_opt_str)
    date: dt.date | None = None
    page_count: int | None = attrs.field(default=None)
    sha256: str | None = None
    fingerprint: str | None = None  # see dossierlink.paper fingerprint encoding
    source_location: str | None = None
    # When the digital version last changed / when the paper copy was printed or scanned.
    modified: dt.datetime | None = None
    # The document's own page labels per physical page: (page, of) or None when unreadable.
    page_labels: tuple[tuple[int, int] | None, ...] = attrs.field(default=(), converter=_tuple)
    identifiers: tuple[Identifier, ...] = attrs.field(default=(), converter=_tuple)
    vertrouwelijkheidaanduiding: str | None = None
    status: str | None = None
    integriteit: str | None = None  # e.g. "sha256:<hex>"
    ondertekening: str | None = None  # "analoog" for wet ink, "digitaal", ...
    text_chars: int | None = None  # characters of text found (scans: 0 means unreadable)
    version: str | None = None
    size: int | None = None  # bytes of the document's file (ZGW bestandsomvang, MDTO omvang)

    @page_count.validator
    def _check_pages(self, _a: attrs.Attribute[Any], value: int | None) -> None:
        if value is not None and not 0 <= value <= 1_000_000:
            raise ValueError(f"page_count {value} is out of range.")

    @key.validator
    def _check_key(self, _a: attrs.Attribute[Any], value: str) -> None:
        if not value or not value.strip():
            raise ValueError("a document needs a key (PV number or document number).")


@attrs.frozen
class Person:
    """A party to the case as one organisation registered them."""

    role: Role = attrs.field(default=Role.OVERIG, converter=Role)
    voornamen: str | None = attrs.field(default=None, converter=_opt_str)
    tussenvoegsel: str | None = attrs.field(default=None, converter=_opt_str)
    achternaam: str | None = attrs.field(default=None, converter=_opt_str)
    geboortedatum: dt.date | None = None
    skn: str | None = attrs.field(default=None, converter=_opt_str)
    bsn: str | None = attrs.field(default=None, converter=_opt_str)  # may be a pseudonym

    @property
    def display_name(self) -> str:
        parts = [self.voornamen, self.tussenvoegsel, self.achternaam]
        return " ".join(p for p in parts if p) or "(onbekend)"


@attrs.frozen
class Event:
    """A chain step. A handover (inzending, overdracht) names ``sender`` and ``receiver``."""

    kind: EventKind = attrs.field(converter=EventKind)
    date: dt.date
    organisation: str = attrs.field(validator=_org_validator)
    sender: str | None = attrs.field(default=None, validator=_opt_org_validator)
    receiver: str | None = attrs.field(default=None, validator=_opt_org_validator)
    status: str | None = None  # the organisation's case status after this step
    description: str | None = None


@attrs.frozen
class InventoryEntry:
    """One line of the paper dossier's inhoudsopgave log: a document added or removed."""

    action: InventoryAction = attrs.field(converter=InventoryAction)
    at: dt.datetime
    document_key: str
    type: DocumentType = attrs.field(default=DocumentType.OVERIG, converter=DocumentType)
    title: str | None = None
    page_count: int | None = None
    dossier_pages: str | None = None  # "12-15" when the registry numbers dossier pages
    by: str | None = None


@attrs.frozen
class Record:
    """What one adapter yields for one dossier from one source."""

    organisation: str = attrs.field(validator=_org_validator)
    medium: Medium = attrs.field(converter=Medium)
    provenance: Provenance
    identifiers: tuple[Identifier, ...] = attrs.field(default=(), converter=_tuple)
    documents: tuple[Document, ...] = attrs.field(default=(), converter=_tuple)
    persons: tuple[Person, ...] = attrs.field(default=(), converter=_tuple)
    events: tuple[Event, ...] = attrs.field(default=(), converter=_tuple)
    inventory: tuple[InventoryEntry, ...] = attrs.field(default=(), converter=_tuple)
    # Problems found while reading (invalid identifiers, unknown types): kept, not dropped.
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    # Set for a scan that has no usable text or cannot be tied to a dossier.
    unreadable: str | None = None

    @property
    def linking_identifiers(self) -> tuple[Identifier, ...]:
        from dossierlink.identifiers import LINKING_KINDS

        return tuple(i for i in self.identifiers if i.valid and i.kind in LINKING_KINDS)


@attrs.frozen
class Divergence:
    """One difference between sources that an organisation must act on."""

    id: str
    kind: DivergenceKind = attrs.field(converter=DivergenceKind)
    severity: Severity = attrs.field(converter=Severity)
    organisation: str = attrs.field(validator=_org_validator)  # who must act
    organisations: tuple[str, ...] = attrs.field(converter=_tuple)  # everyone involved
    identifiers: tuple[Identifier, ...] = attrs.field(converter=_tuple)
    subject: str  # "document:pv:PL07B3 2023123456-1", "person:verdachte", "handover:politie->om"
    expected: str | None
    found: str | None
    message: str
    why: str = ""  # why this organisation must act
    status: Status = attrs.field(default=Status.OPEN, converter=Status)
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    dossier_id: int | None = None
    details: dict[str, Any] = attrs.field(factory=dict, eq=False, hash=False)


# --- document files an export refers to but that were not read ---------------------------------


class ReferenceProblem(StrEnum):
    """Why a document file an export refers to was not read (the record keeps a warning)."""

    OUTSIDE_ROOT = "outside the inbox root"
    MISSING = "missing"
    UNREADABLE = "unreadable"


_REFERENCE_NOT_READ = re.compile(
    r"referenced file .* not read: (" + "|".join(re.escape(p.value) for p in ReferenceProblem) + ")"
)


def reference_warning(ref: str, problem: ReferenceProblem, detail: str = "") -> str:
    """The warning for a referenced file that was not read; :func:`reference_problems` counts it."""
    tail = f" ({detail})" if detail else ""
    return f"referenced file {ref!r} not read: {problem.value}{tail}"


def reference_problems(warnings: Iterable[str]) -> dict[ReferenceProblem, int]:
    """How many referenced files were not read, by reason, among a record's (or many records') warnings."""
    counts: dict[ReferenceProblem, int] = {}
    for warning in warnings:
        m = _REFERENCE_NOT_READ.search(warning)
        if m:
            problem = ReferenceProblem(m.group(1))
            counts[problem] = counts.get(problem, 0) + 1
    return {p: counts[p] for p in ReferenceProblem if p in counts}


def reference_summary(counts: dict[ReferenceProblem, int]) -> list[str]:
    """One English line per reason: "1 referenced file not read: outside the inbox root"."""
    return [
        f"{n} referenced {'file' if n == 1 else 'files'} not read: {problem.value}"
        for problem, n in counts.items()
        if n
    ]
