"""Reusable readers for adapters: declared-column CSV, defused XML and bounded JSON, with limits.

An adapter for a new CSV export is mostly a declaration (as in beangulp's ``csvbase``)::

    class Registraties(CsvAdapter, RecordAdapter[CsvRow]):
        name = "voorbeeld"
        pv = Text("PV-nummer")
        datum = Date("Datum", fmt="%d-%m-%Y")
        paginas = Integer("Aantal pagina's", required=False)

        def add(self, b: RecordBuilder, row: CsvRow, where: str) -> None: ...

Each reader base yields its entries with their locators (:meth:`CsvAdapter.entries`,
:meth:`JsonAdapter.entries`, :meth:`XmlAdapter.entries`); the loop that turns them into Records
is :class:`dossierlink.ingest.builder.RecordAdapter`'s.

Every reader raises :class:`~dossierlink.ingest.adapter.AdapterError` naming the file, the line or
element and the problem: empty or oversized files, wrong encodings, missing columns,
truncated rows, spreadsheet formulas, DTDs and entities in XML, JSON nested too deeply.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs

from dossierlink.ingest.adapter import Adapter, AdapterError, Hints, SkippedSource, sha256_file
from dossierlink.pinned import open_binary, stat_input
from dossierlink.schema import ReferenceProblem, reference_warning

__all__ = [
    "DATE_FORMATS",
    "MAX_CSV_BYTES",
    "MAX_JSON_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_XML_BYTES",
    "Column",
    "CsvAdapter",
    "CsvRow",
    "Date",
    "DateTime",
    "DocumentFile",
    "Integer",
    "JsonAdapter",
    "SkippedSource",
    "Text",
    "XmlAdapter",
    "decode_text",
    "detect_delimiter",
    "json_head",
    "load_json",
    "parse_date",
    "parse_datetime",
    "parse_xml",
    "read_document_file",
    "read_head",
    "read_limited",
    "resolve_reference",
    "xml_local",
    "xml_root_name",
]

MAX_CSV_BYTES = 64 * 1024 * 1024
MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_XML_BYTES = 32 * 1024 * 1024
MAX_JSON_DEPTH = 64
MAX_CSV_ROWS = 500_000
MAX_CELL_CHARS = 100_000
HEAD_BYTES = 8192

# Dutch exports write dd-mm-jjjj; ISO and a few spreadsheet variants are accepted too.
DATE_FORMATS: tuple[str, ...] = ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%y")
DATETIME_FORMATS: tuple[str, ...] = (
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%YT%H:%M",
    "%d/%m/%Y %H:%M",
)


# --- bytes and text -------------------------------------------------------------------------


def read_limited(path: Path, limit: int) -> bytes:
    """The file's bytes; AdapterError when it is missing, empty or larger than ``limit``."""
    try:
        size = stat_input(path).st_size
        if size > limit:
            raise AdapterError(
                path, f"the file is {size:,} bytes, over the limit of {limit:,} bytes; split the export"
            )
        with open_binary(path) as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise AdapterError(path, f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > limit:  # grew while reading
        raise AdapterError(path, f"the file is over the limit of {limit:,} bytes")
    if not data.strip():
        raise AdapterError(path, "the file is empty")
    return data


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes, or b"" when the file cannot be read (for ``identify``)."""
    try:
        with open_binary(path) as fh:
            return fh.read(size)
    except OSError:
        return b""


def decode_text(data: bytes, path: Path | str, *, encoding: str | None = None) -> str:
    """Decode: a UTF-8 BOM, then strict UTF-8, then cp1252 (Excel's Dutch default)."""
    if b"\x00" in data:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                return data.decode("utf-16")
            except UnicodeDecodeError:
                pass
        raise AdapterError(path, "the file holds NUL bytes: it is binary or UTF-16 without a BOM, not text")
    encodings = [encoding] if encoding else ["utf-8-sig", "cp1252"]
    last: UnicodeDecodeError | None = None
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError as exc:
            last = exc
    assert last is not None
    line = data[: last.start].count(b"\n") + 1
    raise AdapterError(
        path,
        f"byte 0x{data[last.start]:02x} cannot be decoded as {' or '.join(encodings)}; "
        "save the export as UTF-8",
        locator=f"line {line}",
    )


def _head_text(path: Path, size: int = HEAD_BYTES) -> str:
    data = read_head(path, size)
    if not data or b"\x00" in data:
        return ""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 4:  # a multibyte character cut by the head limit
            return data[: exc.start].decode("utf-8-sig", errors="ignore")
        return data.decode("cp1252", errors="replace")


# --- dates ----------------------------------------------------------------------------------


def parse_date(raw: str, formats: Sequence[str] = DATE_FORMATS) -> dt.date:
    """A date in one of ``formats`` (dd-mm-jjjj first); ValueError names the value."""
    text = raw.strip()
    if "T" in text and len(text) > 10 and text[:4].isdigit():
        text = text[:10]  # ISO date-time: the date part
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{raw!r} is not a date (expected dd-mm-jjjj, as in 02-03-2023)")


def parse_datetime(raw: str) -> dt.datetime:
    """A date-time: ISO 8601 or ``dd-mm-jjjj hh:mm``; a bare date gives midnight."""
    text = raw.strip()
    try:
        value = dt.datetime.fromisoformat(text)
        return value.replace(tzinfo=None) if value.tzinfo else value
    except ValueError:
        pass
    for fmt in DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    day = parse_date(text)
    return dt.datetime(day.year, day.month, day.day)


# --- CSV --------------------------------------------------------------------------------------


def _norm_header(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").strip().casefold().split())


class Column:
    """A declared CSV column: header name (and aliases), whether it is required, a converter."""

    def __init__(self, header: str, *aliases: str, required: bool = True) -> None:
        self.header = header
        self.aliases = aliases
        self.required = required
        self.field = ""  # set by CsvAdapter.__init_subclass__

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    def convert(self, raw: str) -> Any:
        return raw

    def __set_name__(self, owner: type, name: str) -> None:
        self.field = name


class Text(Column):
    def convert(self, raw: str) -> str:
        return raw


class Date(Column):
    def __init__(self, header: str, *aliases: str, fmt: str | None = None, required: bool = True) -> None:
        super().__init__(header, *aliases, required=required)
        self.formats: tuple[str, ...] = (fmt, *DATE_FORMATS) if fmt else DATE_FORMATS

    def convert(self, raw: str) -> dt.date:
        return parse_date(raw, self.formats)


class DateTime(Column):
    def convert(self, raw: str) -> dt.datetime:
        return parse_datetime(raw)


class Integer(Column):
    def convert(self, raw: str) -> int:
        text = raw.strip().replace(".", "") if raw.strip().count(".") == 1 and len(raw) > 4 else raw.strip()
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"{raw!r} is not a whole number") from None
        if value < 0:
            raise ValueError(f"{raw!r} is negative")
        return value


@attrs.frozen
class CsvRow:
    """One data row: converted values by field name (None when the cell is empty)."""

    line: int
    values: Mapping[str, Any]

    def __getitem__(self, field: str) -> Any:
        return self.values.get(field)

    def get(self, field: str, default: Any = None) -> Any:
        value = self.values.get(field)
        return default if value is None else value


def detect_delimiter(sample: str, candidates: str = ";,\t|") -> str:
    """The delimiter of a CSV sample: csv.Sniffer, else the most frequent candidate on line 1."""
    first = next((ln for ln in sample.splitlines() if ln.strip()), "")
    try:
        found = csv.Sniffer().sniff(sample[:4096], delimiters=candidates).delimiter
        if found in first:
            return found
    except csv.Error:
        pass
    counts = {c: first.count(c) for c in candidates}
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] else ","


_FORMULA_RE = re.compile(r"^[=@]|^[+\-](?![\d\s.,]*$)(?=.*[A-Za-z(!|=])|^[\t\r]")


def looks_like_formula(cell: str) -> bool:
    """A spreadsheet formula that could run when the export is opened again (CSV injection)."""
    return bool(cell) and bool(_FORMULA_RE.match(cell))


class CsvAdapter(Adapter):
    """Base for CSV exports whose columns are declared as class attributes (:class:`Column`)."""

    formats: ClassVar[tuple[str, ...]] = ("csv",)
    delimiter: ClassVar[str | None] = None  # None: detect
    encoding: ClassVar[str | None] = None  # None: UTF-8 (BOM or not), else cp1252
    max_bytes: ClassVar[int] = MAX_CSV_BYTES
    max_rows: ClassVar[int] = MAX_CSV_ROWS
    refuse_formulas: ClassVar[bool] = True
    columns: ClassVar[dict[str, Column]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found: dict[str, Column] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                if isinstance(value, Column):
                    found[name] = value
        cls.columns = found

    # identify: the header row holds every required column
    def identify(self, path: Path) -> bool:
        try:
            if path.suffix.lower() not in (".csv", ".txt", ".tsv"):
                return False
            text = _head_text(path)
            header_line = next((ln for ln in text.splitlines() if ln.strip()), "")
            if not header_line:
                return False
            delim = self.delimiter or detect_delimiter(header_line)
            header = {_norm_header(h) for h in next(csv.reader([header_line], delimiter=delim))}
            required = [c for c in self.columns.values() if c.required]
            return bool(required) and all(
                any(_norm_header(n) in header for n in col.names) for col in required
            )
        except Exception:
            return False

    def why(self, path: Path) -> str:
        names = ", ".join(repr(c.header) for c in self.columns.values() if c.required)
        return f"{self.name}: the header row holds the columns {names}."

    def entries(self, path: Path, hints: Hints) -> Iterator[tuple[str, CsvRow]]:
        """The converted rows, each located by its line (``"line 4"``)."""
        for row in self.read_rows(path):
            yield f"line {row.line}", row

    def read_rows(self, path: Path) -> Iterator[CsvRow]:
        """Converted rows; AdapterError names the line for any malformed one."""
        text = decode_text(read_limited(path, self.max_bytes), path, encoding=self.encoding)
        delim = self.delimiter or detect_delimiter(text[:8192])
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
        try:
            header = next(reader)
            while not any(h.strip() for h in header):
                header = next(reader)
        except StopIteration:
            raise AdapterError(path, "the file has no header row") from None
        except csv.Error as exc:
            raise AdapterError(path, f"the header row is malformed: {exc}", locator="line 1") from None
        header_line = reader.line_num
        index = {_norm_header(h): i for i, h in enumerate(header)}
        positions: dict[str, int] = {}
        missing: list[str] = []
        for field, col in self.columns.items():
            pos = next((index[_norm_header(n)] for n in col.names if _norm_header(n) in index), None)
            if pos is not None:
                positions[field] = pos
            elif col.required:
                missing.append(col.header)
        if missing:
            raise AdapterError(
                path,
                f"missing column(s) {', '.join(repr(m) for m in missing)}; the header has "
                f"{', '.join(repr(h) for h in header if h.strip())} (delimiter {delim!r})",
                locator=f"line {header_line}",
            )
        rows = 0
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise AdapterError(
                    path, f"malformed CSV ({exc}); the file may be truncated", locator=f"line {start}"
                ) from None
            if not any(c.strip() for c in cells):
                continue
            line = start
            if len(cells) != len(header):
                raise AdapterError(
                    path,
                    f"the row has {len(cells)} fields where the header has {len(header)}; "
                    "the file may be truncated or a value holds an unquoted delimiter",
                    locator=f"line {line}",
                )
            rows += 1
            if rows > self.max_rows:
                raise AdapterError(path, f"more than {self.max_rows:,} rows; split the export")
            values: dict[str, Any] = {}
            for field, pos in positions.items():
                col = self.columns[field]
                raw = cells[pos].strip()
                if len(raw) > MAX_CELL_CHARS:
                    raise AdapterError(path, f"column {col.header!r} is too long", locator=f"line {line}")
                if self.refuse_formulas and looks_like_formula(raw):
                    raise AdapterError(
                        path,
                        f"column {col.header!r} holds a spreadsheet formula ({raw[:30]!r}); "
                        "refused to protect whoever opens it again (CSV injection)",
                        locator=f"line {line}",
                    )
                if not raw:
                    values[field] = None
                    continue
                try:
                    values[field] = col.convert(raw)
                except ValueError as exc:
                    raise AdapterError(
                        path, f"column {col.header!r}: {exc}", locator=f"line {line}"
                    ) from None
            yield CsvRow(line, values)


# --- XML --------------------------------------------------------------------------------------

_ROOT_RE = re.compile(rb"<([A-Za-z_][\w.\-]*(?::[\w.\-]+)?)[\s>/]")


def xml_root_name(path: Path) -> str | None:
    """The root element's (prefixed) name from the file head, without parsing; None if none."""
    data = read_head(path)
    if not data:
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    pos = 0
    while True:
        data_rest = data[pos:].lstrip()
        pos = len(data) - len(data_rest)
        if data_rest.startswith(b"<?"):
            closer = b"?>"
        elif data_rest.startswith(b"<!--"):
            closer = b"-->"
        elif data_rest.startswith(b"<!"):
            closer = b">"  # DOCTYPE: the root is still named; parse_xml refuses the DTD
        else:
            break
        end = data.find(closer, pos)
        if end < 0:
            return None
        pos = end + len(closer)
    m = _ROOT_RE.match(data, pos)
    return m.group(1).decode("ascii", "replace") if m else None


def xml_local(tag: object) -> str:
    """The local name of an ElementTree tag: ``{ns}name`` → ``name``."""
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def parse_xml(path: Path, *, limit: int = MAX_XML_BYTES) -> Any:
    """The root Element, parsed by defusedxml with DTDs, entities and external refs forbidden."""
    import defusedxml
    import defusedxml.ElementTree as DET

    data = read_limited(path, limit)
    try:
        return DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise AdapterError(
            path, "the XML declares a DTD; refused (DTDs can expand entities or fetch external files)"
        ) from None
    except defusedxml.EntitiesForbidden:
        raise AdapterError(
            path, "the XML declares entities; refused (entity expansion, 'XML bomb')"
        ) from None
    except defusedxml.ExternalReferenceForbidden:
        raise AdapterError(path, "the XML refers to an external resource; refused") from None
    except (LookupError, ValueError) as exc:  # an unknown declared encoding, bad bytes for it
        raise AdapterError(path, f"the XML's declared encoding cannot be used: {exc}") from None
    except DET.ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise AdapterError(
            path,
            f"not well-formed XML ({exc}); the file may be truncated",
            locator=f"line {line}, column {col}",
        ) from None


class XmlAdapter(Adapter):
    """Base for XML exports recognised by their root element (local name, optional namespace)."""

    formats: ClassVar[tuple[str, ...]] = ("xml",)
    root_names: ClassVar[tuple[str, ...]] = ()  # local names
    namespace_hint: ClassVar[bytes | None] = None  # a byte string the head must contain
    max_bytes: ClassVar[int] = MAX_XML_BYTES
    entry_tags: ClassVar[tuple[str, ...]] = ()  # local names of the root's children that are entries
    entry_namespace: ClassVar[str | None] = None  # when set, entries must be in this namespace
    no_entries: ClassVar[str] = ""  # the problem when the root holds none ("" → a generic sentence)

    def identify(self, path: Path) -> bool:
        try:
            name = xml_root_name(path)
            if name is None or name.split(":")[-1] not in self.root_names:
                return False
            return self.namespace_hint is None or self.namespace_hint in read_head(path)
        except Exception:
            return False

    def why(self, path: Path) -> str:
        return f"{self.name}: the root element is <{xml_root_name(path)}>."

    def parse(self, path: Path) -> Any:
        root = parse_xml(path, limit=self.max_bytes)
        if xml_local(root.tag) not in self.root_names:
            raise AdapterError(
                path,
                f"the root element is <{xml_local(root.tag)}>, expected <{'> or <'.join(self.root_names)}>",
                locator="/",
            )
        return root

    def entries(self, path: Path, hints: Hints) -> Iterator[tuple[str, Any]]:
        """The root's children named in :attr:`entry_tags`, located as ``/root/name[i]`` (from 1)."""
        root = self.parse(path)
        if self.entry_namespace is not None:
            tags = {f"{{{self.entry_namespace}}}{t}" for t in self.entry_tags}
            items = [c for c in root if c.tag in tags]
        else:
            items = [c for c in root if xml_local(c.tag) in self.entry_tags]
        top = f"/{xml_local(root.tag)}"
        if not items:
            problem = self.no_entries or f"no <{'> or <'.join(self.entry_tags)}> elements"
            raise AdapterError(path, problem, top)
        for i, item in enumerate(items, 1):
            yield f"{top}/{xml_local(item.tag)}[{i}]", item


# --- JSON -------------------------------------------------------------------------------------


def _depth(value: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item)
    return deepest


def load_json(path: Path, *, limit: int = MAX_JSON_BYTES, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parsed JSON; AdapterError for empty, oversized, malformed or too deeply nested input."""
    text = decode_text(read_limited(path, limit), path, encoding="utf-8-sig")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AdapterError(
            path,
            f"not valid JSON ({exc.msg}); the file may be truncated",
            locator=f"line {exc.lineno}, column {exc.colno}",
        ) from None
    except RecursionError:
        raise AdapterError(path, f"JSON nested deeper than {max_depth} levels; refused") from None
    if _depth(value) > max_depth:
        raise AdapterError(path, f"JSON nested deeper than {max_depth} levels; refused")
    return value


def json_head(path: Path, size: int = HEAD_BYTES) -> str:
    """The first bytes of a JSON file as text ('' unless it starts with ``{`` or ``[``)."""
    text = _head_text(path, size).lstrip()
    return text if text[:1] in ("{", "[") else ""


class JsonAdapter(Adapter):
    """Base for JSON exports recognised by marker keys in the file head."""

    formats: ClassVar[tuple[str, ...]] = ("json",)
    markers: ClassVar[tuple[str, ...]] = ()  # every one must occur as a key in the head
    list_key: ClassVar[str] = ""  # the top-level list whose objects are the entries
    entry_name: ClassVar[str] = "entry"  # what one entry is called in messages
    max_bytes: ClassVar[int] = MAX_JSON_BYTES
    max_depth: ClassVar[int] = MAX_JSON_DEPTH

    def identify(self, path: Path) -> bool:
        try:
            head = json_head(path)
            return bool(head) and bool(self.markers) and all(f'"{m}"' in head for m in self.markers)
        except Exception:
            return False

    def why(self, path: Path) -> str:
        return f"{self.name}: the JSON holds the key(s) {', '.join(self.markers)}."

    def load(self, path: Path) -> Any:
        return load_json(path, limit=self.max_bytes, max_depth=self.max_depth)

    def entries(self, path: Path, hints: Hints) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each object of the export's top-level list :attr:`list_key`, with its JSON-path locator.

        The first of :attr:`markers` must be a top-level key (the export's signature);
        :attr:`entry_name` names an entry in error messages ("case", "advies").
        """
        marker, list_key = self.markers[0], self.list_key
        data = self.load(path)
        if not isinstance(data, dict) or marker not in data:
            raise AdapterError(path, f"not a {self.name} export: the key {marker!r} is missing", "/")
        items = data.get(list_key)
        if not isinstance(items, list):
            raise AdapterError(path, f"{list_key!r} must be a list", f"/{list_key}")
        for i, item in enumerate(items):
            where = f"/{list_key}[{i}]"
            if not isinstance(item, dict):
                raise AdapterError(path, f"each {self.entry_name} must be an object", where)
            yield where, item


# --- referenced document files (PDF) ------------------------------------------------------


@attrs.frozen
class DocumentFile:
    """What the core PDF reader found in a document file an export refers to."""

    path: Path
    page_count: int | None
    sha256: str | None
    fingerprint: str | None
    text_chars: int | None
    page_labels: tuple[tuple[int, int] | None, ...] = ()


def resolve_reference(export: Path, ref: str, jail: Path | None = None) -> tuple[Path | None, str | None]:
    """Resolve ``ref`` relative to the export; refuse what escapes ``jail`` (default: its folder).

    Returns (path, None) or (None, warning); the warning names a :class:`ReferenceProblem`, so
    ``status``, ``dossier`` and the reports can count it. Symlinks are resolved before the check.
    """
    if not ref.strip():
        return None, None
    base = (jail or export.parent).resolve()
    raw = Path(ref.strip().replace("\\", "/"))
    target = raw if raw.is_absolute() else export.parent / raw
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # ValueError: a NUL byte in the name
        return None, reference_warning(ref, ReferenceProblem.UNREADABLE, f"cannot be resolved: {exc}")
    if not resolved.is_relative_to(base):
        return None, reference_warning(
            ref,
            ReferenceProblem.OUTSIDE_ROOT,
            f"{base}; to read it, give the inbox a `root` (or `ingest --root`) that holds it",
        )
    if not resolved.is_file():
        return None, reference_warning(ref, ReferenceProblem.MISSING, "the file is not there")
    return resolved, None


PdfReader = Callable[[Path], Any]


def _pdf_reader() -> PdfReader | None:
    """The isolated reader: a referenced PDF is as untrusted as a scan (time and memory bounded)."""
    try:
        from dossierlink.paper import read_pdf_isolated
    except ImportError:
        return None
    reader: PdfReader = read_pdf_isolated
    return reader


def read_document_file(path: Path) -> tuple[DocumentFile | None, str | None]:
    """Page count, sha256, fingerprint and text size of a PDF via the core reader.

    Returns (summary, None) or (None, warning): an unreadable PDF is a warning on the record,
    never a reason to refuse the export that refers to it.
    """
    reader = _pdf_reader()
    if reader is None:
        return DocumentFile(path, None, sha256_file(path), None, None), (
            f"document file {path.name}: the PDF reader is not available; only its sha256 was read"
        )
    try:
        summary = reader(path)
    except AdapterError as exc:
        return None, reference_warning(
            path.name, ReferenceProblem.UNREADABLE, f"the PDF cannot be read: {exc.problem}"
        )
    except Exception as exc:  # a broken PDF must not break the export's ingest
        return None, reference_warning(
            path.name, ReferenceProblem.UNREADABLE, f"the PDF cannot be read: {type(exc).__name__}: {exc}"
        )
    return (
        DocumentFile(
            path,
            getattr(summary, "page_count", None),
            getattr(summary, "sha256", None),
            getattr(summary, "fingerprint", None),
            getattr(summary, "text_chars", None),
            tuple(getattr(summary, "page_labels", ()) or ()),
        ),
        None,
    )
