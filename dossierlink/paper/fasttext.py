"""Page texts exactly as pypdf's extract_text gives them, but fast on OCR text layers (tesseract, OCRmyPDF).

Why: tesseract's PDF renderer writes a ``GlyphLessFont`` whose ToUnicode CMap is one bfrange over
65,536 codes, and writes every word as a hex string. pypdf 7.1 re-parses that CMap for every page
(a Python loop of 65,536 steps, >85% of the time) and reads hex strings byte by byte. During a
`page_texts` call this module swaps five pypdf internals for exact equivalents:

1. ``pypdf._cmap.parse_bfrange``: a one-line bfrange of 1- or 2-byte codes mapping to single
   UTF-16 units is built with one ``dict.update`` (same keys, values and order); the full
   identity range is copied from a table built once per process.
2. ``pypdf._cmap._parse_to_unicode``: memoised per call by the ToUnicode stream's bytes, so one
   OCR CMap is parsed once per file even when every page carries its own font object.
3. ``pypdf._page.Font``: ``from_font_resource`` memoised per call by the font dictionary's
   indirect reference ``(idnum, generation)``; every page gets its own shallow copy.
4. ``ContentStream._parse_content_stream``: a regex tokenizer for plain tokens (numbers, names,
   hex and simple literal strings, flat arrays, operators, comments); any other operand is read by
   pypdf's own ``read_object`` at that offset with the same work budget; errors, limits and inline
   images hand the whole stream back to pypdf's parser.
5. ``pypdf._text_extraction._text_extractor.encoding_dict_from_named_encoding``: the cp1252 table
   pypdf rebuilds for every page is built once per call (each caller gets a copy).

The replacements only act inside a `page_texts` call on the calling thread (a ContextVar);
anywhere else they call pypdf's original. Patches are installed under a lock with a use count and
restored when the last call ends. Outside the tested pypdf range (`SUPPORTED_PYPDF`) or when an
internal is missing, `page_texts` is plain pypdf. ``tests/fasttext`` compares both paths.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import re
import threading
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import pypdf
from pypdf import PdfReader

from dossierlink.pinned import open_binary

__all__ = [
    "SUPPORTED_PYPDF",
    "PdfTextError",
    "acceleration_available",
    "page_texts",
    "page_texts_from_path",
]

# The pypdf releases whose internals were read and tested against: [low, high).
SUPPORTED_PYPDF: tuple[tuple[int, int], tuple[int, int]] = ((7, 1), (7, 2))


class PdfTextError(ValueError):
    """A PDF whose text cannot be read; the message names the file and the problem."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def page_texts(reader: PdfReader) -> list[str]:
    """Return ``[page.extract_text() for page in reader.pages]``, computed faster on OCR layers."""
    if not acceleration_available():
        return [page.extract_text() for page in reader.pages]
    with _accelerated(reader):
        return [page.extract_text() for page in reader.pages]


