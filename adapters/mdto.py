"""MDTO 1.0.1 (Nationaal Archief) XML: informatieobject dossiers/archiefstukken and bestand records.

Each file holds one or more ``informatieobject`` or ``bestand`` elements; each becomes one Record.
Identifiers: ``identificatieKenmerk`` that reads as a parketnummer, PV number or ECLI becomes that
kind; otherwise it is kept as ``extern`` ``mdto:<identificatieBron>/<identificatieKenmerk>``.
The organisation is ``Hints.organisation`` (the archive's owner), else ``archief``.
With ``options["xsd"]`` (the MDTO XSD's path) and the ``xmlschema`` package
(``dossierlink[mdto]``) the file is also validated; each violation is a warning with its
element path, the file is still read.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs

from dossierlink.identifiers import IdentifierError, IdentifierKind, normalise
from dossierlink.ingest import (
    AdapterError,
    Entry,
    Hints,
    RecordAdapter,
    RecordBuilder,
    XmlAdapter,
    opt_date,
    parse_datetime,
    text,
)
from dossierlink.ingest.fixity import checksum_algorithm
from dossierlink.schema import Document, DocumentType, Event, EventKind, Identifier, Medium, Record

__all__ = ["MdtoAdapter", "schema_problems"]

MDTO_NS = "https://www.nationaalarchief.nl/mdto"
_N = f"{{{MDTO_NS}}}"


class MdtoAdapter(XmlAdapter, RecordAdapter[Any]):
    """Nationaal Archief MDTO 1.0.1: one Record per informatieobject or bestand."""

    name: ClassVar[str] = "mdto"
    organisation: ClassVar[str | None] = None
    medium: ClassVar[Medium | None] = None
    root_names: ClassVar[tuple[str, ...]] = ("MDTO",)
    namespace_hint: ClassVar[bytes | None] = MDTO_NS.encode()
    entry_tags: ClassVar[tuple[str, ...]] = ("informatieobject", "bestand")
    entry_namespace: ClassVar[str | None] = MDTO_NS
    no_entries: ClassVar[str] = "no informatieobject or bestand element"
    description: ClassVar[str] = (
        "Nationaal Archief MDTO 1.0.1 XML (informatieobject, bestand) (docs/formats/mdto.md)"
    )

    def parse(self, path: Path) -> Any:
        root = super().parse(path)
        if root.tag != f"{_N}MDTO":
            raise AdapterError(path, f"the root element is not in the MDTO namespace {MDTO_NS}", "/MDTO")
        return root

    def extract(self, path: Path, hints: Hints) -> Iterator[Record]:
        xsd = hints.options.get("xsd")
        problems = schema_problems(path, Path(str(xsd))) if xsd else []
        for record in super().extract(path, hints):
            yield attrs.evolve(record, warnings=(*record.warnings, *problems)) if problems else record

    def builder(self, path: Path, hints: Hints, group: Sequence[Entry[Any]]) -> RecordBuilder:
        ((_where, item),) = group
        return RecordBuilder(
            path, hints, self.name, hints.organisation or "archief", hints.medium or _medium(item)
        )

    def add(self, b: RecordBuilder, item: Any, where: str) -> None:
        if item.tag == f"{_N}bestand":
            self._bestand(b, item, where)
        else:
            self._informatieobject(b, item, where)

    def _ident(self, b: RecordBuilder, el: Any, where: str) -> str:
        """Add the identificatie(s) of ``el`` and return the first kenmerk (document key)."""
        first = ""
        for j, ident in enumerate(el.findall(f"{_N}identificatie"), 1):
            kenmerk = text(_t(ident, "identificatieKenmerk"))
            bron = text(_t(ident, "identificatieBron")) or "onbekend"
            if not kenmerk:
                b.warnings.append(f"{where}/identificatie[{j}]: empty identificatieKenmerk")
                continue
            first = first or kenmerk
            _add_kenmerk(b, kenmerk, bron, f"{where}/identificatie[{j}]")
        if not first:
            raise AdapterError(b.path, "no identificatieKenmerk", f"{where}/identificatie")
        return first

    def _informatieobject(self, b: RecordBuilder, io: Any, where: str) -> None:
        online = io.find(f"{_N}raadpleeglocatie/{_N}raadpleeglocatieOnline")
        key = self._ident(b, io, where)
        level = (text(_t(io.find(f"{_N}aggregatieniveau"), "begripLabel")) or "").lower()
        naam = text(_t(io, "naam"))
        begin = opt_date(_t(io.find(f"{_N}dekkingInTijd"), "dekkingInTijdBegindatum"), where, b.warnings)
        created = None
        for ev in io.findall(f"{_N}event"):
            label = text(_t(ev.find(f"{_N}eventType"), "begripLabel")) or ""
            when = text(_t(ev, "eventTijd"))
            try:
                on = parse_datetime(when).date() if when else None
            except ValueError:
                b.warnings.append(f"{where}/event: eventTijd {when!r} is not a date-time")
                on = None
            if on is None:
                continue
            if label.lower() == "creatie":
                created = created or on
            b.add_event(
                Event(kind=EventKind.STATUS, date=on, organisation=b.organisation, status=label.lower())
            )
        if level not in ("dossier", "serie", "archief"):
            classificatie = text(_t(io.find(f"{_N}classificatie"), "begripLabel"))
            b.documents.append(
                Document(
                    organisation=b.organisation,
                    medium=b.medium,
                    key=key,
                    # classificatie is the archive's scheme, not a document type: map it if it fits
                    type=DocumentType.parse(classificatie) if classificatie else DocumentType.parse(naam),
                    title=naam,
                    date=created or begin,
                    source_location=text(online.text) if online is not None else where,
                )
            )
        for j, part in enumerate(io.findall(f"{_N}bevatOnderdeel"), 1):
            pk = _t(part.find(f"{_N}verwijzingIdentificatie"), "identificatieKenmerk")
            pb = _t(part.find(f"{_N}verwijzingIdentificatie"), "identificatieBron")
            if text(pk):
                naam_part = text(_t(part, "verwijzingNaam"))
                pv = Identifier.parse(IdentifierKind.PV, str(text(pk)))
                b.documents.append(
                    Document(
                        organisation=b.organisation,
                        medium=b.medium,
                        key=pv.value if pv.valid else str(text(pk)),
                        type=DocumentType.parse(naam_part),
                        title=naam_part,
                        identifiers=(pv,) if pv.valid else (),
                        source_location=f"{where}/bevatOnderdeel[{j}] ({text(pb) or 'onbekend'})",
                    )
                )

    def _bestand(self, b: RecordBuilder, bestand: Any, where: str) -> None:
        own = self._ident(b, bestand, where)
        rep = bestand.find(f"{_N}isRepresentatieVan/{_N}verwijzingIdentificatie")
        key = text(_t(rep, "identificatieKenmerk")) or own
        if rep is not None and text(_t(rep, "identificatieKenmerk")):
            _add_kenmerk(
                b, str(key), text(_t(rep, "identificatieBron")) or "onbekend", f"{where}/isRepresentatieVan"
            )
        checksum = bestand.find(f"{_N}checksum")
        algo = (
            text(_t(checksum.find(f"{_N}checksumAlgoritme"), "begripLabel")) if checksum is not None else None
        ) or ""
        value = text(_t(checksum, "checksumWaarde")) if checksum is not None else None
        omvang = text(_t(bestand, "omvang"))
        if omvang and not omvang.isdigit():
            b.warnings.append(f"{where}/omvang: {omvang!r} is not a size in bytes")
        algo = checksum_algorithm(algo)  # SHA-256, SHA256, sha256: one algorithm
        b.documents.append(
            Document(
                organisation=b.organisation,
                medium=b.medium,
                key=str(key),
                title=text(_t(bestand, "naam")),
                sha256=value.lower() if value and algo == "sha256" else None,
                integriteit=f"{algo}:{value}" if algo and value else None,
                source_location=text(_t(bestand, "URLBestand")) or where,
            )
        )


def _medium(item: Any) -> Medium:
    """A bestand is digital; an informatieobject is paper when it can only be consulted physically."""
    if item.tag == f"{_N}bestand":
        return Medium.DIGITAL
    online = item.find(f"{_N}raadpleeglocatie/{_N}raadpleeglocatieOnline")
    physical = item.find(f"{_N}raadpleeglocatie/{_N}raadpleeglocatieFysiek")
    return Medium.PAPER if physical is not None and online is None else Medium.DIGITAL


def _t(el: Any, name: str) -> str | None:
    if el is None:
        return None
    found = el.find(f"{_N}{name}")
    return found.text if found is not None else None


def _add_kenmerk(b: RecordBuilder, kenmerk: str, bron: str, where: str) -> None:
    for kind in (IdentifierKind.PARKETNUMMER, IdentifierKind.PV, IdentifierKind.ECLI):
        try:
            normalise(kind, kenmerk)
        except IdentifierError:
            continue
        b.identifier(kind, kenmerk, where)
        return
    b.identifier(IdentifierKind.EXTERN, f"mdto:{bron}/{kenmerk}", where)


MAX_SCHEMA_PROBLEMS = 20


@functools.lru_cache(maxsize=4)
def _schema(xsd: Path) -> Any:
    import xmlschema

    return xmlschema.XMLSchema(str(xsd), defuse="always", allow="local")


def schema_problems(path: Path, xsd: Path) -> list[str]:
    """The MDTO file's violations of ``xsd`` as warnings ``schema: <element path>: <reason>``.

    Without the ``xmlschema`` package, one warning that says how to get it; an unreadable XSD is
    an error naming it (a configuration mistake, not a problem of the file).
    """
    try:
        import xmlschema
    except ImportError:
        return ["schema: not validated against the MDTO XSD: install dossierlink[mdto] (xmlschema)"]
    try:
        schema = _schema(xsd.resolve())
    except (OSError, xmlschema.XMLSchemaException) as exc:
        raise AdapterError(path, f"the MDTO XSD {xsd} cannot be used: {exc}") from None
    out: list[str] = []
    resource = xmlschema.XMLResource(str(path), defuse="always", allow="local")
    for err in schema.iter_errors(resource):
        if len(out) == MAX_SCHEMA_PROBLEMS:
            out.append(f"schema: more than {MAX_SCHEMA_PROBLEMS} violations; the rest left out")
            break
        where = (err.path or "/").replace(f"{{{MDTO_NS}}}", "")
        reason = " ".join(str(err.reason or err.message).split())
        out.append(f"schema: {where}: {reason}")
    return out
