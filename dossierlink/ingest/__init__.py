"""Ingestion: the adapter protocol, declarative readers, the public record builder and the pipeline of named steps.

What an adapter author needs is importable from here::

    from dossierlink.ingest import CsvAdapter, CsvRow, RecordAdapter, RecordBuilder, Text

The pipeline (:mod:`dossierlink.ingest.pipeline`) is not imported here: it needs the store, and
the paper reader imports this package for :class:`AdapterError`.
"""

from dossierlink.ingest.adapter import (
    Adapter,
    AdapterError,
    Hints,
    SkippedSource,
    available_adapters,
    get_adapter,
    identify,
    sha256_file,
)
from dossierlink.ingest.builder import (
    Entry,
    RecordAdapter,
    RecordBuilder,
    attach_file,
    doc_type,
    opt_date,
    person,
    text,
    with_file,
)
from dossierlink.ingest.readers import (
    Column,
    CsvAdapter,
    CsvRow,
    Date,
    DateTime,
    DocumentFile,
    Integer,
    JsonAdapter,
    Text,
    XmlAdapter,
    decode_text,
    json_head,
    load_json,
    parse_date,
    parse_datetime,
    parse_xml,
    read_document_file,
    read_head,
    read_limited,
    resolve_reference,
    xml_local,
    xml_root_name,
)
from dossierlink.pinned import open_binary

__all__ = [
    "Adapter",
    "AdapterError",
    "Column",
    "CsvAdapter",
    "CsvRow",
    "Date",
    "DateTime",
    "DocumentFile",
    "Entry",
    "Hints",
    "Integer",
    "JsonAdapter",
    "RecordAdapter",
    "RecordBuilder",
    "SkippedSource",
    "Text",
    "XmlAdapter",
    "attach_file",
    "available_adapters",
    "decode_text",
    "doc_type",
    "get_adapter",
    "identify",
    "json_head",
    "load_json",
    "open_binary",
    "opt_date",
    "parse_date",
    "parse_datetime",
    "parse_xml",
    "person",
    "read_document_file",
    "read_head",
    "read_limited",
    "resolve_reference",
    "sha256_file",
    "text",
    "with_file",
    "xml_local",
    "xml_root_name",
]