def page_texts_from_path(path: str | Path) -> list[str]:
    """Open the PDF at `path` and return its page texts; unreadable files raise `PdfTextError`."""
    path = Path(path)
    try:
        with open_binary(path) as fh:
            return page_texts(PdfReader(fh))
    except (OSError, pypdf.errors.PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        if isinstance(exc, PdfTextError):
            raise
        raise PdfTextError(path, f"cannot read the PDF's text ({exc})") from exc


def acceleration_available() -> bool:
    """True when the installed pypdf is in `SUPPORTED_PYPDF` and has every internal this module swaps."""
    return _internals() is not None


# --------------------------------------------------------------------------------------------------
# Per-call state


@dataclass
class _CallCache:
    reader: PdfReader | None
    fonts: dict[tuple[int, int], Any] = field(default_factory=dict)
    to_unicode: dict[bytes, tuple[dict[Any, Any], list[int]]] = field(default_factory=dict)


_ACTIVE: ContextVar[_CallCache | None] = ContextVar("dossierlink_fasttext_cache", default=None)


@contextlib.contextmanager
def _accelerated(reader: PdfReader | None) -> Iterator[None]:
    internals = _internals()
    if internals is None:  # pragma: no cover - checked by the caller
        yield
        return
    token = _ACTIVE.set(_CallCache(reader))
    internals.acquire()
    try:
        yield
    finally:
        internals.release()
        _ACTIVE.reset(token)


def _parse_version(text: str) -> tuple[int, int] | None:
    match = re.match(r"(\d+)\.(\d+)", text)
    return (int(match[1]), int(match[2])) if match else None


# --------------------------------------------------------------------------------------------------
# The patches


class _Internals:
    """The pypdf internals this module swaps, found by feature detection, and their replacements."""

    def __init__(self) -> None:
        import importlib

        def module(name: str) -> Any:
            return importlib.import_module(name)

        cmap = module("pypdf._cmap")
        page = module("pypdf._page")
        extractor = module("pypdf._text_extraction._text_extractor")
        structures = module("pypdf.generic._data_structures")
        utils = module("pypdf.generic._utils")
        font = module("pypdf.generic._font").Font
        content_stream = structures.ContentStream

        def need(owner: Any, name: str) -> Any:
            value = getattr(owner, name, None)
            if value is None:
                raise LookupError(f"pypdf has no {name} in {owner!r}")
            return value

        if need(page, "Font") is not font or not callable(need(font, "from_font_resource")):
            raise LookupError("pypdf._page.Font is not pypdf.generic._font.Font")
        configuration = module("pypdf._configuration").get_configuration()
        for name in ("stream_parsing_work_maximum_count", "array_maximum_element_count"):
            if not isinstance(getattr(configuration, name, None), int):
                raise LookupError(f"pypdf configuration has no {name}")

        self.get_configuration: Callable[[], Any] = module("pypdf._configuration").get_configuration
        self.orig_parse_bfrange: Callable[..., Any] = need(cmap, "parse_bfrange")
        self.orig_parse_to_unicode: Callable[..., Any] = need(cmap, "_parse_to_unicode")
        self.orig_parse_content_stream: Callable[..., Any] = need(content_stream, "_parse_content_stream")
        self.orig_named_encoding: Callable[[str], dict[int, str]] = need(
            extractor, "encoding_dict_from_named_encoding"
        )
        self.check_mapping_size: Callable[[int], None] = need(cmap, "_check_mapping_size")
        self.indirect_pattern: re.Pattern[bytes] = need(structures, "IndirectPattern")
        self.array_object: Callable[[], Any] = need(structures, "ArrayObject")
        self.name_object: Callable[[str], Any] = need(structures, "NameObject")
        self.number_object: Callable[[bytes], Any] = need(structures, "NumberObject")
        self.float_object: Callable[[bytes], Any] = need(structures, "FloatObject")
        self.read_object: Callable[..., Any] = need(structures, "read_object")
        self.create_string_object: Callable[[bytes, Any], Any] = need(utils, "create_string_object")
        self.parsing_budget: Callable[..., Any] = need(utils, "StreamParsingBudget")
        self.named_encodings: dict[str, dict[int, str]] = {}
        memo_font = _memo_font_class(font)
        # (owner, attribute, pypdf's value, ours)
        self.patches: list[tuple[Any, str, Any, Any]] = [
            (cmap, "parse_bfrange", self.orig_parse_bfrange, _fast_parse_bfrange),
            (cmap, "_parse_to_unicode", self.orig_parse_to_unicode, _memo_parse_to_unicode),
            (page, "Font", font, memo_font),
            (
                content_stream,
                "_parse_content_stream",
                self.orig_parse_content_stream,
                _fast_parse_content_stream,
            ),
            (extractor, "encoding_dict_from_named_encoding", self.orig_named_encoding, _memo_named_encoding),
        ]
        self._lock = threading.Lock()
        self._users = 0

    def acquire(self) -> None:
        with self._lock:
            if self._users == 0:
                for owner, name, _, ours in self.patches:
                    setattr(owner, name, ours)
            self._users += 1

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0:
                for owner, name, theirs, ours in self.patches:
                    # Restore only what is still ours: another library may have patched on top.
                    if getattr(owner, name) is ours:
                        setattr(owner, name, theirs)


_INTERNALS: _Internals | None = None
_INTERNALS_CHECKED = False
_INTERNALS_LOCK = threading.Lock()


def _internals() -> _Internals | None:
    global _INTERNALS, _INTERNALS_CHECKED
    if _INTERNALS_CHECKED:
        return _INTERNALS
    with _INTERNALS_LOCK:
        if not _INTERNALS_CHECKED:
            version = _parse_version(pypdf.__version__)
            low, high = SUPPORTED_PYPDF
            if version is not None and low <= version < high:
                try:
                    _INTERNALS = _Internals()
                except (ImportError, LookupError, AttributeError):
                    _INTERNALS = None
            _INTERNALS_CHECKED = True
    return _INTERNALS


def _memo_font_class(font_class: Any) -> Any:
    """A stand-in for ``pypdf._page.Font`` whose ``from_font_resource`` is memoised per call."""
    original = font_class.from_font_resource

    class _MemoFont(font_class):  # type: ignore[misc]
        @classmethod
        def from_font_resource(cls, pdf_font_dict: Any) -> Any:
            cache = _ACTIVE.get()
            reference = getattr(pdf_font_dict, "indirect_reference", None)
            if cache is None or reference is None or getattr(reference, "pdf", None) is not cache.reader:
                return original(pdf_font_dict)
            key = (reference.idnum, reference.generation)
            font = cache.fonts.get(key)
            if font is None:
                font = cache.fonts[key] = original(pdf_font_dict)
            # pypdf sets space_width on the Font it gets: each page needs its own instance.
            return copy.copy(font)

    _MemoFont.__name__ = _MemoFont.__qualname__ = font_class.__name__
    return _MemoFont


def _memo_parse_to_unicode(ft: Any) -> tuple[dict[Any, Any], list[int]]:
    internals = _INTERNALS
    assert internals is not None
    cache = _ACTIVE.get()
    if cache is None or "/ToUnicode" not in ft:
        return internals.orig_parse_to_unicode(ft)  # type: ignore[no-any-return]
    stream = ft["/ToUnicode"]
    get_data = getattr(stream, "get_data", None)
    if get_data is None:
        return internals.orig_parse_to_unicode(ft)  # type: ignore[no-any-return]
    try:
        data = get_data()
    except Exception:  # pypdf's own parse meets the same problem and reports it
        data = None
    if not isinstance(data, bytes):
        return internals.orig_parse_to_unicode(ft)  # type: ignore[no-any-return]
    # The CMap parse reads only the ToUnicode stream's bytes; neither result is mutated afterwards.
    hit = cache.to_unicode.get(data)
    if hit is None:
        hit = cache.to_unicode[data] = internals.orig_parse_to_unicode(ft)
    return hit


def _memo_named_encoding(encoding: str) -> dict[int, str]:
    """pypdf builds the cp1252 table (256 codec calls) for every page's TextExtraction; build it once."""
    internals = _INTERNALS
    assert internals is not None
    if _ACTIVE.get() is None:
        return internals.orig_named_encoding(encoding)
    table = internals.named_encodings.get(encoding)
    if table is None:
        table = internals.named_encodings[encoding] = internals.orig_named_encoding(encoding)
    return dict(table)  # callers own their copy


_SHORT_HEX = re.compile(rb"[0-9A-Fa-f]{1,4}\Z")


def _fast_parse_bfrange(
    line: bytes, map_dict: dict[Any, Any], int_entry: list[int], multiline_rg: tuple[int, int] | None
) -> tuple[int, int] | None:
    """``<a> <b> <c>`` with 1- or 2-byte codes mapping to one UTF-16 unit: built in one go."""
    internals = _INTERNALS
    assert internals is not None
    if multiline_rg is None and _ACTIVE.get() is not None:
        lst = line.split()
        if (
            len(lst) == 3
            and _SHORT_HEX.match(lst[0])
            and _SHORT_HEX.match(lst[1])
            and _SHORT_HEX.match(lst[2])
        ):
            a, b, c = int(lst[0], 16), int(lst[1], 16), int(lst[2], 16)
            # A destination past U+FFFF would be formatted wider than 4 hex digits: leave it to pypdf.
            if c + max(0, b - a) <= 0xFFFF:
                internals.check_mapping_size(len(int_entry))
                map_dict[-1] = (max(len(lst[0]), len(lst[1])) + 1) // 2
                size = max(0, b - a + 1)
                internals.check_mapping_size(len(int_entry) + size)
                if size == 0x10000 and a == c == 0:
                    # tesseract's and OCRmyPDF's GlyphLessFont: <0000> <FFFF> <0000>.
                    identity, codes = _identity_cmap()
                    map_dict.update(identity)
                    int_entry.extend(codes)
                elif size:
                    # 1-byte codes decode by charmap, 2-byte ones by UTF-16-BE with surrogatepass:
                    # both give chr(code); a 4-digit destination gives chr(destination).
                    map_dict.update(zip(map(chr, range(a, b + 1)), map(chr, range(c, c + size)), strict=True))
                    int_entry.extend(range(a, b + 1))
                return None
    return internals.orig_parse_bfrange(line, map_dict, int_entry, multiline_rg)  # type: ignore[no-any-return]


_IDENTITY: tuple[dict[str, str], list[int]] | None = None


def _identity_cmap() -> tuple[dict[str, str], list[int]]:
    """The full 2-byte identity CMap, built once per process (copying it is 20x faster than building)."""
    global _IDENTITY
    if _IDENTITY is None:
        characters = list(map(chr, range(0x10000)))
        _IDENTITY = (dict(zip(characters, characters, strict=True)), list(range(0x10000)))
    return _IDENTITY


# --------------------------------------------------------------------------------------------------
# Content stream tokenizer

_WS = rb"\x00\t\n\x0c\r "  # pypdf's WHITESPACES at the top level of a content stream
_WS_BYTES = b"\x00\t\n\x0c\r "
_DELIM = rb"\s()<>\[\]{}/%"  # NameObject.delimiter_pattern: bytes \s plus the PDF delimiters
# One token per match, after optional whitespace; group numbers are the token kinds below.
_TOKEN = re.compile(
    rb"[" + _WS + rb"]*(?:"
    rb"([+\-.0-9][+,\-.0-9]*)"  # 1 number
    rb"|(/[^" + _DELIM + rb"]*)"  # 2 name
    rb"|<([0-9A-Fa-f" + _WS + rb"]*)>"  # 3 hex string
    # 4 literal string without nesting; escapes only of the kinds pypdf maps (named or octal)
    rb"|\(((?:[^()\\]++|\\(?:[0-7]{1,3}|[nrtbf()/\\ %<>\[\]#_&$]))*+)\)"
    rb"|(\[)"  # 5 array start
    rb"|(\])"  # 6 array end
    rb"|([A-Za-z'\"][^" + _DELIM + rb"]*)"  # 7 operator
    rb"|(.|\Z))",  # 8 anything else, or the end
    re.DOTALL,
)
_NUMBER, _NAME, _HEX, _STRING, _OPEN, _CLOSE, _OPERATOR, _OTHER = range(1, 9)
_INT = re.compile(rb"[+\-]?[0-9]+\Z")
_FLOAT = re.compile(rb"[+\-]?(?:[0-9]+\.[0-9]*|\.[0-9]+)\Z")
_PLAIN_NAME = re.compile(rb"/[!-~]*\Z")
_INLINE_IMAGE = re.compile(rb"(?:^|[" + _WS + rb"\x0b])BI(?:[" + _WS + rb"\x0b/]|\Z)")
# Where no digit is followed by whitespace and a lone R, no number can start "12 0 R".
_MAYBE_INDIRECT = re.compile(rb"[0-9]\s+R(?:[^a-zA-Z]|\Z)")
_NUM_LIMIT = 19  # pypdf peeks 20 bytes for a number; longer runs take another path
_NAME_LIMIT = 1000  # well under NameObject._LENGTH_LIMIT (4096), measured in 16-byte chunks
_OP_LIMIT = 100  # well under ContentStream._OPERATOR_LENGTH_LIMIT (128), likewise


# pypdf's __ESCAPE_DICT__ (generic/_utils.py): what a backslash followed by one character means.
_ESCAPES = {
    ord(k): v
    for k, v in {
        b"n": b"\n",
        b"r": b"\r",
        b"t": b"\t",
        b"b": b"\b",
        b"f": b"\f",
        b"(": b"(",
        b")": b")",
        b"/": b"/",
        b"\\": b"\\",
        b" ": b" ",
        b"%": b"%",
        b"<": b"<",
        b">": b">",
        b"[": b"[",
        b"]": b"]",
        b"#": b"#",
        b"_": b"_",
        b"&": b"&",
        b"$": b"$",
    }.items()
}
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.DOTALL)


