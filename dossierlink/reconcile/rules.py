"""The divergence rules: one pure function per kind, ``(view, ctx) -> Iterable[Divergence]``.

Rules read the precomputed matching in :class:`RuleContext`; none does I/O or reads a clock. The
sentences a divergence carries (``message``, ``why``) come from the kind's description in
:mod:`dossierlink.reconcile.kinds` through :func:`~dossierlink.reconcile.kinds.say`.

Adding a divergence kind:

1. name it: a member of ``DivergenceKind`` in ``dossierlink/schema.py`` (its value is the kind);
2. describe it: one ``KindSpec`` in ``KINDS`` (``kinds.py``): id prefix, default severity, what
   it means and who acts, label, message and why templates, action texts, all in nl and en;
3. write its rule here: a function named after the kind that yields
   ``ctx.divergence(kind, acting organisation, subject, message=say(kind, "message", ...), ...)``,
   and one line in :data:`RULES`;
4. only if the work list's action needs more than "do this to {doc} in dossier {dossier}": an
   action function in ``report/actions.py``'s ``_OWN_ACTIONS``;
5. run ``python -m dossierlink.report.validate`` to write the kind into ``report.schema.json``.

Severity defaults, id prefixes, the reports' labels and action texts, the action lookup and the
JSON schema's kind enum are derived from the description; ``tests/reconcile/test_kinds.py``
fails while any part is missing.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs
from rapidfuzz import fuzz

from dossierlink.identifiers import IdentifierKind, is_valid_bsn, mask_bsn
from dossierlink.reconcile.config import Expectation, ReconcileConfig
from dossierlink.reconcile.keys import divergence_id
from dossierlink.reconcile.kinds import say
from dossierlink.reconcile.match import (
    DocRef,
    DocumentGroup,
    DocumentMatching,
    fingerprint_containment,
    fingerprint_similarity,
    types_compatible,
)
from dossierlink.reconcile.persons import (
    PersonCluster,
    fold,
    name_slip,
    names_swapped,
    person_differences,
    split_name,
)
from dossierlink.reconcile.view import DossierView
from dossierlink.schema import (
    Divergence,
    DivergenceKind,
    Document,
    DocumentType,
    Event,
    EventKind,
    Identifier,
    Medium,
    Person,
    Record,
)

__all__ = [
    "RULES",
    "Rule",
    "RuleContext",
    "content_mismatch",
    "duplicate_document",
    "handover_missing",
    "identifier_conflict",
    "metadata_conflict",
    "missing_digital",
    "missing_paper",
    "page_count_mismatch",
    "pages_missing",
    "person_conflict",
    "stale_paper",
    "status_conflict",
    "unreadable_scan",
]

K = DivergenceKind


@attrs.frozen
class RuleContext:
    """What every rule may read: configuration, ``now``, and the dossier's precomputed facts."""

    config: ReconcileConfig
    now: dt.datetime
    anchor: str  # smallest parketnummer, else PV registration, else identifier: scopes subjects
    identifiers: tuple[Identifier, ...]
    documents: DocumentMatching
    persons: tuple[PersonCluster, ...]
    # Which media each organisation has records on, in this dossier.
    holdings: Mapping[str, frozenset[Medium]]
    # Every event of every record with the organisation whose record holds it.
    events: tuple[tuple[str, Event], ...]
    dossier_id: int
    # Organisations whose digital case file is in the dossier (held to digital expectations).
    case_files: frozenset[str] = frozenset()
    # Organisations whose whole paper dossier is known: None = as of now (an inventory), else as
    # of that time (a batch scan with a voorblad).
    paper_known: Mapping[str, dt.datetime | None] = attrs.field(factory=dict)

    def name(self, organisation: str) -> str:
        return self.config.organisations.get(organisation, organisation)

    def has(self, organisation: str, medium: Medium | None = None) -> bool:
        media = self.holdings.get(organisation, frozenset())
        return bool(media) if medium is None else medium in media

    def divergence(
        self,
        kind: DivergenceKind,
        organisation: str,
        subject: str,
        *,
        expected: str | None,
        found: str | None,
        message: str,
        why: str,
        involved: Iterable[str] = (),
        details: dict[str, Any] | None = None,
    ) -> Divergence:
        return Divergence(
            id=divergence_id(kind, organisation, subject),
            kind=kind,
            severity=self.config.severity(kind),
            organisation=organisation,
            organisations=tuple(sorted({organisation, *involved})),
            identifiers=self.identifiers,
            subject=subject,
            expected=expected,
            found=found,
            message=message,
            why=why,
            dossier_id=self.dossier_id,
            details=details or {},
        )


Rule = Callable[[DossierView, RuleContext], Iterable[Divergence]]


# --- helpers ------------------------------------------------------------------------------

_DIGITAL = Medium.DIGITAL
_PAPER = Medium.PAPER
_OVERIG = DocumentType.OVERIG
_PV = DocumentType.PV


class _Tables:
    """What the rules derive from one configuration, once (kept in ``ReconcileConfig.derived``)."""

    __slots__ = (
        "applicable",
        "authority",
        "internal",
        "kind_states",
        "nranks",
        "paper_dossiers",
        "ranks",
        "status_memo",
        "status_relevant",
        "status_rules",
    )

    def __init__(self, cfg: ReconcileConfig) -> None:
        ranks: dict[str, int] = {}
        for i, org in enumerate(cfg.chain_order):
            ranks.setdefault(org, i)
        self.ranks = ranks
        self.nranks = len(cfg.chain_order)
        self.authority = {org: i for i, org in enumerate(cfg.person_authority)}
        self.internal = frozenset(cfg.internal_types)
        # missing_digital: (producer, effective type, case files or None) -> ((index, holder), ...).
        self.applicable: dict[
            tuple[str | None, DocumentType, frozenset[str] | None], tuple[tuple[int, str], ...]
        ] = {}
        self.paper_dossiers = tuple(
            (org, set(types), frozenset(types)) for org, types in sorted(cfg.paper_dossiers.items())
        )
        rules = []
        relevant: set[str] = set()
        for rule in cfg.status_rules:
            c_org, _, c_state = rule.closing.partition(":")
            unless = tuple((u_org, u_state) for u_org, _, u_state in (t.partition(":") for t in rule.unless))
            contradicts = tuple(
                (o_org, o_state) for o_org, _, o_state in (t.partition(":") for t in rule.contradicts)
            )
            rules.append((rule, c_org, c_state, unless, contradicts))
            relevant.add(c_state)
            relevant.update(s for _, s in unless)
            relevant.update(s for _, s in contradicts)
        self.status_rules = tuple(rules)
        # The only states status_conflict reads: any other state cannot make or lift a conflict.
        self.status_relevant = frozenset(relevant)
        # Event kind -> the state it reports when a rule names it (a status event reports its text).
        self.kind_states: dict[EventKind, str] = {
            k: v for k, v in _KIND_VALUES.items() if k is not EventKind.STATUS and v in self.status_relevant
        }
        # Status text -> the relevant states it names.
        self.status_memo: dict[str, tuple[str, ...]] = {}


def _tables(cfg: ReconcileConfig) -> _Tables:
    derived = cfg.derived
    tables: _Tables | None = derived.get("rules")
    if tables is None:
        tables = derived["rules"] = _Tables(cfg)
    return tables


