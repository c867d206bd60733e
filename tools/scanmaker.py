"""Make sample processtukken: digital originals (fpdf2) and scans of their prints (pillow + tesseract).

Dev/test tool, not installed (the wheel holds ``dossierlink`` only): fpdf2, pillow, pdftoppm
(poppler-utils) and tesseract are imported or called only inside the functions that need them.
Run from the source folder:

    python -m tools.scanmaker samples [--root DIR] [--fast]

regenerates ``samples/documents`` and ``samples/scans`` for the five fixed chain cases
(A-E, see :data:`CASES`). The function API (:func:`render_document`, :func:`make_scan`,
:func:`make_text_scan`) is what tests and benchmarks reuse; :func:`acceptance_scans` makes the
300 dpi real-OCR scans of the scan reader's acceptance tests, :func:`build_ocr_scans` the 150 dpi
page-image scans of the fast text reader's tests (tesseract's own PDF renderer, its
GlyphLessFont per page or shared by all pages).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

__all__ = [
    "CASES",
    "OCR_SCANS",
    "Case",
    "DocumentSpec",
    "Page",
    "acceptance_scans",
    "build_ocr_scans",
    "document_pages",
    "generate_samples",
    "make_multipage_ocr_scan",
    "make_ocr_scan",
    "make_scan",
    "make_text_scan",
    "ocr_noise",
    "render_document",
    "render_pages",
    "separator_page",
    "tesseract_available",
    "voorblad_page",
]

MAANDEN = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def lange_datum(d: dt.date) -> str:
    return f"{d.day} {MAANDEN[d.month - 1]} {d.year}"


@attrs.frozen
class DocumentSpec:
    """One processtuk to render: its key, kind and the case it belongs to."""

    key: str  # PV number ("PL17A1 2023045671-1") or document number ("OM-DGV-16-234567")
    kind: str  # aangifte | verhoor | bevindingen | dagvaarding
    parketnummer: str
    verdachte: str
    geboortedatum: dt.date
    date: dt.date
    pages: int
    version: int = 1  # a later version rewrites some paragraphs
    plaats: str = "Amsterdam"

    @property
    def file_stem(self) -> str:
        return self.key.replace(" ", "_")


@attrs.frozen
class Page:
    """One printed page: header lines, body blocks (style, text) and footer lines."""

    header: tuple[str, ...] = ()
    blocks: tuple[tuple[str, str], ...] = ()
    footer: tuple[str, ...] = ()


@attrs.frozen
class Case:
    """A fixed chain case of the samples."""

    name: str
    parketnummer: str
    documents: tuple[DocumentSpec, ...]


HEADINGS = {
    "aangifte": "PROCES-VERBAAL VAN AANGIFTE",
    "verhoor": "PROCES-VERBAAL VAN VERHOOR",
    "bevindingen": "PROCES-VERBAAL VAN BEVINDINGEN",
    "dagvaarding": "DAGVAARDING",
}
EENHEDEN = {
    "PL17": "Eenheid Rotterdam",
    "PL13": "Eenheid Amsterdam",
    "PL15": "Eenheid Noord-Holland",
    "PL09": "Eenheid Den Haag",
}

_STRATEN = ["Kerkstraat", "Stationsplein", "Marktstraat", "Dorpsstraat", "Havenweg", "Molenlaan", "Parkweg"]
_VOORWERPEN = ["een zwarte fiets", "een mobiele telefoon", "een rugzak", "een portemonnee", "een laptop"]

_SENTENCES: dict[str, tuple[str, ...]] = {
    "aangifte": (
        "De aangever is woonachtig aan de {straat} en was daar op {datum} rond {tijd} uur.",
        "Volgens de aangever stond het goed op slot met een kettingslot van het merk Abus.",
        "Hij had het goed ongeveer twee jaar eerder gekocht voor {bedrag} euro.",
        "De aangever meldde dat zijn buurvrouw mogelijk iets had gezien vanaf haar balkon.",
        "Er werd geen braakschade aangetroffen aan de deur van de berging.",
        "De aangever overhandigde een kopie van de aankoopbon aan de verbalisant.",
        "De aangever verklaarde dat op {datum} omstreeks {tijd} uur {voorwerp} werd weggenomen.",
        "Hij had het goed onbeheerd achtergelaten bij de ingang van een winkel aan de {straat}.",
        "Toen hij na enkele minuten terugkwam, zag hij dat het goed verdwenen was.",
        "Een voorbijganger vertelde hem dat een persoon met een donkere jas was weggelopen.",
        "De aangever heeft niemand toestemming gegeven het goed weg te nemen of te gebruiken.",
        "Hij schatte de waarde van het weggenomen goed op ongeveer {bedrag} euro.",
        "Er zijn camerabeelden beschikbaar bij de beheerder van het winkelcentrum.",
        "De aangever wil op de hoogte worden gehouden van het verloop van het onderzoek.",
        "Hij verklaarde dat hij schade wil verhalen en zich voegt als benadeelde partij.",
        "De aangifte werd opgenomen aan de balie van het politiebureau aan de {straat}.",
        "Na voorlezing volhardde de aangever bij zijn verklaring en ondertekende deze.",
        "Hij gaf aan dat hij de dader mogelijk zou herkennen aan zijn manier van lopen.",
    ),
    "verhoor": (
        "De verdachte verklaarde dat hij de aangever niet kende en hem nooit eerder had gezien.",
        "Op de vraag of hij een donkere jas bezit, antwoordde hij ontkennend.",
        "De verdachte verklaarde dat hij rond {tijd} uur in een snackbar aan de {straat} zat.",
        "Hij noemde de naam van een vriend die zijn verklaring zou kunnen bevestigen.",
        "De verdachte werd gewezen op de mogelijkheid een tolk te laten toevoegen, wat hij weigerde.",
        "Hij verklaarde dat hij {voorwerp} had gekregen van een onbekende man bij het station.",
        "De verdachte werd gehoord op {datum} om {tijd} uur op het politiebureau aan de {straat}.",
        "Voorafgaand aan het verhoor werd de verdachte meegedeeld dat hij niet tot antwoorden verplicht was.",
        "De verdachte verklaarde dat hij op de bewuste dag in de omgeving van de {straat} was.",
        "Hij ontkende {voorwerp} te hebben weggenomen en zei dat hij op een vriend wachtte.",
        "Geconfronteerd met de camerabeelden verklaarde hij dat hij zichzelf niet herkende.",
        "Op de vraag waar hij de rest van de middag was, gaf hij geen duidelijk antwoord.",
        "De verdachte werd bijgestaan door zijn raadsman, die bij het gehele verhoor aanwezig was.",
        "Hij verklaarde dat hij werkloos is en een uitkering ontvangt van ongeveer {bedrag} euro.",
        "De verdachte wenste geen verklaring af te leggen over zijn eerdere contacten met politie.",
        "Na voorlezing van de verklaring verklaarde de verdachte daarbij te volharden.",
        "Het verhoor werd om {tijd} uur beëindigd en de verdachte werd heengezonden.",
        "De verdachte gaf toestemming om zijn telefoon te onderzoeken op berichten van die dag.",
    ),
    "bevindingen": (
        "De camera hangt op ongeveer vier meter hoogte boven de ingang van het pand.",
        "Ik zag dat de persoon om {tijd} uur het beeld verliet in de richting van de {straat}.",
        "Het kenteken van een geparkeerde bestelbus was op de beelden niet leesbaar.",
        "De lichtomstandigheden waren goed en de beelden waren in kleur opgenomen.",
        "Ik heb de beelden vergeleken met de foto uit het rijbewijzenregister van de verdachte.",
        "Een buurtbewoner meldde dat hij op {datum} een verdachte situatie had gezien.",
        "Op {datum} omstreeks {tijd} uur bekeek ik, verbalisant, de camerabeelden van de {straat}.",
        "Op de beelden zag ik een persoon die overeenkwam met het signalement uit de aangifte.",
        "De persoon droeg een donkere jas met capuchon en liep in de richting van het station.",
        "Ik zag dat de persoon {voorwerp} bij zich had die leek op het weggenomen goed.",
        "Uit de registratie bleek dat de verdachte eerder in deze omgeving werd aangetroffen.",
        "Ik heb een stilstaand beeld van de persoon vastgelegd en aan het dossier toegevoegd.",
        "De beheerder van het winkelcentrum verklaarde dat de beelden dertig dagen worden bewaard.",
        "De tijdsaanduiding op de beelden liep ongeveer twee minuten voor op de werkelijke tijd.",
        "Een collega herkende de persoon op de beelden als een bekende uit eerdere onderzoeken.",
        "Ik heb de beelden veiliggesteld op een gegevensdrager die bij de stukken is gevoegd.",
        "Op de beelden is niet te zien dat de persoon werd vergezeld door een tweede persoon.",
        "De beelden werden bekeken in aanwezigheid van de hoofdagent van de wijk {straat}.",
    ),
    "dagvaarding": (
        "De verdachte dient een geldig identiteitsbewijs mee te nemen naar de zitting.",
        "Stukken die de verdachte wil laten gebruiken, dienen tijdig aan de officier te worden gezonden.",
        "Het feit zou zijn gepleegd op of omstreeks {datum} te {plaats} aan de {straat}.",
        "De zaak wordt behandeld door de politierechter in een openbare zitting.",
        "De officier van justitie roept de verdachte op om te verschijnen ter terechtzitting.",
        "De zitting wordt gehouden op {datum} om {tijd} uur in het gerechtsgebouw aan de {straat}.",
        "De verdachte wordt ten laste gelegd dat hij {voorwerp} heeft weggenomen met het oogmerk van wederrechtelijke toe-eigening.",
        "Het feit is strafbaar gesteld bij artikel 310 van het Wetboek van Strafrecht.",
        "De verdachte heeft het recht zich te laten bijstaan door een advocaat.",
        "Als de verdachte niet verschijnt, kan de zaak zonder hem worden behandeld.",
        "De verdachte kan getuigen en deskundigen laten oproepen door een schriftelijk verzoek.",
        "De benadeelde partij vordert een schadevergoeding van {bedrag} euro.",
        "Een tolk wordt kosteloos toegevoegd indien de verdachte de Nederlandse taal niet verstaat.",
        "Deze dagvaarding is uitgereikt aan de verdachte in persoon.",
    ),
}
# Sentences the later version of a document uses in its rewritten paragraphs.
_REVISED = (
    "Bij nadere bestudering bleek dat de tijdsaanduiding op de beelden niet afweek van de werkelijke tijd.",
    "De persoon op de beelden droeg geen capuchon maar een grijze pet met een opvallend logo.",
    "Aanvullend onderzoek in de kentekenregistratie leverde een voertuig op dat aan de verdachte is gelinkt.",
    "De getuige die zich later meldde, verklaarde de verdachte met zekerheid te herkennen.",
    "Ik heb de eerdere conclusie over de looprichting van de persoon daarom herzien.",
    "Het signalement is op grond van deze bevindingen aangepast en opnieuw verspreid onder de collega's.",
    "Uit het telefoononderzoek bleek dat de verdachte op dat moment een bericht verstuurde vanaf de {straat}.",
    "Deze aanvulling is opgemaakt op verzoek van de officier van justitie na overleg met de rechercheur.",
)


def _fill(template: str, rng: random.Random, spec: DocumentSpec) -> str:
    return template.format(
        datum=lange_datum(spec.date),
        tijd=f"{rng.randint(8, 22):02d}.{rng.choice((5, 10, 15, 20, 25, 35, 40, 50)):02d}",
        straat=rng.choice(_STRATEN),
        voorwerp=rng.choice(_VOORWERPEN),
        bedrag=rng.randint(3, 60) * 25,
        plaats=spec.plaats,
    )


def _paragraphs(spec: DocumentSpec, page: int, count: int) -> list[str]:
    pool = _SENTENCES[spec.kind]
    out: list[str] = []
    for i in range(count):
        rng = random.Random(f"{spec.key}|{page}|{i}")
        sentences = rng.sample(pool, 3)
        revised = spec.version > 1 and (page + i) % 3 == 1
        if revised:
            rng2 = random.Random(f"{spec.key}|v{spec.version}|{page}|{i}")
            sentences = rng2.sample(_REVISED, 3)
        out.append(" ".join(_fill(s, rng, spec) for s in sentences))
    return out


def _unit(spec: DocumentSpec) -> str:
    if spec.kind == "dagvaarding":
        return "Openbaar Ministerie - Arrondissementsparket"
    return "POLITIE " + EENHEDEN.get(spec.key[:4], "Eenheid Midden-Nederland")


def document_pages(spec: DocumentSpec) -> list[Page]:
    """The pages of ``spec`` as its digital original prints them ("Pagina n van m" footer)."""
    pages: list[Page] = []
    is_pv = spec.kind != "dagvaarding"
    number_line = f"Proces-verbaalnummer: {spec.key}" if is_pv else f"Kenmerk: {spec.key}"
    for n in range(1, spec.pages + 1):
        header = (_unit(spec), f"{number_line}    Parketnummer: {spec.parketnummer}")
        blocks: list[tuple[str, str]] = []
        if n == 1:
            blocks.append(("title", HEADINGS[spec.kind]))
            blocks.append(("meta", f"Datum: {lange_datum(spec.date)}"))
            born = lange_datum(spec.geboortedatum)
            blocks.append(("meta", f"Verdachte: {spec.verdachte}, geboren op {born}"))
            if spec.kind == "verhoor":
                first = spec.key.rsplit("-", 1)[0] + "-1"
                blocks.append(("meta", f"Naar aanleiding van: aangifte {first}"))
        blocks.extend(("para", p) for p in _paragraphs(spec, n, 3 if n == 1 else 4))
        if n == spec.pages and is_pv:
            blocks.append(
                (
                    "para",
                    f"Waarvan door mij is opgemaakt dit proces-verbaal, dat ik sloot en ondertekende "
                    f"op ambtseed te {spec.plaats} op {lange_datum(spec.date)}.",
                )
            )
        pages.append(Page(header=header, blocks=tuple(blocks), footer=(f"Pagina {n} van {spec.pages}",)))
    return pages


def voorblad_page(parketnummer: str, verdachte: str, organisation: str = "Openbaar Ministerie") -> Page:
    """The cover sheet of a paper dossier."""
    return Page(
        header=(organisation,),
        blocks=(
            ("title", "VOORBLAD PROCESDOSSIER"),
            ("meta", f"Parketnummer: {parketnummer}"),
            ("meta", f"Verdachte: {verdachte}"),
            ("meta", "Inhoud: processtukken in volgorde van het dossier"),
        ),
    )


def separator_page() -> Page:
    """A separator sheet between documents of a batch."""
    return Page(blocks=(("title", "SCHEIDINGSBLAD"), ("meta", "Volgend document")))


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def render_pages(pages: Sequence[Page], path: Path, *, created: dt.datetime | None = None) -> Path:
    """Render ``pages`` as a text PDF with fpdf2 (one PDF page per Page)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(22, 18, 22)
    pdf.set_creator("dossierlink scanmaker")
    pdf.set_producer("dossierlink scanmaker (fpdf2)")
    if created is not None:
        pdf.set_creation_date(created.replace(tzinfo=created.tzinfo or dt.UTC))
    for page in pages:
        pdf.add_page()
        pdf.set_y(16)
        pdf.set_font("Helvetica", "", 10)
        for line in page.header:
            pdf.cell(0, 5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        for style, text in page.blocks:
            if style == "title":
                pdf.set_font("Helvetica", "B", 15)
                pdf.cell(0, 10, _latin1(text), new_x="LMARGIN", new_y="NEXT")
                pdf.ln(3)
            elif style == "meta":
                pdf.set_font("Helvetica", "", 11)
                pdf.cell(0, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.ln(3)
                pdf.set_font("Helvetica", "", 11)
                pdf.multi_cell(0, 5.6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        y = 282 - 5 * len(page.footer)
        for line in page.footer:
            pdf.set_xy(22, y)
            pdf.cell(0, 5, _latin1(line), align="R")
            y += 5
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def render_document(spec: DocumentSpec, path: Path, *, modified: dt.datetime | None = None) -> Path:
    """The digital original of ``spec`` as a text PDF."""
    when = modified or dt.datetime.combine(spec.date, dt.time(16, 30))
    return render_pages(document_pages(spec), path, created=when)


def printed(
    pages: Sequence[Page], *, printed_on: dt.date | None = None, first_dossier_page: int | None = None
) -> list[Page]:
    """The pages as printed for the paper file: a print-date line and dossier page stamps."""
    out: list[Page] = []
    number = first_dossier_page
    for page in pages:
        footer = list(page.footer)
        header = list(page.header)
        if printed_on is not None and page.footer:
            footer.append(f"Afgedrukt op {printed_on:%d-%m-%Y} 09:12")
        if number is not None and page.footer:
            header.insert(0, f"Dossierpagina {number}")
            number += 1
        out.append(attrs.evolve(page, header=tuple(header), footer=tuple(footer)))
    return out


# --- scanning ------------------------------------------------------------------------------


def tesseract_available(*, pdftoppm: bool = True) -> bool:
    """True when tesseract with the Dutch model (and, unless ``pdftoppm=False``, pdftoppm) is installed.

    Printing and scanning a page (:func:`make_scan`) rasterises with pdftoppm; the page-image
    scans (:func:`make_ocr_scan`) draw their images with pillow and need tesseract only.
    """
    if shutil.which("tesseract") is None or (pdftoppm and shutil.which("pdftoppm") is None):
        return False
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
    return "nld" in out.stdout.split()


def _rasterise(pdf_path: Path, dpi: int, workdir: Path) -> list[Path]:
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf_path), str(workdir / "page")],
        check=True,
        capture_output=True,
    )
    return sorted(workdir.glob("page*.png"))


