"""Turns one divergence into one concrete action sentence for the organisation that must act."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from dossierlink.identifiers import PvNumberError, parse_pv_number
from dossierlink.report.messages import role_label, t
from dossierlink.schema import Divergence, DivergenceKind, DocumentType

__all__ = ["Subject", "action", "parse_subject"]

_PATHISH = re.compile(r"[\\/]")


@attrs.frozen
class Subject:
    """A divergence's subject, taken apart: ``document:pv:KEY``, ``person:ROLE``, ``handover:A->B``."""

    kind: str  # document | person | handover | scan | identifier | status | other
    key: str | None = None  # document key, or the scan's file name
    key_kind: str | None = None  # "pv" when the key is a PV number
    role: str | None = None
    sender: str | None = None
    receiver: str | None = None


def parse_subject(subject: str) -> Subject:
    """Take a subject apart; an unknown form becomes ``Subject("other")``."""
    head, sep, rest = subject.strip().partition(":")
    head = head.strip().lower()
    rest = rest.strip()
    if not sep or not rest:
        return Subject("other")
    if head == "document":
        prefix, sep2, tail = rest.partition(":")
        if sep2 and prefix.lower() in ("pv", "key", "doc", "document", "nummer"):
            rest = tail.strip()
        if not rest:
            return Subject("other")
        try:
            return Subject("document", parse_pv_number(rest).normalised, "pv")
        except PvNumberError:
            return Subject("document", rest, None)
    if head == "person":
        return Subject("person", role=rest.split(":")[0].strip().lower() or None)
    if head == "handover":
        sender, arrow, receiver = rest.partition("->")
        if arrow and sender.strip() and receiver.strip():
            return Subject("handover", sender=sender.strip().lower(), receiver=receiver.strip().lower())
        return Subject("other")
    if head in ("scan", "source", "file"):
        name = _PATHISH.split(rest)[-1] or rest
        return Subject("scan", key=name)
    if head in ("identifier", "status", "dossier", "case"):
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
    if isinstance(raw_type, str) and raw_type.strip():
        doc_type = DocumentType.parse(raw_type)
        if doc_type is not DocumentType.OVERIG:
            return t(lang, "doc.typed", type=doc_type.value, key=subject.key)
    return t(lang, "doc.plain", key=subject.key)


def _pages(details: Mapping[str, Any], lang: str) -> str:
    n = _int(details.get("page_count", details.get("pages")))
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


def _stale_paper(c: _Ctx) -> str | None:
    doc = _doc(c.subject, c.details, c.lang)
    if doc is None:
        return None
    when = c.details.get("digital_modified") or c.details.get("modified")
    since = t(c.lang, "act.stale_paper.since", when=str(when)[:10]) if when else ""
    return t(c.lang, "act.stale_paper", doc=doc, dossier=c.dossier, since=since)


def _metadata_conflict(c: _Ctx) -> str | None:
    doc = _doc(c.subject, c.details, c.lang)
    if doc is None:
        return None
    field = str(c.details.get("field") or "generic")
    field_key = f"field.{field}"
    label = t(c.lang, field_key)
    if label == field_key:
        label = field
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
    return t(
        c.lang,
        "act.person_conflict",
        role=role_label(c.lang, c.subject.role),
        dossier=c.dossier,
        others=c.others(),
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
    return t(c.lang, key, dossier=c.dossier, sender=c.names(s.sender), receiver=c.names(s.receiver), when=when)


def _status_conflict(c: _Ctx) -> str | None:
    return t(
        c.lang,
        "act.status_conflict",
        dossier=c.dossier,
        others=c.others(),
        expected=c.value(c.div.expected),
        found=c.value(c.div.found),
    )


def _unreadable_scan(c: _Ctx) -> str | None:
    name = c.subject.key if c.subject.kind in ("scan", "document") else None
    for k in ("file", "path", "source"):
        if not name and isinstance(c.details.get(k), str):
            name = _PATHISH.split(str(c.details[k]))[-1]
    what = t(c.lang, "the_scan", name=name) if name else t(c.lang, "a_scan")
    if c.dossier_known:
        return t(c.lang, "act.unreadable_scan.dossier", what=what, dossier=c.dossier)
    return t(c.lang, "act.unreadable_scan", what=what)


_BUILDERS: dict[DivergenceKind, Callable[[_Ctx], str | None]] = {
    DivergenceKind.MISSING_PAPER: _document_action("act.missing_paper"),
    DivergenceKind.MISSING_DIGITAL: _document_action("act.missing_digital"),
    DivergenceKind.PAGE_COUNT_MISMATCH: _document_action("act.page_count_mismatch"),
    DivergenceKind.PAGES_MISSING: _pages_missing,
    DivergenceKind.CONTENT_MISMATCH: _document_action("act.content_mismatch"),
    DivergenceKind.STALE_PAPER: _stale_paper,
    DivergenceKind.METADATA_CONFLICT: _metadata_conflict,
    DivergenceKind.IDENTIFIER_CONFLICT: _identifier_conflict,
    DivergenceKind.PERSON_CONFLICT: _person_conflict,
    DivergenceKind.HANDOVER_MISSING: _handover_missing,
    DivergenceKind.STATUS_CONFLICT: _status_conflict,
    DivergenceKind.DUPLICATE_DOCUMENT: _document_action("act.duplicate_document"),
    DivergenceKind.UNREADABLE_SCAN: _unreadable_scan,
}


def action(
    div: Divergence,
    *,
    dossier: str | None,
    lang: str = "nl",
    names: Callable[[str], str] | None = None,
) -> str:
    """The action the organisation must take, as one sentence; the divergence's message if the
    subject has a form this module does not know."""
    label = dossier or t(lang, "no_dossier")
    ctx = _Ctx(div, parse_subject(div.subject), label, lang, names or (lambda code: code), dossier is not None)
    try:
        text = _BUILDERS[div.kind](ctx)
    except (KeyError, ValueError, TypeError, IndexError):
        text = None
    return text or div.message