def _doc_name(g: DocumentGroup) -> str:
    kind = g.type.value if g.type is not DocumentType.OVERIG else "document"
    return f"{kind} {g.key[3:]}"


def _effective_type(g: DocumentGroup) -> DocumentType:
    if g.key.is_pv and g.type is DocumentType.OVERIG:
        return DocumentType.PV
    return g.type


def _naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _where(g: DocumentGroup, ctx: RuleContext) -> str:
    seen = sorted(
        {(m.organisation, m.medium.value) for m in g.members}, key=lambda t: (ctx.config.chain_rank(t[0]), t)
    )
    labels = {"paper": "papier", "digital": "digitaal"}
    return ", ".join(f"{labels[med]} bij {ctx.name(org)}" for org, med in seen)


def _reference_digital(
    g: DocumentGroup, ctx: RuleContext, attr: Callable[[Document], object]
) -> DocRef | None:
    """The digital version whose value counts: the producer's, else the most upstream holder's."""
    # The first smallest (not the producer, chain rank, organisation): what a stable sort puts first.
    tables = _tables(ctx.config)
    ranks, nranks, producer = tables.ranks, tables.nranks, g.producer
    best: DocRef | None = None
    best_key: tuple[bool, int, str] | None = None
    for m in g.members:
        if m.medium is not _DIGITAL or attr(m.document) is None:
            continue
        org = m.organisation
        key = (org != producer, ranks.get(org, nranks), org)
        if best_key is None or key < best_key:
            best, best_key = m, key
    return best


_page_count: Callable[[Document], int | None] = operator.attrgetter("page_count")
_fingerprint: Callable[[Document], str | None] = operator.attrgetter("fingerprint")
_version: Callable[[Document], str | None] = operator.attrgetter("version")


def _pages(n: int | None) -> str:
    return "onbekend" if n is None else f"{n} pagina" + ("" if n == 1 else "'s")


# --- chain expectations --------------------------------------------------------------------

_EVENT_DOCUMENTS: dict[str, tuple[DocumentType, ...]] = {
    "dagvaarding": (DocumentType.DAGVAARDING,),
    "uitspraak": (DocumentType.VONNIS, DocumentType.ARREST),
    "strafbeschikking": (DocumentType.STRAFBESCHIKKING,),
    "sepot": (DocumentType.SEPOTBESLISSING,),
    "advies": (DocumentType.RECLASSERINGSADVIES,),
}


_KIND_NAMES: dict[EventKind, str] = {k: k.name.lower() for k in EventKind}
_KIND_VALUES: dict[EventKind, str] = {k: k.value for k in EventKind}
_HANDOVER_KINDS = frozenset(k for k in EventKind if k.is_handover)


# Why an expectation holds: the handover or step that triggered it, or a document in the dossier.
_Cause = tuple[str, str, Event | None, str]


def _trigger(exp: Expectation, ctx: RuleContext, doc_types: set[DocumentType]) -> _Cause | None:
    """What makes the expectation hold now, or None when it does not yet (see :func:`_cause_text`)."""
    when = exp.when
    if when == "always":
        return ("always", "", None, "")
    if when.startswith("handover"):
        receiver = when.partition(":")[2] or exp.holder
        for org, ev in ctx.events:
            if ev.receiver == receiver and ev.kind in _HANDOVER_KINDS:
                return ("handover", org, ev, receiver)
            if ev.kind is EventKind.INSTROOM and org == receiver:
                return ("instroom", org, ev, receiver)
        return None
    kind = when.partition(":")[2]
    for _org, ev in ctx.events:
        # EventKind is a StrEnum: ``==`` compares its value.
        if ev.kind == kind or _KIND_NAMES.get(ev.kind) == kind:
            return ("event", _org, ev, kind)
    for t in _EVENT_DOCUMENTS.get(kind, ()):
        if t in doc_types:
            return ("document", t.value, None, kind)
    return None


def _cause_text(cause: _Cause, ctx: RuleContext) -> tuple[str, dict[str, str]]:
    """The cause as a short Dutch clause and its facts (only for divergences actually reported)."""
    what, org, ev, extra = cause
    if what == "always":
        return say(K.MISSING_DIGITAL, "reason.always"), {}
    if what == "document":
        return say(K.MISSING_DIGITAL, "reason.document", type=org), {"event": extra}
    assert ev is not None
    date = ev.date.isoformat()
    if what == "handover":
        sender = ev.sender or ev.organisation or org
        return (
            say(
                K.MISSING_DIGITAL,
                "reason.handover",
                event=ev.kind.value,
                sender=ctx.name(sender),
                receiver=ctx.name(extra),
                date=date,
            ),
            {"event": ev.kind.value, "date": date, "sender": sender},
        )
    if what == "instroom":
        return (
            say(K.MISSING_DIGITAL, "reason.instroom", receiver=ctx.name(extra), date=date),
            {"event": ev.kind.value, "date": date},
        )
    return (
        say(K.MISSING_DIGITAL, "reason.event", event=ev.kind.value, date=date),
        {"event": ev.kind.value, "date": date},
    )


# --- rules --------------------------------------------------------------------------------


def _version_facts(g: DocumentGroup) -> dict[str, Any]:
    """Type and page count of a document for the action line (the digital reference's first)."""
    pages = None
    for m in sorted(g.members, key=lambda m: (m.medium != Medium.DIGITAL, m.from_inventory)):
        if m.document.page_count is not None:
            pages = m.document.page_count
            break
    return {"type": _effective_type(g).value, "page_count": pages}