def _scanner_look(image: Any, rng: random.Random, skew: float = 0.7) -> Any:
    """Slight skew, speckle noise and blur, as a sheet-fed scanner gives."""
    from PIL import Image, ImageFilter

    img = image.convert("L").rotate(
        rng.uniform(-skew, skew), resample=Image.Resampling.BICUBIC, fillcolor=255
    )
    px = img.load()
    w, h = img.size
    for _ in range(w * h // 2500):
        x, y = rng.randrange(w), rng.randrange(h)
        px[x, y] = rng.choice((0, 60, 120))
    return img.filter(ImageFilter.GaussianBlur(0.5))


def _image_page_pdf(img: Any, store_dpi: int, scan_dpi: int, quality: int, bilevel: bool) -> bytes:
    """The page image as a one-page PDF: bilevel (CCITT G4, as most scanning desks store) or gray JPEG."""
    size = (round(img.width * store_dpi / scan_dpi), round(img.height * store_dpi / scan_dpi))
    small = img.resize(size)
    if bilevel:
        small = small.point(lambda v: 255 if v > 165 else 0).convert("1")
    buf = io.BytesIO()
    if bilevel:
        small.save(buf, "PDF", resolution=store_dpi)
    else:
        small.save(buf, "PDF", resolution=store_dpi, quality=quality)
    return buf.getvalue()


def _ocr_text_layer(img: Any, scan_dpi: int, workdir: Path, n: int) -> bytes:
    src = workdir / f"ocr-{n:03d}.png"
    img.save(src, dpi=(scan_dpi, scan_dpi))
    out = workdir / f"ocr-{n:03d}"
    subprocess.run(
        ["tesseract", str(src), str(out), "-l", "nld", "--dpi", str(scan_dpi), "-c", "textonly_pdf=1", "pdf"],
        check=True,
        capture_output=True,
        # One OpenMP thread per run: files OCR'd side by side use the cores better than tesseract's threads.
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        timeout=600,
    )
    return (workdir / f"ocr-{n:03d}.pdf").read_bytes()


def _pdf_date(when: dt.datetime) -> str:
    return when.strftime("D:%Y%m%d%H%M%S+01'00'")


def make_scan(
    pages: Sequence[Page],
    path: Path,
    *,
    drop: Iterable[int] = (),
    ocr: bool = True,
    scanned: dt.datetime | None = None,
    seed: int | str = 0,
    scan_dpi: int = 300,
    store_dpi: int = 100,
    quality: int = 35,
    bilevel: bool = True,
) -> Path:
    """Print ``pages``, scan them and write a searchable scan (or an image-only one, ``ocr=False``).

    ``drop`` lists 1-based physical pages lost before scanning. Each page becomes a low-res
    bilevel (or, ``bilevel=False``, grayscale JPEG) image with, when ``ocr``, tesseract's invisible text layer (GlyphLessFont) on top.
    """
    with tempfile.TemporaryDirectory(prefix="dossierlink-print-") as tmp:
        printed_pdf = render_pages(pages, Path(tmp) / "print.pdf")
        return scan_printed(
            printed_pdf,
            path,
            drop=drop,
            ocr=ocr,
            scanned=scanned,
            seed=seed,
            scan_dpi=scan_dpi,
            store_dpi=store_dpi,
            quality=quality,
            bilevel=bilevel,
        )


def scan_printed(
    printed_pdf: Path,
    path: Path,
    *,
    drop: Iterable[int] = (),
    ocr: bool = True,
    scanned: dt.datetime | None = None,
    seed: int | str = 0,
    scan_dpi: int = 300,
    store_dpi: int = 100,
    quality: int = 35,
    bilevel: bool = True,
    skew: float = 0.7,
) -> Path:
    """Scan the printed PDF ``printed_pdf`` (any PDF: rendered pages, cover sheets) as :func:`make_scan` does.

    ``skew``: each page is rotated by up to this many degrees either way.
    """
    from pypdf import PdfReader, PdfWriter

    dropped = set(drop)
    rng = random.Random(f"scan|{seed}")
    with tempfile.TemporaryDirectory(prefix="dossierlink-scan-") as tmp:
        work = Path(tmp)
        images = _rasterise(printed_pdf, scan_dpi, work)
        writer = PdfWriter()
        from PIL import Image

        for n, png in enumerate(images, start=1):
            if n in dropped:
                continue
            img = _scanner_look(Image.open(png), rng, skew)
            page = writer.add_page(
                PdfReader(io.BytesIO(_image_page_pdf(img, store_dpi, scan_dpi, quality, bilevel))).pages[0]
            )
            if ocr:
                text = PdfReader(io.BytesIO(_ocr_text_layer(img, scan_dpi, work, n))).pages[0]
                sx = float(page.mediabox.width) / float(text.mediabox.width)
                sy = float(page.mediabox.height) / float(text.mediabox.height)
                if abs(sx - 1) > 0.002 or abs(sy - 1) > 0.002:
                    from pypdf import Transformation

                    text.add_transformation(Transformation().scale(sx, sy))
                page.merge_page(text)
        when = scanned or dt.datetime(2023, 1, 1, 9, 0)
        engine = "tesseract 5 (nld)" if ocr else "no OCR"
        writer.add_metadata(
            {
                "/Producer": f"dossierlink scanmaker ({engine})",
                "/Creator": "Scanstraat griffie",
                "/CreationDate": _pdf_date(when),
                "/ModDate": _pdf_date(when),
            }
        )
        writer.compress_identical_objects()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            writer.write(fh)
    return path


def cover_sheet_batch(
    parts: Sequence[tuple[str | tuple[Path, int] | None, Sequence[Page]]],
    path: Path,
    *,
    ocr: bool = False,
    seed: int | str = "cover-batch",
    skew: float = 1.2,
    store_dpi: int = 200,
    scanned: dt.datetime | None = None,
) -> Path:
    """A scanning desk's batch: per part a dossierlink cover sheet on top of its printed pages, all
    scanned as images (no text layer unless ``ocr``), skewed and noisy.

    A part's sheet is an identifier (a sheet is printed for it), ``(pdf, index)``: page ``index``
    of sheets already printed (``dossierlink coversheet -o pdf``), or None for no sheet.
    """
    from pypdf import PdfReader, PdfWriter

    from dossierlink.paper.coversheet import CoverSheet, render_cover_sheets

    with tempfile.TemporaryDirectory(prefix="dossierlink-batch-") as tmp:
        writer = PdfWriter()
        for n, (identifier, pages) in enumerate(parts):
            if isinstance(identifier, str):
                sheet = render_cover_sheets([CoverSheet.parse(identifier)])
                writer.append(PdfReader(io.BytesIO(sheet)))
            elif identifier is not None:
                printed_sheets, index = identifier
                writer.add_page(PdfReader(printed_sheets).pages[index])
            if pages:
                writer.append(PdfReader(render_pages(pages, Path(tmp) / f"part-{n}.pdf")))
        printed_pdf = Path(tmp) / "printed.pdf"
        with printed_pdf.open("wb") as fh:
            writer.write(fh)
        return scan_printed(
            printed_pdf, path, ocr=ocr, seed=seed, skew=skew, store_dpi=store_dpi, scanned=scanned
        )


_OCR_SWAPS = {"0": "O", "1": "l", "i": "l", "e": "c", "n": "m", "a": "o", "5": "S", "8": "B"}


def ocr_noise(text: str, rate: float, rng: random.Random) -> str:
    if rate <= 0:
        return text
    return "".join(_OCR_SWAPS[c] if c in _OCR_SWAPS and rng.random() < rate else c for c in text)


def make_text_scan(
    pages: Sequence[Page],
    path: Path,
    *,
    drop: Iterable[int] = (),
    noise: float = 0.0,
    scanned: dt.datetime | None = None,
    seed: int | str = 0,
) -> Path:
    """The fast stand-in for :func:`make_scan`: an fpdf2 text PDF, optionally with OCR-like noise."""
    dropped = set(drop)
    rng = random.Random(f"text-scan|{seed}")
    kept: list[Page] = []
    for n, page in enumerate(pages, start=1):
        if n in dropped:
            continue
        kept.append(
            Page(
                header=tuple(ocr_noise(s, noise, rng) for s in page.header),
                blocks=tuple((st, ocr_noise(s, noise, rng)) for st, s in page.blocks),
                footer=tuple(ocr_noise(s, noise, rng) for s in page.footer),
            )
        )
    return render_pages(kept, path, created=scanned)


# --- the fixed sample cases ----------------------------------------------------------------

D = dt.date
CASES: dict[str, Case] = {
    "A": Case(
        "A",
        "10/600040-23",
        (
            DocumentSpec(
                "PL17A1 2023045671-1",
                "aangifte",
                "10/600040-23",
                "Jan de Vries",
                D(1990, 4, 12),
                D(2023, 3, 2),
                3,
                plaats="Rotterdam",
            ),
            DocumentSpec(
                "PL17A1 2023045671-2",
                "verhoor",
                "10/600040-23",
                "Jan de Vries",
                D(1990, 4, 12),
                D(2023, 3, 9),
                4,
                plaats="Rotterdam",
            ),
        ),
    ),
    "B": Case(
        "B",
        "13/123456-23",
        (
            DocumentSpec(
                "PL13B2 2023078910-1",
                "aangifte",
                "13/123456-23",
                "Fatima el Amrani",
                D(1985, 11, 30),
                D(2023, 5, 14),
                2,
            ),
            DocumentSpec(
                "PL13B2 2023078910-2",
                "verhoor",
                "13/123456-23",
                "Fatima el Amrani",
                D(1985, 11, 30),
                D(2023, 5, 20),
                5,
            ),
        ),
    ),
    "C": Case(
        "C",
        "09/765432-23",
        (
            DocumentSpec(
                "PL15C3 2023099001-1",
                "bevindingen",
                "09/765432-23",
                "Pieter van den Berg",
                D(1978, 2, 1),
                D(2023, 6, 1),
                3,
                plaats="Haarlem",
            ),
        ),
    ),
    "D": Case(
        "D",
        "16/234567-23",
        (
            DocumentSpec(
                "PL09D4 2023055555-1",
                "aangifte",
                "16/234567-23",
                "Sanne Jansen",
                D(1999, 7, 23),
                D(2023, 4, 3),
                2,
                plaats="Den Haag",
            ),
            DocumentSpec(
                "PL09D4 2023055555-2",
                "verhoor",
                "16/234567-23",
                "Sanne Jansen",
                D(1999, 7, 23),
                D(2023, 4, 10),
                3,
                plaats="Den Haag",
            ),
            DocumentSpec(
                "OM-DGV-16-234567",
                "dagvaarding",
                "16/234567-23",
                "Sanne Jansen",
                D(1999, 7, 23),
                D(2023, 9, 1),
                2,
                plaats="Den Haag",
            ),
        ),
    ),
    "E": Case(
        "E",
        "10/700111-23",
        (
            DocumentSpec(
                "PL17E5 2023033333-1",
                "aangifte",
                "10/700111-23",
                "Mohamed Bakker",
                D(1970, 1, 15),
                D(2023, 2, 10),
                2,
                plaats="Rotterdam",
            ),
        ),
    ),
}
# Case C: the digital original was edited on this day; the OM printed the older version before.
CASE_C_EDITED = dt.datetime(2023, 6, 20, 10, 0)


def _folder(parketnummer: str) -> str:
    return parketnummer.replace("/", "-")


def generate_samples(root: Path, *, ocr: bool = True) -> list[Path]:
    """Write the digital originals and the scans of cases A-E under ``root`` (the samples folder)."""
    scan = make_scan if ocr else make_text_scan
    written: list[Path] = []
    docs = root / "documents"
    scans = root / "scans"

    def original(spec: DocumentSpec, modified: dt.datetime | None = None) -> None:
        org = "om" if spec.kind == "dagvaarding" else "politie"
        written.append(render_document(spec, docs / org / f"{spec.file_stem}.pdf", modified=modified))

    def at(day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, 0))

    # A: the court's scans, complete and identical to the originals.
    for spec in CASES["A"].documents:
        original(spec)
        pages = printed(document_pages(spec), printed_on=spec.date + dt.timedelta(days=7))
        target = scans / "rechtspraak" / _folder(spec.parketnummer) / f"{spec.file_stem}.pdf"
        written.append(scan(pages, target, scanned=at(spec.date + dt.timedelta(days=14)), seed=spec.key))
    # B: the court's scan of the verhoor lost pages 3 and 4.
    for spec in CASES["B"].documents:
        original(spec)
        pages = printed(document_pages(spec), printed_on=spec.date + dt.timedelta(days=5))
        drop = (3, 4) if spec.key.endswith("-2") else ()
        target = scans / "rechtspraak" / _folder(spec.parketnummer) / f"{spec.file_stem}.pdf"
        written.append(
            scan(pages, target, drop=drop, scanned=at(spec.date + dt.timedelta(days=9)), seed=spec.key)
        )
    # C: the original as it is now (edited 2023-06-20); the OM scanned a print of version 1.
    (spec_c,) = CASES["C"].documents
    original(attrs.evolve(spec_c, version=2), modified=CASE_C_EDITED)
    pages = printed(document_pages(spec_c), printed_on=D(2023, 6, 5))
    target = scans / "om" / _folder(spec_c.parketnummer) / f"{spec_c.file_stem}.pdf"
    written.append(scan(pages, target, scanned=at(D(2023, 6, 12)), seed=spec_c.key))
    # D: the OM's paper dossier as one batch: voorblad, two PVs, separator, dagvaarding.
    case_d = CASES["D"]
    batch: list[Page] = [voorblad_page(case_d.parketnummer, "Sanne Jansen")]
    dossier_page = 1
    for i, spec in enumerate(case_d.documents):
        original(spec)
        if spec.kind == "dagvaarding":
            batch.append(separator_page())
        batch.extend(printed(document_pages(spec), printed_on=D(2023, 9, 4), first_dossier_page=dossier_page))
        dossier_page += spec.pages
        del i
    target = scans / "om" / _folder(case_d.parketnummer) / "batch.pdf"
    written.append(scan(batch, target, scanned=at(D(2023, 9, 5)), seed="batch-D"))
    # E: the court's scan has no text layer at all.
    (spec_e,) = CASES["E"].documents
    original(spec_e)
    pages = printed(document_pages(spec_e), printed_on=spec_e.date + dt.timedelta(days=3))
    target = scans / "rechtspraak" / _folder(spec_e.parketnummer) / f"{spec_e.file_stem}.pdf"
    written.append(
        make_scan(pages, target, ocr=False, scanned=at(spec_e.date + dt.timedelta(days=4)), seed=spec_e.key)
    )
    # G, H: the court's scanning desk scanned both cases in one batch behind dossierlink cover sheets.
    written.append(generate_cover_batch(root, ocr=ocr))
    return written