# Escapes that Python's escape_decode reads exactly as pypdf does: octal up to \\377, \\n \\r \\t \\b \\f \\\\.
# A match here (possibly a false alarm on "\\\\q") sends the string the slower, exact way.
_NOT_PYTHON_ESCAPE = re.compile(rb"\\(?:[^0-7nrtbf\\]|[4-7][0-7]{2})", re.DOTALL)


def _unescape(raw: bytes) -> bytes | None:
    """The bytes of a literal string's escapes as pypdf reads them; None where pypdf must decide."""
    if not _NOT_PYTHON_ESCAPE.search(raw):
        decoded: bytes = codecs.escape_decode(raw)[0]
        return decoded
    failed = False

    def one(m: re.Match[bytes]) -> bytes:
        nonlocal failed
        code = m[1]
        if code[0] in _ESCAPES and len(code) == 1:
            return _ESCAPES[code[0]]
        value = int(code, 8) if code[:1].isdigit() else 256
        if value > 255:  # pypdf backs up and re-reads the digits; leave that to pypdf
            failed = True
            return b""
        return bytes((value,))

    out = _ESCAPE.sub(one, raw)
    return None if failed else out


class _Bail(Exception):
    """The content uses a token this tokenizer leaves to pypdf."""


def _fast_parse_content_stream(self: Any, stream: Any) -> None:
    internals = _INTERNALS
    assert internals is not None
    if _ACTIVE.get() is not None and isinstance(stream, BytesIO):
        data = stream.getvalue()
        if not _INLINE_IMAGE.search(data):
            operations = _tokenize(data, self.forced_encoding, internals)
            if operations is not None:
                self._operations.extend(operations)
                return
    internals.orig_parse_content_stream(self, stream)