def missing_digital(view: DossierView, ctx: RuleContext) -> Iterator[Divergence]:
    """A document expected in an organisation's digital dossier is not there.

    Expected: by the chain (made by the police and the inzending to the OM is recorded, ...),
    or because that organisation holds it on paper; only for organisations whose digital case
    file is here (``RuleContext.case_files``; a publication is not a case file). The holder that
    lacks it must act.
    """
    cfg = ctx.config
    groups = ctx.documents.groups
    tables = _tables(cfg)
    triggers: dict[int, _Cause | None] = {}
    doc_types: set[DocumentType] | None = None
    held = ctx.case_files
    strict = cfg.require_digital_record
    expectations = cfg.expectations
    internal = tables.internal
    applicable = tables.applicable
    records = view.records
    for g in groups:
        gtype = g.type
        if gtype in internal:
            continue
        etype = _PV if gtype is _OVERIG and g.key.is_pv else gtype
        # The expectations that apply to a (producer, type) whose holder may be held to them.
        akey = (g.producer, etype, held if strict else None)
        idx = applicable.get(akey)
        if idx is None:
            idx = tuple(
                (i, expectations[i].holder)
                for i in cfg.expectations_for(g.producer, etype)
                if not (strict and expectations[i].holder not in held)
            )
            if len(applicable) > 4096:
                applicable.clear()
            applicable[akey] = idx
        # A holder with the digital version is never reported (``g.holds(holder, DIGITAL)``), so
        # it is skipped before its expectation's trigger is looked for: the same result, less work.
        gheld = g.held
        expected: dict[str, tuple[str, _Cause | None]] = {}
        for i, holder in idx:
            if (holder, _DIGITAL) in gheld or holder in expected:
                continue
            if i in triggers:
                trig = triggers[i]
            else:
                if doc_types is None:
                    doc_types = {x.type for x in groups}
                trig = triggers[i] = _trigger(expectations[i], ctx, doc_types)
            if trig is not None:
                expected[holder] = ("chain", trig)
        for m in g.paper:
            org = m.organisation
            if (org, _DIGITAL) in gheld or org in expected:
                continue
            if strict and org not in held:
                continue
            if records[m.record].unreadable:
                continue  # an unusable scan is reported as such, not as an expectation
            expected[org] = ("paper", None)
        if not expected:
            continue
        for holder, (basis, cause) in sorted(expected.items()):
            if strict and not ctx.has(holder, Medium.DIGITAL):
                continue
            facts: dict[str, str] = {}
            if cause is None:
                reason = say(K.MISSING_DIGITAL, "reason.paper", holder=ctx.name(holder))
            else:
                reason, facts = _cause_text(cause, ctx)
            where = _where(g, ctx)
            digital_at = sorted(
                {m.organisation for m in g.members if m.medium == Medium.DIGITAL},
                key=lambda o: (cfg.chain_rank(o), o),
            )
            paper_at = sorted(
                {m.organisation for m in g.members if m.medium == Medium.PAPER},
                key=lambda o: (cfg.chain_rank(o), o),
            )
            yield ctx.divergence(
                K.MISSING_DIGITAL,
                holder,
                g.subject,
                expected=f"digitaal bij {holder}",
                found="ontbreekt",
                message=say(
                    K.MISSING_DIGITAL, "message", doc=_doc_name(g), holder=ctx.name(holder), where=where
                ),
                why=say(K.MISSING_DIGITAL, "why", holder=ctx.name(holder), reason=reason),
                involved=g.organisations,
                details={
                    "found_at": where,
                    "reason": reason,
                    "basis": basis,
                    **({"trigger": facts} if facts else {}),
                    "producer": g.producer,
                    "digital_at": digital_at,
                    "paper_at": paper_at,
                    **_version_facts(g),
                },
            )


def missing_paper(view: DossierView, ctx: RuleContext) -> Iterator[Divergence]:
    """A digital document of an organisation is absent from its own paper dossier.

    Only where the paper dossier's whole contents are known (``RuleContext.paper_known``: an
    inventory, or a batch scan with a voorblad, which shows the file as it was when scanned).
    """
    paper_known = ctx.paper_known
    if not paper_known:
        return
    for org, wanted, wanted_frozen in _tables(ctx.config).paper_dossiers:
        if org not in paper_known:
            continue
        known_at = paper_known[org]
        digital, paper = (org, _DIGITAL), (org, _PAPER)
        for g in ctx.documents.groups:
            held = g.held
            if digital not in held or paper in held:
                continue
            gtype = g.type
            if (_PV if gtype is _OVERIG and g.key.is_pv else gtype) not in wanted_frozen:
                continue
            if known_at is not None:
                dates = [m.document.date for m in g.members if m.document.date is not None]
                if not dates or min(dates) > known_at.date():
                    continue  # made after the scan: the scan cannot show whether it is filed now
            yield ctx.divergence(
                K.MISSING_PAPER,
                org,
                g.subject,
                expected=f"op papier bij {org}",
                found="ontbreekt",
                message=say(K.MISSING_PAPER, "message", doc=_doc_name(g), org=ctx.name(org)),
                why=say(
                    K.MISSING_PAPER, "why.inventory" if known_at is None else "why.scan", org=ctx.name(org)
                ),
                involved=g.organisations,
                details={
                    "types_expected_on_paper": sorted(t.value for t in wanted & {g.type}),
                    "paper_contents_from": "inhoudsopgave" if known_at is None else "dossierscan",
                    **_version_facts(g),
                },
            )


def page_count_mismatch(view: DossierView, ctx: RuleContext) -> Iterator[Divergence]:
    """Paper and digital versions of one document differ in page count."""
    for g in ctx.documents.groups:
        if not g.paper:
            continue  # nothing on paper to compare
        # Every paper and digital version that has a page count has the same one: no mismatch.
        counts = {m.document.page_count for m in g.members}
        counts.discard(None)
        if len(counts) < 2:
            continue
        ref = _reference_digital(g, ctx, _page_count)
        if ref is None:
            continue
        seen: set[str] = set()
        papers = sorted(
            (m for m in g.paper if m.document.page_count is not None),
            key=lambda m: (m.from_inventory, m.organisation),
        )
        for paper in papers:
            if paper.organisation in seen:
                continue
            seen.add(paper.organisation)
            own = [
                m for m in g.versions(paper.organisation, Medium.DIGITAL) if m.document.page_count is not None
            ]
            digital = own[0] if own else ref
            pn, dn = paper.document.page_count, digital.document.page_count
            if pn is None or dn is None or pn == dn:
                continue
            # The paper holder acts either way: a page lost from its copy, or a page of another
            # stuk filed into it. The digital version is the registered reference.
            actor = paper.organisation
            yield ctx.divergence(
                K.PAGE_COUNT_MISMATCH,
                actor,
                g.subject,
                expected=_pages(max(pn, dn)),
                found=_pages(min(pn, dn)),
                message=say(
                    K.PAGE_COUNT_MISMATCH,
                    "message",
                    doc=_doc_name(g),
                    paper_org=ctx.name(paper.organisation),
                    paper_pages=_pages(pn),
                    digital_org=ctx.name(digital.organisation),
                    digital_pages=_pages(dn),
                ),
                why=say(K.PAGE_COUNT_MISMATCH, "why.fewer" if pn < dn else "why.more", org=ctx.name(actor)),
                involved=(paper.organisation, digital.organisation),
                details={
                    "paper_pages": pn,
                    "digital_pages": dn,
                    "paper_organisation": paper.organisation,
                    "digital_organisation": digital.organisation,
                    "paper_source": "inhoudsopgave" if paper.from_inventory else "scan",
                },
            )


def _missing_labels(labels: tuple[tuple[int, int] | None, ...]) -> tuple[int, list[int]]:
    """(total the labels announce, page numbers missing); unreadable labels fill gaps they can."""
    known = [lab for lab in labels if lab is not None]
    if not known:
        return 0, []
    total = max(max(n for _, n in known), max(p for p, _ in known))
    if total > len(labels) + 200:
        # "pagina 1 van 9999" on a three-page scan is an OCR misreading, not 9996 lost pages.
        return 0, []
    present = {p for p, _ in known}
    filled: set[int] = set()
    prev = 0
    run = 0
    for lab in (*labels, (total + 1, total)):
        if lab is None:
            run += 1
            continue
        if run:
            gap = [p for p in range(prev + 1, lab[0]) if p not in present and p not in filled]
            filled.update(gap[:run])
            run = 0
        prev = max(prev, lab[0])
    missing = [p for p in range(1, total + 1) if p not in present and p not in filled]
    return total, missing


