"""TMLO/ToPX 2.3 (Nationaal Archief) XML: aggregatie and bestand metadata, UTF-8 or UTF-16, into Records.

ToPX is what most archive systems and e-Depots export: one ``<ToPX>`` document a sidecar file
(``<name>.metadata``), holding one ``aggregatie`` (Archief, Serie, Dossier, Record) or one
``bestand``. Each becomes one Record. Its ``identificatiekenmerk`` and every ``relatie/relatieID``
become identifiers (a parketnummer, PV number or ECLI when they read as one, else ``extern
topx:<kenmerk>``), so a bestand joins the Record it belongs to and the Record its Dossier in the
store, whatever order the sidecars arrive in. See docs/formats/topx.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from dossierlink.identifiers import IdentifierError, IdentifierKind, normalise
from dossierlink.ingest import (
    AdapterError,
    Entry,
    Hints,
    RecordAdapter,
    RecordBuilder,
    XmlAdapter,
    parse_date,
    parse_datetime,
    read_head,
    text,
)
from dossierlink.ingest.fixity import checksum_algorithm
from dossierlink.schema import Document, DocumentType, Event, EventKind, Identifier, Medium

__all__ = ["TopxAdapter"]

TOPX_NS = "http://www.nationaalarchief.nl/ToPX/v2.3"
_N = f"{{{TOPX_NS}}}"
# The root element after an optional declaration and comments: <ToPX> or <prefix:ToPX>.
_ROOT = re.compile(
    rb"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:[A-Za-z_][\w.-]*:)?ToPX[\s>/]", re.DOTALL
)
# Levels that describe a grouping, not one stuk: they carry identifiers and events, no document.
_GROUPS = ("archief", "serie", "dossier")


class TopxAdapter(XmlAdapter, RecordAdapter[Any]):
    """ToPX 2.3: one Record per aggregatie or bestand."""

    name: ClassVar[str] = "topx"
    organisation: ClassVar[str | None] = None  # Hints (the archive's owner), else "archief"
    medium: ClassVar[Medium | None] = None
    formats: ClassVar[tuple[str, ...]] = ("xml", "metadata")
    root_names: ClassVar[tuple[str, ...]] = ("ToPX",)
    entry_tags: ClassVar[tuple[str, ...]] = ("aggregatie", "bestand")
    entry_namespace: ClassVar[str | None] = TOPX_NS
    no_entries: ClassVar[str] = "no aggregatie or bestand element"
    description: ClassVar[str] = (
        "TMLO/ToPX 2.3 XML (aggregatie, bestand; UTF-8 or UTF-16) (docs/formats/topx.md)"
    )

    def identify(self, path: Path) -> bool:
        try:
            head = read_head(path)
            if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark
                head = head.decode("utf-16", errors="ignore").encode("utf-8")
            head = head.removeprefix(b"\xef\xbb\xbf")
            return bool(_ROOT.match(head)) and b"nationaalarchief.nl/ToPX" in head
        except Exception:
            return False

    def parse(self, path: Path) -> Any:
        root = super().parse(path)
        if root.tag != f"{_N}ToPX":
            raise AdapterError(path, f"the root element is not in the ToPX 2.3 namespace {TOPX_NS}", "/ToPX")
        return root

    def builder(self, path: Path, hints: Hints, group: Sequence[Entry[Any]]) -> RecordBuilder:
        return RecordBuilder(
            path, hints, self.name, hints.organisation or "archief", hints.medium or Medium.DIGITAL
        )

    def add(self, b: RecordBuilder, item: Any, where: str) -> None:
        kenmerk = _text(item, "identificatiekenmerk")
        if not kenmerk:
            raise AdapterError(b.path, "no identificatiekenmerk", f"{where}/identificatiekenmerk")
        level = (_text(item, "aggregatieniveau") or "").lower()
        is_bestand = item.tag == f"{_N}bestand"
        b.locators.append(where)
        own = _add_kenmerk(b, kenmerk, f"{where}/identificatiekenmerk")
        parents: list[tuple[str, str]] = []
        for j, rel in enumerate(item.findall(f"{_N}relatie"), 1):
            rid = _text(rel, "relatieID")
            if rid:
                _add_kenmerk(b, rid, f"{where}/relatie[{j}]/relatieID")
                parents.append((rid, (_text(rel, "typeRelatie") or "").lower()))
        created = self._events(b, item, where)
        if level in _GROUPS and not is_bestand:
            return  # a dossier or series: its identifiers and events, its stukken are Records
        naam = _text(item, "naam")
        classificatie = item.find(f"{_N}classificatie")
        label = _text(classificatie, "omschrijving") if classificatie is not None else None
        if is_bestand:
            self._bestand(b, item, where, own, parents, naam, created)
            return
        b.documents.append(
            Document(
                organisation=b.organisation,
                medium=b.medium,
                key=own.value if own is not None and own.kind is IdentifierKind.PV else kenmerk,
                type=_type(label, naam),
                title=naam,
                date=created or _begin(item, where, b.warnings),
                identifiers=(own,) if own is not None and own.kind is IdentifierKind.PV else (),
                source_location=where,
            )
        )

    def _bestand(
        self,
        b: RecordBuilder,
        item: Any,
        where: str,
        own: Identifier | None,
        parents: list[tuple[str, str]],
        naam: str | None,
        created: dt.date | None,
    ) -> None:
        # The stuk this file is a representation of: the Record its relatie names, else itself.
        parent = next((rid for rid, kind in parents if "onderdeel" in kind or "hoort" in kind), None)
        parent = parent or (parents[0][0] if parents else None)
        key = parent or _text(item, "identificatiekenmerk") or where
        pv = Identifier.parse(IdentifierKind.PV, key)
        fmt = item.find(f"{_N}formaat")
        algo = value = None
        size = None
        if fmt is not None:
            fixity = fmt.find(f"{_N}fysiekeIntegriteit")
            if fixity is not None:
                algo = checksum_algorithm(_text(fixity, "algoritme")) or None
                value = _text(fixity, "waarde")
            size = _text(fmt, "omvang")
            file_name = _text(fmt.find(f"{_N}bestandsnaam"), "naam")
            if file_name and not naam:
                naam = file_name
        if size and not size.isdigit():
            b.warnings.append(f"{where}/formaat/omvang: {size!r} is not a size in bytes")
        b.documents.append(
            Document(
                organisation=b.organisation,
                medium=b.medium,
                key=pv.value if pv.valid else key,
                type=DocumentType.parse(naam),
                title=naam,
                date=created,
                sha256=value.lower() if value and algo == "sha256" else None,
                integriteit=f"{algo}:{value}" if algo and value else None,
                size=int(size) if size and size.isdigit() else None,
                identifiers=(pv,) if pv.valid else (),
                source_location=where,
            )
        )

    def _events(self, b: RecordBuilder, item: Any, where: str) -> dt.date | None:
        """Each eventGeschiedenis as a status Event; returns the date of the creation event."""
        created = None
        for j, ev in enumerate(item.findall(f"{_N}eventGeschiedenis"), 1):
            kind = (_text(ev, "type") or "").lower()
            on = _date_of(ev.find(f"{_N}datumOfPeriode"), f"{where}/eventGeschiedenis[{j}]", b.warnings)
            if on is None:
                continue
            if kind in ("aanmaak", "creatie", "ontvangst", "opmaken") and created is None:
                created = on
            b.add_event(
                Event(
                    kind=EventKind.STATUS,
                    date=on,
                    organisation=b.organisation,
                    status=kind or "event",
                    description=_text(ev, "verantwoordelijkeFunctionaris"),
                )
            )
        return created


def _text(el: Any, name: str) -> str | None:
    if el is None:
        return None
    found = el.find(f"{_N}{name}")
    return text(found.text) if found is not None else None


def _date_of(el: Any, where: str, warnings: list[str]) -> dt.date | None:
    """A ToPX datumOfPeriode (or begin/eind): ``datum``, ``datumEnTijd`` or a bare ``jaar`` (1 January)."""
    if el is None:
        return None
    raw = _text(el, "datum")
    try:
        if raw:
            return parse_date(raw)
        raw = _text(el, "datumEnTijd")
        if raw:
            return parse_datetime(raw).date()
    except ValueError:
        warnings.append(f"{where}: {raw!r} is not a date; left out")
        return None
    year = _text(el, "jaar")
    if year and year.isdigit() and len(year) == 4:
        return dt.date(int(year), 1, 1)
    return None


def _begin(item: Any, where: str, warnings: list[str]) -> dt.date | None:
    span = item.find(f"{_N}dekking/{_N}inTijd/{_N}begin")
    return _date_of(span, f"{where}/dekking/inTijd/begin", warnings)


def _type(label: str | None, naam: str | None) -> DocumentType:
    """classificatie is the archive's own scheme: its omschrijving names the type when it fits."""
    found = DocumentType.parse(label) if label else DocumentType.OVERIG
    return found if found is not DocumentType.OVERIG else DocumentType.parse(naam)


def _add_kenmerk(b: RecordBuilder, kenmerk: str, where: str) -> Identifier | None:
    for kind in (IdentifierKind.PARKETNUMMER, IdentifierKind.PV, IdentifierKind.ECLI):
        try:
            normalise(kind, kenmerk)
        except IdentifierError:
            continue
        return b.identifier(kind, kenmerk, where)
    return b.identifier(IdentifierKind.EXTERN, f"topx:{kenmerk}", where)
