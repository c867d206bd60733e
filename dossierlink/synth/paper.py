"""Paper side of the synthetic chain: inventories (inhoudsopgave CSV), scans and digital PDF originals.

Scans are minimal text PDFs written by hand (one Helvetica font object, one content stream per
page): a few hundred bytes per page, thousands of pages per second, readable by pypdf. They
carry what a scan's text layer carries: the heading, the PV number, the parketnummer, the date
and "Pagina n van m" labels. An unreadable scan has pages with no text at all.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence

from dossierlink.synth.inventory import inventory_csv
from dossierlink.synth.model import Case, DocCopy, Holding, pdf_name
from dossierlink.synth.output import ChainFiles

__all__ = ["document_text", "minimal_pdf", "write_paper"]

_WORDS = (
    "verdachte", "verklaarde", "dat", "hij", "zij", "op", "de", "het", "een", "in", "te", "woning", "auto",
    "straat", "omstreeks", "uur", "aangever", "getuige", "politie", "ambtenaar", "zag", "hoorde", "later",
    "vervolgens", "waarna", "bij", "aanhouding", "fouillering", "goederen", "winkel", "fiets", "geld",
    "telefoon", "camerabeelden", "verhoor", "rechten", "cautie", "advocaat", "afstand", "verklaring",
    "slachtoffer", "letsel", "ziekenhuis", "buurtbewoner", "melding", "meldkamer", "noodhulp", "ter", "plaatse",
    "kenteken", "voertuig", "sleutel", "deur", "raam", "schade", "eigenaar", "toestemming", "weggenomen",
    "aangetroffen", "inbeslagname", "onderzoek", "sporen", "dactyloscopisch", "vergelijking", "resultaat",
)  # fmt: skip


# Share of the body lines a later version rewrites: an edited stuk keeps most of its text (a
# corrected PV, a dagvaarding with another tenlastelegging), so its fingerprint similarity to the
# first version lies near (1 - f) / (1 + f) = 0.67: clearly below the same-text bar (0.85) and
# above the bar under which matching calls two texts unrelated (0.5), so a scan of another
# version still joins its document when its number cannot be read.
EDITED_SHARE = 0.2


def document_text(doc: DocCopy, parketnummer: str | None) -> list[list[str]]:
    """The lines of each page of a document; the body depends on (key, version) only.

    Version 1's body comes from the key alone; a later version rewrites ``EDITED_SHARE`` of its
    body lines (chosen and written from the key and the version).
    """
    rng = random.Random(f"doc-text:{doc.key}:1")
    pages: list[list[str]] = []
    for n in range(1, doc.pages + 1):
        lines: list[str] = []
        if n == 1:
            lines.append(doc.type.upper())
            lines.append(doc.title)
            if doc.pv:
                lines.append(f"Proces-verbaalnummer: {doc.pv}")
            else:
                lines.append(f"Documentnummer: {doc.key}")
            if parketnummer:
                lines.append(f"Parketnummer: {parketnummer}")
            lines.append(f"Datum: {doc.date.day:02d}-{doc.date.month:02d}-{doc.date.year}")
            lines.append("")
        elif doc.pv:
            lines.append(f"Vervolg proces-verbaal {doc.pv}")
        for _ in range(18 if n > 1 else 12):
            lines.append(" ".join(rng.choice(_WORDS) for _ in range(11)))
        pages.append(lines)
    if doc.version > 1:
        edit = random.Random(f"doc-text:{doc.key}:{doc.version}")
        body = [
            (p, i) for p, lines in enumerate(pages) for i in range(len(lines) - (18 if p else 12), len(lines))
        ]
        for p, i in sorted(edit.sample(body, max(1, round(EDITED_SHARE * len(body))))):
            pages[p][i] = " ".join(edit.choice(_WORDS) for _ in range(11))
    return pages


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _pdf_date(moment: dt.datetime) -> bytes:
    return f"(D:{moment:%Y%m%d%H%M%S})".encode()


def minimal_pdf(
    pages: Sequence[Sequence[str] | None],
    *,
    title: str = "",
    created: dt.datetime | None = None,
    producer: str = "dossierlink samples generate",
) -> bytes:
    """A small valid PDF: one page per item, its lines in Helvetica; ``None`` is a page without text.

    Deterministic: no IDs, no clock; the dates are the ones given.
    """
    objects: list[bytes] = [b"", b""]  # 1 catalog, 2 pages: filled in below
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids: list[int] = []
    for lines in pages:
        if lines is None:
            # An image-only page as a scanner without OCR makes it: grey shapes, no text.
            content = b"0.6 g 60 80 475 680 re f 0.2 g 80 700 300 20 re f"
        else:
            parts = [b"BT /F1 10 Tf 13 TL 56 790 Td"]
            for line in lines:
                parts.append(_pdf_string(line) + b" Tj T*")
            parts.append(b"ET")
            content = b"\n".join(parts)
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % content_id
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = (
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    )
    info = b"<< /Producer " + _pdf_string(producer)
    if title:
        info += b" /Title " + _pdf_string(title)
    if created is not None:
        info += b" /CreationDate " + _pdf_date(created) + b" /ModDate " + _pdf_date(created)
    objects.append(info + b" >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        len(objects),
        xref,
    )
    return bytes(out)


def scan_pages(doc: DocCopy, parketnummer: str | None) -> list[list[str] | None]:
    """The pages of a scan of ``doc``: its text with page labels, gaps where pages were lost."""
    if doc.unreadable:
        return [None] * doc.pages
    text = document_text(doc, parketnummer)
    labels = doc.labels if doc.labels is not None else tuple((n, doc.pages) for n in range(1, doc.pages + 1))
    pages: list[list[str] | None] = []
    for label in labels:
        if label is None:
            continue
        n, m = label
        body = list(text[n - 1]) if n - 1 < len(text) else []
        body.append("")
        body.append(f"Pagina {n} van {m}")
        pages.append(body)
    return pages


def write_paper(out: ChainFiles, tag: str, holdings: Mapping[str, list[tuple[Case, Holding]]]) -> None:
    """Inventories for every paper dossier, scans and the digital originals they are compared with."""
    for org in ("om", "rechtspraak"):
        items = [(c, h) for c, h in holdings.get(org, []) if h.paper is not None]
        if items:
            out.write(f"{org}/inhoudsopgave-{tag}.csv", inventory_csv(org, items), "inventory")
        for case, hold in holdings.get(org, []):
            for doc in hold.scans:
                pages = scan_pages(doc, hold.parketnummer)
                folder = (hold.parketnummer or case.pv_registration).replace("/", "-")
                made = doc.made or dt.datetime.combine(doc.date, dt.time(10, 0))
                # Each holder scans on its own scanstraat: two holders' scans of one stuk are two
                # files, never byte-identical (the store would take the second for a re-delivery).
                data = minimal_pdf(
                    pages, title=doc.title, created=made, producer=f"Scanstraat {org} (synthetisch)"
                )
                out.write(f"{org}/{folder}/{pdf_name(doc)}", data, "scan")
                out.scans += 1
                out.scan_pages += len(pages)
    # Digital originals of the police PVs for dossiers with scans, referenced from the police CSV.
    for case, hold in holdings.get("politie", []):
        if not any(h.scans for h in case.holdings.values()):
            continue
        originals: dict[str, str] = {}
        for doc in hold.digital:
            if not doc.pv:
                continue
            original: list[list[str] | None] = []
            for n, lines in enumerate(document_text(doc, hold.parketnummer), 1):
                original.append([*lines, "", f"Pagina {n} van {doc.pages}"])
            data = minimal_pdf(
                original, title=doc.title, created=doc.modified, producer="Politie BVH (synthetisch)"
            )
            out.write(f".documents/politie/{pdf_name(doc)}", data, "original")
            originals[doc.key] = f"../../.documents/politie/{pdf_name(doc)}"
        hold.extra["originals"] = originals
    # The OM's DMS holds the file of every stuk in its digital dossier, as the OM export refers to
    # it: the police's PV files as received, its own and the chain's other stukken (dagvaarding,
    # strafbeschikking, reclasseringsadvies, vonnis) as their makers sent them. A scan of any
    # paper stuk then has a digital text to compare with, whoever made the stuk.
    for case, hold in holdings.get("om", []):
        if not any(h.scans for h in case.holdings.values()):
            continue
        police = case.holdings["politie"].extra.get("originals", {}) if "politie" in case.holdings else {}
        files: dict[str, str] = {}
        for doc in hold.digital:
            if doc.key in files:
                continue  # a stuk registered twice is one file in the DMS
            if doc.key in police:
                files[doc.key] = police[doc.key]
                continue
            original = [
                [*lines, "", f"Pagina {n} van {doc.pages}"]
                for n, lines in enumerate(document_text(doc, hold.parketnummer), 1)
            ]
            data = minimal_pdf(
                original, title=doc.title, created=doc.modified, producer="OM DMS (synthetisch)"
            )
            out.write(f".documents/om/{pdf_name(doc)}", data, "original")
            files[doc.key] = f"../../.documents/om/{pdf_name(doc)}"
        hold.extra["originals"] = files
