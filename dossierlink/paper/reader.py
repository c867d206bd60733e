"""Read one PDF with pypdf into a PdfSummary: hash, page texts, page labels, dossier pages, fingerprint.

Every way a PDF can be unreadable ends as a :class:`PdfError` whose ``reason`` is one of
:data:`PDF_ERROR_REASONS` and whose message is a sentence naming the file; no library exception
class name ever reaches that sentence. A PDF protected only by an owner password (printing or
copying restricted, an empty user password: RC4 or AES-128/256) opens like any viewer opens it, and
the summary says with which algorithm. Run it through
:func:`dossierlink.paper.isolate.read_pdf_isolated` for untrusted input: that adds a time and a
memory limit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib
import io
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from dossierlink.errors import AdapterError
from dossierlink.fingerprint import fingerprint
from dossierlink.paper.barcodes import DEFAULT_MAX_PIXELS, PageBarcode, barcodes_available, read_page_barcodes
from dossierlink.paper.coversheet import CoverSheetError, decode_payload, find_payloads
from dossierlink.paper.labels import find_dossier_page, find_page_label
from dossierlink.pinned import open_binary, read_bytes, stat_input

__all__ = [
    "PDF_ERROR_REASONS",
    "PdfError",
    "PdfLimits",
    "PdfSummary",
    "describe_failure",
    "page_texts",
    "preflight",
    "read_pdf",
]

log = logging.getLogger(__name__)

_MB = 1024 * 1024

# Every ``PdfError.reason``, documented in docs/formats/scan.md.
PDF_ERROR_REASONS = frozenset(
    {
        "unreadable",  # the file system refuses the file
        "empty",
        "not_pdf",
        "truncated",
        "encrypted",  # a user password is needed, or an encryption no installed library opens
        "corrupt",
        "too_big",
        "too_many_pages",
        "bomb",
        "memory",
        "timeout",
        "crashed",
    }
)
_PASSWORD = "the PDF is protected with a password; ask the sender for an unprotected copy"


class PdfError(AdapterError):
    """A PDF that cannot be read. ``reason`` is a stable code, the message a sentence."""

    def __init__(self, path: Path | str, problem: str, reason: str = "corrupt", locator: str | None = None):
        super().__init__(path, problem, locator)
        self.reason = reason

    def __reduce__(self) -> tuple[Any, ...]:  # crosses process boundaries intact
        return (PdfError, (self.path, self.problem, self.reason, self.locator))


@attrs.frozen
class PdfLimits:
    """Bounds on what one PDF may cost. The isolated reader enforces time and memory."""

    max_bytes: int = 512 * _MB
    max_pages: int = 5000
    timeout_s: float = 120.0
    memory_mb: int = 1536
    # Text beyond this per page is cut: a real page holds a few thousand characters.
    max_page_chars: int = 200_000
    # An image (or a rendering of a page) over this many pixels is not decoded for barcodes.
    max_image_pixels: int = DEFAULT_MAX_PIXELS


@attrs.frozen
class PdfSummary:
    """What the reader learned from one PDF file."""

    path: str
    size: int
    sha256: str
    page_count: int
    page_texts: tuple[str, ...]
    text_chars: int
    fingerprint: str
    page_labels: tuple[tuple[int, int] | None, ...]
    dossier_pages: tuple[int | None, ...]
    encrypted: bool = False
    # How an encrypted PDF that opened without a password was protected: "AES-256 (revision 6)".
    encryption: str | None = None
    producer: str | None = None
    creator: str | None = None
    created: dt.datetime | None = None
    modified: dt.datetime | None = None
    warnings: tuple[str, ...] = ()
    # Per page, the barcodes read from its pixels (empty tuples when barcodes were not read).
    page_barcodes: tuple[tuple[PageBarcode, ...], ...] = ()
    barcodes_read: bool = False

    @property
    def has_text(self) -> bool:
        return self.text_chars > 0


def preflight(path: Path, limits: PdfLimits) -> int:
    """Cheap checks before pypdf sees the file; returns its size or raises PdfError."""
    try:
        size = stat_input(path).st_size
    except OSError as exc:
        raise PdfError(path, f"the file cannot be read ({exc.strerror or exc})", "unreadable") from None
    if size == 0:
        raise PdfError(path, "the file is empty (0 bytes); copy it again from the source", "empty")
    if size > limits.max_bytes:
        raise PdfError(
            path,
            f"the file is {size / _MB:.0f} MB, over the limit of {limits.max_bytes / _MB:.0f} MB "
            "(raise limits.max_bytes if this is a genuine dossier)",
            "too_big",
        )
    with open_binary(path) as fh:
        head = fh.read(1024)
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    if b"%PDF-" not in head:
        raise PdfError(path, f"this is not a PDF (it starts with {_describe(head)})", "not_pdf")
    if b"%%EOF" not in tail:
        raise PdfError(
            path,
            "the PDF is truncated: it does not end in %%EOF (an interrupted scan, copy or upload); "
            "copy it again when the scanner has finished",
            "truncated",
        )
    return size


def _describe(head: bytes) -> str:
    magic = {
        b"PK\x03\x04": "a ZIP signature (an Office document or archive?)",
        b"\x89PNG": "a PNG signature",
        b"\xff\xd8\xff": "a JPEG signature",
        b"II*\x00": "a TIFF signature",
        b"MM\x00*": "a TIFF signature",
        b"<?xml": "an XML declaration",
    }
    for sig, what in magic.items():
        if head.startswith(sig):
            return what
    shown = head[:12].decode("latin-1").encode("unicode_escape").decode("ascii")
    return f"{shown!r}, not %PDF-"


_fast_page_texts: Callable[[Any], list[str]] | None = None
_fast_loaded = False


def _fast() -> Callable[[Any], list[str]] | None:
    """The faster page-text extractor of dossierlink.paper.fasttext, when present and importable."""
    global _fast_page_texts, _fast_loaded
    if not _fast_loaded:
        _fast_loaded = True
        try:
            module = importlib.import_module("dossierlink.paper.fasttext")
            fn = getattr(module, "page_texts", None)
            _fast_page_texts = fn if callable(fn) else None
        except Exception as exc:  # an optional speed-up must never break reading
            log.debug("fast text extraction unavailable: %s", exc)
            _fast_page_texts = None
    return _fast_page_texts


def page_texts(reader: Any, path: Path | str = "", *, warnings: list[str] | None = None) -> list[str]:
    """Every page's text: the fast extractor when available, else pypdf page by page.

    A page pypdf cannot read yields "" and a warning; resource-limit errors propagate.
    """
    from pypdf.errors import LimitReachedError

    fast = _fast()
    if fast is not None:
        try:
            texts = fast(reader)
            if len(texts) == len(reader.pages):
                return [t or "" for t in texts]
        except (LimitReachedError, MemoryError, RecursionError):
            raise
        except Exception as exc:
            log.debug("fast text extraction failed on %s, using plain pypdf: %s", path, exc)
    out: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            out.append(page.extract_text() or "")
        except (LimitReachedError, MemoryError, RecursionError):
            raise
        except Exception as exc:
            out.append("")
            if warnings is not None:
                warnings.append(f"page {number}: no text could be read ({describe_failure(exc)})")
    return out


def _meta(reader: Any, warnings: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {"producer": None, "creator": None, "created": None, "modified": None}
    try:
        meta = reader.metadata
        if meta is None:
            return found
        for key, attr in (("producer", "producer"), ("creator", "creator")):
            try:
                value = getattr(meta, attr)
                found[key] = " ".join(str(value).split())[:200] if value else None
            except Exception:
                pass
        for key, attr in (("created", "creation_date"), ("modified", "modification_date")):
            with contextlib.suppress(Exception):
                found[key] = getattr(meta, attr)
    except Exception as exc:
        warnings.append(f"the document information cannot be read ({describe_failure(exc)})")
    return found


def read_pdf(path: Path, *, limits: PdfLimits | None = None, barcodes: bool = False) -> PdfSummary:
    """Read ``path`` in this process. Raises :class:`PdfError` for any unreadable PDF.

    ``barcodes``: also read the barcodes in the pages' pixels (when zxing-cpp is installed; see
    :mod:`dossierlink.paper.barcodes`). No time or memory limit here: use ``read_pdf_isolated``
    for files from outside.
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

    limits = limits or PdfLimits()
    path = Path(path)
    size = preflight(path, limits)
    data = read_bytes(path)
    sha = hashlib.sha256(data).hexdigest()
    warnings: list[str] = []
    encrypted = False
    encryption: str | None = None
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            encrypted = True
            encryption, note = _open_without_password(reader, path)
            warnings.append(note)
        pages = len(reader.pages)
        if pages > limits.max_pages:
            raise PdfError(
                path, f"the PDF has {pages} pages, over the limit of {limits.max_pages}", "too_many_pages"
            )
        texts = [t[: limits.max_page_chars] for t in page_texts(reader, path, warnings=warnings)]
        meta = _meta(reader, warnings)
        found: tuple[tuple[PageBarcode, ...], ...] = ()
        if barcodes and barcodes_available():
            found = _page_barcodes(reader, data, texts, limits, warnings)
    except PdfError:
        raise
    except FileNotDecryptedError:
        raise PdfError(path, _PASSWORD, "encrypted") from None
    except DependencyError:
        raise PdfError(path, _NO_CRYPTO, "encrypted") from None
    except NotImplementedError as exc:
        if encrypted or b"/Encrypt" in data:  # pypdf reads the security handler while opening
            raise PdfError(
                path,
                f"the PDF is encrypted with a method that cannot be opened here ({describe_failure(exc)}); "
                "ask the sender for an unprotected copy",
                "encrypted",
            ) from None
        raise PdfError(
            path, f"the PDF uses a feature that cannot be read: {describe_failure(exc)}", "corrupt"
        ) from None
    except LimitReachedError as exc:
        raise PdfError(
            path,
            "a stream in the PDF inflates past pypdf's safety limit (a decompression bomb?): "
            f"{describe_failure(exc)}",
            "bomb",
        ) from None
    except MemoryError:
        raise PdfError(path, "reading the PDF needs more memory than allowed", "memory") from None
    except RecursionError:
        raise PdfError(
            path, "the PDF is corrupt: its object structure nests without end", "corrupt"
        ) from None
    except Exception as exc:  # pypdf can fail in many ways on hostile input: never crash
        log.debug("pypdf failed on %s", path, exc_info=True)
        raise PdfError(path, f"the PDF is corrupt: {describe_failure(exc)}", "corrupt") from None
    return PdfSummary(
        path=str(path),
        size=size,
        sha256=sha,
        page_count=len(texts),
        page_texts=tuple(texts),
        text_chars=sum(len(t.strip()) for t in texts),
        fingerprint=fingerprint(texts),
        page_labels=tuple(find_page_label(t) for t in texts),
        dossier_pages=tuple(find_dossier_page(t) for t in texts),
        encrypted=encrypted,
        encryption=encryption,
        producer=meta["producer"],
        creator=meta["creator"],
        created=_as_datetime(meta["created"]),
        modified=_as_datetime(meta["modified"]),
        warnings=tuple(warnings),
        page_barcodes=found,
        barcodes_read=bool(found),
    )


