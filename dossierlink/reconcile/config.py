"""The ``[reconcile]`` configuration: chain expectations, terms, severities and matching thresholds."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

import attrs

from dossierlink.reconcile.kinds import KINDS
from dossierlink.schema import (
    BUILTIN_ORGANISATIONS,
    DivergenceKind,
    DocumentType,
    EventKind,
    Severity,
    check_organisation,
)

__all__ = [
    "DEFAULT_EXPECTATIONS",
    "DEFAULT_PAPER_DOSSIERS",
    "DEFAULT_PRODUCERS",
    "DEFAULT_SEVERITIES",
    "DEFAULT_STATUS_RULES",
    "Expectation",
    "ReconcileConfig",
    "StatusRule",
]

_T = DocumentType
_PV_TYPES = (_T.PV_AANGIFTE, _T.PV_VERHOOR, _T.PV_BEVINDINGEN, _T.PV_AANHOUDING, _T.PV)


@attrs.frozen
class Expectation:
    """``holder`` is expected to hold a document digitally once ``when`` is recorded.

    A document qualifies when its producer is in ``producers`` or its type is in ``types``
    (an empty tuple means "any"; both empty means every document). ``when`` is one of:

    - ``"always"``: as soon as the document exists anywhere in the dossier;
    - ``"handover"``: once a handover (inzending, overdracht) with receiver ``holder`` is recorded;
    - ``"handover:<org>"``: once a handover with that receiver is recorded;
    - ``"event:<kind>"``: once any organisation records an event of that kind (``dagvaarding``).
    """

    holder: str
    producers: tuple[str, ...] = ()
    types: tuple[DocumentType, ...] = ()
    when: str = "always"

    def applies_to(self, producer: str | None, doc_type: DocumentType) -> bool:
        if not self.producers and not self.types:
            return True
        return (producer is not None and producer in self.producers) or doc_type in self.types


@attrs.frozen
class StatusRule:
    """A case-deciding state at one organisation contradicts a (later) step elsewhere.

    Tokens are ``"<org>:<state>"`` (org may be ``*``); a state is an event kind (``zitting``) or a
    word in an event's status text (``sepot`` matches "geseponeerd" via aliases). The organisation
    that recorded the deciding state must act: it closed the case, so it must inform the chain or
    reopen. A state in ``unless`` anywhere in the dossier (``*:verzet``: the suspect contested a
    strafbeschikking, so the court rightly hears the case) lifts the conflict.
    """

    closing: str
    contradicts: tuple[str, ...]
    # Only a contradicting state dated after the closing state counts.
    after_only: bool = False
    unless: tuple[str, ...] = ()


DEFAULT_PRODUCERS: dict[DocumentType, str] = {
    **dict.fromkeys(_PV_TYPES, "politie"),
    _T.DAGVAARDING: "om",
    _T.OPROEPING: "om",
    _T.STRAFBESCHIKKING: "om",
    _T.SEPOTBESLISSING: "om",
    _T.TENUITVOERLEGGINGSOPDRACHT: "om",
    _T.UITTREKSEL_JUSTITIELE_DOCUMENTATIE: "om",
    _T.VONNIS: "rechtspraak",
    _T.ARREST: "rechtspraak",
    _T.BESCHIKKING: "rechtspraak",
    _T.PROCES_VERBAAL_TERECHTZITTING: "rechtspraak",
    _T.RECLASSERINGSADVIES: "reclassering",
    _T.DETENTIEGEGEVENS: "dji",
}

DEFAULT_EXPECTATIONS: tuple[Expectation, ...] = (
    # The police's processtukken reach the OM with the inzending.
    Expectation("om", producers=("politie",), when="handover"),
    # Once the dagvaarding is issued the court's file holds the police's stukken and the OM's
    # procesdossier stukken (not the OM's execution papers).
    Expectation("rechtspraak", producers=("politie",), when="event:dagvaarding"),
    Expectation(
        "rechtspraak",
        types=(_T.DAGVAARDING, _T.OPROEPING, _T.UITTREKSEL_JUSTITIELE_DOCUMENTATIE, _T.DESKUNDIGENRAPPORT),
        when="event:dagvaarding",
    ),
    # The reclasseringsadvies goes to the OM, and to the court once the case is brought.
    Expectation("om", types=(_T.RECLASSERINGSADVIES,), when="always"),
    Expectation("rechtspraak", types=(_T.RECLASSERINGSADVIES,), when="event:dagvaarding"),
    # The OM holds the judgment once it is pronounced.
    Expectation("om", types=(_T.VONNIS, _T.ARREST), when="event:uitspraak"),
    # Execution: the OM sends the tenuitvoerleggingsopdracht to the CJIB or DJI with the handover
    # (not the whole judgment: add vonnis/strafbeschikking here if your chain sends them). It
    # never goes to the court: no expectation names the court for it.
    Expectation("cjib", types=(_T.TENUITVOERLEGGINGSOPDRACHT,), when="handover"),
    Expectation("dji", types=(_T.TENUITVOERLEGGINGSOPDRACHT,), when="handover"),
)

_PAPER_TYPES: tuple[DocumentType, ...] = (
    *_PV_TYPES,
    _T.DAGVAARDING,
    _T.OPROEPING,
    _T.STRAFBESCHIKKING,
    _T.VONNIS,
    _T.ARREST,
    _T.PROCES_VERBAAL_TERECHTZITTING,
    _T.RECLASSERINGSADVIES,
    _T.UITTREKSEL_JUSTITIELE_DOCUMENTATIE,
    _T.DESKUNDIGENRAPPORT,
)
DEFAULT_PAPER_DOSSIERS: dict[str, tuple[DocumentType, ...]] = {
    "rechtspraak": _PAPER_TYPES,
    "om": _PAPER_TYPES,
}

# From the kind descriptions (kinds.py); a chain overrides them in [reconcile.severities].
DEFAULT_SEVERITIES: dict[DivergenceKind, Severity] = {spec.kind: spec.severity for spec in KINDS}

_COURT_STEPS = ("rechtspraak:dagvaarding", "rechtspraak:zitting", "rechtspraak:uitspraak")
_EXECUTION_STEPS = ("cjib:tenuitvoerlegging", "dji:insluiting")
# Only case-deciding states close a case: the OM's sepot, strafbeschikking or transactie and the
# court's (eind)uitspraak. Execution organisations (CJIB, DJI, Reclassering) finishing their part
# ("afgedaan" after a voorlopige hechtenis, a paid fine) is not a closure of the case.
DEFAULT_STATUS_RULES: tuple[StatusRule, ...] = (
    # OM: sepot; court: hearing set (or anything after it in court or execution).
    StatusRule("om:sepot", (*_COURT_STEPS, *_EXECUTION_STEPS)),
    # OM settled the case out of court, and the court brings it to a hearing afterwards
    # (unless the suspect contested the strafbeschikking: verzet).
    StatusRule(
        "om:strafbeschikking",
        ("rechtspraak:dagvaarding", "rechtspraak:zitting"),
        after_only=True,
        unless=("*:verzet",),
    ),
    StatusRule("om:transactie", ("rechtspraak:dagvaarding", "rechtspraak:zitting"), after_only=True),
    # The court decided the case and the OM dismisses or summons it again afterwards
    # (unless an appeal is recorded: hoger beroep is a new instance, not a contradiction).
    StatusRule(
        "rechtspraak:uitspraak",
        ("om:sepot", "om:dagvaarding"),
        after_only=True,
        unless=("*:hoger beroep",),
    ),
)

# Words in free status texts that mean a state token.
DEFAULT_STATUS_ALIASES: dict[str, tuple[str, ...]] = {
    "sepot": ("sepot", "geseponeerd", "seponering"),
    "afgedaan": ("afgedaan", "afgehandeld", "gesloten", "afgesloten"),
    "zitting": ("zitting gepland", "ter zitting", "zitting"),
    "dagvaarding": ("gedagvaard", "dagvaarding"),
    "uitspraak": ("uitspraak", "vonnis gewezen"),
    "tenuitvoerlegging": ("tenuitvoerlegging", "in executie"),
    "insluiting": ("ingesloten", "insluiting", "gedetineerd"),
    "transactie": ("transactie",),
    "verzet": ("verzet",),
    "hoger beroep": ("hoger beroep", "appel"),
}

_DEFAULT_INTERNAL_TYPES = (_T.VOORBLAD, _T.INHOUDSOPGAVE, _T.CORRESPONDENTIE)
_DEFAULT_CHAIN_ORDER = ("politie", "om", "rechtspraak", "reclassering", "rvdk", "cjib", "dji")
_DEFAULT_COMMON_SURNAMES = (
    "de jong", "jansen", "de vries", "van den berg", "van dijk", "bakker", "janssen", "visser",
    "smit", "meijer", "de boer", "mulder", "de groot", "bos", "vos", "peters", "hendriks",
    "van leeuwen", "dekker", "brouwer", "de wit", "dijkstra", "smits", "de graaf", "van der meer",
    "van der linden", "kok", "jacobs", "de haan", "vermeulen", "van den heuvel", "van der veen",
    "van den broek", "de bruijn", "de bruin", "van der heijden", "schouten", "van beek", "willems",
    "van vliet", "van de ven", "hoekstra", "maas", "verhoeven", "koster", "van dam", "prins",
    "blom", "huisman", "peeters", "de lange", "kuipers", "van wijk", "postma", "kramer",
    "yilmaz", "el amrani", "kaya", "demir",
)  # fmt: skip


# Fellegi-Sunter evidence for person matching: per field, per agreement level, (m, u) = how often
# the level occurs between two registrations of one person (m) and of two different persons who
# came up as candidates (u). The weight of a level is log2(m / u) bits. These defaults are priors
# for Dutch chain registrations; ``estimate_person_weights`` re-estimates them by EM from a store.
PERSON_LEVELS: dict[str, tuple[str, ...]] = {
    "surname": ("exact", "particles", "typo", "fuzzy", "part", "different"),
    "given": ("exact", "alias", "typo", "fuzzy", "initials", "different"),
    "date": ("exact", "transposed", "typo", "one_part", "two_edits", "different"),
}
_DEFAULT_PERSON_MU: dict[str, tuple[tuple[float, float], ...]] = {
    # exact, particles (van der / van den), typo (one keyboard/OCR edit), fuzzy (Jaro-Winkler),
    # part (one part of a double or married name), different
    "surname": ((0.88, 0.0015), (0.02, 0.001), (0.04, 0.002), (0.02, 0.01), (0.02, 0.003), (0.02, 0.9825)),
    # exact, alias (roepnaam, another of the voornamen), typo, fuzzy, initials only, different
    "given": ((0.80, 0.01), (0.06, 0.002), (0.03, 0.002), (0.02, 0.01), (0.08, 0.08), (0.01, 0.896)),
    # exact, day and month transposed, one digit typed wrong, one part differs, two digits typed
    # wrong (two parts), different
    "date": ((0.90, 0.003), (0.01, 0.0002), (0.03, 0.001), (0.03, 0.02), (0.01, 0.005), (0.02, 0.9708)),
}


def _bits(mu: tuple[tuple[float, float], ...]) -> tuple[float, ...]:
    return tuple(math.log2(max(m, 1e-9) / max(u, 1e-9)) for m, u in mu)


@attrs.frozen
class PersonWeights:
    """The m/u probabilities of person matching, and the name frequencies that adjust them.

    ``surname``, ``given`` and ``date`` hold one (m, u) per level of ``PERSON_LEVELS``; a missing
    value weighs nothing. An exact name agreement weighs log2(m / f) with f the name's frequency
    (``surname_frequencies`` keyed by the folded surname without spaces, ``given_frequencies`` by
    the folded first given name), relative to how often two random names agree (the sum of the
    squared frequencies), as Splink's term-frequency adjustment does: a rare name weighs more than
    the level's own log2(m / u), a common one less. A name not in the table weighs log2(m / u).
    """

    surname: tuple[tuple[float, float], ...] = _DEFAULT_PERSON_MU["surname"]
    given: tuple[tuple[float, float], ...] = _DEFAULT_PERSON_MU["given"]
    date: tuple[tuple[float, float], ...] = _DEFAULT_PERSON_MU["date"]
    surname_frequencies: Mapping[str, float] = attrs.field(factory=dict)
    given_frequencies: Mapping[str, float] = attrs.field(factory=dict)
    # Share of candidate pairs that are one person (the prior; EM estimates it). The default makes
    # ``threshold_for(0.9)`` the default ``person_threshold`` of 13 bits.
    prior: float = 0.0011
    # Bits for given name and surname found the other way round (beside their own levels).
    swapped: float = -1.0
    # Bits for an equal SKN or valid BSN, and for a different one (two valid numbers that differ
    # are two people: a typo in a BSN fails the elfproef and then does not count).
    identity_number: float = 10.0
    identity_number_mismatch: float = -25.0
    # Lowest frequency an exact name agreement is credited with (one in ten thousand).
    min_frequency: float = 0.0001
    surname_bits: tuple[float, ...] = attrs.field(init=False, eq=False, repr=False)
    given_bits: tuple[float, ...] = attrs.field(init=False, eq=False, repr=False)
    date_bits: tuple[float, ...] = attrs.field(init=False, eq=False, repr=False)
    # How often two random registrations agree on a name: sum of squared frequencies (or None).
    surname_agreement: float | None = attrs.field(init=False, eq=False, repr=False)
    given_agreement: float | None = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        for name in ("surname", "given", "date"):
            mu = getattr(self, name)
            if len(mu) != len(PERSON_LEVELS[name]):
                raise ValueError(f"person weights: {name} needs {len(PERSON_LEVELS[name])} (m, u) pairs")
            object.__setattr__(self, f"{name}_bits", _bits(mu))
        for name in ("surname", "given"):
            table: Mapping[str, float] = getattr(self, f"{name}_frequencies")
            agreement = sum(f * f for f in table.values()) if table else None
            object.__setattr__(self, f"{name}_agreement", agreement)

    def threshold_for(self, probability: float) -> float:
        """Bits of evidence needed for a match probability of at least ``probability`` given the prior."""
        prior = min(max(self.prior, 1e-9), 1 - 1e-9)
        return math.log2((1 - prior) / prior) + math.log2(probability / (1 - probability))


DEFAULT_PERSON_WEIGHTS = PersonWeights()


def _duration_key(sender: str, receiver: str) -> str:
    return f"{sender}->{receiver}"


@attrs.frozen
class ReconcileConfig:
    """Everything reconciliation can be told; every field has a documented default."""

    # Which organisation makes which document type (a PV number always means the police).
    producers: Mapping[DocumentType, str] = attrs.field(factory=lambda: dict(DEFAULT_PRODUCERS))
    pv_producer: str = "politie"
    expectations: tuple[Expectation, ...] = DEFAULT_EXPECTATIONS
    # Organisations keeping a paper dossier, and the types that belong in it.
    paper_dossiers: Mapping[str, tuple[DocumentType, ...]] = attrs.field(
        factory=lambda: dict(DEFAULT_PAPER_DOSSIERS)
    )
    # Types that stay inside one organisation: never expected elsewhere or digitally.
    internal_types: tuple[DocumentType, ...] = _DEFAULT_INTERNAL_TYPES
    # handover_missing: days a receiver gets to register a case; "sender->receiver" or "*->receiver".
    terms: Mapping[str, int] = attrs.field(factory=lambda: {"politie->om": 14})
    default_term_days: int = 28
    # Recorded events with a receiver that make the receiver expected to register the case
    # within its term (handover_missing). Every handover the formats document is one, except an
    # instroom (the receiver's own registration) and an advies (it answers the client's
    # adviesaanvraag, itself an overdracht already expected of the reclassering).
    handover_events: tuple[EventKind, ...] = (
        EventKind.INZENDING,
        EventKind.OVERDRACHT,
        EventKind.DAGVAARDING,
    )
    severities: Mapping[DivergenceKind, Severity] = attrs.field(factory=lambda: dict(DEFAULT_SEVERITIES))
    status_rules: tuple[StatusRule, ...] = DEFAULT_STATUS_RULES
    status_aliases: Mapping[str, tuple[str, ...]] = attrs.field(factory=lambda: dict(DEFAULT_STATUS_ALIASES))
    # Upstream first: ties in "who holds the reference value" go to the earlier organisation.
    chain_order: tuple[str, ...] = _DEFAULT_CHAIN_ORDER
    # Person data is taken from the first of these that holds the person (identity is established
    # by the police and recorded with the SKN).
    person_authority: tuple[str, ...] = ("politie", "om", "rechtspraak")
    # Identifier owners: the organisation that issues the number is its reference.
    identifier_owners: Mapping[str, str] = attrs.field(
        factory=lambda: {"parketnummer": "om", "pv": "politie"}
    )
    # Parket codes of the ressortsparketten (appeal): their numbers are related, not conflicting.
    appeal_parket_codes: tuple[str, ...] = ("20", "21", "22", "23", "24")
    # Fingerprint similarity at or above which two versions hold the same content
    # (dossierlink.paper's measured SAME_TEXT_THRESHOLD); a paper version whose text is contained
    # in the digital one for at least ``containment_threshold`` (a scan that lost pages) is the
    # same content too.
    fingerprint_threshold: float = 0.85
    containment_threshold: float = 0.95
    # Share of content words two titles must have in common (typos tolerated); below, they conflict.
    title_threshold: float = 0.5
    # Person matching: bits of evidence (Fellegi-Sunter match weight without the prior) needed for
    # one person, and extra bits when the surname is common (beside its frequency in the weights).
    person_threshold: float = 13.0
    common_surname_extra: float = 0.0
    common_surnames: frozenset[str] = attrs.field(
        factory=lambda: frozenset(_DEFAULT_COMMON_SURNAMES), converter=frozenset
    )
    # The m/u probabilities and name frequencies (defaults, or estimated from a store).
    person_weights: PersonWeights = DEFAULT_PERSON_WEIGHTS
    # Estimate the weights from the store's own registrations (EM) before reconciling; a store too
    # small to learn from keeps the defaults. The threshold then follows the estimated prior: a
    # pair is one person at a posterior match probability of ``person_match_probability``.
    estimate_person_weights: bool = False
    person_match_probability: float = 0.9
    # Organisations beyond the built-in ones, code -> display name.
    extra_organisations: Mapping[str, str] = attrs.field(factory=dict)
    # missing_digital only for holders whose digital case file is here: a digital record with a
    # document list from a case-system adapter (without one, their system's export is simply not
    # here: handover_missing speaks instead). False: every expectation holds regardless.
    require_digital_record: bool = True
    # Adapters whose records are publications, not a case file (the Rechtspraak's open-data
    # judgments): their documents count as the digital originals, but do not make the
    # organisation's digital case file present.
    publication_adapters: tuple[str, ...] = ("rechtspraak",)
    # Organisations held to digital expectations once they have any digital record (whatever its
    # adapter and even without a document list).
    digital_case_files: tuple[str, ...] = ()
    # Organisations whose every paper record shows the whole paper dossier. By default only an
    # inventory (inhoudsopgave) or a batch scan with a voorblad/inhoudsopgave does: a scan of
    # single stukken says what is in the paper file, not what is missing from it.
    complete_paper_files: tuple[str, ...] = ()
    # metadata_conflict also compares paper versions (scanned metadata is noisy: off by default).
    metadata_include_paper: bool = False

    @property
    def organisations(self) -> dict[str, str]:
        return {**BUILTIN_ORGANISATIONS, **self.extra_organisations}

    def term_days(self, sender: str, receiver: str) -> int:
        for key in (
            _duration_key(sender, receiver),
            _duration_key("*", receiver),
            _duration_key(sender, "*"),
        ):
            if key in self.terms:
                return self.terms[key]
        return self.default_term_days

    def severity(self, kind: DivergenceKind) -> Severity:
        return self.severities.get(kind, DEFAULT_SEVERITIES[kind])

    def producer_of(self, doc_type: DocumentType) -> str | None:
        return self.producers.get(doc_type)

    def chain_rank(self, organisation: str) -> int:
        """Position in ``chain_order`` (its first occurrence); unknown organisations come last."""
        return self._chain_ranks.get(organisation, len(self.chain_order))

    @functools.cached_property
    def _chain_ranks(self) -> dict[str, int]:
        ranks: dict[str, int] = {}
        for i, org in enumerate(self.chain_order):
            ranks.setdefault(org, i)
        return ranks

    def expectations_for(self, producer: str | None, doc_type: DocumentType) -> tuple[int, ...]:
        """Indices of the expectations that apply to a (producer, type), in configuration order."""
        memo = self._expectations_memo
        found = memo.get((producer, doc_type))
        if found is None:
            found = memo[(producer, doc_type)] = tuple(
                i for i, exp in enumerate(self.expectations) if exp.applies_to(producer, doc_type)
            )
        return found

    @functools.cached_property
    def _expectations_memo(self) -> dict[tuple[str | None, DocumentType], tuple[int, ...]]:
        return {}

    @functools.cached_property
    def derived(self) -> dict[str, Any]:
        """Values rules derive from this configuration once (a folded alias table, parsed tokens)."""
        return {}

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], errors: list[str]) -> ReconcileConfig:
        """Build from the ``[reconcile]`` TOML table; each mistake appends one sentence to errors."""
        return _Parser(errors).parse(data)


# --- parsing --------------------------------------------------------------------------------

_SCALARS: dict[str, type] = {
    "pv_producer": str,
    "default_term_days": int,
    "fingerprint_threshold": float,
    "containment_threshold": float,
    "title_threshold": float,
    "person_threshold": float,
    "common_surname_extra": float,
    "estimate_person_weights": bool,
    "person_match_probability": float,
    "require_digital_record": bool,
    "metadata_include_paper": bool,
}
_KNOWN = {
    *_SCALARS,
    "producers",
    "expectations",
    "expect",
    "paper_dossiers",
    "internal_types",
    "terms",
    "handover_events",
    "severities",
    "status_rules",
    "status_aliases",
    "chain_order",
    "person_authority",
    "identifier_owners",
    "appeal_parket_codes",
    "publication_adapters",
    "digital_case_files",
    "complete_paper_files",
    "common_surnames",
    "extra_common_surnames",
    "organisations",
    "extra_organisations",
}


class _Parser:
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors

    def err(self, message: str) -> None:
        self.errors.append(message)

    def org(self, key: str, value: object) -> str | None:
        if not isinstance(value, str):
            self.err(f"reconcile.{key}: {value!r} is not an organisation code (a string such as 'om').")
            return None
        try:
            return check_organisation(value)
        except ValueError as exc:
            self.err(f"reconcile.{key}: {exc}")
            return None

    def orgs(self, key: str, value: object) -> tuple[str, ...] | None:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.err(f"reconcile.{key} must be a list of organisation codes.")
            return None
        out = [self.org(key, v) for v in value]
        return tuple(o for o in out if o is not None)

    def doc_type(self, key: str, value: object) -> DocumentType | None:
        if isinstance(value, str):
            text = value.strip().lower().replace("_", " ")
            for member in DocumentType:
                if text in (member.value, member.name.lower().replace("_", " ")):
                    return member
            parsed = DocumentType.parse(value)
            if parsed is not DocumentType.OVERIG or text == "overig":
                return parsed
        self.err(
            f"reconcile.{key}: {value!r} is not a document type; use one of "
            f"{', '.join(repr(m.value) for m in list(DocumentType)[:6])}, ..."
        )
        return None

    def doc_types(self, key: str, value: object) -> tuple[DocumentType, ...] | None:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.err(f"reconcile.{key} must be a list of document types.")
            return None
        out = [self.doc_type(key, v) for v in value]
        return tuple(t for t in out if t is not None)

    def table(self, key: str, value: object) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.err(f"reconcile.{key} must be a table (key = value pairs).")
            return None
        return value

    def parse(self, data: object) -> ReconcileConfig:
        base = ReconcileConfig()
        kw: dict[str, Any] = {}
        if not isinstance(data, Mapping):
            self.err("[reconcile] must be a table.")
            return base
        for key in sorted(set(data) - _KNOWN):
            self.err(f"reconcile.{key} is not a known setting; known are {', '.join(sorted(_KNOWN))}.")
        for key, typ in _SCALARS.items():
            if key not in data:
                continue
            value = data[key]
            ok = isinstance(value, typ) and not (typ is not bool and isinstance(value, bool))
            if typ is float and isinstance(value, int) and not isinstance(value, bool):
                value, ok = float(value), True
            if not ok:
                wanted = {int: "a whole number", float: "a number", bool: "true or false", str: "a string"}[
                    typ
                ]
                self.err(f"reconcile.{key} must be {wanted}, not {value!r}.")
                continue
            if (
                key.endswith("threshold")
                and key.startswith(("fingerprint", "title", "containment"))
                and not 0 <= value <= 1
            ):
                self.err(f"reconcile.{key} must lie between 0 and 1, not {value!r}.")
                continue
            if key == "person_match_probability" and not 0.5 <= value < 1:
                self.err(f"reconcile.{key} must lie between 0.5 and 1 (exclusive), not {value!r}.")
                continue
            if key == "default_term_days" and value < 0:
                self.err(f"reconcile.{key} must be zero or more days, not {value!r}.")
                continue
            if key == "pv_producer":
                value = self.org(key, value)
                if value is None:
                    continue
            kw[key] = value

        if "producers" in data and (tbl := self.table("producers", data["producers"])) is not None:
            producers = dict(base.producers)
            for t, o in tbl.items():
                dtp, org = self.doc_type(f"producers.{t}", t), self.org(f"producers.{t}", o)
                if dtp is not None and org is not None:
                    producers[dtp] = org
            kw["producers"] = producers

        exp_key = "expectations" if "expectations" in data else "expect" if "expect" in data else None
        if exp_key is not None:
            kw["expectations"] = self.expectations(exp_key, data[exp_key])

        if (
            "paper_dossiers" in data
            and (tbl := self.table("paper_dossiers", data["paper_dossiers"])) is not None
        ):
            paper: dict[str, tuple[DocumentType, ...]] = {}
            for o, types in tbl.items():
                org = self.org(f"paper_dossiers.{o}", o)
                if types == "default":
                    types_t: tuple[DocumentType, ...] | None = _PAPER_TYPES
                else:
                    types_t = self.doc_types(f"paper_dossiers.{o}", types)
                if org is not None and types_t is not None:
                    paper[org] = types_t
            kw["paper_dossiers"] = paper

        if "internal_types" in data and (types := self.doc_types("internal_types", data["internal_types"])):
            kw["internal_types"] = types

        if "terms" in data and (tbl := self.table("terms", data["terms"])) is not None:
            terms = dict(base.terms)
            for pair, days in tbl.items():
                sender, sep, receiver = str(pair).partition("->")
                if not sep or not sender.strip() or not receiver.strip():
                    self.err(
                        f"reconcile.terms: {pair!r} must name a handover as 'sender->receiver' (or '*->om')."
                    )
                    continue
                if not isinstance(days, int) or isinstance(days, bool) or days < 0:
                    self.err(f"reconcile.terms.{pair} must be a whole number of days, not {days!r}.")
                    continue
                terms[f"{sender.strip().lower()}->{receiver.strip().lower()}"] = days
            kw["terms"] = terms

        if "handover_events" in data:
            raw = data["handover_events"]
            if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
                self.err(
                    'reconcile.handover_events must be a list of event kinds, e.g. ["inzending", "dagvaarding"].'
                )
            else:
                events: list[EventKind] = []
                for x in raw:
                    try:
                        events.append(EventKind(x.strip().lower()))
                    except ValueError:
                        self.err(f"reconcile.handover_events: {x!r} is not an event kind.")
                kw["handover_events"] = tuple(events)

        if "severities" in data and (tbl := self.table("severities", data["severities"])) is not None:
            sev = dict(base.severities)
            for k, v in tbl.items():
                try:
                    dk = DivergenceKind(str(k))
                except ValueError:
                    self.err(f"reconcile.severities: {k!r} is not a divergence kind.")
                    continue
                try:
                    sev[dk] = Severity(str(v).lower())
                except ValueError:
                    self.err(f"reconcile.severities.{k}: {v!r} must be critical, high, medium or low.")
            kw["severities"] = sev

        if "status_rules" in data:
            kw["status_rules"] = self.status_rules(data["status_rules"])
        if (
            "status_aliases" in data
            and (tbl := self.table("status_aliases", data["status_aliases"])) is not None
        ):
            aliases = dict(base.status_aliases)
            for k, v in tbl.items():
                words = [v] if isinstance(v, str) else v
                if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                    self.err(f"reconcile.status_aliases.{k} must be a list of words.")
                    continue
                aliases[str(k).lower()] = tuple(w.lower() for w in words)
            kw["status_aliases"] = aliases

        for key in ("chain_order", "person_authority", "digital_case_files", "complete_paper_files"):
            if key in data and (orgs := self.orgs(key, data[key])) is not None:
                kw[key] = orgs
        if "identifier_owners" in data and (
            tbl := self.table("identifier_owners", data["identifier_owners"])
        ):
            owners = dict(base.identifier_owners)
            for k, v in tbl.items():
                if (org := self.org(f"identifier_owners.{k}", v)) is not None:
                    owners[str(k)] = org
            kw["identifier_owners"] = owners
        if "publication_adapters" in data:
            names = data["publication_adapters"]
            if isinstance(names, str):
                names = [names]
            if isinstance(names, list) and all(isinstance(n, str) for n in names):
                kw["publication_adapters"] = tuple(n.strip().lower() for n in names)
            else:
                self.err("reconcile.publication_adapters must be a list of adapter names.")
        if "appeal_parket_codes" in data:
            codes = data["appeal_parket_codes"]
            if isinstance(codes, list) and all(isinstance(c, str | int) for c in codes):
                kw["appeal_parket_codes"] = tuple(str(c).zfill(2) for c in codes)
            else:
                self.err("reconcile.appeal_parket_codes must be a list of two-digit parket codes.")
        for key in ("common_surnames", "extra_common_surnames"):
            if key in data:
                names = data[key]
                if isinstance(names, list) and all(isinstance(n, str) for n in names):
                    folded = frozenset(" ".join(n.lower().split()) for n in names)
                    kw["common_surnames"] = (
                        folded
                        if key == "common_surnames"
                        else kw.get("common_surnames", base.common_surnames) | folded
                    )
                else:
                    self.err(f"reconcile.{key} must be a list of surnames.")
        org_key = (
            "extra_organisations"
            if "extra_organisations" in data
            else "organisations"
            if "organisations" in data
            else None
        )
        if org_key and (tbl := self.table(org_key, data[org_key])) is not None:
            extra: dict[str, str] = {}
            for code, name in tbl.items():
                if (org := self.org(f"{org_key}.{code}", code)) is not None:
                    extra[org] = str(name)
            kw["extra_organisations"] = extra
        return attrs.evolve(base, **kw)

    def expectations(self, key: str, value: object) -> tuple[Expectation, ...]:
        if not isinstance(value, list):
            self.err(f"reconcile.{key} must be a list of tables ([[reconcile.{key}]]).")
            return DEFAULT_EXPECTATIONS
        out: list[Expectation] = []
        for i, item in enumerate(value, 1):
            where = f"{key}[{i}]"
            if not isinstance(item, Mapping):
                self.err(f"reconcile.{where} must be a table with holder, producers/types and when.")
                continue
            unknown = set(item) - {"holder", "producers", "types", "when"}
            if unknown:
                self.err(f"reconcile.{where}: unknown key(s) {', '.join(sorted(unknown))}.")
            holder = self.org(f"{where}.holder", item.get("holder"))
            producers = self.orgs(f"{where}.producers", item.get("producers", []))
            types = self.doc_types(f"{where}.types", item.get("types", []))
            when = item.get("when", "always")
            if not isinstance(when, str) or not _valid_when(when):
                self.err(
                    f"reconcile.{where}.when: {when!r} must be 'always', 'handover', 'handover:<org>' "
                    f"or 'event:<kind>'."
                )
                continue
            if holder is None or producers is None or types is None:
                continue
            out.append(Expectation(holder, producers, types, when.strip().lower()))
        return tuple(out)

    def status_rules(self, value: object) -> tuple[StatusRule, ...]:
        if not isinstance(value, list):
            self.err("reconcile.status_rules must be a list of tables with closing and contradicts.")
            return DEFAULT_STATUS_RULES
        out: list[StatusRule] = []
        for i, item in enumerate(value, 1):
            where = f"status_rules[{i}]"
            if not isinstance(item, Mapping):
                self.err(f"reconcile.{where} must be a table.")
                continue
            closing, contradicts = item.get("closing"), item.get("contradicts")
            if not isinstance(closing, str) or ":" not in closing:
                self.err(f"reconcile.{where}.closing must be '<org>:<state>', such as 'om:sepot'.")
                continue
            if not isinstance(contradicts, list) or not all(
                isinstance(c, str) and ":" in c for c in contradicts
            ):
                self.err(f"reconcile.{where}.contradicts must be a list of '<org>:<state>'.")
                continue
            after_only = item.get("after_only", False)
            if not isinstance(after_only, bool):
                self.err(f"reconcile.{where}.after_only must be true or false.")
                continue
            unless = item.get("unless", [])
            if not isinstance(unless, list) or not all(isinstance(c, str) and ":" in c for c in unless):
                self.err(f"reconcile.{where}.unless must be a list of '<org>:<state>'.")
                continue
            out.append(
                StatusRule(
                    closing.lower(),
                    tuple(c.lower() for c in contradicts),
                    after_only,
                    tuple(c.lower() for c in unless),
                )
            )
        return tuple(out)


def _valid_when(when: str) -> bool:
    w = when.strip().lower()
    if w in ("always", "handover"):
        return True
    if w.startswith("handover:"):
        try:
            check_organisation(w.partition(":")[2])
        except ValueError:
            return False
        return True
    if w.startswith("event:"):
        kind = w.partition(":")[2]
        return any(kind in (k.value, k.name.lower()) for k in EventKind)
    return False
