"""Declarative mapping: an organisation that is not built in describes its CSV/JSON/XML export in TOML.

``Hints.options["mapping"]`` (or ``MappingAdapter(mapping=...)``) names the TOML file, or a file
called ``mapping.toml`` lies beside the export; see docs/formats/mapping.md. Without a mapping the
adapter claims nothing.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import attrs

from dossierlink.identifiers import IdentifierKind
from dossierlink.ingest import (
    Adapter,
    AdapterError,
    Column,
    CsvAdapter,
    Hints,
    RecordBuilder,
    Text,
    doc_type,
    load_json,
    parse_date,
    parse_xml,
    person,
    read_head,
    text,
    xml_local,
    xml_root_name,
)
from dossierlink.schema import Document, Event, EventKind, Medium, Record, Role, check_organisation

__all__ = ["Mapping", "MappingAdapter", "MappingError", "load_mapping"]

FORMATS = ("csv", "json", "xml")
IDENTIFIER_FIELDS = {
    "parketnummer": IdentifierKind.PARKETNUMMER,
    "pv": IdentifierKind.PV,
    "ecli": IdentifierKind.ECLI,
    "extern": IdentifierKind.EXTERN,
}
DOCUMENT_FIELDS = ("document_key", "document_type", "document_title", "document_date", "page_count")
PERSON_FIELDS = ("role", "voornamen", "tussenvoegsel", "achternaam", "geboortedatum", "bsn", "skn")
EVENT_FIELDS = ("event_kind", "event_date", "event_status", "event_sender", "event_receiver")
FIELDS = (*IDENTIFIER_FIELDS, *DOCUMENT_FIELDS, *PERSON_FIELDS, *EVENT_FIELDS)
SOURCE_KEYS = ("organisation", "medium", "format", "delimiter", "encoding", "date_format", "records", "root")
TOP_KEYS = ("source", "fields", "defaults")
SIDECAR = "mapping.toml"  # a mapping beside the export, in the same folder, is "given" too


class MappingError(ValueError):
    """A mapping file that is wrong; the message names the file, the key and the fix."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