def _identified_by_text(text: str) -> bool:
    """True when the page's text layer already carries a valid cover-sheet payload."""
    for payload in find_payloads(text):
        with contextlib.suppress(CoverSheetError):
            if decode_payload(payload) is not None:
                return True
    return False


_LATER_PAGE_CHARS = 200


def _page_barcodes(
    reader: Any, data: bytes, texts: list[str], limits: PdfLimits, warnings: list[str]
) -> tuple[tuple[PageBarcode, ...], ...]:
    """Every page's barcodes; a page that fails is a warning and keeps its text."""
    from pypdf.errors import LimitReachedError

    out: list[tuple[PageBarcode, ...]] = []
    for number, (page, text) in enumerate(zip(reader.pages, texts, strict=True), start=1):
        if _identified_by_text(text):
            out.append(())  # its text layer names the cover sheet: no pixels needed
            continue
        label = find_page_label(text)
        if label is not None and label[0] > 1 and len(text.strip()) >= _LATER_PAGE_CHARS:
            # A later page of a labelled stuk ("pagina 3 van 5"): a cover sheet has no such label,
            # and a stuk's own barcode (a PV sticker, a letter's QR code) sits on its first page.
            out.append(())
            continue
        try:
            out.append(
                read_page_barcodes(
                    page,
                    number,
                    pdf_bytes=data,
                    text=text,
                    max_pixels=limits.max_image_pixels,
                    warnings=warnings,
                )
            )
        except (LimitReachedError, MemoryError):
            warnings.append(
                f"page {number}: its image inflates past the safety limits; its barcodes were not read"
            )
            out.append(())
        except Exception as exc:
            warnings.append(f"page {number}: its barcodes cannot be read ({describe_failure(exc)})")
            out.append(())
    return tuple(out)