# A court scanning desk's batch (issue 20): dossierlink cover sheets for cases G and H on top of
# the police PV each case's court file holds, scanned in one go with the scanner's OCR.
COVER_BATCH: tuple[DocumentSpec, ...] = (
    DocumentSpec(
        "PL13G7 2024023456-1", "aangifte", "13/654321-24", "Kees Smit", D(1992, 8, 14), D(2024, 2, 10), 2
    ),
    DocumentSpec(
        "PL09H8 2024034567-1",
        "bevindingen",
        "16/345678-24",
        "Noah de Graaf",
        D(2001, 12, 5),
        D(2024, 3, 5),
        4,
    ),
)
COVER_BATCH_FILE = Path("scans") / "rechtspraak" / "scanstraat-2024-07-01.pdf"


def generate_cover_batch(root: Path, *, ocr: bool = True) -> Path:
    """``samples/scans/rechtspraak/scanstraat-2024-07-01.pdf``: two cases behind their cover sheets."""
    parts = [
        (spec.parketnummer, printed(document_pages(spec), printed_on=D(2024, 6, 28))) for spec in COVER_BATCH
    ]
    return cover_sheet_batch(
        parts, root / COVER_BATCH_FILE, ocr=ocr, seed="scanstraat", scanned=dt.datetime(2024, 7, 1, 9, 30)
    )