def _tokenize(data: bytes, forced_encoding: Any, internals: _Internals) -> list[tuple[Any, bytes]] | None:
    """The operations pypdf's parser would build from `data`, or None where pypdf must decide.

    Plain tokens are read here; any other operand (dictionaries, escaped or nested strings, names
    with ``#``, odd numbers, nested arrays) is read by pypdf's own ``read_object`` at that offset,
    with the same work budget, exactly as pypdf's parser does. Anything unusual beyond that (an
    error, a limit) hands the whole stream back to pypdf.
    """
    configuration = internals.get_configuration()
    budget = internals.parsing_budget(remaining_budget=configuration.stream_parsing_work_maximum_count)
    try:
        return _tokens(data, forced_encoding, internals, configuration.array_maximum_element_count, budget)
    except _Bail:
        return None


def _tokens(
    data: bytes, forced_encoding: Any, internals: _Internals, array_limit: int, budget: Any
) -> list[tuple[Any, bytes]]:
    indirect = internals.indirect_pattern.match if _MAYBE_INDIRECT.search(data) else None
    number_object = internals.number_object
    float_object = internals.float_object
    name_object = internals.name_object
    string_object = internals.create_string_object
    array_object = internals.array_object
    int_match = _INT.match
    float_match = _FLOAT.match
    operations: list[tuple[Any, bytes]] = []
    operands: list[Any] = []
    array: list[Any] | None = None
    array_start = 0
    array_remaining = 0
    remaining: int = budget.remaining_budget  # pypdf's work budget, kept locally between delegations
    end = len(data)
    pos = 0
    while pos < end:
        delegate_at = -1
        for token in _TOKEN.finditer(data, pos):
            kind = token.lastindex
            value: Any
            if kind == _OPERATOR:
                if array is not None:
                    delegate_at = array_start  # true/false/null inside an array: pypdf reads it
                    break
                operator = token[_OPERATOR]
                if len(operator) > _OP_LIMIT or operator == b"BI":
                    raise _Bail
                remaining -= 1
                if remaining < 0:
                    raise _Bail
                operations.append((operands, operator))
                operands = []
                continue
            if kind == _NUMBER:
                run = token[_NUMBER]
                start = token.start(_NUMBER)
                if (
                    len(run) > _NUM_LIMIT
                    or (indirect is not None and indirect(data, start, min(start + 20, end)))
                    or not (int_match(run) or float_match(run))
                ):
                    delegate_at = array_start if array is not None else start
                    break
                value = number_object(run) if int_match(run) else float_object(run)
            elif kind == _HEX:
                digits = token[_HEX].translate(None, _WS_BYTES)
                if len(digits) % 2:
                    digits += b"0"
                value = string_object(bytes.fromhex(digits.decode("ascii")), forced_encoding)
            elif kind == _NAME:
                name = token[_NAME]
                if len(name) > _NAME_LIMIT or b"#" in name or not _PLAIN_NAME.match(name):
                    delegate_at = array_start if array is not None else token.start(_NAME)
                    break
                value = name_object(name.decode("ascii"))
            elif kind == _STRING:
                raw = token[_STRING]
                if b"\\" in raw:
                    # pypdf's merge_page and many producers write OCR words as "(\\000P\\000L...)"
                    unescaped = _unescape(raw)
                    if unescaped is None:
                        delegate_at = array_start if array is not None else token.start(_STRING) - 1
                        break
                    raw = unescaped
                value = string_object(raw, forced_encoding)
            elif kind == _OPEN:
                if array is not None:
                    delegate_at = array_start
                    break
                remaining -= 1  # the array, as one top-level operand
                array = array_object()
                array_start = token.start(_OPEN)
                array_remaining = remaining
                continue
            elif kind == _CLOSE:
                if array is None or len(array) > array_limit:
                    delegate_at = array_start if array is not None else token.start(_CLOSE)
                    break
                if remaining < 0:
                    raise _Bail
                operands.append(array)
                array = None
                continue
            else:
                other = token[_OTHER]
                if not other:  # trailing whitespace: the end
                    pos = end
                    break
                start = token.start(_OTHER)
                if other == b"%":
                    if array is not None:
                        delegate_at = array_start
                        break
                    # pypdf skips a comment up to and including the next CR or LF.
                    newline = min(
                        (i for i in (data.find(b"\r", start), data.find(b"\n", start)) if i >= 0),
                        default=end - 1,
                    )
                    pos = newline + 1
                    break
                delegate_at = array_start if array is not None else start
                break
            remaining -= 1
            if array is not None:
                array.append(value)
            else:
                operands.append(value)
        else:
            pos = end
        if delegate_at >= 0:
            if array is not None:
                remaining = array_remaining  # pypdf reads the whole array, counting it again
                array = None
            else:
                remaining -= 1  # the operand itself, as pypdf counts it before reading it
            if remaining < 0:
                raise _Bail
            budget.remaining_budget = remaining
            stream = BytesIO(data)
            stream.seek(delegate_at)
            try:
                operands.append(internals.read_object(stream, None, forced_encoding, parsing_budget=budget))
            except Exception as exc:  # pypdf's own parser meets it again and decides
                raise _Bail from exc
            remaining = budget.remaining_budget
            if remaining < 0 or stream.tell() <= delegate_at:
                raise _Bail
            pos = stream.tell()
    if array is not None or remaining < 0:
        raise _Bail
    # Operands after the last operator are dropped, as pypdf drops them.
    return operations
