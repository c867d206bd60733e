"""The CSV report: one row per divergence, safe to open in a spreadsheet (no formula injection)."""

from __future__ import annotations

import csv
import io

from dossierlink.report.common import RenderOptions, divergence_row, ordered_divergences
from dossierlink.report.indicators import Analysis
from dossierlink.report.messages import kind_label, severity_label, t

__all__ = ["COLUMNS", "neutralise", "render_csv"]

# (field of the JSON divergence row, column header key)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "col.id"),
    ("dossier", "col.dossier"),
    ("organisation", "col.must_act"),
    ("action", "col.action"),
    ("severity", "col.severity"),
    ("kind", "col.kind"),
    ("status", "col.status"),
    ("age_days", "col.age"),
    ("organisations", "col.involved"),
    ("identifiers", "col.identifiers"),
    ("subject", "col.subject"),
    ("expected", "col.expected"),
    ("found", "col.found"),
    ("message", "col.message"),
    ("first_seen", "col.first_seen"),
    ("last_seen", "col.last_seen"),
    ("resolved_at", "col.resolved_at"),
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP advice)."""
    if cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def render_csv(a: Analysis, opts: RenderOptions) -> str:
    lang = opts.lang
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([t(lang, key) for _, key in COLUMNS])
    for div in ordered_divergences(a):
        row = divergence_row(a, div, lang)
        row["severity"] = severity_label(lang, div.severity.value)
        row["kind"] = kind_label(lang, div.kind.value)
        row["status"] = t(lang, f"status.{div.status.value}")
        row["organisation"] = a.inp.organisation_name(div.organisation)
        row["organisations"] = ", ".join(div.organisations)
        row["identifiers"] = ", ".join(f"{i['kind']}:{i['value']}" for i in row["identifiers"])
        cells = []
        for field, _ in COLUMNS:
            value = row[field]
            cells.append(neutralise("" if value is None else str(value)))
        writer.writerow(cells)
    return buf.getvalue()
