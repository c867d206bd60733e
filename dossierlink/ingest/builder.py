"""The public record builder: assemble Records from a source's entries, and own the extract loop.

An adapter author declares how to read the file (a reader base from
:mod:`dossierlink.ingest.readers`) and writes one hook, :meth:`RecordAdapter.add`, that turns one
entry (a CSV row, a JSON object, an XML element) into identifiers, documents, persons and events
on a :class:`RecordBuilder`. The loop is the base class's, as in beangulp's ``csvbase``::

    class Registraties(CsvAdapter, RecordAdapter[CsvRow]):
        name = "voorbeeld"
        organisation = "politie"
        medium = Medium.DIGITAL
        pv = Text("PV-nummer")
        datum = Date("Datum")

        def add(self, b: RecordBuilder, row: CsvRow, where: str) -> None:
            b.identifier(IdentifierKind.PV, row["pv"], where)

One Record per entry by default; :meth:`RecordAdapter.group` puts entries of one dossier
together, :meth:`RecordAdapter.start` and :meth:`RecordAdapter.finish` run around a group.
The helpers (:func:`text`, :func:`opt_date`, :func:`doc_type`, :func:`person`,
:func:`attach_file`, :func:`with_file`) keep what is wrong in a value as a warning on the
record instead of refusing the file.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

import attrs

from dossierlink.identifiers import IdentifierKind, mask_bsn
from dossierlink.ingest.adapter import Adapter, AdapterError, Hints
from dossierlink.ingest.readers import DocumentFile, parse_date, read_document_file, resolve_reference
from dossierlink.schema import (
    Document,
    DocumentType,
    Event,
    Identifier,
    Medium,
    Person,
    Provenance,
    Record,
    Role,
    check_organisation,
)

__all__ = [
    "Entry",
    "RecordAdapter",
    "RecordBuilder",
    "attach_file",
    "doc_type",
    "opt_date",
    "person",
    "text",
    "with_file",
]

E = TypeVar("E")

Entry = tuple[str, E]
"""One entry of a source and where it is: ``("line 4", row)``, ``("/zaken[2]", obj)``."""


# --- values ------------------------------------------------------------------------------------


def text(value: Any) -> str | None:
    """A stripped string, or None for missing/empty values."""
    if value is None:
        return None
    s = " ".join(str(value).split())
    return s or None


def opt_date(value: Any, where: str, warnings: list[str], what: str = "date") -> dt.date | None:
    """A date from an ISO or dd-mm-jjjj string; a bad one becomes a warning and None."""
    raw = text(value)
    if raw is None:
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        warnings.append(f"{where}: {what} {exc}; left empty")
        return None


def doc_type(raw: Any, where: str, warnings: list[str]) -> DocumentType:
    """Map a free-text type; an unknown one becomes ``overig`` with a warning."""
    value = text(raw)
    parsed = DocumentType.parse(value)
    if parsed is DocumentType.OVERIG and value and value.lower() not in ("overig", "overige", "other"):
        warnings.append(f"{where}: document type {value!r} is not in the vocabulary; recorded as 'overig'")
    return parsed


def person(
    role: Role | str,
    *,
    voornamen: Any = None,
    tussenvoegsel: Any = None,
    achternaam: Any = None,
    geboortedatum: Any = None,
    bsn: Any = None,
    skn: Any = None,
    where: str,
    warnings: list[str],
) -> Person | None:
    """A Person, or None when nothing identifies one; invalid BSN/SKN are kept with a (masked) warning."""
    bsn_raw, skn_raw = text(bsn), text(skn)
    if bsn_raw:
        ident = Identifier.parse(IdentifierKind.BSN, bsn_raw)
        if not ident.valid:
            warnings.append(
                f"{where}: BSN {mask_bsn(bsn_raw)} is not valid ({ident.problem}); kept as recorded"
            )
        bsn_raw = ident.value
    if skn_raw:
        ident = Identifier.parse(IdentifierKind.SKN, skn_raw)
        if not ident.valid:
            warnings.append(f"{where}: SKN {skn_raw!r} is not valid; kept as recorded")
        skn_raw = ident.value
    born = (
        geboortedatum
        if isinstance(geboortedatum, dt.date)
        else opt_date(geboortedatum, where, warnings, "geboortedatum")
    )
    p = Person(
        role=Role(role),
        voornamen=text(voornamen),
        tussenvoegsel=text(tussenvoegsel),
        achternaam=text(achternaam),
        geboortedatum=born,
        skn=skn_raw,
        bsn=bsn_raw,
    )
    if not any((p.voornamen, p.achternaam, p.geboortedatum, p.skn, p.bsn)):
        return None
    return p


# --- document files an export refers to ------------------------------------------------------


def attach_file(export: Path, ref: Any, hints: Hints, where: str, warnings: list[str]) -> DocumentFile | None:
    """Read a document file the export refers to (relative to the export, inside the jail).

    ``hints.options["read_documents"] = False`` skips reading (the reference is still kept).
    The jail is ``hints.options["documents_root"]``, else ``hints.root``, else the export's folder.
    """
    raw = text(ref)
    if raw is None or not hints.options.get("read_documents", True):
        return None
    jail_opt = hints.options.get("documents_root")
    jail = Path(jail_opt) if jail_opt else hints.root
    found, problem = resolve_reference(export, raw, jail)
    if problem:
        warnings.append(f"{where}: {problem}")
    if found is None:
        return None
    summary, problem = read_document_file(found)
    if problem:
        warnings.append(f"{where}: {problem}")
    return summary


def with_file(doc: Document, found: DocumentFile | None, where: str, warnings: list[str]) -> Document:
    """The document with what its file says; a page count the export contradicts is warned about."""
    if found is None:
        return doc
    pages = doc.page_count
    if found.page_count is not None:
        if pages is not None and pages != found.page_count:
            warnings.append(
                f"{where}: the export says {pages} pages but {found.path.name} has {found.page_count}; "
                "the file's count is kept"
            )
        pages = found.page_count
    return attrs.evolve(
        doc,
        page_count=pages,
        sha256=found.sha256 or doc.sha256,
        fingerprint=found.fingerprint or doc.fingerprint,
        text_chars=found.text_chars,
        page_labels=found.page_labels,
        integriteit=doc.integriteit or (f"sha256:{found.sha256}" if found.sha256 else None),
    )


# --- one dossier from one source ---------------------------------------------------------------


class RecordBuilder:
    """Collects one dossier's parts from one source, de-duplicating identifiers, persons and events.

    ``organisation`` and ``medium`` are the adapter's; what the caller says in ``hints`` wins.
    ``locators`` gathers where the parts came from ("line 4", "/zaken[2]"): :meth:`build` joins
    them into the record's provenance ("lines 4-7") unless a locator is given.
    """

    def __init__(self, path: Path, hints: Hints, adapter: str, organisation: str, medium: Medium) -> None:
        self.path = path
        self.hints = hints
        self.adapter = adapter
        try:
            self.organisation = check_organisation(hints.organisation or organisation)
        except ValueError as exc:
            raise AdapterError(path, str(exc)) from None
        self.medium = Medium(hints.medium or medium)
        self.identifiers: list[Identifier] = []
        self.documents: list[Document] = []
        self.persons: list[Person] = []
        self.events: list[Event] = []
        self.warnings: list[str] = []
        self.locators: list[str] = []

    def identifier(self, kind: IdentifierKind | str, raw: Any, where: str) -> Identifier | None:
        """Add an identifier (once); an invalid one is kept as recorded with a warning, not used to link."""
        value = text(raw)
        if value is None:
            return None
        ident = Identifier.parse(kind, value)
        if not ident.valid:
            self.warnings.append(f"{where}: {ident.problem} Kept as recorded, not used to link.")
        if ident not in self.identifiers:
            self.identifiers.append(ident)
        return ident

    def add_person(self, p: Person | None) -> None:
        if p is not None and p not in self.persons:
            self.persons.append(p)

    def add_event(self, e: Event) -> None:
        if e not in self.events:
            self.events.append(e)

    def extend_warnings(self, items: Iterable[str]) -> None:
        for w in items:
            if w not in self.warnings:
                self.warnings.append(w)

    def build(self, locator: str | None = None) -> Record:
        return Record(
            organisation=self.organisation,
            medium=self.medium,
            provenance=Provenance(
                path=str(self.path),
                sha256=self.hints.sha256,
                adapter=self.adapter,
                locator=locator if locator is not None else join_locators(self.locators),
            ),
            identifiers=tuple(self.identifiers),
            documents=tuple(self.documents),
            persons=tuple(self.persons),
            events=tuple(self.events),
            warnings=tuple(self.warnings),
        )


def join_locators(locators: Sequence[str]) -> str | None:
    """One locator for many: ``line 4`` / ``lines 4-7`` / ``lines 4, 9``, else the first … the last."""
    if not locators:
        return None
    lines = [int(x[5:]) for x in locators if x.startswith("line ") and x[5:].isdigit()]
    if len(lines) == len(locators):
        lines = sorted(set(lines))
        lo, hi = lines[0], lines[-1]
        if lo == hi:
            return f"line {lo}"
        if hi - lo + 1 == len(lines):
            return f"lines {lo}-{hi}"
        return "lines " + ", ".join(str(n) for n in lines)
    return ", ".join(locators) if len(locators) <= 3 else f"{locators[0]} … {locators[-1]}"


# --- the extract loop --------------------------------------------------------------------------


class RecordAdapter(Adapter, Generic[E]):
    """An adapter whose ``extract`` is this loop: entries → groups → one builder per group → Records.

    Combine it with a reader base that yields the entries (``CsvAdapter``, ``JsonAdapter``,
    ``XmlAdapter`` in :mod:`dossierlink.ingest.readers`) or implement :meth:`entries` yourself.
    A subclass MUST implement :meth:`add`; it MAY override :meth:`group`, :meth:`builder`,
    :meth:`start` and :meth:`finish`. Errors a user must fix are raised as ``AdapterError``
    naming the place; what is merely odd in a value becomes a warning on the builder.
    """

    @abc.abstractmethod
    def entries(self, path: Path, hints: Hints) -> Iterator[Entry[E]]:
        """The source's entries with their locators, in file order."""

    def group(self, path: Path, entries: Iterator[Entry[E]]) -> Iterable[Sequence[Entry[E]]]:
        """The entries of one dossier together; by default every entry is its own dossier."""
        return ([entry] for entry in entries)

    def builder(self, path: Path, hints: Hints, group: Sequence[Entry[E]]) -> RecordBuilder:
        """A fresh builder for one group: the caller's organisation and medium, else the adapter's.

        An adapter without a medium is read as digital; one without an organisation needs the
        caller to name it (or overrides this method to find it in the entry).
        """
        organisation = hints.organisation or self.organisation
        if organisation is None:
            raise AdapterError(
                path,
                f"the {self.name} export does not say whose it is: pass the organisation (--organisation)",
            )
        return RecordBuilder(path, hints, self.name, organisation, self.medium or Medium.DIGITAL)

    def start(self, b: RecordBuilder, group: Sequence[Entry[E]]) -> None:
        """Called once per group before its entries (e.g. an identifier the whole group shares)."""

    @abc.abstractmethod
    def add(self, b: RecordBuilder, entry: E, where: str) -> None:
        """Put what one entry says on the builder: identifiers, documents, persons, events."""

    def finish(self, b: RecordBuilder, group: Sequence[Entry[E]]) -> None:
        """Called once per group after its entries (e.g. a status dated by the latest event)."""

    def extract(self, path: Path, hints: Hints) -> Iterator[Record]:
        for group in self.group(path, self.entries(path, hints)):
            b = self.builder(path, hints, group)
            self.start(b, group)
            for where, entry in group:
                b.locators.append(where)
                self.add(b, entry, where)
            self.finish(b, group)
            yield b.build()