_NO_CRYPTO = (
    "the PDF is encrypted with AES and this installation has no AES decryption "
    "(install dossierlink with its dependencies: pip install 'pypdf[crypto]'), or ask the sender "
    "for an unprotected copy"
)


def _open_without_password(reader: Any, path: Path) -> tuple[str, str]:
    """Open an encrypted PDF with the empty user password, as every viewer does.

    Returns (algorithm, a note for the record); raises :class:`PdfError` when a password is needed
    or the encryption cannot be opened here.
    """
    from pypdf import PasswordType
    from pypdf.errors import DependencyError

    algorithm = encryption_algorithm(reader)
    try:
        opened = reader.decrypt("")
    except DependencyError:
        raise PdfError(path, _NO_CRYPTO, "encrypted") from None
    except NotImplementedError:
        raise PdfError(
            path,
            f"the PDF is encrypted with {algorithm}, which cannot be opened here; ask the sender for an "
            "unprotected copy",
            "encrypted",
        ) from None
    if opened == PasswordType.NOT_DECRYPTED:
        raise PdfError(path, _PASSWORD, "encrypted")
    if opened == PasswordType.USER_PASSWORD:
        note = (
            f"the PDF is protected with {algorithm} by an owner password (printing or copying "
            "restricted) and opens without a password: read as usual"
        )
    else:
        note = f"the PDF is encrypted with {algorithm} without a password: read as usual"
    return algorithm, note