# --- real-OCR acceptance scans (issue 10) --------------------------------------------------

# name -> (document, pages, physical pages lost, footer per page label position or None = unreadable)
_ACCEPTANCE: dict[str, tuple[DocumentSpec, tuple[int, ...], dict[int, str | None]]] = {
    "complete": (
        DocumentSpec(
            "PL01A1 2023014223-6",
            "bevindingen",
            "10/600040-23",
            "Jan de Vries",
            D(1990, 4, 12),
            D(2023, 3, 2),
            3,
            plaats="Rotterdam",
        ),
        (),
        {},
    ),
    "lost_last_page": (
        DocumentSpec(
            "PL10B8 2023080815-3",
            "aangifte",
            "13/080815-23",
            "Fatima el Amrani",
            D(1985, 1, 30),
            D(2023, 5, 11),
            3,
        ),
        (3,),
        {},
    ),
    "label_variants_lost_page_2": (
        DocumentSpec(
            "PL09D4 2023051150-2",
            "verhoor",
            "09/765432-23",
            "Pieter Bakker",
            D(1978, 11, 5),
            D(2023, 6, 1),
            5,
            plaats="Den Haag",
        ),
        (2,),
        {1: "Pagina 1 van 5", 3: "Blad 3 van 5", 4: "Paglna 4 van 5", 5: "pag. 5/5"},
    ),
    "unreadable_labels": (
        DocumentSpec(
            "PL13B2 2023011101-2",
            "verhoor",
            "16/234567-23",
            "Sanne Jansen",
            D(1995, 7, 19),
            D(2023, 8, 14),
            4,
        ),
        (),
        {2: None, 4: None},
    ),
}


