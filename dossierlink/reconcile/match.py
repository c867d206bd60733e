"""Document matching across sources and media: by key first, then by type, date, pages and fingerprint.

Every pairing carries a :class:`MatchExplanation` so a user sees why two documents were paired,
or why a near candidate was not.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import attrs
from rapidfuzz import fuzz

from dossierlink.fingerprint import fingerprint_containment as _containment
from dossierlink.fingerprint import fingerprint_similarity as _similarity
from dossierlink.reconcile.config import ReconcileConfig
from dossierlink.reconcile.keys import NormalisedKey, normalise_document_key
from dossierlink.schema import Document, DocumentType, InventoryAction, InventoryEntry, Medium, Record

__all__ = [
    "DocRef",
    "DocumentGroup",
    "DocumentMatching",
    "MatchExplanation",
    "doc_ref",
    "document_group",
    "fingerprint_containment",
    "fingerprint_similarity",
    "match_documents",
    "types_compatible",
]

_PV_FAMILY = frozenset(
    {
        DocumentType.PV,
        DocumentType.PV_AANGIFTE,
        DocumentType.PV_VERHOOR,
        DocumentType.PV_BEVINDINGEN,
        DocumentType.PV_AANHOUDING,
    }
)
_GENERIC = frozenset({DocumentType.PV, DocumentType.OVERIG})


def types_compatible(a: DocumentType, b: DocumentType) -> bool:
    """Equal, or one is generic (``overig``; ``proces-verbaal`` within the PV family)."""
    if a == b or DocumentType.OVERIG in (a, b):
        return True
    return DocumentType.PV in (a, b) and a in _PV_FAMILY and b in _PV_FAMILY


# --- fingerprints ---------------------------------------------------------------------------

_HEX = frozenset("0123456789abcdef")


def _local_similarity(a: str, b: str) -> float:
    """Values that are not dossierlink fingerprints: bitwise for equal-length hex, else fuzzy text."""
    if a == b:
        return 1.0
    la, lb = a.lower(), b.lower()
    if len(la) == len(lb) and len(la) >= 8 and set(la) <= _HEX and set(lb) <= _HEX:
        diff = bin(int(la, 16) ^ int(lb, 16)).count("1")
        return 1.0 - diff / (4 * len(la))
    return float(fuzz.ratio(a, b)) / 100.0


def fingerprint_containment(part: str, whole: str) -> float | None:
    """Share of ``part``'s text that ``whole`` also holds (a scan that lost pages: near 1).

    None when the values are not dossierlink text fingerprints (an adapter's own hash, say).
    """
    if part == whole:
        return 1.0
    try:
        return max(0.0, min(1.0, float(_containment(part, whole))))
    except ValueError:
        return None


def fingerprint_similarity(a: str, b: str) -> float:
    """Similarity 0..1 of two text fingerprints; values of another encoding are compared as text."""
    if a == b:
        return 1.0
    try:
        return max(0.0, min(1.0, float(_similarity(a, b))))
    except ValueError:
        return _local_similarity(a, b)


_MEDIUM_LABEL = {m: m.value for m in Medium}

# --- value classes --------------------------------------------------------------------------


class DocRef(NamedTuple):
    """One document as one organisation holds it on one medium, with its place in the view.

    A named tuple, not an attrs class: a dossier makes dozens and rules read them in every loop.
    Make one with :func:`doc_ref` (it fills the fields derived from ``document`` and ``index``).
    """

    record: int  # index into the canonical view's records
    # Index into that record's documents; -1 when it comes from the inventory log (shadows tuple.index).
    index: int  # type: ignore[assignment]
    key: NormalisedKey
    document: Document
    corrections: tuple[str, ...]
    # Derived from ``document`` and ``index`` (rules read them in every loop).
    organisation: str
    medium: Medium
    from_inventory: bool

    @property
    def label(self) -> str:
        src = "inhoudsopgave" if self.from_inventory else _MEDIUM_LABEL[self.medium]
        return f"{self.organisation} {src} {self.key}"


_tuple_new = tuple.__new__


def doc_ref(
    record: int, index: int, key: NormalisedKey, document: Document, corrections: tuple[str, ...] = ()
) -> DocRef:
    # tuple.__new__ directly: the named tuple's generated __new__ is one more Python call per document.
    return _tuple_new(
        DocRef, (record, index, key, document, corrections, document.organisation, document.medium, index < 0)
    )


class MatchExplanation(NamedTuple):
    """Why ``a`` and ``b`` were (or were not) taken for the same document."""

    a: str
    b: str
    matched: bool
    by: str  # "key", "registration", "similarity", "rejected", "ambiguous"
    reasons: tuple[str, ...]
    score: float | None = None

    def __str__(self) -> str:
        verdict = "gekoppeld" if self.matched else "niet gekoppeld"
        return f"{self.a} ~ {self.b}: {verdict} ({self.by}: {'; '.join(self.reasons)})"


def _key_explanation(members: Sequence[DocRef]) -> MatchExplanation:
    """The versions that share one key (and any OCR repair that made them agree)."""
    reasons = ["zelfde documentsleutel"]
    fixes = sorted({c for m in members for c in m.corrections})
    if fixes:
        reasons.append("OCR-correctie: " + ", ".join(fixes))
    others = ", ".join(m.label for m in members[1:])
    return MatchExplanation(members[0].label, others, True, "key", tuple(reasons), 1.0)


class DocumentGroup(NamedTuple):
    """One logical document: every version of it across organisations and media.

    Make one with :func:`document_group`, which derives ``held`` and ``paper`` from ``members``.
    """

    key: NormalisedKey
    members: tuple[DocRef, ...]
    type: DocumentType
    producer: str | None
    # Evidence that joined the members: explanations, or (for versions sharing a key) the
    # versions themselves, rendered only when someone asks (:attr:`explanations`).
    evidence: tuple[MatchExplanation | tuple[DocRef, ...], ...]
    # The (organisation, medium) pairs present, and the paper versions.
    held: frozenset[tuple[str, Medium]]
    paper: tuple[DocRef, ...]

    @property
    def explanations(self) -> tuple[MatchExplanation, ...]:
        return tuple(e if isinstance(e, MatchExplanation) else _key_explanation(e) for e in self.evidence)

    @property
    def organisations(self) -> tuple[str, ...]:
        return tuple(sorted({m.organisation for m in self.members}))

    def versions(self, organisation: str | None = None, medium: Medium | None = None) -> list[DocRef]:
        return [
            m
            for m in self.members
            if (organisation is None or m.organisation == organisation)
            and (medium is None or m.medium == medium)
        ]

    def holds(self, organisation: str, medium: Medium) -> bool:
        if type(medium) is Medium:
            return (organisation, medium) in self.held
        return any(m.organisation == organisation and m.medium == medium for m in self.members)

    @property
    def subject(self) -> str:
        return f"document:{self.key}"


def document_group(
    key: NormalisedKey,
    members: tuple[DocRef, ...],
    type: DocumentType,
    producer: str | None,
    evidence: tuple[MatchExplanation | tuple[DocRef, ...], ...] = (),
) -> DocumentGroup:
    paper = Medium.PAPER
    return DocumentGroup(
        key,
        members,
        type,
        producer,
        evidence,
        frozenset([(m.organisation, m.medium) for m in members]),
        tuple([m for m in members if m.medium is paper]),
    )


@attrs.frozen
class DocumentMatching:
    """All logical documents of a dossier, plus the near misses that were not paired."""

    groups: tuple[DocumentGroup, ...]
    near_misses: tuple[MatchExplanation, ...] = ()
    # (organisation, key, times) for documents added twice to a paper inventory without removal.
    inventory_duplicates: tuple[tuple[str, NormalisedKey, int], ...] = ()

    def group(self, key: str) -> DocumentGroup | None:
        wanted, _ = normalise_document_key(key.partition(":")[2] if key[:3] in ("pv:", "nr:") else key)
        for g in self.groups:
            if g.key == wanted or any(m.key == wanted for m in g.members):
                return g
        return None

    def explain(self, key: str) -> list[str]:
        """Human lines on why the versions of one document were paired (and near misses)."""
        g = self.group(key)
        if g is None:
            return [f"Geen document met sleutel {key}."]
        lines = [str(e) for e in g.explanations]
        keys = {m.key for m in g.members}
        lines += [str(e) for e in self.near_misses if any(k in e.a or k in e.b for k in keys)]
        return lines


# --- matching -------------------------------------------------------------------------------


# The compare form of a document key without the process-wide cache: keys rarely recur across
# dossiers, so a dossier's own table (see _collect) serves the repeats and the shared cache would
# only grow and churn.
_normalise_key = normalise_document_key.__wrapped__


def _inventory_order(e: InventoryEntry) -> tuple[dt.datetime, bool]:
    return (e.at, e.action != InventoryAction.REMOVED)


def _replay(
    inventory: tuple[InventoryEntry, ...],
) -> tuple[dict[NormalisedKey, int], dict[NormalisedKey, InventoryEntry]]:
    """Replay an inventory log in time order: copies of each key in the file now, its latest addition."""
    active: dict[NormalisedKey, int] = {}
    last: dict[NormalisedKey, InventoryEntry] = {}
    for entry in sorted(inventory, key=_inventory_order):
        key = normalise_document_key(entry.document_key)[0]
        if entry.action == InventoryAction.ADDED:
            active[key] = active.get(key, 0) + 1
            last[key] = entry
        elif active.get(key):
            active[key] -= 1
    return active, last


def _inventory_refs(
    records: tuple[Record, ...],
    present: set[tuple[str, NormalisedKey]],
    refs: list[DocRef],
    dups: list[tuple[str, NormalisedKey, int]],
    known: dict[str, tuple[NormalisedKey, tuple[str, ...]]],
) -> None:
    """Documents the paper inventories say are in the file now (added, not removed since).

    Appends them to ``refs`` unless a paper version already stands for them (``present``), and
    documents added more than once without removal to ``dups``.
    """
    added = InventoryAction.ADDED
    for ri, rec in enumerate(records):
        inventory = rec.inventory
        if not inventory:
            continue
        # A log of additions only (the usual one) counts the same in any order: count it as it
        # stands; the time order is needed for a removal, or for the latest addition of a key.
        last: dict[NormalisedKey, InventoryEntry] | None = None
        active: dict[NormalisedKey, int] = {}
        for entry in inventory:
            if entry.action != added:
                active, last = _replay(inventory)
                break
            raw = entry.document_key
            found = known.get(raw)
            if found is None:
                found = known[raw] = _normalise_key(raw)
            key = found[0]
            active[key] = active.get(key, 0) + 1
        org = rec.organisation
        for key in sorted(active):
            n = active[key]
            if n <= 0:
                continue
            if n > 1:
                dups.append((org, key, n))
            if (org, key) not in present:
                present.add((org, key))
                if last is None:
                    last = _replay(inventory)[1]
                entry = last[key]
                doc = Document(
                    organisation=org,
                    medium=Medium.PAPER,
                    key=entry.document_key,
                    type=entry.type,
                    title=entry.title,
                    page_count=entry.page_count,
                    modified=entry.at,
                    source_location=entry.dossier_pages,
                )
                refs.append(doc_ref(ri, -1, key, doc))


def _collect(records: tuple[Record, ...]) -> tuple[list[DocRef], list[tuple[str, NormalisedKey, int]]]:
    refs: list[DocRef] = []
    paper_present: set[tuple[str, NormalisedKey]] = set()
    paper = Medium.PAPER
    # Raw key -> compare form, for this dossier: one document key recurs in most records.
    known: dict[str, tuple[NormalisedKey, tuple[str, ...]]] = {}
    for ri, rec in enumerate(records):
        for di, doc in enumerate(rec.documents):
            raw = doc.key
            found = known.get(raw)
            if found is None:
                found = known[raw] = _normalise_key(raw)
            key, corrections = found
            org, medium = doc.organisation, doc.medium
            # doc_ref() inlined (one Python call less per document): index >= 0, not from an inventory.
            refs.append(_tuple_new(DocRef, (ri, di, key, doc, corrections, org, medium, False)))
            if medium == paper:
                paper_present.add((org, key))
    dups: list[tuple[str, NormalisedKey, int]] = []
    _inventory_refs(records, paper_present, refs, dups, known)
    return refs, dups


def _group_type(members: list[DocRef], config: ReconcileConfig) -> DocumentType:
    if len(members) == 1:
        only = members[0].document.type
        if only not in _GENERIC or only is DocumentType.PV:
            return only
        return DocumentType.OVERIG
    types = {m.document.type for m in members}
    if len(types) == 1:
        # One type among all versions: the order below cannot change the outcome.
        only = next(iter(types))
        return only if only not in _GENERIC or only is DocumentType.PV else DocumentType.OVERIG
    rank = config.chain_rank
    digital = Medium.DIGITAL
    ordered = sorted(members, key=lambda m: (m.medium is not digital, m.from_inventory, rank(m.organisation)))
    for m in ordered:
        if m.document.type not in _GENERIC:
            return m.document.type
    for m in ordered:
        if m.document.type is DocumentType.PV:
            return DocumentType.PV
    return DocumentType.OVERIG


def _producer(
    key: NormalisedKey, doc_type: DocumentType, members: Iterable[DocRef], config: ReconcileConfig
) -> str | None:
    if key.is_pv:
        return config.pv_producer
    configured = config.producer_of(doc_type)
    if configured is not None:
        return configured
    if doc_type in config.internal_types:
        return None
    digital = sorted({m.organisation for m in members if m.medium == Medium.DIGITAL}, key=config.chain_rank)
    return digital[0] if digital else None


def _member_order(m: DocRef) -> tuple[object, ...]:
    """Canonical order of versions: never the position of a document inside its record."""
    d = m.document
    return (
        m.organisation,
        m.medium.value,
        m.from_inventory,
        m.record,
        d.key,
        d.type.value,
        d.date.isoformat() if d.date else "",
        -1 if d.page_count is None else d.page_count,
        d.sha256 or "",
        d.fingerprint or "",
        d.modified.isoformat() if d.modified else "",
        d.title or "",
        d.source_location or "",
        repr(d.page_labels),
        m.index,
    )


def _sort_members(members: list[DocRef]) -> list[DocRef]:
    """``sorted(members, key=_member_order)`` without building the long key when its head decides."""
    if len(members) < 2:
        return list(members)
    heads = [(m.organisation, m.medium, m.from_inventory, m.record) for m in members]
    if all(map(operator.lt, heads, heads[1:])):
        # Strictly increasing heads (the usual case: records are in canonical order): distinct,
        # so they decide the order alone, and the members are in it already.
        return list(members)
    if len(set(heads)) == len(heads):
        # Distinct heads decide the order alone (StrEnum members order as their values).
        return [m for _, m in sorted(zip(heads, members, strict=True), key=_first)]
    return sorted(members, key=_member_order)


def _first(t: tuple[tuple[str, Medium, bool, int], DocRef]) -> tuple[str, Medium, bool, int]:
    return t[0]


def _day(d: Document) -> dt.date | None:
    return d.date


def _compare(src: DocRef, target: list[DocRef], config: ReconcileConfig) -> tuple[float | None, list[str]]:
    """Score ``src`` against the versions of another document; None means rejected."""
    reasons: list[str] = []
    score = 0.0
    a = src.document
    b = next((t.document for t in target if t.medium == Medium.DIGITAL), target[0].document)
    if not types_compatible(a.type, b.type):
        return None, [f"type verschilt ({a.type.value} / {b.type.value})"]
    if a.type == b.type and a.type not in _GENERIC:
        score += 1
        reasons.append(f"zelfde type ({a.type.value})")
    sim: float | None = None
    fa = a.fingerprint
    fb = next((t.document.fingerprint for t in target if t.document.fingerprint), None)
    if a.sha256 and any(a.sha256 == t.document.sha256 for t in target):
        sim = 1.0
        reasons.append("zelfde sha256")
    elif fa and fb:
        sim = fingerprint_similarity(fa, fb)
    if sim is not None:
        if sim >= config.fingerprint_threshold:
            score += 3
            reasons.append(f"tekst gelijk ({sim:.2f} >= {config.fingerprint_threshold:.2f})")
        elif sim < 0.5:
            return None, [*reasons, f"tekst verschilt ({sim:.2f})"]
        else:
            reasons.append(f"tekst deels gelijk ({sim:.2f})")
    strong_text = sim is not None and sim >= config.fingerprint_threshold
    da, db = _day(a), _day(b)
    if da and db:
        if da == db:
            score += 1
            reasons.append(f"zelfde datum ({da.isoformat()})")
        elif not strong_text:
            return None, [*reasons, f"datum verschilt ({da.isoformat()} / {db.isoformat()})"]
        else:
            reasons.append(f"datum verschilt ({da.isoformat()} / {db.isoformat()})")
    if a.page_count is not None and b.page_count is not None:
        if a.page_count == b.page_count:
            score += 1
            reasons.append(f"zelfde aantal pagina's ({a.page_count})")
        else:
            reasons.append(f"aantal pagina's verschilt ({a.page_count} / {b.page_count})")
    # Same specific type on the same date is enough when it is the only candidate (checked by the
    # caller): a scan that lost a page still belongs to its document.
    if score < _MATCH_SCORE and da is not None and da == db and a.type == b.type and a.type not in _GENERIC:
        score = max(score, _MATCH_SCORE)
        reasons.append("enige kandidaat van dit type op deze datum")
    return score, reasons


_MATCH_SCORE = 3.0


def match_documents(records: tuple[Record, ...], config: ReconcileConfig) -> DocumentMatching:
    """Group the documents of ``records`` (in canonical order) into logical documents."""
    refs, inv_dups = _collect(records)
    by_key: dict[NormalisedKey, list[DocRef]] = {}
    for r in refs:
        found = by_key.get(r.key)
        if found is None:
            by_key[r.key] = [r]
        else:
            found.append(r)
    # The evidence that joined members: one line per key (the versions that share it), rendered
    # when asked for.
    evidence: dict[NormalisedKey, list[MatchExplanation | tuple[DocRef, ...]]] = defaultdict(list)
    for k, members in by_key.items():
        if len(members) > 1:
            evidence[k].append(tuple(members))
    keys = sorted(by_key)

    # A PV printed without its mutation joins the single mutation of that registration.
    mutated: dict[str, list[NormalisedKey]] = {}
    bare: list[NormalisedKey] = []
    for k in keys:
        if k[:3] == "pv:":  # NormalisedKey.is_pv, .has_mutation and .registration inlined
            reg, dash, _ = k[3:].partition("-")
            if not dash:
                bare.append(k)
            elif reg:
                mutated.setdefault(reg, []).append(k)
    # Canonical key of each key, when it is not the key itself.
    canon: dict[NormalisedKey, NormalisedKey] = {}
    for k in bare:
        options = mutated.get(k[3:], [])
        if len(options) == 1:
            canon[k] = options[0]
            evidence[options[0]].append(
                MatchExplanation(
                    by_key[k][0].label,
                    by_key[options[0]][0].label,
                    True,
                    "registration",
                    (f"registratienummer zonder mutatie; enige mutatie in het dossier is {options[0][3:]}",),
                    0.9,
                )
            )

    root_members: dict[NormalisedKey, list[DocRef]]
    if not canon:
        # Every key is its own root (the usual case).
        root_members = {k: by_key[k] for k in keys}
    else:
        for k in keys:
            if k in canon:
                evidence[canon[k]].extend(evidence.pop(k, []))
        root_members = defaultdict(list)
        for k in keys:
            root_members[canon.get(k, k)].extend(by_key[k])

    # Similarity stage: a document whose key nobody else shares (a document number, or a scan
    # whose PV number needed OCR corrections) may be another source's version of a known document.
    near: list[MatchExplanation] = []
    joined = False
    digital, paper = Medium.DIGITAL, Medium.PAPER
    for src_key in sorted(root_members):
        members = root_members[src_key]
        if not members:
            continue
        # A cleanly parsed PV number that nobody else has is missing elsewhere, not renamed.
        if src_key[:3] == "pv:" and not any(m.corrections for m in members):
            continue
        # A source: a document whose key no other organisation or medium shares, or one that only
        # exists on paper (a scan whose number could not be read gets a derived key).
        if len({(m.organisation, m.medium) for m in members}) != 1 and not all(
            m.medium == paper for m in members
        ):
            continue
        src = members[0]
        src_type = src.document.type
        # A near miss is recorded for a rejected target whose first version has the source's type.
        src_specific = src_type not in _GENERIC
        src_records = {m.record for m in members}
        best: list[tuple[float, NormalisedKey, list[str]]] = []
        for tgt_key, tgt in root_members.items():
            if tgt_key == src_key or not tgt:
                continue
            # _compare rejects an incompatible type at once: skip it here when that rejection
            # would not be recorded as a near miss either (it is, below, when the type is the same).
            if not (src_specific and src_type == tgt[0].document.type):
                b = tgt[0]
                for t in tgt:
                    if t.medium == digital:
                        b = t
                        break
                if not types_compatible(src_type, b.document.type):
                    continue
            # Never two documents of one record (that is a duplicate, not another source's copy).
            # A scan may join a document its own organisation's inventory lists: two views of one copy.
            if any(t.record in src_records for t in tgt):
                continue
            score, reasons = _compare(src, tgt, config)
            if score is None:
                if src_specific and src_type == tgt[0].document.type:
                    near.append(MatchExplanation(src.label, tgt[0].label, False, "rejected", tuple(reasons)))
                continue
            best.append((score, tgt_key, reasons))
        if not best:
            continue
        # Prefer a document some organisation registered digitally: two scans of one unreadable-key
        # document are alike, but the registered document is what both belong to.
        registered = [
            b
            for b in best
            if b[0] >= _MATCH_SCORE and any(t.medium == Medium.DIGITAL for t in root_members[b[1]])
        ]
        if registered:
            best = registered
        best.sort(key=lambda t: (-t[0], t[1]))
        if best[0][0] < _MATCH_SCORE:
            s, k, reasons = best[0]
            near.append(
                MatchExplanation(
                    src.label,
                    root_members[k][0].label,
                    False,
                    "rejected",
                    (*reasons, f"score {s:g} < 3"),
                    s,
                )
            )
            continue
        if len(best) > 1 and best[1][0] == best[0][0]:
            near.append(
                MatchExplanation(
                    src.label,
                    " / ".join(root_members[k][0].label for _, k, _ in best[:3]),
                    False,
                    "ambiguous",
                    ("meerdere documenten passen even goed",),
                    best[0][0],
                )
            )
            continue
        score, tgt_key, reasons = best[0]
        # Join the source into the target (PV keys win as canonical key).
        target_members = root_members[tgt_key]
        new_root = min((tgt_key, src_key), key=lambda k: (not k.is_pv, k))
        other = src_key if new_root == tgt_key else tgt_key
        root_members[new_root] = target_members + members if new_root == tgt_key else members + target_members
        root_members[other] = []
        joined = True
        evidence[new_root].extend(evidence.pop(other, []))
        evidence[new_root].append(
            MatchExplanation(src.label, target_members[0].label, True, "similarity", tuple(reasons), score)
        )

    groups: list[DocumentGroup] = []
    roots = sorted(k for k, v in root_members.items() if v) if joined or canon else keys
    pv_producer = config.pv_producer
    for root in roots:
        members = root_members[root]
        if len(members) == 1:
            # One version: _sort_members, _group_type and document_group() reduced to it.
            m = members[0]
            dtype = m.document.type
            if dtype in _GENERIC and dtype is not DocumentType.PV:
                dtype = DocumentType.OVERIG
            group_members: tuple[DocRef, ...] = (m,)
            held = frozenset([(m.organisation, m.medium)])
            on_paper: tuple[DocRef, ...] = group_members if m.medium is paper else ()
        else:
            members = _sort_members(members)
            dtype = _group_type(members, config)
            group_members = tuple(members)
            held = frozenset([(m.organisation, m.medium) for m in members])
            on_paper = tuple([m for m in members if m.medium is paper])
        groups.append(
            _tuple_new(
                DocumentGroup,
                (
                    root,
                    group_members,
                    dtype,
                    pv_producer if root[:3] == "pv:" else _producer(root, dtype, members, config),
                    tuple(evidence.get(root, ())),
                    held,
                    on_paper,
                ),
            )
        )
    return DocumentMatching(tuple(groups), tuple(near), tuple(sorted(inv_dups)))
