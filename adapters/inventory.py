"""The registry's inhoudsopgave as CSV: an append-only log of documents added to and removed from a paper dossier.

Per the Besluit processtukken in strafzaken the paper dossier's contents list is kept as a log:
each line says when which document was added (``toegevoegd``) or removed (``verwijderd``) and by
whom. One Record per parketnummer: its ``inventory`` is the whole log, its ``documents`` the
current contents (added minus removed, replayed in time order). See docs/formats/inventory.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from dossierlink.identifiers import IdentifierKind, PvNumberError, parse_pv_number
from dossierlink.ingest import (
    Adapter,
    AdapterError,
    Hints,
    decode_text,
    open_binary,
    read_limited,
    sha256_file,
)
from dossierlink.paper.folders import folder_hints
from dossierlink.schema import (
    Document,
    DocumentType,
    Identifier,
    InventoryAction,
    InventoryEntry,
    Medium,
    Provenance,
    Record,
)

__all__ = ["InventoryCsvAdapter", "compare_key"]

MAX_BYTES = 50 * 1024 * 1024

# Accepted column names (lower-case, spaces/underscores/quotes folded) per field.
COLUMNS: dict[str, tuple[str, ...]] = {
    "datum": ("datum", "datum/tijd", "datumtijd", "tijdstip", "timestamp", "datum mutatie", "mutatiedatum"),
    "tijd": ("tijd",),
    "actie": ("actie", "mutatie", "handeling", "action"),
    "document": (
        "documentnummer",
        "document",
        "pv-nummer",
        "pvnummer",
        "pv",
        "proces-verbaalnummer",
        "kenmerk",
        "documentkenmerk",
    ),
    "soort": ("soort", "documentsoort", "type", "soort stuk"),
    "titel": ("titel", "omschrijving", "naam"),
    "paginas": ("pagina's", "paginas", "aantal pagina's", "aantal paginas", "pages"),
    "dossierpaginas": ("dossierpagina's", "dossierpaginas", "dossierpagina", "dossier pages"),
    "medewerker": ("medewerker", "door", "gebruiker", "griffiemedewerker", "by"),
    "parketnummer": ("parketnummer", "parketnr", "zaaknummer"),
    "organisatie": ("organisatie", "organisation"),
}
_ADDED = {"toegevoegd", "toevoegen", "added", "add", "+", "nieuw", "ingevoegd"}
_REMOVED = {"verwijderd", "verwijderen", "removed", "remove", "-", "onttrokken", "uitgenomen"}
_HEADER_LINE_RE = re.compile(
    r"^\s*#?\s*(parketnummer|organisatie|organisation)\s*[:;,=]\s*(.+?)\s*[;,]*\s*$", re.I
)
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d/%m/%Y",
)


def _fold(name: str) -> str:
    return " ".join(name.strip().strip("\ufeff").lower().replace("_", " ").replace("’", "'").split())


def _parse_datetime(raw: str) -> dt.datetime | None:
    text = " ".join(raw.split())
    for fmt in _DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def compare_key(key: str) -> str:
    """A document key as reconcile compares it (``reconcile.keys.normalise_document_key``, without
    its ``pv:``/``nr:`` prefix): a PV number, also OCR-misread, normalised; else upper-cased."""
    text = " ".join(key.split())
    try:
        return parse_pv_number(text, ocr=True).normalised
    except PvNumberError:
        return text.upper()


def _document_key(raw: str) -> tuple[str, Identifier | None]:
    text = " ".join(raw.split())
    try:
        pv = parse_pv_number(text).normalised
        return pv, Identifier(IdentifierKind.PV, pv, text)
    except PvNumberError:
        return text, None


def _preamble_value(name: str, value: str) -> bool:
    """True when a "name: value" line above the columns names the dossier (not a column header)."""
    value = value.strip().strip('"')
    if name.lower() == "parketnummer":
        return Identifier.parse(IdentifierKind.PARKETNUMMER, value).valid
    return re.fullmatch(r"[a-z][a-z0-9_\-]{1,39}", value.lower()) is not None


class InventoryCsvAdapter(Adapter):
    """The paper dossier's contents log (CSV) as a paper Record with inventory and current contents."""

    name: ClassVar[str] = "inventory"
    organisation: ClassVar[str | None] = None
    medium: ClassVar[Medium | None] = Medium.PAPER
    formats: ClassVar[tuple[str, ...]] = ("csv",)
    description: ClassVar[str] = (
        "The registry's inhoudsopgave of a paper dossier as CSV: an append-only log of documents "
        "added (toegevoegd) and removed (verwijderd), with times, per the Besluit processtukken."
    )

    def identify(self, path: Path) -> bool:
        try:
            if Path(path).suffix.lower() not in (".csv", ".txt"):
                return False
            with open_binary(Path(path)) as fh:
                head = fh.read(4096).decode("utf-8", "replace").lower()
        except Exception:
            return False
        if "inhoudsopgave" in head:
            return True
        return "actie" in head and ("toegevoegd" in head or "verwijderd" in head)

    def why(self, path: Path) -> str:
        return "the CSV is an inhoudsopgave log (an 'actie' column with toegevoegd/verwijderd)."

    def extract(self, path: Path, hints: Hints) -> Iterator[Record]:
        path = Path(path)
        # The same reading as every CSV export: size limit, NUL bytes refused, UTF-8 then cp1252.
        text = decode_text(read_limited(path, MAX_BYTES), path)
        lines = text.splitlines()
        preamble: dict[str, str] = {}
        start = 0
        # Lines before the column header may name the dossier: "Parketnummer: 13/123456-23".
        while start < len(lines) and start < 20:
            m = _HEADER_LINE_RE.match(lines[start])
            if m and _preamble_value(m[1], m[2]):
                preamble[m[1].lower().replace("organisation", "organisatie")] = m[2].strip().strip('"')
                start += 1
            elif (
                not lines[start].strip()
                or lines[start].lstrip().startswith("#")
                or ("inhoudsopgave" in lines[start].lower() and "actie" not in lines[start].lower())
            ):
                start += 1
            else:
                break
        body = "\n".join(lines[start:])
        if not body.strip():
            raise AdapterError(path, "the inventory has no column header and no lines", f"line {start + 1}")
        try:
            dialect = csv.Sniffer().sniff(body.splitlines()[0], delimiters=";,\t|")
            delimiter = dialect.delimiter
        except csv.Error:
            delimiter = ";"
        reader = csv.reader(io.StringIO(body), delimiter=delimiter)
        header = next(reader, [])
        index: dict[str, int] = {}
        for i, name in enumerate(header):
            folded = _fold(name)
            for field, aliases in COLUMNS.items():
                if folded in aliases and field not in index:
                    index[field] = i
        missing = [f for f in ("datum", "actie", "document") if f not in index]
        if missing:
            raise AdapterError(
                path,
                f"the inventory lacks the column(s) {', '.join(missing)}; found {', '.join(header) or 'none'}. "
                "Expected at least datum, actie and documentnummer (see docs/formats/inventory.md)",
                f"line {start + 1}",
            )
        folder = folder_hints(path, hints)
        organisation = hints.organisation or preamble.get("organisatie") or folder.organisation
        if not organisation:
            raise AdapterError(
                path,
                "cannot tell whose paper dossier this is: pass --organisation, add a line "
                "'Organisatie: rechtspraak' above the columns, or use the {organisation}/{parketnummer}/ folders",
            )
        default_parket = preamble.get("parketnummer") or folder.parketnummer
        groups: dict[str, list[tuple[int, InventoryEntry, Identifier | None]]] = {}
        warnings: dict[str, list[str]] = {}

        def cell(row: list[str], field: str) -> str:
            i = index.get(field)
            return row[i].strip() if i is not None and i < len(row) else ""

        cut_off = not text.endswith(("\n", "\r"))
        for line_no, row in enumerate(reader, start=start + 2):
            if not any(c.strip() for c in row):
                continue
            if len(row) < len(header) and cut_off and reader.line_num >= len(lines) - start:
                raise AdapterError(
                    path,
                    f"the last line has {len(row)} of {len(header)} fields and no line end: "
                    "the file is truncated (cut off); export it again",
                    f"line {line_no}",
                )
            parket_raw = cell(row, "parketnummer") or default_parket or ""
            parket = Identifier.parse(IdentifierKind.PARKETNUMMER, parket_raw) if parket_raw else None
            group = parket.value if parket else ""
            notes = warnings.setdefault(group, [])
            when_raw = cell(row, "datum") + (" " + cell(row, "tijd") if "tijd" in index else "")
            when = _parse_datetime(when_raw)
            action_raw = cell(row, "actie").lower()
            action = (
                InventoryAction.ADDED
                if action_raw in _ADDED
                else InventoryAction.REMOVED
                if action_raw in _REMOVED
                else None
            )
            doc_raw = cell(row, "document")
            problems = []
            if when is None:
                problems.append(f"date/time {when_raw.strip()!r} is not a date (use 2023-05-22 14:05)")
            if action is None:
                problems.append(f"actie {action_raw!r} is neither toegevoegd nor verwijderd")
            if not doc_raw:
                problems.append("no documentnummer")
            if problems:
                notes.append(f"line {line_no}: skipped: {'; '.join(problems)}")
                continue
            assert when is not None and action is not None
            key, pv = _document_key(doc_raw)
            pages_raw = cell(row, "paginas")
            pages = int(pages_raw) if pages_raw.isdigit() else None
            if pages_raw and pages is None:
                notes.append(f"line {line_no}: pagina's {pages_raw!r} is not a number")
            entry = InventoryEntry(
                action=action,
                at=when,
                document_key=key,
                type=DocumentType.parse(cell(row, "soort") or cell(row, "titel")),
                title=cell(row, "titel") or None,
                page_count=pages,
                dossier_pages=cell(row, "dossierpaginas") or None,
                by=cell(row, "medewerker") or None,
            )
            groups.setdefault(group, []).append((line_no, entry, pv))
            if parket is not None and not parket.valid:
                notes.append(f"line {line_no}: {parket.problem}")
        if not groups:
            raise AdapterError(path, "the inventory holds no usable lines", f"line {start + 2}")
        for group, items in groups.items():
            yield self._record(path, hints, organisation, group, items, warnings.get(group, []))

    def _record(
        self,
        path: Path,
        hints: Hints,
        organisation: str,
        parketnummer: str,
        items: list[tuple[int, InventoryEntry, Identifier | None]],
        warnings: list[str],
    ) -> Record:
        sha = hints.sha256 or sha256_file(path)
        lines = [n for n, _, _ in items]
        provenance = Provenance(str(path), sha, self.name, f"lines {min(lines)}-{max(lines)}")
        # Replay the log in time order (file order breaks ties): added pushes, removed pops.
        current: dict[str, list[tuple[int, InventoryEntry]]] = {}
        for line_no, entry, _ in sorted(items, key=lambda t: (t[1].at, t[0])):
            # Keyed as reconcile compares document numbers (upper-cased, docs/reconcile.md): a
            # removal of "OM-DGV-1" takes out the "om-dgv-1" added before.
            stack = current.setdefault(compare_key(entry.document_key), [])
            if entry.action is InventoryAction.ADDED:
                stack.append((line_no, entry))
            elif stack:
                stack.pop()
            else:
                warnings.append(
                    f"line {line_no}: {entry.document_key} is removed but was never added (or already removed)"
                )
        pv_ids = {compare_key(e.document_key): pv for _, e, pv in items if pv is not None}
        identifiers: list[Identifier] = []
        if parketnummer:
            identifiers.append(Identifier.parse(IdentifierKind.PARKETNUMMER, parketnummer))
        documents: list[Document] = []
        for key, stack in current.items():
            for line_no, entry in stack:
                ids = [pv_ids[key]] if key in pv_ids else []
                documents.append(
                    Document(
                        organisation=organisation,
                        medium=Medium.PAPER,
                        key=entry.document_key,
                        type=entry.type,
                        title=entry.title,
                        page_count=entry.page_count,
                        source_location=f"{path}, line {line_no}",
                        modified=entry.at,
                        identifiers=(*ids, *identifiers[:1]),
                        ondertekening="analoog",
                    )
                )
        # Only documents in the dossier now link it: a removed one may have been misfiled.
        for doc in documents:
            for ident in doc.identifiers:
                if ident.kind is IdentifierKind.PV and ident not in identifiers:
                    identifiers.append(ident)
        if not parketnummer:
            warnings.append(
                "no parketnummer in a column, a header line or the folder: linked by PV numbers only"
            )
        return Record(
            organisation=organisation,
            medium=Medium.PAPER,
            provenance=provenance,
            identifiers=identifiers,
            documents=documents,
            inventory=[e for _, e, _ in items],
            warnings=warnings,
        )