def acceptance_pages(name: str) -> tuple[list[Page], tuple[int, ...]]:
    """The printed pages of acceptance scan ``name`` and the physical pages to lose."""
    spec, drop, footers = _ACCEPTANCE[name]
    pages = document_pages(spec)
    for n, footer in footers.items():
        # None: the footer is cut off by the scanner, so the page's label cannot be read.
        pages[n - 1] = attrs.evolve(pages[n - 1], footer=() if footer is None else (footer,))
    return printed(pages, printed_on=spec.date + dt.timedelta(days=3)), drop


ACCEPTANCE_SCANS: tuple[str, ...] = tuple(_ACCEPTANCE)


def acceptance_spec(name: str) -> DocumentSpec:
    """The digital document an acceptance scan was printed from."""
    return _ACCEPTANCE[name][0]


def acceptance_scans(cache_root: Path | None = None, *, scan_dpi: int = 300) -> dict[str, Path]:
    """Real tesseract scans for the issue-10 acceptance tests and the scan benchmark (cached).

    The cache folder is named by a hash of this generator's source, tesseract's version and
    ``scan_dpi``: a rerun costs nothing, a change regenerates. Two files are OCR'd at a time.
    """
    from concurrent.futures import ThreadPoolExecutor

    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False).stdout
    import inspect

    # The pages' text and the code that prints, scans and OCRs them: other edits keep the cache.
    made_by = (render_pages, _rasterise, _scanner_look, _image_page_pdf, _ocr_text_layer, make_scan)
    recipe = repr([acceptance_pages(name) for name in _ACCEPTANCE]) + "".join(
        inspect.getsource(f) for f in made_by
    )
    digest = hashlib.sha256(recipe.encode() + version.encode() + str(scan_dpi).encode())
    root = cache_root or Path(tempfile.gettempdir())
    folder = root / f"dossierlink-ocr-acceptance-{digest.hexdigest()[:16]}"
    paths = {name: folder / f"{name}.pdf" for name in _ACCEPTANCE}
    missing = [name for name, path in paths.items() if not path.exists()]
    if not missing:
        return paths
    folder.mkdir(parents=True, exist_ok=True)

    def build(name: str) -> None:
        pages, drop = acceptance_pages(name)
        partial = folder / f".{name}.{os.getpid()}.tmp"
        when = dt.datetime.combine(acceptance_spec(name).date + dt.timedelta(days=4), dt.time(10))
        make_scan(pages, partial, drop=drop, scanned=when, seed=name, scan_dpi=scan_dpi)
        os.replace(partial, paths[name])  # atomic: a parallel run never sees half a file

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(build, missing))
    return paths


