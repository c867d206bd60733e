"""Make real-OCR test scans: Dutch proces-verbaal pages rendered to images, OCR'd by tesseract, merged."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont
from pypdf import PdfReader, PdfWriter

DPI = 150
A4_PX = (round(8.27 * DPI), round(11.69 * DPI))
# One OpenMP thread per tesseract run, pages in parallel: 3x faster than tesseract's own threading here.
_TESSERACT_ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
WORKERS = max(1, min(4, os.cpu_count() or 1))
FONT_CANDIDATES = (
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


def tesseract_available() -> bool:
    """True when the tesseract binary and its Dutch model are installed."""
    if shutil.which("tesseract") is None:
        return False
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
    return "nld" in out.stdout.split()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def page_lines(pv_number: str, parketnummer: str, page: int, pages: int, seed: int) -> list[str]:
    """The lines of one page of a proces-verbaal."""
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


def render_page(lines: Sequence[str], seed: int) -> Image.Image:
    """Render text lines on an A4 page image with slight skew and noise, like a desk scanner."""
    rng = random.Random(seed)
    image = Image.new("L", A4_PX, 255)
    draw = ImageDraw.Draw(image)
    font = _font(round(DPI * 0.15))
    y = round(DPI * 0.9)
    for line in lines:
        draw.text((round(DPI * 0.8), y), line, fill=rng.randint(0, 40), font=font)
        y += round(DPI * 0.26)
    image = image.rotate(rng.uniform(-0.8, 0.8), resample=Image.Resampling.BILINEAR, fillcolor=255)
    noise = Image.effect_noise(A4_PX, 18).point(lambda v: 255 if v > 110 else 200)
    image = Image.composite(image, noise, image.point(lambda v: 255 if v < 200 else 0))
    return image.filter(ImageFilter.GaussianBlur(0.4))


def ocr_page(image: Image.Image, workdir: Path, name: str) -> Path:
    """OCR one page image with tesseract's PDF renderer; return the one-page PDF."""
    png = workdir / f"{name}.png"
    image.save(png, dpi=(DPI, DPI))
    base = workdir / name
    subprocess.run(
        ["tesseract", str(png), str(base), "-l", "nld", "--dpi", str(DPI), "pdf"],
        check=True,
        capture_output=True,
        timeout=120,
        env=_TESSERACT_ENV,
    )
    return base.with_suffix(".pdf")


def make_scan(
    target: Path,
    pv_number: str = "PL01A1 2023014223-6",
    parketnummer: str = "10/600040-23",
    pages: int = 3,
    seed: int = 1,
    drop: Sequence[int] = (),
) -> Path:
    """Write a real-OCR scan of a proces-verbaal to `target`; pages in `drop` (1-based) are lost."""
    with tempfile.TemporaryDirectory(prefix="scanmaker-") as tmp:
        workdir = Path(tmp)

        def one(page: int) -> Path:
            lines = page_lines(pv_number, parketnummer, page, pages, seed * 1000 + page)
            return ocr_page(render_page(lines, seed * 1000 + page), workdir, f"p{page:03d}")

        kept = [page for page in range(1, pages + 1) if page not in drop]
        with ThreadPoolExecutor(WORKERS) as pool:
            pdfs = list(pool.map(one, kept))
        writer = PdfWriter()
        for pdf in pdfs:
            writer.append(PdfReader(pdf))
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            writer.write(out)
    return target


def make_multipage_scan(target: Path, pages: int = 4, seed: int = 7) -> Path:
    """One tesseract run over several images: all pages share one GlyphLessFont object."""
    with tempfile.TemporaryDirectory(prefix="scanmaker-") as tmp:
        workdir = Path(tmp)
        listing = workdir / "pages.txt"
        names = []
        for page in range(1, pages + 1):
            lines = page_lines("PL07B3 2023123456-1", "13/123456-22", page, pages, seed * 1000 + page)
            png = workdir / f"p{page:03d}.png"
            render_page(lines, seed * 1000 + page).save(png, dpi=(DPI, DPI))
            names.append(str(png))
        listing.write_text("\n".join(names) + "\n")
        subprocess.run(
            ["tesseract", str(listing), str(workdir / "out"), "-l", "nld", "--dpi", str(DPI), "pdf"],
            check=True,
            capture_output=True,
            timeout=300,
            env=_TESSERACT_ENV,
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(workdir / "out.pdf", target)
    return target
