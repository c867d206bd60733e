"""Reports on the chain's divergences: strategic, tactical, operational; text, markdown, csv, json, html."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import sqlite_utils

from dossierlink.privacy import Sink, scrub
from dossierlink.report.common import LEVELS, RenderOptions
from dossierlink.report.data import ReportDataError, load_report_input, selection
from dossierlink.report.disclosure import list_disclosures, record_disclosure, verify_disclosures
from dossierlink.report.indicators import Analysis, analyse, exceeds
from dossierlink.report.messages import LANGS, check_lang
from dossierlink.report.model import DEFAULT_AMBITION, Ambition, ReportInput, RunPoint
from dossierlink.report.privacy import mask_divergence
from dossierlink.report.render_csv import render_csv
from dossierlink.report.render_html import render_html
from dossierlink.report.render_json import render_json, report_dict
from dossierlink.report.render_markdown import render_markdown
from dossierlink.report.render_text import render_text
from dossierlink.schema import Severity

__all__ = [
    "FORMATS",
    "LANGS",
    "LEVELS",
    "Ambition",
    "Analysis",
    "ReportDataError",
    "ReportInput",
    "RunPoint",
    "analyse",
    "describe",
    "exceeds",
    "list_disclosures",
    "load_report_input",
    "make_report",
    "masked",
    "record_disclosure",
    "render",
    "report_dict",
    "selection",
    "verify_disclosures",
]

# A report format is one renderer ``(Analysis, RenderOptions) -> str`` and one line here.
_RENDERERS = {
    "text": render_text,
    "markdown": render_markdown,
    "csv": render_csv,
    "json": render_json,
    "html": render_html,
}
FORMATS = tuple(_RENDERERS)


def masked(inp: ReportInput) -> ReportInput:
    """The input with BSNs and birth dates masked in every divergence."""
    return attrs.evolve(inp, divergences=tuple(mask_divergence(d) for d in inp.divergences))


def _check(level: str, fmt: str, lang: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"unknown report level {level!r}: choose one of {', '.join(LEVELS)}.")
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    check_lang(lang)


def render(
    inp: ReportInput,
    *,
    level: str = "strategic",
    fmt: str = "text",
    lang: str = "nl",
    reveal: bool = False,
    color: bool = False,
    recipient: str | None = None,
) -> str:
    """Render one report. BSNs and birth dates are masked unless ``reveal`` is True."""
    _check(level, fmt, lang)
    analysis = analyse(inp if reveal else masked(inp))
    opts = RenderOptions(
        level=level, lang=lang, revealed=reveal, color=color and fmt == "text", recipient=recipient
    )
    text = _RENDERERS[fmt](analysis, opts)
    # The one privacy filter for every way out: whatever a renderer let through (a BSN in a
    # title, an escape sequence in a name) does not leave; our own colours stay in text.
    return scrub(text, Sink.TERMINAL if fmt == "text" else Sink.REPORT, reveal=reveal)


def make_report(
    db: sqlite_utils.Database,
    *,
    level: str = "strategic",
    fmt: str = "text",
    lang: str = "nl",
    reveal: bool = False,
    recipient: str | None = None,
    organisation: str | Iterable[str] | None = None,
    kind: str | Iterable[str] | None = None,
    severity: str | Iterable[str] | None = None,
    status: str | Iterable[str] | None = None,
    since: str | dt.date | dt.datetime | None = None,
    now: dt.datetime | None = None,
    ambition: Ambition | None = None,
    fail_on: Severity | str | None = None,
    color: bool = False,
    organisation_names: Mapping[str, str] | None = None,
) -> tuple[str, bool]:
    """Read the store, render the report; return it and whether anything is at or over ``fail_on``.

    Recording the disclosure is the caller's job (the CLI does it once the report is written),
    so a report that fails to be written is not logged as disclosed.
    """
    _check(level, fmt, lang)
    inp = load_report_input(
        db,
        now=now or dt.datetime.now(dt.UTC),
        ambition=ambition or DEFAULT_AMBITION,
        organisation=organisation,
        kind=kind,
        severity=severity,
        status=status,
        since=since,
        organisation_names=organisation_names,
    )
    text = render(inp, level=level, fmt=fmt, lang=lang, reveal=reveal, color=color, recipient=recipient)
    over = exceeds(inp.divergences, fail_on) if fail_on is not None else False
    return text, over


def describe(level: str, filters: Mapping[str, Any]) -> str:
    """What a report contained, for the disclosure log: ``report operational (organisation=om)``."""
    chosen = ", ".join(f"{k}={v}" for k, v in sorted(filters.items()) if v)
    return f"report {level}" + (f" ({chosen})" if chosen else "")