# --- page-image OCR scans (the fast text reader's tests) --------------------------------------

# These scans are page images drawn with pillow and OCR'd by tesseract's own PDF renderer, so
# the text layer is exactly what tesseract writes: a GlyphLessFont per page (one run per page,
# merged with pypdf) or one font shared by all pages (one run over all images).
OCR_DPI = 150
_A4_PX = (round(8.27 * OCR_DPI), round(11.69 * OCR_DPI))
# One OpenMP thread per tesseract run, pages in parallel: 3x faster than tesseract's own threading here.
_OCR_WORKERS = max(1, min(4, os.cpu_count() or 1))
_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
)

_ZINNEN = (
    "Op {datum} omstreeks 14.35 uur bevond ik, verbalisant, mij in uniform gekleed en met",
    "surveillance belast op de openbare weg, de Coolsingel te Rotterdam.",
    "Aldaar zag ik een persoon die later bleek te zijn genaamd Jan van den Berg,",
    "geboren op 12 maart 1987 te Schiedam, hierna te noemen de verdachte.",
    "Ik hoorde de aangever zeggen dat de verdachte zijn fiets had weggenomen.",
    "De aangever verklaarde dat hij geen toestemming had gegeven aan de verdachte.",
    "Ik heb de verdachte staande gehouden en naar zijn identiteitsbewijs gevraagd.",
    "Hierop toonde hij een rijbewijs met nummer 5123456789 dat op zijn naam stond.",
    "De verdachte werd om 14.52 uur aangehouden ter zake van diefstal (artikel 310 Sr).",
    "Hij werd overgebracht naar het politiebureau Zuidplein voor verder onderzoek.",
    "Van de inbeslagneming is een kennisgeving van inbeslagneming opgemaakt.",
    "De fiets, een zwarte Gazelle, is teruggegeven aan de rechthebbende eigenaar.",
    "Waarvan door mij is opgemaakt dit proces-verbaal, dat ik sloot en ondertekende",
    "op ambtseed te Rotterdam op {datum}.",
)