def pages_missing(view: DossierView, ctx: RuleContext) -> Iterator[Divergence]:
    """A scan's own page labels ("pagina 2 van 3") show gaps or a short count."""
    done: set[tuple[str, str]] = set()
    for g in ctx.documents.groups:
        for m in g.members:
            if m.from_inventory or not m.document.page_labels or (m.organisation, g.key) in done:
                continue
            total, missing = _missing_labels(m.document.page_labels)
            if not missing:
                continue
            done.add((m.organisation, g.key))
            pages = ", ".join(str(p) for p in missing)
            yield ctx.divergence(
                K.PAGES_MISSING,
                m.organisation,
                g.subject,
                expected=_pages(total),
                found=_pages(total - len(missing)),
                message=say(
                    K.PAGES_MISSING,
                    "message",
                    doc=_doc_name(g),
                    org=ctx.name(m.organisation),
                    pages=pages,
                    total=total,
                ),
                why=say(K.PAGES_MISSING, "why", org=ctx.name(m.organisation)),
                involved=(m.organisation,),
                details={"missing_pages": missing, "total": total, "medium": m.medium.value},
            )


def _short_scan_threshold(threshold: float, paper: Document, digital: Document) -> float:
    """A scan that lost pages shares less text with the full version: scale the bar by the pages kept
    (pages_missing / page_count_mismatch report the loss; the text that is there may still agree)."""
    pn, dn = paper.page_count, digital.page_count
    if pn and dn and pn < dn:
        return threshold * pn / dn
    return threshold


def content_mismatch(view: DossierView, ctx: RuleContext) -> Iterator[Divergence]:
    """Paper and digital versions of one document hold different text (another version was printed).

    Evidence: fingerprint similarity below the threshold, or a different version number where
    both sides record one.
    """
    base = ctx.config.fingerprint_threshold
    contain = ctx.config.containment_threshold
    # A paper text differs only where two fingerprints or two version numbers differ (equal
    # fingerprints have similarity 1.0, which no threshold of at most 1 rejects).
    quick = base <= 1.0
    for g in ctx.documents.groups:
        if not g.paper:
            continue  # nothing on paper to compare
        if quick:
            prints = {m.document.fingerprint for m in g.members}
            prints.discard(None)
            if len(prints) < 2 and len({v for m in g.members if (v := m.document.version)}) < 2:
                continue
        ref = _reference_digital(g, ctx, _fingerprint)
        ref_version = _reference_digital(g, ctx, _version)
        if ref is None and ref_version is None:
            continue
        seen: set[str] = set()
        for paper in g.paper:
            if paper.organisation in seen:
                continue
            p = paper.document
            if p.page_labels and _missing_labels(p.page_labels)[1]:
                continue  # a scan with pages missing is reported as such; its text cannot compare
            found: tuple[str, str, DocRef, dict[str, Any]] | None = None
            if p.fingerprint and ref is not None:
                own = [m for m in g.versions(paper.organisation, Medium.DIGITAL) if m.document.fingerprint]
                digital = own[0] if own else ref
                d = digital.document
                assert d.fingerprint is not None
                if not (p.sha256 and p.sha256 == d.sha256):
                    threshold = _short_scan_threshold(base, p, d)
                    sim = fingerprint_similarity(p.fingerprint, d.fingerprint)
                    if sim < threshold:
                        # A scan that lost pages holds only the original's text: contained, same.
                        contained = fingerprint_containment(p.fingerprint, d.fingerprint)
                        if contained is not None and (p.page_count or 0) > (d.page_count or 0) > 0:
                            # Extra pages (another stuk filed in): the whole digital text is there.
                            back = fingerprint_containment(d.fingerprint, p.fingerprint)
                            contained = max(contained, back or 0.0)
                        if contained is None or contained < contain:
                            evidence: dict[str, Any] = {
                                "similarity": round(sim, 4),
                                "threshold": round(threshold, 4),
                            }
                            if contained is not None:
                                evidence["containment"] = round(contained, 4)
                            found = (
                                f"gelijkenis >= {threshold:.2f}",
                                f"gelijkenis {sim:.2f}",
                                digital,
                                evidence,
                            )
            if found is None and p.version and ref_version is not None:
                rv = ref_version.document.version
                if rv and p.version.strip() != rv.strip():
                    found = (f"versie {rv}", f"versie {p.version}", ref_version, {"version": p.version})
            if found is None:
                continue
            expected, got, digital, evidence = found
            seen.add(paper.organisation)
            yield ctx.divergence(
                K.CONTENT_MISMATCH,
                paper.organisation,
                g.subject,
                expected=expected,
                found=got,
                message=say(
                    K.CONTENT_MISMATCH,
                    "message",
                    doc=_doc_name(g),
                    paper_org=ctx.name(paper.organisation),
                    digital_org=ctx.name(digital.organisation),
                ),
                why=say(K.CONTENT_MISMATCH, "why", org=ctx.name(paper.organisation)),
                involved=(paper.organisation, digital.organisation),
                details={**evidence, "digital_organisation": digital.organisation},
            )


def stale_paper(view: DossierView, ctx: RuleContext) -> Iterator[Divergence]:
    """The digital version changed after the paper version was made (printed, scanned, filed).

    A publication (the Rechtspraak's open data) is not a version of the case file: its modified
    date is when the publication changed, which says nothing of the stuk's own version.
    """
    publications = ctx.config.publication_adapters
    records = view.records
    for g in ctx.documents.groups:
        if not g.paper:
            continue  # nothing on paper to be stale
        # The producer's versions say when the content changed; another organisation's copy only
        # says when it registered the stuk. Of several, the earliest is when it certainly changed.
        # (One pass: the first minimal (modified, organisation) of the producer's, else of all.)
        producer = g.producer
        own_key: tuple[dt.datetime, str] | None = None
        any_key: tuple[dt.datetime, str] | None = None
        own_newest = any_newest = None
        for m in g.members:
            if m.medium is not _DIGITAL:
                continue
            modified = m.document.modified
            if modified is None or records[m.record].provenance.adapter in publications:
                continue
            key = (_naive(modified), m.organisation)
            if m.organisation == producer:
                if own_key is None or key < own_key:
                    own_key, own_newest = key, m
            elif own_key is None and (any_key is None or key < any_key):
                any_key, any_newest = key, m
        if own_newest is not None:
            newest = own_newest
        elif any_newest is not None:
            newest = any_newest
        else:
            continue
        assert newest.document.modified is not None
        newest_at = _naive(newest.document.modified)
        seen: set[str] = set()
        for paper in g.paper:
            if paper.organisation in seen:
                continue
            d = paper.document
            if d.modified is not None:
                made = _naive(d.modified)
            elif d.date is not None:
                made = dt.datetime.combine(d.date, dt.time.max)
            else:
                continue
            if made >= newest_at:
                continue
            seen.add(paper.organisation)
            yield ctx.divergence(
                K.STALE_PAPER,
                paper.organisation,
                g.subject,
                expected=f"versie van {newest_at.date().isoformat()} of later",
                found=f"papier van {made.date().isoformat()}",
                message=say(
                    K.STALE_PAPER,
                    "message",
                    doc=_doc_name(g),
                    paper_org=ctx.name(paper.organisation),
                    made=made.date().isoformat(),
                    digital_org=ctx.name(newest.organisation),
                    modified=newest_at.date().isoformat(),
                ),
                why=say(K.STALE_PAPER, "why", org=ctx.name(paper.organisation)),
                involved=(paper.organisation, newest.organisation),
                details={
                    "paper_made": made.isoformat(),
                    "digital_modified": newest_at.isoformat(),
                    "digital_organisation": newest.organisation,
                },
            )


