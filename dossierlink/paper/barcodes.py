"""Barcodes in the pixels of scanned pages: zxing-cpp over the images pypdf extracts, rasterising pages without one.

Optional (extra ``dossierlink[barcodes]``: zxing-cpp, and pypdfium2 to rasterise; Debian's
``pdftoppm`` is used when pypdfium2 is absent). Without zxing-cpp nothing is read and the caller
is told once. Bounds: an image over ``max_pixels`` is not decoded (a decompression bomb, or an
absurd scan) and a rasterised page is rendered at most at that many pixels; both give a warning,
never an exception, and never lose the page (its text is read as before).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import logging
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

__all__ = ["DEFAULT_MAX_PIXELS", "PageBarcode", "barcodes_available", "decode_image", "read_page_barcodes"]

log = logging.getLogger(__name__)

# A4 at 600 dpi is 35 megapixels; A3 at 600 dpi 70. Above this an image is not decoded.
DEFAULT_MAX_PIXELS = 80_000_000
# Scans are decoded at about 200 dpi: the cover sheet's modules are 3 mm (DataMatrix) and
# 0.56 mm (Code 128), and a politie PV barcode survives that too; larger images only cost time.
_DECODE_WIDTH = 1700
_RASTER_DPI = 150
# Narrower images (up to ~150 dpi) hold the cover sheet's modules at 18+ pixels: no smaller pass.
_DOWNSCALE_FROM = 1300
# A page with less text than this may be a cover sheet (its OCR layer is a few lines): it gets the
# sideways pass too.
_FEW_CHARS = 300
_FORMATS = ("DataMatrix", "QRCode", "Code128", "Code39", "PDF417")


@attrs.frozen
class PageBarcode:
    """One barcode found on a page: its symbology and text; ``error`` when it was seen but not decoded."""

    symbology: str
    text: str
    error: str | None = None


def barcodes_available() -> bool:
    """True when zxing-cpp can be imported (the ``barcodes`` extra is installed)."""
    return importlib.util.find_spec("zxingcpp") is not None


def _pdfium_available() -> bool:
    return importlib.util.find_spec("pypdfium2") is not None


def rasteriser_available() -> bool:
    """True when a page without an image can be rendered (pypdfium2, or Debian's pdftoppm)."""
    return _pdfium_available() or shutil.which("pdftoppm") is not None


def _zxing() -> Any:
    import zxingcpp

    return zxingcpp


def decode_image(image: Any, *, turned: bool = True) -> list[PageBarcode]:
    """Every barcode zxing-cpp finds in a PIL image, damaged ones with ``error`` set.

    ``turned``: when an upright pass finds nothing, look again for symbols turned 90 or 270
    degrees (a sheet fed in sideways); three times the cost, so callers skip it on text pages.
    """
    zxingcpp = _zxing()
    bilevel = image.mode == "1"  # a CCITT scan: black and white already, no thresholds to find
    gray = image if image.mode == "L" else image.convert("L")
    if gray.width > _DECODE_WIDTH:
        factor = max(1, gray.width // _DECODE_WIDTH)
        if factor > 1:
            gray = gray.reduce(factor)
    formats = zxingcpp.BarcodeFormats([getattr(zxingcpp.BarcodeFormat, name) for name in _FORMATS])
    found: list[PageBarcode] = []
    # The upright pass finds skewed and upside-down symbols; a sideways one needs try_rotate, at
    # three times the cost. Cover sheets and stickers print dark on light: no inverting.
    options: dict[str, Any] = {
        "formats": formats,
        "try_invert": False,
        "try_downscale": gray.width > _DOWNSCALE_FROM,
        "return_errors": True,
    }
    if bilevel:
        options["binarizer"] = zxingcpp.Binarizer.FixedThreshold
    results = zxingcpp.read_barcodes(gray, try_rotate=False, **options)
    if turned and not any(r.valid for r in results):
        results = zxingcpp.read_barcodes(gray, try_rotate=True, **options)
    for result in results:
        symbology = str(result.format).replace(" ", "")
        if result.valid:
            found.append(PageBarcode(symbology, result.text))
        else:
            found.append(PageBarcode(symbology, "", str(result.error) or "unreadable"))
    return found


def _image_objects(page: Any) -> list[tuple[str, Any, int, int]]:
    """(name, XObject, width, height) of each image XObject on the page, without decoding any."""
    out: list[tuple[str, Any, int, int]] = []
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    if not resources or "/XObject" not in resources:
        return out
    xobjects = resources["/XObject"].get_object()
    for name in xobjects:
        obj = xobjects[name].get_object()
        if obj.get("/Subtype") != "/Image":
            continue
        try:
            out.append((str(name), obj, int(obj.get("/Width", 0)), int(obj.get("/Height", 0))))
        except (TypeError, ValueError):
            continue
    return out


def _filters(obj: Any) -> list[str]:
    value = obj.get("/Filter")
    if value is None:
        return []
    value = value.get_object()
    return [str(f) for f in value] if isinstance(value, list) else [str(value)]


def _decode_xobject(page: Any, name: str, obj: Any, width: int, height: int) -> Any:
    """The image as PIL, decoded straight from its stream for what scanners write (JPEG, CCITT G4,
    plain gray or RGB pixels); anything else through pypdf's image extraction (slower: it parses the
    page's whole content stream, the OCR text layer included)."""
    from PIL import Image

    filters = _filters(obj)
    bits = int(obj.get("/BitsPerComponent", 8) or 8)
    space = obj.get("/ColorSpace")
    space = (
        str(space.get_object()) if space is not None and not isinstance(space.get_object(), list) else None
    )
    decode = obj.get("/Decode")
    if decode is None and "/SMask" not in obj and "/Mask" not in obj:
        if filters in (["/DCTDecode"], ["/DCT"]):
            return Image.open(io.BytesIO(obj.get_data()))
        if filters in (["/CCITTFaxDecode"], ["/CCF"]):
            return Image.open(io.BytesIO(obj.get_data()))  # pypdf wraps G3/G4 data in a TIFF header
        if filters in ([], ["/FlateDecode"], ["/Fl"]) and space in ("/DeviceGray", "/DeviceRGB"):
            mode = {("/DeviceGray", 8): "L", ("/DeviceGray", 1): "1", ("/DeviceRGB", 8): "RGB"}.get(
                (space, bits)
            )
            if mode is not None:
                data = obj.get_data()
                return Image.frombytes(mode, (width, height), data)
    return page.images[name].image


def read_page_barcodes(
    page: Any,
    number: int,
    *,
    pdf_bytes: bytes,
    text: str,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    warnings: list[str],
) -> tuple[PageBarcode, ...]:
    """The barcodes on pypdf page ``page`` (1-based ``number``): in its images, else in a rendering of it.

    A page without images is rendered only when it has (almost) no text: a digital page's barcodes
    would be vector drawings, and rendering every text page would cost more than it finds.
    """
    found: list[PageBarcode] = []
    try:
        images = _image_objects(page)
    except Exception as exc:  # a damaged resource dictionary: the text was read already
        warnings.append(f"page {number}: its images cannot be listed, so no barcodes were read ({exc})")
        return ()
    decoded_any = False
    for name, obj, width, height in images:
        if width * height > max_pixels:
            warnings.append(
                f"page {number}: an image of {width}x{height} pixels is over the limit of "
                f"{max_pixels:,} pixels; its barcodes were not read"
            )
            continue
        if width < 40 or height < 40:
            continue  # a logo or a rule, not a scan
        try:
            image = _decode_xobject(page, name, obj, width, height)
        except Exception as exc:
            warnings.append(
                f"page {number}: an image cannot be decoded, so its barcodes were not read ({exc})"
            )
            continue
        if image is None:
            continue
        decoded_any = True
        found.extend(decode_image(image, turned=len(text.strip()) < _FEW_CHARS))
    if not decoded_any and not images and len(text.strip()) < 25:
        rendered = _render(pdf_bytes, number, page, max_pixels, warnings)
        if rendered is not None:
            found.extend(decode_image(rendered))
    return tuple(found)


def _render(pdf_bytes: bytes, number: int, page: Any, max_pixels: int, warnings: list[str]) -> Any:
    """The page as a grayscale PIL image at up to 150 dpi and at most ``max_pixels``; None when impossible."""
    try:
        box = page.mediabox
        width_pt, height_pt = float(box.width), float(box.height)
    except Exception:
        width_pt, height_pt = 595.0, 842.0
    dpi = float(_RASTER_DPI)
    pixels = (width_pt * dpi / 72) * (height_pt * dpi / 72)
    if pixels > max_pixels:
        dpi *= (max_pixels / pixels) ** 0.5
    if dpi < 50:
        warnings.append(
            f"page {number}: the page is too large to render for barcodes ({width_pt:.0f}x{height_pt:.0f} pt)"
        )
        return None
    if _pdfium_available():
        try:
            import pypdfium2 as pdfium  # type: ignore[import-untyped]

            document = pdfium.PdfDocument(pdf_bytes)
            try:
                bitmap = document[number - 1].render(scale=dpi / 72, grayscale=True)
                return bitmap.to_pil().convert("L")
            finally:
                document.close()
        except Exception as exc:
            log.debug("pypdfium2 could not render page %d: %s", number, exc)
    exe = shutil.which("pdftoppm")
    if exe is None:
        warnings.append(
            f"page {number}: the page has no image and nothing is installed to render it "
            "(pip install 'dossierlink[barcodes]' or Debian's poppler-utils); its barcodes were not read"
        )
        return None
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="dossierlink-raster-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf_bytes)
        try:
            args = [exe, "-r", f"{dpi:.0f}", "-gray", "-f", str(number), "-l", str(number), "-singlefile"]
            done = subprocess.run(
                [*args, "-png", str(source), str(Path(tmp) / "page")],
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            warnings.append(f"page {number}: rendering it for barcodes failed ({exc})")
            return None
        out = Path(tmp) / "page.png"
        if done.returncode != 0 or not out.exists():
            warnings.append(
                f"page {number}: rendering it for barcodes failed (pdftoppm exit code {done.returncode})"
            )
            return None
        with contextlib.suppress(Exception), Image.open(io.BytesIO(out.read_bytes())) as img:
            return img.convert("L")
    return None


def summarise(barcodes: Sequence[PageBarcode]) -> str:
    """``DataMatrix 'DL:1|…'`` for a warning."""
    return ", ".join(f"{b.symbology} {b.text[:40]!r}" for b in barcodes)