def _image_font(size: int) -> Any:
    from PIL import ImageFont

    for candidate in _FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def pv_page_lines(pv_number: str, parketnummer: str, page: int, pages: int, seed: int) -> list[str]:
    """The lines of one page of a proces-verbaal van bevindingen."""
    rng = random.Random(seed)
    datum = f"{rng.randint(1, 28)} {rng.choice(['januari', 'februari', 'maart', 'april'])} 2023"
    lines = [
        "POLITIE EENHEID ROTTERDAM",
        "District Rijnmond-Noord, basisteam Centrum",
        "",
        "PROCES-VERBAAL VAN BEVINDINGEN",
        f"Proces-verbaalnummer: {pv_number}",
        f"Parketnummer: {parketnummer}",
        "",
    ]
    body = [z.format(datum=datum) for z in _ZINNEN]
    rng.shuffle(body)
    lines.extend(body)
    lines.extend(body[: rng.randint(6, 12)])
    lines.extend(["", f"Pagina {page} van {pages}"])
    return lines


def render_page_image(lines: Sequence[str], seed: int) -> Any:
    """Text lines on an A4 page image with slight skew and noise, like a desk scanner."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    image = Image.new("L", _A4_PX, 255)
    draw = ImageDraw.Draw(image)
    font = _image_font(round(OCR_DPI * 0.15))
    y = round(OCR_DPI * 0.9)
    for line in lines:
        draw.text((round(OCR_DPI * 0.8), y), line, fill=rng.randint(0, 40), font=font)
        y += round(OCR_DPI * 0.26)
    image = image.rotate(rng.uniform(-0.8, 0.8), resample=Image.Resampling.BILINEAR, fillcolor=255)
    noise = Image.effect_noise(_A4_PX, 18).point(lambda v: 255 if v > 110 else 200)
    image = Image.composite(image, noise, image.point(lambda v: 255 if v < 200 else 0))
    return image.filter(ImageFilter.GaussianBlur(0.4))


def _ocr_page_pdf(image: Any, workdir: Path, name: str) -> Path:
    """OCR one page image with tesseract's PDF renderer; return the one-page PDF."""
    png = workdir / f"{name}.png"
    image.save(png, dpi=(OCR_DPI, OCR_DPI))
    base = workdir / name
    subprocess.run(
        ["tesseract", str(png), str(base), "-l", "nld", "--dpi", str(OCR_DPI), "pdf"],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    return base.with_suffix(".pdf")


def make_ocr_scan(
    target: Path,
    pv_number: str = "PL01A1 2023014223-6",
    parketnummer: str = "10/600040-23",
    pages: int = 3,
    seed: int = 1,
    drop: Sequence[int] = (),
) -> Path:
    """Write a page-image scan of a proces-verbaal, one tesseract run per page; pages in ``drop`` (1-based) are lost."""
    from concurrent.futures import ThreadPoolExecutor

    from pypdf import PdfReader, PdfWriter

    with tempfile.TemporaryDirectory(prefix="scanmaker-") as tmp:
        workdir = Path(tmp)

        def one(page: int) -> Path:
            lines = pv_page_lines(pv_number, parketnummer, page, pages, seed * 1000 + page)
            return _ocr_page_pdf(render_page_image(lines, seed * 1000 + page), workdir, f"p{page:03d}")

        kept = [page for page in range(1, pages + 1) if page not in drop]
        with ThreadPoolExecutor(_OCR_WORKERS) as pool:
            pdfs = list(pool.map(one, kept))
        writer = PdfWriter()
        for pdf in pdfs:
            writer.append(PdfReader(pdf))
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            writer.write(out)
    return target


def make_multipage_ocr_scan(target: Path, pages: int = 4, seed: int = 7) -> Path:
    """One tesseract run over several page images: all pages share one GlyphLessFont object."""
    with tempfile.TemporaryDirectory(prefix="scanmaker-") as tmp:
        workdir = Path(tmp)
        listing = workdir / "pages.txt"
        names = []
        for page in range(1, pages + 1):
            lines = pv_page_lines("PL07B3 2023123456-1", "13/123456-22", page, pages, seed * 1000 + page)
            png = workdir / f"p{page:03d}.png"
            render_page_image(lines, seed * 1000 + page).save(png, dpi=(OCR_DPI, OCR_DPI))
            names.append(str(png))
        listing.write_text("\n".join(names) + "\n")
        subprocess.run(
            ["tesseract", str(listing), str(workdir / "out"), "-l", "nld", "--dpi", str(OCR_DPI), "pdf"],
            check=True,
            capture_output=True,
            timeout=300,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(workdir / "out.pdf", target)
    return target


# name -> keyword arguments of make_ocr_scan (None: make_multipage_ocr_scan, one tesseract run)
OCR_SCANS: dict[str, dict[str, Any] | None] = {
    "pv_complete": {
        "pv_number": "PL01A1 2023014223-6",
        "parketnummer": "10/600040-23",
        "pages": 3,
        "seed": 1,
    },
    "pv_lost_last_page": {
        "pv_number": "PL01A1 2023014223-6",
        "parketnummer": "10/600040-23",
        "pages": 3,
        "seed": 2,
        "drop": (3,),
    },
    "pv_shared_font": None,
}


def build_ocr_scans(cache_root: Path | None = None) -> dict[str, Path]:
    """Make (or reuse) the :data:`OCR_SCANS`; returns name -> PDF path.

    The cache folder is named by a hash of the code that draws and OCRs the pages, the scans'
    arguments and tesseract's version: reruns skip the OCR, a change regenerates.
    """
    import inspect

    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False).stdout
    made_by = (pv_page_lines, render_page_image, _ocr_page_pdf, make_ocr_scan, make_multipage_ocr_scan)
    recipe = repr(_ZINNEN) + "".join(inspect.getsource(f) for f in made_by) + repr(OCR_SCANS)
    digest = hashlib.sha256(recipe.encode() + version.encode())
    folder = (cache_root or Path(tempfile.gettempdir())) / f"dossierlink-ocr-scans-{digest.hexdigest()[:16]}"
    paths = {name: folder / f"{name}.pdf" for name in OCR_SCANS}
    if all(path.exists() for path in paths.values()):
        return paths
    work = Path(tempfile.mkdtemp(prefix="dossierlink-ocr-build-"))
    try:
        for name, kwargs in OCR_SCANS.items():
            if kwargs is None:
                make_multipage_ocr_scan(work / f"{name}.pdf", pages=4)
            else:
                make_ocr_scan(work / f"{name}.pdf", **kwargs)
        folder.mkdir(parents=True, exist_ok=True)
        for name, path in paths.items():
            os.replace(work / f"{name}.pdf", path)  # atomic: a parallel run never sees half a file
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.scanmaker", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    samples = sub.add_parser("samples", help="regenerate samples/documents and samples/scans")
    samples.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1] / "samples")
    samples.add_argument("--fast", action="store_true", help="fpdf2 text scans, no tesseract")
    args = parser.parse_args(argv)
    ocr = not args.fast
    if ocr and not tesseract_available():
        print("tesseract (with nld) and pdftoppm are needed; use --fast for text-only scans", file=sys.stderr)
        return 2
    for path in generate_samples(args.root, ocr=ocr):
        print(f"{path.stat().st_size:>8}  {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