_TITLE_STOP = frozenset(
    [
        "proces",
        "verbaal",
        "pv",
        "van",
        "de",
        "het",
        "een",
        "der",
        "den",
        "en",
        "in",
        "op",
        "te",
        "ter",
        "voor",
        "met",
        "bij",
        "inzake",
        "betreft",
        "nr",
        "nummer",
    ]
)


@functools.lru_cache(maxsize=65536)
def _title_words(title: str) -> frozenset[str]:
    return frozenset(w for w in fold(title).split() if len(w) >= 3 and w not in _TITLE_STOP)


# Words that make another offence of the same base offence (art. 300 vs 302 Sr: "mishandeling"
# and "zware mishandeling"; "poging tot" and the completed offence; "gekwalificeerde diefstal").
_OFFENCE_QUALIFIERS = frozenset(
    [
        "zware",
        "zwaar",
        "poging",
        "gekwalificeerde",
        "eenvoudige",
        "ernstige",
        "voorbereiding",
        "medeplichtigheid",
    ]
)


def _title_conflict(a: str | None, b: str | None, threshold: float) -> bool:
    """Titles conflict when their content words differ: a subset ("PV van aangifte" within
    "Proces-verbaal van aangifte winkeldiefstal") or a typo is no conflict; a qualifier that
    makes another offence ("zware mishandeling" against "mishandeling") always is."""
    if not a or not b or a == b:
        return False
    wa, wb = _title_words(a), _title_words(b)
    if not wa or not wb:
        return False
    if (wa ^ wb) & _OFFENCE_QUALIFIERS:
        return True
    if wa <= wb or wb <= wa:
        return False
    # Word-level agreement, tolerant of typos in a word: "winkeldiefstall" is "winkeldiefstal".
    common = sum(1 for w in wa if w in wb or any(fuzz.ratio(w, v) >= 85 for v in wb))
    return common / len(wa | wb) < threshold


def metadata_conflict(view: DossierView, ctx: RuleContext) -> Iterator[Divergence]:
    """One document, different date, type, title or page count between organisations' records."""
    cfg = ctx.config
    include_paper = cfg.metadata_include_paper  # Medium has two members: then every medium
    tables: _Tables | None = None
    for g in ctx.documents.groups:
        members = g.members
        if len(members) < 2:
            continue
        if include_paper:
            versions = [m for m in members if not m.from_inventory]
        else:
            versions = [m for m in members if m.medium is _DIGITAL and not m.from_inventory]
        if len(versions) < 2:
            continue
        first_org = versions[0].organisation
        for m in versions:
            if m.organisation != first_org:
                break
        else:
            continue  # one organisation
        if tables is None:
            tables = _tables(cfg)
        ranks, nranks, producer = tables.ranks, tables.nranks, g.producer
        # Sorted by (not the producer, not digital, chain rank); the index keeps the sort stable.
        order = sorted(
            [
                (m.organisation != producer, m.medium is not _DIGITAL, ranks.get(m.organisation, nranks), i)
                for i, m in enumerate(versions)
            ]
        )
        versions = [versions[k[3]] for k in order]
        ref = versions[0]
        done: set[str] = {ref.organisation}
        a = ref.document
        for other in versions[1:]:
            if other.organisation in done:
                continue
            done.add(other.organisation)
            b = other.document
            fields: dict[str, tuple[str, str]] = {}
            if a.date and b.date and a.date != b.date:
                fields["datum"] = (a.date.isoformat(), b.date.isoformat())
            if a.type != b.type and not types_compatible(a.type, b.type):
                fields["type"] = (a.type.value, b.type.value)
            # ``_title_conflict`` is False for a missing or an equal title: only call it otherwise.
            at, bt = a.title, b.title
            if at and bt and at != bt and _title_conflict(at, bt, cfg.title_threshold):
                fields["titel"] = (a.title or "", b.title or "")
            if (
                a.page_count is not None
                and b.page_count is not None
                and a.page_count != b.page_count
                and a.medium is _DIGITAL
                and b.medium is _DIGITAL
            ):
                fields["aantal pagina's"] = (str(a.page_count), str(b.page_count))
            if not fields:
                continue
            names = ", ".join(fields)
            yield ctx.divergence(
                K.METADATA_CONFLICT,
                other.organisation,
                g.subject,
                expected="; ".join(f"{k} {v[0]}" for k, v in fields.items()),
                found="; ".join(f"{k} {v[1]}" for k, v in fields.items()),
                message=say(
                    K.METADATA_CONFLICT,
                    "message",
                    doc=_doc_name(g),
                    fields=names,
                    org=ctx.name(other.organisation),
                    reference=ctx.name(ref.organisation),
                ),
                why=say(
                    K.METADATA_CONFLICT,
                    "why.producer" if ref.organisation == g.producer else "why.upstream",
                    reference=ctx.name(ref.organisation),
                    org=ctx.name(other.organisation),
                ),
                involved=(ref.organisation, other.organisation),
                details={
                    "fields": {k: {"expected": v[0], "found": v[1]} for k, v in fields.items()},
                    "reference_organisation": ref.organisation,
                },
            )


def _shown(i: Identifier) -> str:
    return mask_bsn(i.value) if i.kind is IdentifierKind.BSN else i.value


