"""Scanned paper processtukken (PDF): one document per file, or a whole dossier batch with a voorblad.

Options (``Hints.options``): ``folder_pattern`` (default ``{organisation}/{parketnummer}``),
``ocr`` (run OCRmyPDF on scans without text, when installed), ``pdf_timeout_s``,
``pdf_memory_mb``, ``isolate`` (default True: pypdf runs in a killable worker),
``min_chars_per_page`` (default 25: below this a scan has no usable text), ``barcodes``
(default True: read barcodes from the page images when zxing-cpp is installed, so that
dossierlink cover sheets split a batch and file each part under its case).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import attrs

from dossierlink.identifiers import IdentifierKind, PvNumberError, parse_pv_number
from dossierlink.ingest import Adapter, AdapterError, Hints, open_binary
from dossierlink.paper.folders import folder_hints
from dossierlink.paper.isolate import read_pdf_isolated
from dossierlink.paper.ocr import ocr_available, run_ocr
from dossierlink.paper.reader import PdfLimits, PdfSummary, read_pdf
from dossierlink.paper.split import (
    BatchPart,
    PaperDocument,
    find_cover_sheets,
    identifiers_in_barcodes,
    split_batch,
    split_pages,
)
from dossierlink.schema import Document, Identifier, Medium, Provenance, Record

__all__ = ["ScanAdapter"]

log = logging.getLogger(__name__)

MIN_CHARS_PER_PAGE = 25


def _read(path: Path, hints: Hints, *, barcodes: bool = True) -> PdfSummary:
    options = hints.options
    default = PdfLimits()
    limits = PdfLimits(
        timeout_s=float(options.get("pdf_timeout_s", default.timeout_s)),
        memory_mb=int(options.get("pdf_memory_mb", default.memory_mb)),
    )
    barcodes = barcodes and bool(options.get("barcodes", True))
    if options.get("isolate", True):
        return read_pdf_isolated(path, limits=limits, barcodes=barcodes)
    return read_pdf(path, limits=limits, barcodes=barcodes)


def _key_from_name(path: Path) -> str | None:
    """A PV number in the file name (PL13B2_2023078910-2.pdf), the only clue an image-only scan has."""
    stem = re.sub(r"[_]+", " ", path.stem).strip()
    try:
        return parse_pv_number(stem).normalised
    except PvNumberError:
        return None


def _naive(when: dt.datetime | None) -> dt.datetime | None:
    """Local wall-clock time without tzinfo, as the other adapters give dates."""
    return when.replace(tzinfo=None) if when is not None and when.tzinfo is not None else when


class ScanAdapter(Adapter):
    """A scanned PDF becomes a paper Record with one Document per document found in it."""

    name: ClassVar[str] = "scan"
    organisation: ClassVar[str | None] = None
    medium: ClassVar[Medium | None] = Medium.PAPER
    formats: ClassVar[tuple[str, ...]] = ("pdf",)
    description: ClassVar[str] = (
        "Scanned paper processtukken (PDF, text layer from the scanner's OCR): one document per "
        "file or a dossier batch with voorblad; organisation and parketnummer also from the folders."
    )

    def identify(self, path: Path) -> bool:
        try:
            if Path(path).suffix.lower() != ".pdf":
                return False
            with open_binary(Path(path)) as fh:
                return b"%PDF-" in fh.read(1024)
        except Exception:
            return False

    def why(self, path: Path) -> str:
        return "the file is a PDF (by its %PDF- header); the scan adapter reads its text layer as a paper record."

    def extract(self, path: Path, hints: Hints) -> Iterator[Record]:
        path = Path(path)
        folder = folder_hints(path, hints)
        organisation = hints.organisation or folder.organisation
        if not organisation:
            raise AdapterError(
                path,
                "cannot tell which organisation holds this paper file: pass --organisation, or put the "
                "scan under {organisation}/{parketnummer}/ (see the folder_pattern option)",
            )
        summary = _read(path, hints)
        sha = hints.sha256 or summary.sha256
        provenance = Provenance(str(path), sha, self.name, None)
        warnings = list(summary.warnings) + list(folder.problems)
        folder_ids = (
            [Identifier.parse(IdentifierKind.PARKETNUMMER, folder.parketnummer)]
            if folder.parketnummer
            else []
        )
        min_chars = int(hints.options.get("min_chars_per_page", MIN_CHARS_PER_PAGE))
        texts = summary.page_texts
        no_text = False
        if summary.text_chars < min_chars * max(1, summary.page_count):
            ocr_texts, note = self._ocr(path, hints)
            warnings.append(note)
            if ocr_texts is None:
                no_text = True
            else:
                texts = ocr_texts
        covers, notes = find_cover_sheets(texts, summary.page_barcodes)
        warnings.extend(notes)
        if covers:
            parts, part_notes = split_batch(summary.page_count, covers)
            warnings.extend(part_notes)
            for part in parts:
                yield self._part(
                    path, organisation, provenance, summary, texts, part, folder_ids, warnings, no_text
                )
            return
        if no_text:
            yield self._unreadable(path, organisation, provenance, summary, folder_ids, warnings)
            return
        yield self._record(path, organisation, provenance, summary, texts, folder_ids, warnings)

    def _part(
        self,
        path: Path,
        organisation: str,
        provenance: Provenance,
        summary: PdfSummary,
        texts: tuple[str, ...],
        part: BatchPart,
        folder_ids: list[Identifier],
        file_warnings: list[str],
        no_text: bool,
    ) -> Record:
        """One part of a batch scan as its own Record: the cover sheet's case, its pages' documents."""
        first, last = part.pages[0], part.pages[-1]
        where = f"page {first}" if first == last else f"pages {first}-{last}"
        provenance = Provenance(provenance.path, provenance.sha256, provenance.adapter, where)
        sheet = part.sheet
        warnings = list(file_warnings)
        if sheet is None:  # the pages before the first cover sheet: as any scan
            part_texts = tuple(texts[n - 1] for n in part.pages)
            record = self._record(
                path, organisation, provenance, summary, part_texts, folder_ids, warnings, first_page=first
            )
            return attrs.evolve(record, provenance=provenance)
        part_texts = tuple(texts[n - 1] for n in part.pages)
        own = sheet.identifier
        known = [own.value] if own.kind is IdentifierKind.PARKETNUMMER else []
        layout = split_pages(part_texts, known, first_page=first, one_document=sheet.document is not None)
        warnings.extend(layout.corrections)
        identifiers: dict[str, Identifier] = {own.key: own}
        conflicts = [
            p for p in layout.parketnummers if own.kind is IdentifierKind.PARKETNUMMER and p != own.value
        ]
        if own.kind is not IdentifierKind.PARKETNUMMER:
            for parket in layout.parketnummers:
                ident = Identifier.parse(IdentifierKind.PARKETNUMMER, parket)
                identifiers.setdefault(ident.key, ident)
        if folder_ids and own.kind is IdentifierKind.PARKETNUMMER and folder_ids[0].value != own.value:
            warnings.append(
                f"{where}: the folder says parketnummer {folder_ids[0].value}, the cover sheet on page "
                f"{part.cover_page} says {own.value}; filed under the cover sheet's"
            )
        documents: list[Document] = []
        for doc in layout.documents:
            document = self._document(path, organisation, provenance, summary, doc, warnings, False)
            doc_ids = [
                i
                for i in document.identifiers
                if not (i.kind is IdentifierKind.PARKETNUMMER and i.value in conflicts)
            ]
            if own.kind is IdentifierKind.PARKETNUMMER and own not in doc_ids:
                doc_ids.append(own)
            for parket in (p for p in conflicts if p in doc.parketnummers):
                # The stuk's own text names another case than its cover sheet: kept as data the
                # identifier_conflict rule reports (an identifier that is not valid for this stuk).
                doc_ids.append(
                    Identifier(
                        IdentifierKind.PARKETNUMMER,
                        parket,
                        parket,
                        valid=False,
                        problem=f"the cover sheet (page {part.cover_page}) files this stuk under {own.value}",
                    )
                )
                warnings.append(
                    f"{doc.locator}: the cover sheet on page {part.cover_page} says parketnummer {own.value}, "
                    f"the stuk's own text says {parket}; filed under the cover sheet's (identifier_conflict)"
                )
            key = document.key
            if sheet.document:
                key = sheet.document
            elif document.key.startswith("scan:") and own.kind is IdentifierKind.PV:
                key = own.value
            document = attrs.evolve(
                document,
                key=key,
                identifiers=tuple(doc_ids),
                source_location=f"{path}, {doc.locator} (cover sheet page {part.cover_page}: {sheet.label})",
            )
            documents.append(document)
            for ident in document.identifiers:
                if ident.valid and ident.kind is IdentifierKind.PV:
                    identifiers.setdefault(ident.key, ident)
        chars = sum(len(t.strip()) for t in part_texts)
        unreadable = None
        if no_text:
            unreadable = (
                f"no text layer ({len(part.pages)} pages, {chars} characters of text); filed under "
                f"{sheet.label} by its cover sheet (page {part.cover_page})"
            )
        return Record(
            organisation=organisation,
            medium=Medium.PAPER,
            provenance=provenance,
            identifiers=tuple(identifiers.values()),
            documents=documents,
            warnings=warnings,
            unreadable=unreadable,
        )

    def _ocr(self, path: Path, hints: Hints) -> tuple[tuple[str, ...] | None, str]:
        if not hints.options.get("ocr"):
            return None, "the scan has no usable text layer and OCR is off (option ocr)"
        if not ocr_available():
            return None, "the scan has no usable text layer and OCRmyPDF is not installed"
        with tempfile.TemporaryDirectory(prefix="dossierlink-ocr-") as tmp:
            out = Path(tmp) / "ocr.pdf"
            timeout = float(hints.options.get("ocr_timeout_s", 600))
            outcome = run_ocr(path, out, timeout_s=timeout)
            if not outcome.done or outcome.output is None:
                return None, f"the scan has no usable text layer; {outcome.reason}"
            ocrd = _read(outcome.output, hints, barcodes=False)  # the original's pixels were read
            return ocrd.page_texts, "the text layer was made by OCRmyPDF (the file had none)"

    def _unreadable(
        self,
        path: Path,
        organisation: str,
        provenance: Provenance,
        summary: PdfSummary,
        folder_ids: list[Identifier],
        warnings: list[str],
    ) -> Record:
        documents: list[Document] = []
        identifiers = list(folder_ids)
        key = _key_from_name(path)
        origin = "key from the file name"
        if key is None:
            codes = [c for page in summary.page_barcodes for c in page]
            key = next((v for kind, v in identifiers_in_barcodes(codes) if kind == "pv"), None)
            origin = "key from a barcode on the stuk"
        if key:
            pv = Identifier.parse(IdentifierKind.PV, key)
            identifiers.append(pv)
            documents.append(
                Document(
                    organisation=organisation,
                    medium=Medium.PAPER,
                    key=key,
                    page_count=summary.page_count,
                    sha256=provenance.sha256,
                    source_location=f"{path} ({origin})",
                    modified=_naive(summary.created),
                    page_labels=(None,) * summary.page_count,
                    identifiers=(pv, *folder_ids),
                    integriteit=f"sha256:{provenance.sha256}",
                    ondertekening="analoog",
                    text_chars=summary.text_chars,
                )
            )
        return Record(
            organisation=organisation,
            medium=Medium.PAPER,
            provenance=provenance,
            identifiers=identifiers,
            documents=documents,
            warnings=warnings,
            unreadable=f"no text layer ({summary.page_count} pages, {summary.text_chars} characters of text)",
        )

    def _record(
        self,
        path: Path,
        organisation: str,
        provenance: Provenance,
        summary: PdfSummary,
        texts: tuple[str, ...],
        folder_ids: list[Identifier],
        warnings: list[str],
        *,
        first_page: int = 1,
    ) -> Record:
        layout = split_pages(texts, [i.value for i in folder_ids], summary=summary, first_page=first_page)
        warnings.extend(layout.corrections)
        identifiers: dict[str, Identifier] = {i.key: i for i in folder_ids}
        for parket in layout.parketnummers:
            ident = Identifier.parse(IdentifierKind.PARKETNUMMER, parket)
            identifiers.setdefault(ident.key, ident)
        documents: list[Document] = []
        single = len(layout.documents) == 1 and first_page == 1 and len(texts) == summary.page_count
        for doc in layout.documents:
            document = self._document(path, organisation, provenance, summary, doc, warnings, single)
            documents.append(document)
            for ident in document.identifiers:
                identifiers.setdefault(ident.key, ident)
        if folder_ids and layout.parketnummers and folder_ids[0].value not in layout.parketnummers:
            warnings.append(
                f"the folder says parketnummer {folder_ids[0].value}, the scan says "
                f"{', '.join(layout.parketnummers)}"
            )
        unreadable = None
        if not any(i.kind in (IdentifierKind.PARKETNUMMER, IdentifierKind.PV) for i in identifiers.values()):
            unreadable = (
                "cannot be tied to a dossier: no parketnummer or PV number on the pages or in the folders"
            )
        return Record(
            organisation=organisation,
            medium=Medium.PAPER,
            provenance=provenance,
            identifiers=tuple(identifiers.values()),
            documents=documents,
            warnings=warnings,
            unreadable=unreadable,
        )

    def _document(
        self,
        path: Path,
        organisation: str,
        provenance: Provenance,
        summary: PdfSummary,
        doc: PaperDocument,
        warnings: list[str],
        single: bool,
    ) -> Document:
        idents: list[Identifier] = []
        pv = doc.pv
        if pv is not None:
            idents.append(Identifier(IdentifierKind.PV, pv.normalised, pv.normalised))
            if pv.corrections:
                warnings.append(
                    f"{doc.locator}: PV number read through OCR errors as {pv.normalised} "
                    f"({', '.join(pv.corrections)})"
                )
        idents.extend(Identifier.parse(IdentifierKind.PARKETNUMMER, p) for p in doc.parketnummers)
        codes = [
            c for n in doc.pages if n - 1 < len(summary.page_barcodes) for c in summary.page_barcodes[n - 1]
        ]
        from_codes = [Identifier.parse(kind, value) for kind, value in identifiers_in_barcodes(codes)]
        for ident in from_codes:
            if ident.valid and ident not in idents:
                idents.append(ident)
        coded_pv = next((i.value for i in from_codes if i.valid and i.kind is IdentifierKind.PV), None)
        if pv is not None:
            key = pv.normalised
        elif coded_pv is not None:
            key = coded_pv
            warnings.append(f"{doc.locator}: key {key} read from a barcode on the stuk")
        elif doc.document_number:
            key = doc.document_number
        else:
            key = f"scan:{provenance.sha256[:16]}:p{doc.pages[0]}"
            warnings.append(f"{doc.locator}: no PV or document number found; key {key} was derived")
        if doc.missing_pages:
            warnings.append(
                f"{doc.locator} ({key}): the page labels show missing pages "
                f"{', '.join(map(str, doc.missing_pages))} of {max(lab[1] for lab in doc.page_labels if lab)}"
            )
        modified = doc.printed or _naive(summary.created)
        return Document(
            organisation=organisation,
            medium=Medium.PAPER,
            key=key,
            type=doc.type,
            title=doc.title,
            date=doc.date,
            page_count=doc.page_count,
            # A batch's documents share one file: its hash identifies none of them alone.
            sha256=provenance.sha256 if single else None,
            fingerprint=doc.fingerprint,
            source_location=f"{path}, {doc.locator}",
            modified=modified,
            page_labels=doc.page_labels,
            identifiers=idents,
            integriteit=f"sha256:{provenance.sha256}",
            ondertekening="analoog",
            text_chars=doc.text_chars,
        )
