"""Turns one divergence into one concrete action sentence for the organisation that must act."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from dossierlink.identifiers import PvNumberError, parse_pv_number
from dossierlink.reconcile.kinds import KINDS
from dossierlink.report.messages import role_label, t
from dossierlink.schema import Divergence, DivergenceKind, DocumentType, Role

__all__ = ["Subject", "action", "parse_subject"]

_PATHISH = re.compile(r"[\\/]")


@attrs.frozen
class Subject:
    """A divergence's subject, taken apart.

    Forms (docs/reconcile.md): ``document:pv:KEY`` / ``document:nr:NUMBER``,
    ``person:ANCHOR:ROLE:...``, ``handover:ANCHOR:SENDER->RECEIVER``, ``status:ANCHOR:ORG:STATE``,
    ``identifier:...``, ``scan:SHA256[#locator]`` / ``scan:SHA256:KEY``. The anchor is optional.
    """

    kind: str  # document | person | handover | scan | identifier | status | other
    key: str | None = None  # document key, or the key of the document in an unreadable scan
    key_kind: str | None = None  # "pv" when the key is a PV number
    role: str | None = None
    sender: str | None = None
    receiver: str | None = None
    state: str | None = None  # status: the state the organisation closed the case with


_ROLES = frozenset(r.value for r in Role)


def parse_subject(subject: str) -> Subject:
    """Take a subject apart; an unknown form becomes ``Subject("other")``."""
    head, sep, rest = subject.strip().partition(":")
    head = head.strip().lower()
    rest = rest.strip()
    if not sep or not rest:
        return Subject("other")
    if head == "document":
        prefix, sep2, tail = rest.partition(":")
        if sep2 and prefix.lower() in ("pv", "nr", "key", "doc", "document", "nummer"):
            rest = tail.strip()
        if not rest:
            return Subject("other")
        try:
            return Subject("document", parse_pv_number(rest).normalised, "pv")
        except PvNumberError:
            return Subject("document", rest, None)
    if head == "person":
        parts = [p.strip().lower().partition("#")[0] for p in rest.split(":")]
        role = next((p for p in parts if p in _ROLES), None)
        return Subject("person", role=role) if role else Subject("other")
    if head == "handover":
        pair = next((p for p in reversed(rest.split(":")) if "->" in p), "")
        sender, _, receiver = pair.partition("->")
        if sender.strip() and receiver.strip():
            return Subject("handover", sender=sender.strip().lower(), receiver=receiver.strip().lower())
        return Subject("other")
    if head in ("scan", "source", "file"):
        parts = rest.partition("#")[0].split(":")
        key = parts[-1].strip() if len(parts) > 1 else None
        return Subject("scan", key=key or None)
    if head == "status":
        parts = rest.split(":")
        state = parts[-1].strip() if len(parts) >= 3 else None
        return Subject("status", key=rest, state=state or None)
    if head in ("identifier", "dossier", "case"):
        return Subject(head, key=rest)
    return Subject("other")


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _join(items: list[str], lang: str) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {t(lang, 'and')} " + items[-1]


def _doc(subject: Subject, details: Mapping[str, Any], lang: str) -> str | None:
    if subject.kind != "document" or not subject.key:
        return None
    if subject.key_kind == "pv":
        return t(lang, "doc.pv", key=subject.key)
    raw_type = details.get("type") or details.get("document_type")
    expected_types = details.get("types_expected_on_paper")
    if not raw_type and isinstance(expected_types, list) and expected_types:
        raw_type = expected_types[0]
    if isinstance(raw_type, str) and raw_type.strip():
        doc_type = DocumentType.parse(raw_type)
        if doc_type is not DocumentType.OVERIG:
            return t(lang, "doc.typed", type=doc_type.value, key=subject.key)
    return t(lang, "doc.plain", key=subject.key)


def _pages(details: Mapping[str, Any], lang: str) -> str:
    n = None
    for key in ("page_count", "pages", "digital_pages"):
        n = _int(details.get(key))
        if n is not None:
            break
    if n is None or n <= 0:
        return ""
    return t(lang, "pages.one") if n == 1 else t(lang, "pages", n=n)


@attrs.frozen
class _Ctx:
    div: Divergence
    subject: Subject
    dossier: str
    lang: str
    names: Callable[[str], str]
    dossier_known: bool

    @property
    def details(self) -> Mapping[str, Any]:
        return self.div.details if isinstance(self.div.details, Mapping) else {}

    def value(self, raw: str | None) -> str:
        return raw if raw not in (None, "") else t(self.lang, "unknown")

    def others(self) -> str:
        others = [self.names(o) for o in self.div.organisations if o != self.div.organisation]
        return _join(others, self.lang) or t(self.lang, "others.none")


def _document_action(key: str) -> Callable[[_Ctx], str | None]:
    def build(c: _Ctx) -> str | None:
        doc = _doc(c.subject, c.details, c.lang)
        if doc is None:
            return None
        return t(
            c.lang,
            key,
            doc=doc,
            pages=_pages(c.details, c.lang),
            dossier=c.dossier,
            expected=c.value(c.div.expected),
            found=c.value(c.div.found),
        )

    return build


def _org_list(value: Any, c: _Ctx, exclude: str) -> list[str]:
    if not isinstance(value, list):
        return []
    return [c.names(o) for o in value if isinstance(o, str) and o and o != exclude]


def _missing_digital(c: _Ctx) -> str | None:
    """Say where the stuk is, from the evidence: sent by X, held digitally by X, or only on paper."""
    doc = _doc(c.subject, c.details, c.lang)
    if doc is None:
        return None
    base = {"doc": doc, "pages": _pages(c.details, c.lang), "dossier": c.dossier}
    me = c.div.organisation
    digital = c.details.get("digital_at")
    trigger = c.details.get("trigger")
    if isinstance(trigger, Mapping) and isinstance(digital, list):
        sender = trigger.get("sender")
        date = trigger.get("date")
        if isinstance(sender, str) and sender in digital and sender != me and isinstance(date, str):
            event = str(trigger.get("event") or "")
            return t(
                c.lang,
                "act.missing_digital.sent",
                **base,
                sender=c.names(sender),
                date=date,
                event=t(c.lang, f"event.{event}") if event in ("inzending", "overdracht") else event,
            )
    holders = _org_list(digital, c, me)
    if holders:
        return t(c.lang, "act.missing_digital.held", **base, holders=_join(holders, c.lang))
    if isinstance(digital, list) or "found_at" not in c.details:
        # No digital version anywhere: the stuk exists only on paper.
        return t(c.lang, "act.missing_digital", **base)
    # Older divergences (before digital_at was recorded): name where it was found.
    return t(c.lang, "act.missing_digital.found", **base, found_at=str(c.details["found_at"]))


def _page_count_mismatch(c: _Ctx) -> str | None:
    doc = _doc(c.subject, c.details, c.lang)
    if doc is None:
        return None
    paper, digital = _int(c.details.get("paper_pages")), _int(c.details.get("digital_pages"))
    org = c.div.organisation
    if paper is not None and digital is not None and paper != digital:
        if org == c.details.get("paper_organisation") and paper < digital:
            return t(
                c.lang,
                "act.page_count_mismatch.paper",
                doc=doc,
                dossier=c.dossier,
                paper=paper,
                digital=digital,
            )
        if org == c.details.get("digital_organisation") and digital < paper:
            return t(
                c.lang,
                "act.page_count_mismatch.digital",
                doc=doc,
                dossier=c.dossier,
                paper=paper,
                digital=digital,
            )
    return t(
        c.lang,
        "act.page_count_mismatch",
        doc=doc,
        dossier=c.dossier,
        expected=c.value(c.div.expected),
        found=c.value(c.div.found),
    )


def _pages_missing(c: _Ctx) -> str | None:
    doc = _doc(c.subject, c.details, c.lang)
    if doc is None:
        return None
    raw = c.details.get("missing_pages") or c.details.get("missing")
    pages = [str(p) for p in raw if _int(p) is not None] if isinstance(raw, list | tuple) else []
    missing = ""
    if len(pages) == 1:
        missing = t(c.lang, "act.pages_missing.which", pages=pages[0])
    elif pages:
        shown = pages if len(pages) <= 12 else [*pages[:11], "…"]
        missing = t(c.lang, "act.pages_missing.which_many", pages=_join(shown, c.lang))
    return t(c.lang, "act.pages_missing", doc=doc, dossier=c.dossier, missing=missing)


def _content_mismatch(c: _Ctx) -> str | None:
    doc = _doc(c.subject, c.details, c.lang)
    if doc is None:
        return None
    source = c.details.get("digital_organisation")
    if isinstance(source, str) and source and source != c.div.organisation:
        return t(c.lang, "act.content_mismatch.source", doc=doc, dossier=c.dossier, source=c.names(source))
    return t(c.lang, "act.content_mismatch", doc=doc, dossier=c.dossier)


def _stale_paper(c: _Ctx) -> str | None:
    doc = _doc(c.subject, c.details, c.lang)
    if doc is None:
        return None
    when = c.details.get("digital_modified") or c.details.get("modified")
    since = t(c.lang, "act.stale_paper.since", when=str(when)[:10]) if when else ""
    return t(c.lang, "act.stale_paper", doc=doc, dossier=c.dossier, since=since)


# Field names as reconciliation writes them (Dutch) or as a caller may (English).
_FIELD_KEYS = {
    "datum": "date",
    "date": "date",
    "type": "type",
    "soort": "type",
    "titel": "title",
    "title": "title",
    "aantal pagina's": "page_count",
    "page_count": "page_count",
}


def _field_label(name: str, lang: str) -> str:
    key = _FIELD_KEYS.get(name.strip().lower())
    return t(lang, f"field.{key}") if key else name


def _metadata_conflict(c: _Ctx) -> str | None:
    doc = _doc(c.subject, c.details, c.lang)
    if doc is None:
        return None
    fields = c.details.get("fields")
    if isinstance(fields, Mapping) and fields:
        label = _join([_field_label(str(f), c.lang) for f in fields], c.lang)
    elif c.details.get("field"):
        label = _field_label(str(c.details["field"]), c.lang)
    else:
        label = t(c.lang, "field.generic")
    ref = c.details.get("reference_organisation")
    if isinstance(ref, str) and ref and ref != c.div.organisation:
        return t(
            c.lang,
            "act.metadata_conflict.reference",
            field=label,
            doc=doc,
            dossier=c.dossier,
            reference=c.names(ref),
            expected=c.value(c.div.expected),
            found=c.value(c.div.found),
        )
    return t(
        c.lang,
        "act.metadata_conflict",
        field=label,
        doc=doc,
        dossier=c.dossier,
        expected=c.value(c.div.expected),
        found=c.value(c.div.found),
    )


def _identifier_conflict(c: _Ctx) -> str | None:
    return t(
        c.lang,
        "act.identifier_conflict",
        dossier=c.dossier,
        expected=c.value(c.div.expected),
        found=c.value(c.div.found),
    )


def _person_conflict(c: _Ctx) -> str | None:
    if c.subject.kind != "person" or not c.subject.role:
        return None
    ref = c.details.get("reference_organisation")
    others = c.names(ref) if isinstance(ref, str) and ref and ref != c.div.organisation else c.others()
    return t(
        c.lang,
        "act.person_conflict",
        role=role_label(c.lang, c.subject.role),
        dossier=c.dossier,
        others=others,
        expected=c.value(c.div.expected),
        found=c.value(c.div.found),
    )


def _handover_missing(c: _Ctx) -> str | None:
    s = c.subject
    if s.kind != "handover" or not s.sender or not s.receiver:
        return None
    sent = c.details.get("sent") or c.details.get("sent_on") or c.details.get("date")
    when = t(c.lang, "act.handover_missing.when", date=str(sent)[:10]) if sent else ""
    key = "act.handover_missing.sender" if c.div.organisation == s.sender else "act.handover_missing.receiver"
    return t(
        c.lang, key, dossier=c.dossier, sender=c.names(s.sender), receiver=c.names(s.receiver), when=when
    )


def _status_conflict(c: _Ctx) -> str | None:
    contradicting = c.details.get("contradicting")
    if c.subject.state and isinstance(contradicting, list) and contradicting:
        orgs = sorted({str(x.get("organisation")) for x in contradicting if isinstance(x, Mapping)})
        return t(
            c.lang,
            "act.status_conflict.closed",
            dossier=c.dossier,
            state=c.subject.state,
            others=_join([c.names(o) for o in orgs], c.lang) or t(c.lang, "others.none"),
            found=c.value(c.div.found),
        )
    return t(
        c.lang,
        "act.status_conflict",
        dossier=c.dossier,
        others=c.others(),
        expected=c.value(c.div.expected),
        found=c.value(c.div.found),
    )


def _unreadable_scan(c: _Ctx) -> str | None:
    name = None
    for k in ("path", "file", "source"):
        if isinstance(c.details.get(k), str) and c.details[k]:
            name = _PATHISH.split(str(c.details[k]))[-1]
            break
    if c.subject.key:
        name = f"{name} ({c.subject.key})" if name else c.subject.key
    what = t(c.lang, "the_scan", name=name) if name else t(c.lang, "a_scan")
    if c.dossier_known:
        return t(c.lang, "act.unreadable_scan.dossier", what=what, dossier=c.dossier)
    return t(c.lang, "act.unreadable_scan", what=what)


# Kinds whose action needs more than the document action (which names the document, its pages
# and the dossier in the kind's main text ``act.<kind>``).
_OWN_ACTIONS: dict[DivergenceKind, Callable[[_Ctx], str | None]] = {
    DivergenceKind.MISSING_DIGITAL: _missing_digital,
    DivergenceKind.PAGE_COUNT_MISMATCH: _page_count_mismatch,
    DivergenceKind.PAGES_MISSING: _pages_missing,
    DivergenceKind.CONTENT_MISMATCH: _content_mismatch,
    DivergenceKind.STALE_PAPER: _stale_paper,
    DivergenceKind.METADATA_CONFLICT: _metadata_conflict,
    DivergenceKind.IDENTIFIER_CONFLICT: _identifier_conflict,
    DivergenceKind.PERSON_CONFLICT: _person_conflict,
    DivergenceKind.HANDOVER_MISSING: _handover_missing,
    DivergenceKind.STATUS_CONFLICT: _status_conflict,
    DivergenceKind.UNREADABLE_SCAN: _unreadable_scan,
}

# Every described kind has an action: its own function, else the document action.
_BUILDERS: dict[DivergenceKind, Callable[[_Ctx], str | None]] = {
    spec.kind: _OWN_ACTIONS.get(spec.kind) or _document_action(f"act.{spec.kind.value}") for spec in KINDS
}


def action(
    div: Divergence,
    *,
    dossier: str | None,
    lang: str = "nl",
    names: Callable[[str], str] | None = None,
) -> str:
    """The action the organisation must take, as one sentence; the divergence's message if the
    subject has a form this module does not know.

    ``dossier`` is the dossier's display identifier; None when it has no identifier (a lone
    unreadable scan), which changes the action to "tie the scan to its dossier".
    """
    if dossier:
        label = dossier
    elif div.dossier_id is not None:
        label = t(lang, "dossier_fallback", id=div.dossier_id)
    else:
        label = t(lang, "no_dossier")
    ctx = _Ctx(
        div, parse_subject(div.subject), label, lang, names or (lambda code: code), dossier is not None
    )
    try:
        text = _BUILDERS[div.kind](ctx)
    except (KeyError, ValueError, TypeError, IndexError):
        text = None
    return text or div.message