def identifier_conflict(view: DossierView, ctx: RuleContext) -> Iterator[Divergence]:
    """Invalid identifiers (typos), and one PV number under two unrelated parketnummers."""
    cfg = ctx.config
    done: set[tuple[str, str, str]] = set()
    parket = IdentifierKind.PARKETNUMMER
    # Valid parketnummers of the records (a PV under two of them needs at least two).
    parket_values: set[str] = set()
    for rec in view.records:
        invalid = False
        for ident in rec.identifiers:
            if not ident.valid:
                invalid = True
            elif ident.kind is parket:
                parket_values.add(ident.value)
        if not invalid:
            for d in rec.documents:
                for ident in d.identifiers:
                    if not ident.valid:
                        invalid = True
                        break
                if invalid:
                    break
        if not invalid:
            continue  # every identifier valid: nothing to report for this record
        ids = [*rec.identifiers, *(i for d in rec.documents for i in d.identifiers)]
        for ident in ids:
            if ident.valid:
                continue
            if (rec.organisation, ident.kind.value, ident.value) in done:
                continue
            done.add((rec.organisation, ident.kind.value, ident.value))
            shown = _shown(ident)
            yield ctx.divergence(
                K.IDENTIFIER_CONFLICT,
                rec.organisation,
                f"identifier:{ctx.anchor}:{ident.kind.value}:{shown}",
                expected=f"geldig {ident.kind.value}",
                found=shown,
                message=say(
                    K.IDENTIFIER_CONFLICT,
                    "message.invalid",
                    org=ctx.name(rec.organisation),
                    kind=ident.kind.value,
                    value=shown,
                ),
                why=say(K.IDENTIFIER_CONFLICT, "why.invalid", org=ctx.name(rec.organisation)),
                details={"problem": ident.problem or "", "source": rec.provenance.path},
            )

    # One PV registration under two parketnummers.
    if len(parket_values) < 2:
        return  # a conflict needs two parketnummers (``all_parkets`` below has fewer)
    appeal = set(cfg.appeal_parket_codes)
    per_pv: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
    for rec in view.records:
        parkets = frozenset(
            i.value for i in rec.identifiers if i.valid and i.kind is IdentifierKind.PARKETNUMMER
        )
        if not parkets:
            continue
        pvs = {i.value.partition("-")[0] for i in rec.identifiers if i.valid and i.kind is IdentifierKind.PV}
        for pv in pvs:
            per_pv[pv].append((rec.organisation, parkets))
    owner = cfg.identifier_owners.get("parketnummer", "om")
    for pv, seen in sorted(per_pv.items()):
        all_parkets = sorted(set().union(*(p for _, p in seen)))
        if len(all_parkets) < 2:
            continue
        related = {(x, y) for _, ps in seen for x in ps for y in ps}
        holders: dict[str, set[str]] = defaultdict(set)  # parketnummer -> organisations naming it
        for org, ps in seen:
            for p in ps:
                holders[p].add(org)
        conflicts: set[tuple[str, str]] = set()
        for i, x in enumerate(all_parkets):
            for y in all_parkets[i + 1 :]:
                if (x, y) in related or x[:2] in appeal or y[:2] in appeal:
                    continue
                if any(ox != oy for ox in holders[x] for oy in holders[y]):
                    conflicts.add((x, y))
        if not conflicts:
            continue
        # The reference: the number the owner (the OM) names; else the one most organisations name.
        owner_numbers = sorted(p for p, orgs in holders.items() if owner in orgs)
        involved = sorted({o for x, y in conflicts for o in holders[x] | holders[y]})
        # Who acts: every organisation holding a registration under the wrong number, also one
        # that names the right number elsewhere (a court whose case system has a typo while its
        # paper file is filed under the OM's number still has the typo to correct).
        for x, y in sorted(conflicts):
            if len(owner_numbers) == 1 and owner_numbers[0] in (x, y):
                right = owner_numbers[0]
                wrong = y if right == x else x
                actors = sorted(holders[wrong])
            else:
                cx, cy = len(holders[x]), len(holders[y])
                if cx != cy:
                    right, wrong = (x, y) if cx > cy else (y, x)
                    actors = sorted(holders[wrong])
                else:
                    right, wrong, actors = x, y, [owner]
            for actor in actors:
                yield ctx.divergence(
                    K.IDENTIFIER_CONFLICT,
                    actor,
                    f"identifier:pv:{pv}",
                    expected=f"parketnummer {right}",
                    found=f"parketnummer {wrong}",
                    message=say(
                        K.IDENTIFIER_CONFLICT,
                        "message.two_parketnummers",
                        pv=pv,
                        right_orgs=", ".join(ctx.name(o) for o in sorted(holders[right])),
                        right=right,
                        wrong_orgs=", ".join(ctx.name(o) for o in sorted(holders[wrong])),
                        wrong=wrong,
                    ),
                    why=say(
                        K.IDENTIFIER_CONFLICT,
                        "why.owner_decides"
                        if actor == owner and owner not in holders[wrong]
                        else "why.differs_from_owner"
                        if owner in holders[right]
                        else "why.differs_from_others",
                        org=ctx.name(actor),
                    ),
                    involved=involved,
                    details={"pv": pv, "parketnummers": {p: sorted(holders[p]) for p in all_parkets}},
                )


def _person_key(cluster: PersonCluster, ref_index: int) -> str:
    ref = cluster.members[ref_index].person
    skn = "".join(ch for ch in (ref.skn or "") if ch.isdigit())
    if skn:
        return f"skn:{skn}"
    name = split_name(ref)
    return f"{name.full_surname},{name.initials[:1]}"


@functools.lru_cache(maxsize=65536)
def _invalid_bsn(bsn: str | None) -> bool:
    digits = (bsn or "").strip()
    if len(digits) not in (8, 9) or not digits.isdigit():
        return False  # absent, or a pseudonym: nothing to check
    return not is_valid_bsn(digits)


def _same_person_data(a: Person, b: Person) -> bool:
    """True when :func:`person_differences` finds nothing, decided without it for the common case.

    Equal name fields split alike (``split_name`` reads only them); a birth date, BSN or SKN that
    is equal, or absent on either side, is no difference (stripping or dropping non-digits only
    makes more values equal). Anything else is left to ``person_differences``.
    """
    if a.achternaam != b.achternaam or a.voornamen != b.voornamen or a.tussenvoegsel != b.tussenvoegsel:
        return False
    da, db = a.geboortedatum, b.geboortedatum
    if da and db and da != db:
        return False
    x, y = a.bsn, b.bsn
    if x and y and x != y:
        return False
    x, y = a.skn, b.skn
    return not (x and y and x != y)


def person_conflict(view: DossierView, ctx: RuleContext) -> Iterator[Divergence]:
    """One party, a different birth date, name spelling (beyond folding) or BSN between organisations."""
    cfg = ctx.config
    tables: _Tables | None = None
    used_subjects: dict[str, int] = {}
    pending: list[tuple[PersonCluster, int]] = []
    for cluster in ctx.persons:
        members = cluster.members
        if not members:
            continue
        first_org = members[0].organisation
        for m in members:
            if m.organisation != first_org:
                break
        else:
            continue  # one organisation (``len(cluster.organisations) < 2``)
        if tables is None:
            tables = _tables(cfg)
        authority, ranks, nranks = tables.authority, tables.ranks, tables.nranks
        nauth = len(authority)
        keys = []
        for i, m in enumerate(members):
            org = m.organisation
            keys.append(
                (
                    # A registration whose BSN fails the elfproef is no reference: the typo is its own.
                    _invalid_bsn(m.person.bsn),
                    authority.get(org, nauth),
                    ranks.get(org, nranks),
                    org,
                    m.record,
                    m.index,
                    i,
                )
            )
        keys.sort()
        order = [k[-1] for k in keys]
        # A registration with given name and surname swapped against every other organisation's
        # (two or more) is the odd one out, not the reference, even at the police.
        top = members[order[0]]
        rest = {members[i].organisation: members[i].person for i in order[1:]}
        rest.pop(top.organisation, None)
        if len(rest) >= 2 and all(names_swapped(top.person, p) for p in rest.values()):
            order = order[1:] + order[:1]
        ref = members[order[0]]
        # A cluster's subject counts the clusters before it with the same base: the bases are
        # made only once a cluster reports something (most dossiers report nothing).
        pending.append((cluster, order[0]))
        subject: str | None = None
        done = {ref.organisation}
        rp = ref.person
        for i in order[1:]:
            other = members[i]
            if other.organisation in done:
                continue
            done.add(other.organisation)
            op = other.person
            if op is rp or _same_person_data(rp, op):
                continue  # the same registration twice differs in nothing
            diffs = person_differences(ref.person, other.person)
            if not diffs:
                continue
            if subject is None:
                for cl, ri in pending:
                    base = f"person:{ctx.anchor}:{cl.members[ri].person.role.value}:{_person_key(cl, ri)}"
                    used = used_subjects[base] = used_subjects.get(base, 0) + 1
                    subject = base if used == 1 else f"{base}#{used}"
                pending.clear()
                assert subject is not None
            fields = ", ".join(diffs)
            # A swapped or misspelled name (and nothing else differing) is named as such.
            slip = name_slip(rp, op) if "achternaam" in diffs or "voornamen" in diffs else None
            if slip is not None and set(diffs) != set(slip[1]):
                slip = None
            extra: dict[str, object] = {}
            swapped = slip is not None and slip[0] == "swapped"
            if slip is not None:
                slip_fields = " en ".join(slip[1])
                extra["finding"] = say(
                    K.PERSON_CONFLICT,
                    "finding.swapped" if swapped else "finding.typo",
                    fields=slip_fields,
                    org=ctx.name(other.organisation),
                )
            yield ctx.divergence(
                K.PERSON_CONFLICT,
                other.organisation,
                subject,
                expected="; ".join(f"{k} {v[0]}" for k, v in diffs.items()),
                found="; ".join(f"{k} {v[1]}" for k, v in diffs.items()),
                message=say(
                    K.PERSON_CONFLICT,
                    "message" if slip is None else "message.swapped" if swapped else "message.typo",
                    role=ref.person.role.value,
                    name=ref.person.display_name,
                    org=ctx.name(other.organisation),
                    fields=fields if slip is None else slip_fields,
                    found_name=op.display_name,
                    reference=ctx.name(ref.organisation),
                ),
                why=say(
                    K.PERSON_CONFLICT,
                    "why",
                    reference=ctx.name(ref.organisation),
                    org=ctx.name(other.organisation),
                ),
                involved=(ref.organisation, other.organisation),
                details={
                    "fields": {k: {"expected": v[0], "found": v[1]} for k, v in diffs.items()},
                    "reference_organisation": ref.organisation,
                    "match_evidence": list(cluster.evidence),
                    **extra,
                },
            )