@attrs.frozen
class Mapping:
    path: Path
    organisation: str
    medium: Medium
    format: str
    fields: dict[str, str]
    defaults: dict[str, str]
    delimiter: str | None = None
    encoding: str | None = None
    date_format: str | None = None
    records: str | None = None  # json: dotted path to the list; xml: element path of one record
    root: str | None = None  # xml: expected root element (local name)


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping; MappingError says exactly what is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(path, "the mapping file does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(path, f"cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(path, f"is not valid TOML: {exc}") from None
    for key in data:
        if key not in TOP_KEYS:
            raise MappingError(path, f"unknown table [{key}]; allowed: {', '.join(TOP_KEYS)}")
    source = data.get("source")
    if not isinstance(source, dict):
        raise MappingError(path, "missing table [source] (with organisation, medium and format)")
    for key in source:
        if key not in SOURCE_KEYS:
            raise MappingError(path, f"[source] has unknown key {key!r}; allowed: {', '.join(SOURCE_KEYS)}")
    for key in ("organisation", "format"):
        if not isinstance(source.get(key), str) or not source[key].strip():
            raise MappingError(path, f'[source] needs {key} = "..."')
    try:
        organisation = check_organisation(source["organisation"])
    except ValueError as exc:
        raise MappingError(path, f"[source] organisation: {exc}") from None
    fmt = source["format"].strip().lower()
    if fmt not in FORMATS:
        raise MappingError(path, f"[source] format {source['format']!r} must be one of {', '.join(FORMATS)}")
    try:
        medium = Medium(str(source.get("medium", "digital")).strip().lower())
    except ValueError:
        raise MappingError(
            path, f"[source] medium {source.get('medium')!r} must be 'paper' or 'digital'"
        ) from None
    date_format = source.get("date_format")
    if date_format is not None:
        try:
            probe = dt.date(2023, 3, 2)
            if dt.datetime.strptime(probe.strftime(date_format), date_format).date() != probe:
                raise ValueError
        except (ValueError, TypeError):
            raise MappingError(
                path, f"[source] date_format {date_format!r} is not a strftime date format such as '%d-%m-%Y'"
            ) from None
    delimiter = source.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise MappingError(path, f"[source] delimiter {delimiter!r} must be one character such as ';'")
    if fmt == "json" and not isinstance(source.get("records", ""), str):
        raise MappingError(path, "[source] records must be a dotted path such as 'data.rapporten'")
    if fmt == "xml" and not source.get("records"):
        raise MappingError(
            path, "[source] records (the element path of one record, e.g. 'rapport') is required for xml"
        )
    fields = data.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise MappingError(
            path,
            "missing table [fields]: map at least one case identifier (parketnummer, pv, ecli or extern)",
        )
    for key, value in fields.items():
        if key not in FIELDS:
            raise MappingError(path, f"[fields] has unknown field {key!r}; known fields: {', '.join(FIELDS)}")
        if not isinstance(value, str) or not value.strip():
            raise MappingError(
                path, f"[fields] {key} must name a column, key path or element (a non-empty string)"
            )
    if not any(k in fields for k in IDENTIFIER_FIELDS):
        raise MappingError(path, "[fields] maps no case identifier: add parketnummer, pv, ecli or extern")
    doc_mapped = [k for k in DOCUMENT_FIELDS if k in fields and k != "document_key"]
    if doc_mapped and "document_key" not in fields and "pv" not in fields:
        raise MappingError(
            path, f"[fields] maps {', '.join(doc_mapped)} but no document_key (or pv) to key the document"
        )
    if any(k in fields for k in EVENT_FIELDS) and "event_date" not in fields:
        raise MappingError(path, "[fields] maps event fields but no event_date")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise MappingError(path, "[defaults] must be a table")
    for key, value in defaults.items():
        if key not in (
            "document_type",
            "role",
            "event_kind",
            "event_sender",
            "event_receiver",
            "event_status",
        ):
            raise MappingError(path, f"[defaults] has unknown key {key!r}")
        if not isinstance(value, str):
            raise MappingError(path, f"[defaults] {key} must be a string")
    if (
        "event_kind" in defaults
        and EventKind.parse(defaults["event_kind"]) is EventKind.STATUS
        and defaults["event_kind"] != "status"
    ):
        raise MappingError(
            path, f"[defaults] event_kind {defaults['event_kind']!r} is not a chain step; see EventKind"
        )
    for key in ("event_sender", "event_receiver"):
        if key in defaults:
            try:
                check_organisation(defaults[key])
            except ValueError as exc:
                raise MappingError(path, f"[defaults] {key}: {exc}") from None
    return Mapping(
        path=path,
        organisation=organisation,
        medium=medium,
        format=fmt,
        fields={k: v.strip() for k, v in fields.items()},
        defaults=dict(defaults),
        delimiter=delimiter,
        encoding=source.get("encoding"),
        date_format=date_format,
        records=source.get("records"),
        root=source.get("root"),
    )


class MappingAdapter(Adapter):
    """Reads any organisation's CSV/JSON/XML through a TOML mapping; claims nothing without one."""

    name: ClassVar[str] = "mapping"
    organisation: ClassVar[str | None] = None
    formats: ClassVar[tuple[str, ...]] = FORMATS
    description: ClassVar[str] = (
        "Declarative TOML mapping for an organisation not built in (docs/formats/mapping.md)"
    )

    def __init__(self, mapping: Path | str | None = None) -> None:
        self.mapping_path = Path(mapping) if mapping else None

    def _mapping_for(self, path: Path) -> Path | None:
        if self.mapping_path is not None:
            return self.mapping_path
        beside = path.parent / SIDECAR
        return beside if beside.is_file() and path.name != SIDECAR else None

    def identify(self, path: Path) -> bool:
        try:
            mpath = self._mapping_for(path)
            if mpath is None or path.suffix.lower() == ".toml":
                return False
            m = load_mapping(mpath)
            if m.format == "csv":
                return _csv_class(m)().identify(path)
            if m.format == "json":
                return read_head(path, 64).lstrip()[:1] in (b"{", b"[")
            root = xml_root_name(path)
            return root is not None and (m.root is None or root.split(":")[-1] == m.root)
        except Exception:
            return False

    def why(self, path: Path) -> str:
        return f"mapping: the mapping {self._mapping_for(path)} describes this file."

    def extract(self, path: Path, hints: Hints) -> Iterator[Record]:
        option = hints.options.get("mapping")
        mpath = Path(option) if option else self._mapping_for(path)
        if mpath is None:
            raise AdapterError(
                path, "the mapping adapter needs a mapping file (options['mapping'] or --mapping)"
            )
        try:
            m = load_mapping(mpath)
        except MappingError as exc:
            raise AdapterError(path, f"mapping {exc}") from None
        hints = attrs.evolve(
            hints, organisation=hints.organisation or m.organisation, medium=hints.medium or m.medium
        )
        if m.format == "csv":
            reader = _csv_class(m)()
            rows = [(f"line {r.line}", dict(r.values)) for r in reader.read_rows(path)]
        elif m.format == "json":
            rows = _json_rows(path, m)
        else:
            rows = _xml_rows(path, m)
        yield from _records(path, hints, m, rows)


def _csv_class(m: Mapping) -> type[CsvAdapter]:
    attrs_: dict[str, Any] = {
        "name": "mapping",
        "delimiter": m.delimiter,
        "encoding": m.encoding,
        "extract": lambda self, path, hints: iter(()),
    }
    for field, column in m.fields.items():
        attrs_[field] = Text(column, required=field in IDENTIFIER_FIELDS or field == "document_key")
    cls: type[CsvAdapter] = type("MappedCsv", (CsvAdapter,), attrs_)
    assert all(isinstance(c, Column) for c in cls.columns.values())
    return cls


def _dig(value: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _json_rows(path: Path, m: Mapping) -> list[tuple[str, dict[str, Any]]]:
    data = load_json(path)
    items = _dig(data, m.records) if m.records else data
    if not isinstance(items, list):
        raise AdapterError(
            path, f"the mapping's records path {m.records!r} does not lead to a list", f"/{m.records or ''}"
        )
    rows: list[tuple[str, dict[str, Any]]] = []
    for i, item in enumerate(items):
        where = f"/{(m.records or '').replace('.', '/')}[{i}]"
        if not isinstance(item, dict):
            raise AdapterError(path, "each record must be an object", where)
        rows.append((where, {f: _dig(item, p) for f, p in m.fields.items()}))
    return rows


def _xml_rows(path: Path, m: Mapping) -> list[tuple[str, dict[str, Any]]]:
    root = parse_xml(path)
    if m.root and xml_local(root.tag) != m.root:
        raise AdapterError(
            path, f"the root element is <{xml_local(root.tag)}>, the mapping expects <{m.root}>", "/"
        )
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""

    def q(p: str) -> str:
        return "/".join(seg if seg.startswith(("@", ".")) else ns + seg for seg in p.split("/"))

    rows: list[tuple[str, dict[str, Any]]] = []
    for i, el in enumerate(root.iterfind(q(str(m.records))), 1):
        values: dict[str, Any] = {}
        for f, p in m.fields.items():
            if "@" in p:
                elpath, _, attr = p.partition("@")
                target = el.find(q(elpath.rstrip("/"))) if elpath.strip("/") else el
                values[f] = target.get(attr) if target is not None else None
            else:
                found = el.find(q(p))
                values[f] = found.text if found is not None else None
        rows.append((f"/{xml_local(root.tag)}/{m.records}[{i}]", values))
    if not rows:
        raise AdapterError(path, f"no <{m.records}> elements under the root", f"/{xml_local(root.tag)}")
    return rows


def _records(
    path: Path, hints: Hints, m: Mapping, rows: list[tuple[str, dict[str, Any]]]
) -> Iterator[Record]:
    groups: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for where, values in rows:
        key = next((f"{f}:{text(values.get(f))}" for f in IDENTIFIER_FIELDS if text(values.get(f))), None)
        if key is None:
            raise AdapterError(
                path, "the record has no case identifier (every mapped identifier is empty)", where
            )
        groups.setdefault(key, []).append((where, values))
    for group in groups.values():
        b = RecordBuilder(path, hints, "mapping", m.organisation, m.medium)
        for where, v in group:
            b.locators.append(where)
            for f, kind in IDENTIFIER_FIELDS.items():
                raw = text(v.get(f))
                if raw and kind is IdentifierKind.EXTERN and ":" not in raw:
                    raw = f"{b.organisation}:{raw}"
                b.identifier(kind, raw, where)
            key = text(v.get("document_key")) or text(v.get("pv"))
            if key and any(f in m.fields for f in DOCUMENT_FIELDS):
                pages = text(v.get("page_count"))
                if pages is not None and not pages.isdigit():
                    b.warnings.append(f"{where}: page count {pages!r} is not a number; left empty")
                b.documents.append(
                    Document(
                        organisation=b.organisation,
                        medium=b.medium,
                        key=key,
                        type=doc_type(
                            v.get("document_type") or m.defaults.get("document_type"), where, b.warnings
                        ),
                        title=text(v.get("document_title")),
                        date=_date(path, m, v.get("document_date"), where),
                        page_count=int(pages) if pages and pages.isdigit() else None,
                        source_location=where,
                    )
                )
            if any(f in m.fields for f in PERSON_FIELDS):
                b.add_person(
                    person(
                        Role.parse(text(v.get("role")) or m.defaults.get("role", "verdachte")),
                        voornamen=v.get("voornamen"),
                        tussenvoegsel=v.get("tussenvoegsel"),
                        achternaam=v.get("achternaam"),
                        geboortedatum=_date(path, m, v.get("geboortedatum"), where),
                        bsn=v.get("bsn"),
                        skn=v.get("skn"),
                        where=where,
                        warnings=b.warnings,
                    )
                )
            on = _date(path, m, v.get("event_date"), where)
            if on is not None:
                try:
                    sender = text(v.get("event_sender")) or m.defaults.get("event_sender")
                    receiver = text(v.get("event_receiver")) or m.defaults.get("event_receiver")
                    b.add_event(
                        Event(
                            kind=EventKind.parse(
                                text(v.get("event_kind")) or m.defaults.get("event_kind", "status")
                            ),
                            date=on,
                            organisation=b.organisation,
                            sender=check_organisation(sender) if sender else None,
                            receiver=check_organisation(receiver) if receiver else None,
                            status=text(v.get("event_status")) or m.defaults.get("event_status"),
                        )
                    )
                except ValueError as exc:
                    raise AdapterError(path, str(exc), where) from None
        yield b.build()


def _date(path: Path, m: Mapping, raw: Any, where: str) -> dt.date | None:
    value = text(raw)
    if value is None:
        return None
    try:
        return parse_date(value, (m.date_format,) if m.date_format else ("%d-%m-%Y", "%Y-%m-%d"))
    except ValueError:
        raise AdapterError(
            path, f"{value!r} does not match the mapping's date_format {m.date_format or '%d-%m-%Y'!r}", where
        ) from None