def encryption_algorithm(reader: Any) -> str:
    """The encryption of a PDF in words, from its /Encrypt dictionary: "RC4-40", "AES-128", "AES-256 (revision 6)"."""
    try:
        enc = reader.trailer["/Encrypt"].get_object()
        handler = str(enc.get("/Filter", "/Standard")).lstrip("/")
        version = int(enc.get("/V", 0))
        revision = int(enc.get("/R", 0))
        if handler != "Standard":
            return f"the {handler} security handler (certificates)"
        if version >= 4:
            filter_name = str(enc.get("/StmF", "/Identity"))
            crypt = enc.get("/CF", {}).get_object() if "/CF" in enc else {}
            method = str(crypt.get(filter_name, {}).get("/CFM", "/None")) if filter_name in crypt else "/None"
            name = {"/AESV3": "AES-256", "/AESV2": "AES-128", "/V2": "RC4-128"}.get(method)
            if name is None:
                name = "no stream encryption" if method == "/None" else method.lstrip("/")
        else:
            bits = int(enc.get("/Length", 40)) if version >= 2 else 40
            name = f"RC4-{bits}"
        return f"{name} (revision {revision})"
    except Exception:  # a damaged /Encrypt: pypdf's decrypt reports it
        return "an unknown encryption"


# Exception messages that only make sense to a programmer: replaced by a sentence.
_CLASS_NAME_RE = re.compile(r"\b[A-Z][A-Za-z0-9_]*(?:Error|Exception|Warning)\b:?\s*")


def describe_failure(exc: BaseException) -> str:
    """What went wrong, as words for a user: never a class name, never a Python repr."""
    if isinstance(exc, KeyError):
        key = exc.args[0] if exc.args else None
        return (
            f"an entry it needs is missing ({key})"
            if isinstance(key, str)
            else "an entry it needs is missing"
        )
    if isinstance(exc, IndexError | AttributeError | TypeError):
        return "an object in it is missing or of the wrong kind"
    if isinstance(exc, OSError):
        return exc.strerror or "the file cannot be read"
    text = " ".join(_CLASS_NAME_RE.sub("", str(exc)).split()).strip(" :")
    if not text:
        return "its structure cannot be parsed"
    return text[:300]


def _as_datetime(value: object) -> dt.datetime | None:
    return value if isinstance(value, dt.datetime) else None
