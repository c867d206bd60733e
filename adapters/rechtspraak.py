"""Rechtspraak open data: ``open-rechtspraak`` XML (RDF metadata + uitspraak/conclusie) into Records.

Only criminal cases become Records. ``dcterms:subject`` (rechtsgebied) decides when present; many
published documents carry none, and then the document's other signals decide (a parketnummer as
zaaknummer, references to criminal law in ``dcterms:references`` or the text, a criminal
``psi:procedure``, a criminal vindplaats such as NBSTRAF): :func:`criminal_signal`. Any other
document raises :class:`dossierlink.ingest.SkippedSource` ("not a criminal case"): the file is
readable but holds nothing for the strafrechtketen, so ingest records it as ignored with that
reason (see docs/formats/rechtspraak.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from dossierlink.identifiers import IdentifierError, IdentifierKind, find_parketnummers, parse_parketnummer
from dossierlink.ingest import (
    AdapterError,
    Hints,
    RecordBuilder,
    SkippedSource,
    XmlAdapter,
    parse_date,
    text,
    xml_local,
)
from dossierlink.schema import Document, DocumentType, Event, EventKind, Medium, Record

__all__ = ["RechtspraakOpenDataAdapter", "criminal_signal"]

log = logging.getLogger(__name__)

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DCTERMS = "http://purl.org/dc/terms/"
PSI = "http://psi.rechtspraak.nl/"
ECLI_NS = "https://e-justice.europa.eu/ecli"

_SPLIT = re.compile(r"\s*(?:[,;]|\s+en\s+)\s*")
# Courts whose zaaknummer is their own roll number, not a parketnummer (Hoge Raad and its Parket).
_OWN_NUMBER_COURTS = {"HR": "HR", "PHR": "HR"}

# Criminal law in the BWB (wetten.overheid.nl) ids that dcterms:references carries, and by name.
_CRIMINAL_BWB = {
    "BWBR0001854": "Wetboek van Strafrecht",
    "BWBR0001903": "Wetboek van Strafvordering",
    "BWBR0001941": "Opiumwet",
    "BWBR0006622": "Wegenverkeerswet 1994",
    "BWBR0008804": "Wet wapens en munitie",
    "BWBR0002063": "Wet op de economische delicten",
}
_CRIMINAL_LAW = re.compile(
    r"\b(?:Wetboek van Strafrecht|Wetboek van Strafvordering|Opiumwet|Wegenverkeerswet|"
    r"Wet wapens en munitie|Wet op de economische delicten|"
    r"art(?:ikel|\.)?\s*\d+[a-z]?(?:\s*,?\s*(?:lid|eerste|tweede|derde)[^.;]{0,20})?\s+(?:Sr|Sv|WvSr|WvSv|WVW(?: 1994)?|Opw))\b",
    re.IGNORECASE,
)
# Words only a criminal judgment uses about itself ("Strafkamer", "in de strafzaak tegen").
_CRIMINAL_WORDS = re.compile(
    r"\b(?:(?:economische |militaire )?strafkamer|strafzaak tegen|officier van justitie|politierechter)\b",
    re.IGNORECASE,
)
# Procedures and vindplaatsen (law reports) that exist only in criminal law.
_CRIMINAL_PROCEDURE = ("politierechter", "beklag", "ontneming", "strafzaak", "raadkamer", "herziening")
_CRIMINAL_VINDPLAATS = ("NBSTRAF", "SR-UPDATES", "NBSR", "STRAFRECHT")


def criminal_signal(desc: Any, body_text: str) -> str | None:
    """Why a document without ``dcterms:subject`` is a criminal case, or None when nothing says so.

    Checked in order of strength: a zaaknummer that is a parketnummer, a ``dcterms:references``
    to criminal law, a criminal ``psi:procedure``, a criminal vindplaats, criminal law cited in
    the text, words only a criminal judgment uses ("Strafkamer", "strafzaak tegen") — in the
    first 20,000 characters of the text.
    """
    for zn_el in desc.iter(f"{{{PSI}}}zaaknummer"):
        for raw in _SPLIT.split(text(zn_el.text) or ""):
            try:
                parse_parketnummer(raw)
            except IdentifierError:
                continue
            return f"psi:zaaknummer {raw!r} is a parketnummer"
    for ref in desc.iter(f"{{{DCTERMS}}}references"):
        ident = " ".join(str(v) for v in ref.attrib.values())
        for bwb, name in _CRIMINAL_BWB.items():
            if bwb in ident:
                return f"dcterms:references cites the {name}"
        label = text(ref.text) or ""
        if _CRIMINAL_LAW.search(label):
            return f"dcterms:references cites {label!r}"
    for proc in desc.iter(f"{{{PSI}}}procedure"):
        value = f"{text(proc.text) or ''} {proc.get('resourceIdentifier') or ''}".lower()
        hit = next((p for p in _CRIMINAL_PROCEDURE if p in value), None)
        if hit:
            return f"psi:procedure is {text(proc.text) or hit!r}"
    for version in desc.iter(f"{{{DCTERMS}}}hasVersion"):
        for li in version.iter(f"{{{RDF}}}li"):
            value = (text(li.text) or "").upper()
            if any(value.startswith(v) for v in _CRIMINAL_VINDPLAATS):
                return f"vindplaats {text(li.text)!r}"
    m = _CRIMINAL_LAW.search(body_text[:20000])
    if m:
        return f"the text cites {' '.join(m.group(0).split())!r}"
    m = _CRIMINAL_WORDS.search(body_text[:20000])
    if m:
        return f"the text says {m.group(0)!r}"
    return None


class RechtspraakOpenDataAdapter(XmlAdapter):
    """One Record per file: ECLI, parketnummer(s), the judgment as a document, the uitspraak event."""

    name: ClassVar[str] = "rechtspraak"
    organisation: ClassVar[str | None] = "rechtspraak"
    medium: ClassVar[Medium | None] = Medium.DIGITAL
    root_names: ClassVar[tuple[str, ...]] = ("open-rechtspraak",)
    description: ClassVar[str] = (
        "Rechtspraak open-data XML (open-rechtspraak, RDF metadata); criminal cases only "
        "(docs/formats/rechtspraak.md)"
    )

    def extract(self, path: Path, hints: Hints) -> Iterator[Record]:
        root = self.parse(path)
        desc = _main_description(root)
        if desc is None:
            raise AdapterError(
                path, "no rdf:Description with a dcterms:identifier ECLI", "/open-rechtspraak/rdf:RDF"
            )
        loc = "/open-rechtspraak/rdf:RDF/rdf:Description[1]"
        subjects = [
            (text(s.text) or "", s.get("resourceIdentifier") or "")
            for s in desc.iter(f"{{{DCTERMS}}}subject")
        ]
        body = next((c for c in root if xml_local(c.tag) in ("uitspraak", "conclusie")), None)
        body_text = " ".join("".join(body.itertext()).split()) if body is not None else ""
        signal: str | None = None
        if any("strafrecht" in (t + " " + r).lower() for t, r in subjects):
            signal = "dcterms:subject"
        elif subjects:
            shown = "; ".join(t or r for t, r in subjects)
            raise SkippedSource(
                path,
                f"not a criminal case: rechtsgebied is {shown}; only Strafrecht becomes records",
                f"{loc}/dcterms:subject",
            )
        else:
            signal = criminal_signal(desc, body_text)
            if signal is None:
                raise SkippedSource(
                    path,
                    "not a criminal case: no rechtsgebied (dcterms:subject) and nothing else says "
                    "criminal (no parketnummer as zaaknummer, no criminal law cited, no criminal "
                    "procedure or vindplaats)",
                    f"{loc}/dcterms:subject",
                )
            log.info("%s: no rechtsgebied; criminal because %s", path.name, signal)
        b = RecordBuilder(path, hints, self.name, "rechtspraak", Medium.DIGITAL)
        ecli_raw = _text(desc, DCTERMS, "identifier")
        ecli = b.identifier(IdentifierKind.ECLI, ecli_raw, f"{loc}/dcterms:identifier")
        if ecli is None:
            raise AdapterError(path, "the dcterms:identifier (ECLI) is empty", f"{loc}/dcterms:identifier")
        court_code = ecli.value.split(":")[2] if ecli.valid else ""
        creator = _text(desc, DCTERMS, "creator")
        date_raw = _text(desc, DCTERMS, "date")
        try:
            date = parse_date(date_raw) if date_raw else None
        except ValueError as exc:
            raise AdapterError(path, f"dcterms:date: {exc}", f"{loc}/dcterms:date") from None
        doc_kind = (_text(desc, DCTERMS, "type") or "Uitspraak").strip()
        procedure = _text(desc, PSI, "procedure")
        if signal != "dcterms:subject":
            b.warnings.append(f"{loc}: no rechtsgebied (dcterms:subject); read as criminal: {signal}")
        if body is None:
            b.warnings.append("/open-rechtspraak: no uitspraak or conclusie body (metadata only)")

        for zn_el in desc.iter(f"{{{PSI}}}zaaknummer"):
            for raw in _SPLIT.split(text(zn_el.text) or ""):
                if raw:
                    self._zaaknummer(b, raw, court_code, f"{loc}/psi:zaaknummer")
        if not any(i.kind is IdentifierKind.PARKETNUMMER for i in b.identifiers) and body_text:
            # Cassation: the Hoge Raad cites the appeal court's parketnummer at the top of the text.
            for p in find_parketnummers(body_text[:3000]):
                b.identifier(IdentifierKind.PARKETNUMMER, p.normalised, "body")
                b.warnings.append(
                    f"body: parketnummer {p.normalised} taken from the judgment's opening text "
                    "(the zaaknummer is the court's own number)"
                )
                break
        for rel in desc.iter(f"{{{DCTERMS}}}relation"):
            target = rel.get(f"{{{ECLI_NS}}}resourceIdentifier") or ""
            if target.upper().startswith("ECLI:"):
                b.identifier(IdentifierKind.ECLI, target, f"{loc}/dcterms:relation")

        is_conclusie = doc_kind.lower().startswith("conclusie") or (
            body is not None and xml_local(body.tag) == "conclusie"
        )
        if is_conclusie:
            dtype = DocumentType.OVERIG
        elif court_code.startswith(("GH", "HR", "CRVB", "CBB")):
            dtype = DocumentType.ARREST
        else:
            dtype = DocumentType.VONNIS
        title = " ".join(x for x in (doc_kind, creator, date.isoformat() if date else None) if x)
        b.documents.append(
            Document(
                organisation=b.organisation,
                medium=b.medium,
                key=ecli.value,
                type=dtype,
                title=title,
                date=date,
                sha256=hints.sha256 or None,
                integriteit=f"sha256:{hints.sha256}" if hints.sha256 else None,
                source_location=_deeplink(root) or ecli.value,
                modified=_modified(desc),
                text_chars=len(body_text),
                identifiers=(ecli,),
                status="gepubliceerd",
            )
        )
        if date is not None:
            b.add_event(
                Event(
                    kind=EventKind.STATUS if is_conclusie else EventKind.UITSPRAAK,
                    date=date,
                    organisation=b.organisation,
                    status="conclusie genomen" if is_conclusie else dtype.value,
                    description="; ".join(x for x in (creator, procedure, ecli.value) if x),
                )
            )
        else:
            b.warnings.append(f"{loc}: no dcterms:date; no uitspraak event recorded")
        yield b.build("/open-rechtspraak")

    def _zaaknummer(self, b: RecordBuilder, raw: str, court_code: str, where: str) -> None:
        try:
            parse_parketnummer(raw)
        except IdentifierError:
            own = _OWN_NUMBER_COURTS.get(court_code)
            if own:
                b.identifier(IdentifierKind.EXTERN, f"rechtspraak:{own} {raw}", where)
                b.warnings.append(
                    f"{where}: zaaknummer {raw!r} is the {own}'s own number, not a parketnummer"
                )
                return
        b.identifier(IdentifierKind.PARKETNUMMER, raw, where)


def _main_description(root: Any) -> Any:
    rdf = next((c for c in root if c.tag == f"{{{RDF}}}RDF"), None)
    if rdf is None:
        return None
    for desc in rdf.findall(f"{{{RDF}}}Description"):
        ident = desc.find(f"{{{DCTERMS}}}identifier")
        if ident is not None and (ident.text or "").strip().upper().startswith("ECLI:"):
            return desc
    return None


def _text(el: Any, ns: str, name: str) -> str | None:
    found = el.find(f"{{{ns}}}{name}")
    return text(found.text) if found is not None else None


def _modified(desc: Any) -> dt.datetime | None:
    raw = _text(desc, DCTERMS, "modified")
    if not raw:
        return None
    try:
        return dt.datetime.fromisoformat(raw).replace(tzinfo=None)
    except ValueError:
        return None


def _deeplink(root: Any) -> str | None:
    rdf = next((c for c in root if c.tag == f"{{{RDF}}}RDF"), None)
    if rdf is None:
        return None
    for desc in rdf.findall(f"{{{RDF}}}Description"):
        about = desc.get(f"{{{RDF}}}about")
        if about and about.startswith("http"):
            return str(about)
    return None