def handover_missing(view: DossierView, ctx: RuleContext) -> Iterator[Divergence]:
    """A handover was recorded; the receiver has no record after the agreed term."""
    first: dict[tuple[str, str], tuple[Event, str]] = {}
    handovers = ctx.config.handover_events  # inzending, overdracht, dagvaarding by default
    for org, ev in ctx.events:
        if ev.kind not in handovers or not ev.receiver:
            continue
        sender = ev.sender or ev.organisation or org
        if sender == ev.receiver:
            continue
        pair = (sender, ev.receiver)
        if pair not in first or ev.date < first[pair][0].date:
            first[pair] = (ev, org)
    if not first:
        return
    holdings = ctx.holdings
    today: dt.date | None = None
    for (sender, receiver), (ev, recorded_by) in sorted(first.items()):
        if holdings.get(receiver):
            continue  # ``ctx.has(receiver)``
        if today is None:
            today = _naive(ctx.now).date()
        term = ctx.config.term_days(sender, receiver)
        days = (today - ev.date).days
        if days <= term:
            continue
        yield ctx.divergence(
            K.HANDOVER_MISSING,
            receiver,
            f"handover:{ctx.anchor}:{sender}->{receiver}",
            expected=f"registratie binnen {term} dagen",
            found=f"geen registratie na {days} dagen",
            message=say(
                K.HANDOVER_MISSING,
                "message",
                sender=ctx.name(sender),
                date=ev.date.isoformat(),
                receiver=ctx.name(receiver),
                event=ev.kind.value,
                days=days,
            ),
            why=say(K.HANDOVER_MISSING, "why", receiver=ctx.name(receiver), term=term),
            involved=(sender, receiver, recorded_by),
            details={
                "sent": ev.date.isoformat(),
                "days": days,
                "term_days": term,
                "recorded_by": recorded_by,
            },
        )


