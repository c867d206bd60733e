"""Hand-built hostile PDFs (a test helper, loaded by the hostile conftest): bombs, loops, locks."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from pathlib import Path


def build_pdf(
    objects: list[bytes], *, root: int = 1, trailer_extra: bytes = b"", prev: int | None = None
) -> bytes:
    """A PDF with a correct xref table for ``objects`` (object i+1 is objects[i])."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    prev_part = b" /Prev %d" % (xref if prev == -1 else prev) if prev is not None else b""
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R%s%s >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, root, prev_part, trailer_extra, xref)
    )
    return out.getvalue()


def _page_doc(content: bytes, *, filters: bytes = b"", extra_page: bytes = b"") -> bytes:
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >>" + extra_page + b" >>",
            b"<< /Length %d%s >>\nstream\n" % (len(content), filters) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def flate_bomb(size_mb: int = 400) -> bytes:
    """A content stream that inflates to ``size_mb`` MB from well under a megabyte."""
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = [comp.compress(b"BT /F1 12 Tf 72 712 Td (Pagina 1 van 1) Tj ET\n")]
    parts.extend(comp.compress(chunk) for _ in range(size_mb))
    parts.append(comp.flush())
    return _page_doc(b"".join(parts), filters=b" /Filter /FlateDecode")


def nested_arrays(depth: int = 100_000) -> bytes:
    """An object that nests arrays ``depth`` deep, referenced from the page."""
    return _page_doc(
        b"BT /F1 12 Tf 72 712 Td (diep) Tj ET",
        extra_page=b" /Annots " + b"[" * depth + b"]" * depth,
    )


def reference_chain(length: int = 50_000) -> bytes:
    """Object n is a reference to object n+1, ``length`` times: indirect-object recursion."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources 5 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    first = len(objs) + 1
    for i in range(length):
        objs.append(b"%d 0 R" % (first + i + 1))
    objs.append(b"<< >>")
    return build_pdf(objs)


def page_tree_cycle() -> bytes:
    """The page tree holds itself: Kids of the Pages node point back at the node."""
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        ]
    )


def circular_xref() -> bytes:
    """The trailer's /Prev points at its own xref section: an endless xref chain."""
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [] /Count 0 >>",
        ],
        prev=-1,
    )


def many_pages(count: int = 200_000) -> bytes:
    """One page object listed ``count`` times: a tiny file claiming a huge page count."""
    kids = b" ".join([b"3 0 R"] * count)
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ]
    )


def encrypted(password: str = "geheim") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password=password, owner_password=password + "-eigenaar", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def no_eof() -> bytes:
    return _page_doc(b"BT /F1 12 Tf 72 712 Td (half) Tj ET")[:-200]


def good_pdf(text: str = "Proces-verbaal PL10A1 2023100001-1 pagina 1 van 1") -> bytes:
    return _page_doc(b"BT /F1 12 Tf 72 712 Td (" + text.encode("latin-1") + b") Tj ET")


BOMBS: dict[str, tuple[Callable[[], bytes], str]] = {
    "flate_bomb": (flate_bomb, r"bomb|inflate|limit|memory|too|time"),
    "nested_arrays": (nested_arrays, r"corrupt|nest|deep|recurs|bomb|limit|memory|time"),
    "reference_chain": (reference_chain, r"corrupt|nest|deep|recurs|limit|memory|time"),
    "page_tree_cycle": (page_tree_cycle, r"corrupt|loop|cycle|circular|recurs|pages|limit|time"),
    "circular_xref": (circular_xref, r"corrupt|loop|cycle|circular|xref|pages|no page|empty|time"),
    "many_pages": (many_pages, r"pages|limit"),
    "encrypted": (encrypted, r"encrypt|password|protect"),
    "no_eof": (no_eof, r"truncat|EOF"),
}


def write(path: Path, name: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(BOMBS[name][0]())
    return path


def multi_stream_bomb(pages: int = 12, size_mb: int = 70) -> bytes:
    """Many pages, each inflating to just under pypdf's per-stream limit: the sum is the bomb."""
    comp = zlib.compressobj(9)
    chunk = b"0 0 m " * ((1 << 20) // 6)
    body = comp.compress(b"BT /F1 12 Tf 72 712 Td (Pagina) Tj ET\n")
    body += b"".join(comp.compress(chunk) for _ in range(size_mb)) + comp.flush()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for _ in range(pages):
        page_no = len(objs) + 1
        kids.append(b"%d 0 R" % page_no)
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>" % (page_no + 1)
        )
        objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream")
    objs[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % pages
    return build_pdf(objs)


BOMBS["multi_stream_bomb"] = (multi_stream_bomb, r"bomb|memory|time|limit|too")