class _AliasTable:
    """Status aliases folded once, and which states each status text names (memoised)."""

    __slots__ = ("folded", "memo")

    def __init__(self, items: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
        self.folded = tuple((state, tuple(fold(w) for w in words)) for state, words in items)
        self.memo: dict[str, tuple[str, ...]] = {}

    def states(self, status: str) -> tuple[str, ...]:
        found = self.memo.get(status)
        if found is None:
            text = fold(status)
            found = tuple(state for state, words in self.folded if any(w in text for w in words))
            if len(self.memo) < 65536:
                self.memo[status] = found
        return found


@functools.lru_cache(maxsize=64)
def _alias_table_for(items: tuple[tuple[str, tuple[str, ...]], ...]) -> _AliasTable:
    return _AliasTable(items)


def _alias_table(aliases: Mapping[str, Iterable[str]]) -> _AliasTable:
    items = tuple((state, tuple(words)) for state, words in aliases.items())
    return _alias_table_for(items)


def _states(ctx: RuleContext, tables: _Tables) -> dict[str, dict[str, list[dt.date]]]:
    """Per organisation (whose record says it), the states it reports with their dates.

    Only states some status rule names (``_Tables.status_relevant``): no other can make or lift
    a conflict, and an organisation with none of them is never read.
    """
    derived = ctx.config.derived
    table = derived.get("status_aliases")
    if table is None:
        table = derived["status_aliases"] = _alias_table(ctx.config.status_aliases)
    relevant = tables.status_relevant
    memo = tables.status_memo
    kind_states = tables.kind_states
    out: dict[str, dict[str, list[dt.date]]] = {}
    for org, ev in ctx.events:
        found: tuple[str, ...] = ()
        if status := ev.status:
            found = memo.get(status) or ()
            if status not in memo:
                found = tuple(s for s in table.states(status) if s in relevant)
                if len(memo) < 65536:
                    memo[status] = found
        state = kind_states.get(ev.kind)
        if state is not None:
            found = (state, *found)  # the kind's state first, then what the status text names
        if found:
            st = out.setdefault(org, {})
            for state in found:
                st.setdefault(state, []).append(ev.date)
    return out


def status_conflict(view: DossierView, ctx: RuleContext) -> Iterator[Divergence]:
    """Case states contradict across organisations (OM: sepot; court: hearing set)."""
    tables = _tables(ctx.config)
    states = _states(ctx, tables)
    if not states:
        return
    orgs = sorted(states)
    emitted: set[str] = set()
    for rule, c_org, c_state, unless, contradicts in tables.status_rules:
        # The organisations that closed the case this way (checked before ``unless``: both are pure).
        closers = [org for org in orgs if c_org in ("*", org) and c_state in states[org]]
        if not closers:
            continue
        if unless and any(
            u_state in states[o] for u_org, u_state in unless for o in orgs if u_org in ("*", o)
        ):
            continue
        for org in closers:
            closed_on = max(states[org][c_state])
            found: list[tuple[str, str, dt.date]] = []
            for o_org, o_state in contradicts:
                for other in orgs:
                    if other == org or o_org not in ("*", other) or o_state not in states[other]:
                        continue
                    dates = [d for d in states[other][o_state] if not rule.after_only or d > closed_on]
                    if dates:
                        found.append((other, o_state, max(dates)))
            subject = f"status:{ctx.anchor}:{org}:{c_state}"
            if not found or subject in emitted:
                continue
            emitted.add(subject)
            found.sort(key=lambda t: (t[0], t[1]))
            shown = ", ".join(
                say(K.STATUS_CONFLICT, "contradicting", state=s, org=o, date=d.isoformat())
                for o, s, d in found
            )
            yield ctx.divergence(
                K.STATUS_CONFLICT,
                org,
                subject,
                expected=f"{c_state} bij {org}, geen vervolgstappen",
                found=", ".join(f"{s} bij {o}" for o, s, _ in found),
                message=say(
                    K.STATUS_CONFLICT,
                    "message",
                    org=ctx.name(org),
                    state=c_state,
                    date=closed_on.isoformat(),
                    contradicting=shown,
                ),
                why=say(K.STATUS_CONFLICT, "why", org=ctx.name(org)),
                involved=[o for o, _, _ in found],
                details={
                    "closed_on": closed_on.isoformat(),
                    "contradicting": [
                        {"organisation": o, "state": s, "date": d.isoformat()} for o, s, d in found
                    ],
                },
            )


def duplicate_document(view: DossierView, ctx: RuleContext) -> Iterator[Divergence]:
    """The same document twice in one organisation's dossier on one medium (key, sha256 or inventory)."""
    records = view.records
    emitted: set[tuple[str, str]] = set()

    # Only within one record (one export of one system, one scanned file, one inventory): the same
    # document in two sources of one organisation (its case system and its open-data publication,
    # a scan and the inventory line of that scan) is two views of one registration, not two.
    groups = ctx.documents.groups
    for g in groups:
        members = g.members
        if len(members) < 2:
            continue
        if len({m.record for m in members}) == len(members):
            continue  # every version in its own record: no (organisation, medium, record) twice
        per: dict[tuple[str, Medium, int], int] = defaultdict(int)
        for m in g.members:
            if not m.from_inventory:
                per[(m.organisation, m.medium, m.record)] += 1
        if len(per) == len(g.members):
            continue  # every version in its own record: no duplicate
        # Medium is a StrEnum: it orders as its value.
        for (org, medium, rec), count in sorted(per.items(), key=lambda t: t[0]):
            if count < 2 or (org, g.subject) in emitted:
                continue
            emitted.add((org, g.subject))
            yield ctx.divergence(
                K.DUPLICATE_DOCUMENT,
                org,
                g.subject,
                expected="1 keer",
                found=f"{count} keer",
                message=say(
                    K.DUPLICATE_DOCUMENT,
                    "message.paper" if medium == Medium.PAPER else "message.digital",
                    doc=_doc_name(g),
                    count=count,
                    org=ctx.name(org),
                ),
                why=say(K.DUPLICATE_DOCUMENT, "why", org=ctx.name(org)),
                details={
                    "medium": medium.value,
                    "count": count,
                    "source": records[rec].provenance.path,
                    **_version_facts(g),
                },
            )
    # Same file content under two keys.
    yield from _duplicate_contents(ctx, emitted)
    if ctx.documents.inventory_duplicates:
        yield from _inventory_duplicates(ctx, emitted)


def _duplicate_contents(ctx: RuleContext, emitted: set[tuple[str, str]]) -> Iterator[Divergence]:
    """duplicate_document's second part: the same file content under two keys."""
    groups = ctx.documents.groups
    # Cheap test first: two groups must share a (sha256, record) for any key to be reported
    # (the loop stops at the first such pair; when there is none, nothing below can report).
    first_group: dict[tuple[str, int], int] = {}
    for gi, g in enumerate(groups):
        for m in g.members:
            sha = m.document.sha256
            if sha and not m.from_inventory and first_group.setdefault((sha, m.record), gi) != gi:
                break
        else:
            continue
        break
    else:
        return
    by_sha: dict[tuple[str, Medium, str, int], set[str]] = defaultdict(set)
    for g in groups:
        for m in g.members:
            if m.document.sha256 and not m.from_inventory:
                by_sha[(m.organisation, m.medium, m.document.sha256, m.record)].add(g.subject)
    for (org, medium, sha, _rec), subjects in sorted(by_sha.items(), key=lambda t: t[0]):
        if len(subjects) < 2:
            continue
        subject = min(subjects)
        if (org, subject) in emitted:
            continue
        emitted.add((org, subject))
        keys = sorted(s.partition(":")[2] for s in subjects)
        yield ctx.divergence(
            K.DUPLICATE_DOCUMENT,
            org,
            subject,
            expected="1 keer",
            found=f"{len(subjects)} keer",
            message=say(
                K.DUPLICATE_DOCUMENT,
                "message.same_file",
                count=len(subjects),
                org=ctx.name(org),
                keys=", ".join(keys),
            ),
            why=say(K.DUPLICATE_DOCUMENT, "why.same_file", org=ctx.name(org)),
            details={
                "medium": medium.value,
                "sha256": sha,
                "keys": keys,
                **_version_facts(next(g for g in ctx.documents.groups if g.subject == subject)),
            },
        )


def _inventory_duplicates(ctx: RuleContext, emitted: set[tuple[str, str]]) -> Iterator[Divergence]:
    """duplicate_document's third part: a key the paper inventory adds twice without removal."""
    groups_by_key = {m.key: g for g in ctx.documents.groups for m in g.members}
    for org, key, n in ctx.documents.inventory_duplicates:
        subject = f"document:{key}"
        if (org, subject) in emitted:
            continue
        emitted.add((org, subject))
        yield ctx.divergence(
            K.DUPLICATE_DOCUMENT,
            org,
            subject,
            expected="1 keer",
            found=f"{n} keer",
            message=say(K.DUPLICATE_DOCUMENT, "message.inventory", org=ctx.name(org), key=key[3:], count=n),
            why=say(K.DUPLICATE_DOCUMENT, "why.inventory", org=ctx.name(org)),
            details={
                "medium": "paper",
                "count": n,
                "source": "inhoudsopgave",
                **(_version_facts(grp) if (grp := groups_by_key.get(key)) is not None else {}),
            },
        )


def unreadable_scan(view: DossierView, ctx: RuleContext) -> Iterator[Divergence]:
    """A scan with no usable text, or that cannot be tied to a dossier."""
    seen: set[tuple[str, str]] = set()
    for rec in view.records:
        p = rec.provenance
        if rec.unreadable:
            subject = f"scan:{p.sha256}" + (f"#{p.locator}" if p.locator else "")
            if (rec.organisation, subject) in seen:
                continue
            seen.add((rec.organisation, subject))
            yield _unreadable(ctx, rec, subject, rec.unreadable)
            continue  # one scan, one report: its documents without text are the same problem
        for doc in rec.documents:
            if doc.text_chars == 0 and doc.medium is _PAPER:
                subject = f"scan:{doc.sha256 or p.sha256}:{doc.key}"
                if (rec.organisation, subject) in seen:
                    continue
                seen.add((rec.organisation, subject))
                yield _unreadable(ctx, rec, subject, say(K.UNREADABLE_SCAN, "no_text", key=doc.key))


def _unreadable(ctx: RuleContext, rec: Record, subject: str, problem: str) -> Divergence:
    return ctx.divergence(
        K.UNREADABLE_SCAN,
        rec.organisation,
        subject,
        expected="leesbare scan",
        found=problem,
        message=say(
            K.UNREADABLE_SCAN,
            "message",
            path=rec.provenance.path,
            org=ctx.name(rec.organisation),
            problem=problem,
        ),
        why=say(K.UNREADABLE_SCAN, "why", org=ctx.name(rec.organisation)),
        details={"path": rec.provenance.path, "sha256": rec.provenance.sha256, "problem": problem},
    )


RULES: tuple[Rule, ...] = (
    missing_digital,
    missing_paper,
    page_count_mismatch,
    pages_missing,
    content_mismatch,
    stale_paper,
    metadata_conflict,
    identifier_conflict,
    person_conflict,
    handover_missing,
    status_conflict,
    duplicate_document,
    unreadable_scan,
)
