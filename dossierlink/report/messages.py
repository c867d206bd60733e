"""The reports' small message catalogue, Dutch (default) and English, and number/date formatting."""

from __future__ import annotations

import datetime as dt

from dossierlink.reconcile.kinds import KINDS

__all__ = [
    "LANGS",
    "check_lang",
    "count",
    "fmt_date",
    "fmt_num",
    "fmt_pct",
    "kind_label",
    "role_label",
    "severity_label",
    "t",
    "tn",
]

LANGS = ("nl", "en")

_NL: dict[str, str] = {
    # titles and headings
    "title": "Ketenrapport dossierlink",
    "level.strategic": "strategisch",
    "level.tactical": "tactisch",
    "level.operational": "operationeel",
    # What a page holds: each level includes the ones above it.
    "levels.strategic": "strategisch",
    "levels.tactical": "strategisch en tactisch",
    "levels.operational": "strategisch, tactisch en operationeel",
    "heading.strategic": "Strategisch: de ambitie van de keten",
    "heading.tactical": "Tactisch: afwijkingen per organisatie",
    "heading.operational": "Operationeel: werklijst per organisatie en dossier",
    "heading.indicators": "Cruciale indicator per organisatie",
    "heading.trend": "Trend",
    "heading.by_kind": "Afwijkingen per soort",
    "heading.weeks": "Geopend en opgelost per week",
    "heading.warnings": "Waarschuwingen",
    "generated": "Gemaakt op {at}",
    "filters": "Filters: {filters}",
    "no_filters": "geen filters",
    "recipient": "Verstrekt aan: {who}",
    "revealed": "LET OP: BSN en geboortedata zijn onversleuteld getoond (--reveal).",
    "masked": "BSN en geboortedata zijn gemaskeerd.",
    # ambition and summary
    "ambition.default_name": "{target} van de dossiers consistent op {deadline}",
    "ambition": "Ambitie",
    "ambition.line": "Ambitie: {name}",
    "now": "Nu",
    "standing": "Stand: {share} van {total} consistent ({consistent})",
    "gap": "Nog {n} dossiers op orde brengen om de ambitie te halen",
    "gap.one": "Nog 1 dossier op orde brengen om de ambitie te halen",
    "gap.met": "De ambitie is gehaald",
    "deadline.days": "{days} tot {deadline}",
    "deadline.passed": "De termijn ({deadline}) is {days} verstreken",
    "on_track.yes": "Op koers: bij dit tempo {projected} op {deadline}",
    "on_track.no": "Niet op koers: bij dit tempo {projected} op {deadline}",
    "on_track.unknown": "Koers onbekend: nog geen metingen op twee verschillende dagen",
    "open_total": "Openstaande afwijkingen: {open} (waarvan {ack} erkend); opgelost: {resolved}",
    "dossierless": "Afwijkingen zonder dossier (bijvoorbeeld onleesbare scans): {n}",
    "chain_definition": "Consistent betekent: geen openstaande of erkende afwijking in het dossier.",
    "weakest": "Zwakste schakel: {org} ({share}, {open} openstaande afwijkingen)",
    "weakest.one": "Zwakste schakel: {org} ({share}, 1 openstaande afwijking)",
    "weakest.none": "Zwakste schakel: geen (geen organisaties met dossiers)",
    "indicator.definition": (
        "Aandeel van de dossiers waarin {org} een registratie heeft of moet handelen, "
        "zonder openstaande afwijking waarop {org} moet handelen."
    ),
    "trend.none": "Nog geen metingen.",
    "trend.point": "{at}: {share} ({consistent} van {total})",
    "trend.legend": "Eén punt per dag: de laatste meting van die dag.",
    "references.not_read": "{files} niet gelezen: {reason}",
    "reference.outside the inbox root": "buiten de root van de inbox",
    "reference.missing": "niet aanwezig",
    "reference.unreadable": "onleesbaar",
    # column headers
    "col.organisation": "Organisatie",
    "col.indicator": "Indicator",
    "col.dossiers": "Dossiers",
    "col.clean": "Op orde",
    "col.open": "Open",
    "col.ambition": "Ambitie",
    "col.meets": "Gehaald",
    "col.kind": "Soort",
    "col.severity": "Ernst",
    "col.count": "Aantal",
    "col.oldest": "Oudste (dagen)",
    "col.median": "Mediaan (dagen)",
    "col.week": "Week",
    "col.opened": "Geopend",
    "col.resolved": "Opgelost",
    "col.dossier": "Dossier",
    "col.action": "Actie",
    "col.age": "Leeftijd (dagen)",
    "col.days": "Dagen",
    "col.status": "Status",
    "col.id": "Id",
    "col.must_act": "Moet handelen",
    "col.involved": "Betrokken",
    "col.identifiers": "Kenmerken",
    "col.subject": "Onderwerp",
    "col.expected": "Verwacht",
    "col.found": "Gevonden",
    "col.message": "Omschrijving",
    "col.why": "Waarom",
    "col.first_seen": "Eerst gezien",
    "col.last_seen": "Laatst gezien",
    "col.resolved_at": "Opgelost op",
    "col.date": "Datum",
    "col.share": "Consistent",
    "yes": "ja",
    "no": "nee",
    "na": "n.v.t.",
    "days": "{n} d",
    "work.none": "Geen openstaande afwijkingen: niets te doen.",
    "work.org": "{org}: {n} acties",
    "work.org.one": "{org}: 1 actie",
    "tactical.none": "Geen openstaande afwijkingen.",
    "acknowledged_mark": "erkend",
    "org_total": "{org}: {open} openstaand, oudste {oldest}, mediaan {median}",
    "dossier_fallback": "dossier {id}",
    "no_dossier": "zonder dossier",
    "chart.indicators": "Indicator per organisatie tegen de ambitie",
    "chart.trend": "Consistente dossiers over de tijd",
    "chart.kinds": "Openstaande afwijkingen per soort en ernst",
    "chart.weeks": "Geopend en opgelost per week",
    "open_divergences": "openstaande afwijkingen",
    "consistent_dossiers": "consistente dossiers",
    "target": "doel",
    "deadline": "termijn",
    "legend.opened": "geopend",
    "legend.resolved": "opgelost",
    # severities, statuses
    "severity.critical": "kritiek",
    "severity.high": "hoog",
    "severity.medium": "middel",
    "severity.low": "laag",
    "status.open": "open",
    "status.acknowledged": "erkend",
    "status.resolved": "opgelost",
    # shared parts of the action texts (operational work list)
    "doc.pv": "PV {key}",
    "doc.typed": "{type} {key}",
    "doc.plain": "document {key}",
    "pages": " ({n} pagina's)",
    "pages.one": " (1 pagina)",
    "event.inzending": "inzending",
    "event.overdracht": "overdracht",
    "field.generic": "de gegevens",
    "field.date": "de datum",
    "field.type": "de soort",
    "field.title": "de titel",
    "field.page_count": "het aantal pagina's",
    "the_scan": "{name}",
    "a_scan": "het document",
    "others.none": "de andere organisaties",
    "unknown": "onbekend",
    "and": "en",
}

_EN: dict[str, str] = {
    "title": "dossierlink chain report",
    "level.strategic": "strategic",
    "level.tactical": "tactical",
    "level.operational": "operational",
    "levels.strategic": "strategic",
    "levels.tactical": "strategic and tactical",
    "levels.operational": "strategic, tactical and operational",
    "heading.strategic": "Strategic: the chain's ambition",
    "heading.tactical": "Tactical: divergences per organisation",
    "heading.operational": "Operational: work list per organisation and dossier",
    "heading.indicators": "Crucial indicator per organisation",
    "heading.trend": "Trend",
    "heading.by_kind": "Divergences by kind",
    "heading.weeks": "Opened and resolved per week",
    "heading.warnings": "Warnings",
    "generated": "Generated {at}",
    "filters": "Filters: {filters}",
    "no_filters": "no filters",
    "recipient": "Disclosed to: {who}",
    "revealed": "NOTE: BSN and birth dates are shown unmasked (--reveal).",
    "masked": "BSN and birth dates are masked.",
    "ambition.default_name": "{target} of dossiers consistent by {deadline}",
    "ambition": "Ambition",
    "ambition.line": "Ambition: {name}",
    "now": "Now",
    "standing": "Standing: {share} of {total} consistent ({consistent})",
    "gap": "{n} more dossiers must be put in order to meet the ambition",
    "gap.one": "1 more dossier must be put in order to meet the ambition",
    "gap.met": "The ambition is met",
    "deadline.days": "{days} until {deadline}",
    "deadline.passed": "The deadline ({deadline}) passed {days} ago",
    "on_track.yes": "On track: at this pace {projected} by {deadline}",
    "on_track.no": "Off track: at this pace {projected} by {deadline}",
    "on_track.unknown": "Pace unknown: no measurements on two different days yet",
    "open_total": "Open divergences: {open} (of which {ack} acknowledged); resolved: {resolved}",
    "dossierless": "Divergences without a dossier (for example unreadable scans): {n}",
    "chain_definition": "Consistent means: no open or acknowledged divergence in the dossier.",
    "weakest": "Weakest link: {org} ({share}, {open} open divergences)",
    "weakest.one": "Weakest link: {org} ({share}, 1 open divergence)",
    "weakest.none": "Weakest link: none (no organisations with dossiers)",
    "indicator.definition": (
        "Share of the dossiers in which {org} holds a record or must act "
        "that have no open divergence {org} must act on."
    ),
    "trend.none": "No measurements yet.",
    "trend.point": "{at}: {share} ({consistent} of {total})",
    "trend.legend": "One point per day: the day's last measurement.",
    "references.not_read": "{files} not read: {reason}",
    "reference.outside the inbox root": "outside the inbox root",
    "reference.missing": "missing",
    "reference.unreadable": "unreadable",
    "col.organisation": "Organisation",
    "col.indicator": "Indicator",
    "col.dossiers": "Dossiers",
    "col.clean": "In order",
    "col.open": "Open",
    "col.ambition": "Ambition",
    "col.meets": "Met",
    "col.kind": "Kind",
    "col.severity": "Severity",
    "col.count": "Count",
    "col.oldest": "Oldest (days)",
    "col.median": "Median (days)",
    "col.week": "Week",
    "col.opened": "Opened",
    "col.resolved": "Resolved",
    "col.dossier": "Dossier",
    "col.action": "Action",
    "col.age": "Age (days)",
    "col.days": "Days",
    "col.status": "Status",
    "col.id": "Id",
    "col.must_act": "Must act",
    "col.involved": "Involved",
    "col.identifiers": "Identifiers",
    "col.subject": "Subject",
    "col.expected": "Expected",
    "col.found": "Found",
    "col.message": "Description",
    "col.why": "Why",
    "col.first_seen": "First seen",
    "col.last_seen": "Last seen",
    "col.resolved_at": "Resolved at",
    "col.date": "Date",
    "col.share": "Consistent",
    "yes": "yes",
    "no": "no",
    "na": "n/a",
    "days": "{n} d",
    "work.none": "No open divergences: nothing to do.",
    "work.org": "{org}: {n} actions",
    "work.org.one": "{org}: 1 action",
    "tactical.none": "No open divergences.",
    "acknowledged_mark": "acknowledged",
    "org_total": "{org}: {open} open, oldest {oldest}, median {median}",
    "dossier_fallback": "dossier {id}",
    "no_dossier": "no dossier",
    "chart.indicators": "Indicator per organisation against the ambition",
    "chart.trend": "Consistent dossiers over time",
    "chart.kinds": "Open divergences by kind and severity",
    "chart.weeks": "Opened and resolved per week",
    "open_divergences": "open divergences",
    "consistent_dossiers": "consistent dossiers",
    "target": "target",
    "deadline": "deadline",
    "legend.opened": "opened",
    "legend.resolved": "resolved",
    "severity.critical": "critical",
    "severity.high": "high",
    "severity.medium": "medium",
    "severity.low": "low",
    "status.open": "open",
    "status.acknowledged": "acknowledged",
    "status.resolved": "resolved",
    "doc.pv": "PV {key}",
    "doc.typed": "{type} {key}",
    "doc.plain": "document {key}",
    "pages": " ({n} pages)",
    "pages.one": " (1 page)",
    "event.inzending": "case submission",
    "event.overdracht": "handover",
    "field.generic": "the data",
    "field.date": "the date",
    "field.type": "the type",
    "field.title": "the title",
    "field.page_count": "the page count",
    "the_scan": "{name}",
    "a_scan": "the document",
    "others.none": "the other organisations",
    "unknown": "unknown",
    "and": "and",
}

_ROLE_EN = {
    "verdachte": "suspect",
    "slachtoffer": "victim",
    "getuige": "witness",
    "aangever": "complainant",
    "veroordeelde": "convicted person",
    "betrokkene": "person concerned",
    "overig": "person",
}


def _kind_entries(lang: str) -> dict[str, str]:
    """Each kind's label (``kind.<kind>``) and action texts (``act.<kind>[.<name>]``) from its description."""
    out: dict[str, str] = {}
    for spec in KINDS:
        kind = spec.kind.value
        out[f"kind.{kind}"] = spec.label.get(lang)
        for name, text in spec.actions.items():
            out[f"act.{kind}.{name}" if name else f"act.{kind}"] = text.get(lang)
    return out


_NL.update(_kind_entries("nl"))
_EN.update(_kind_entries("en"))

_CATALOGUE: dict[str, dict[str, str]] = {"nl": _NL, "en": _EN}


def check_lang(lang: str) -> str:
    if lang not in _CATALOGUE:
        raise ValueError(f"unknown report language {lang!r}: choose one of {', '.join(LANGS)}.")
    return lang


def t(lang: str, key: str, /, **values: object) -> str:
    """The message ``key`` in ``lang`` (falling back to English, then to the key) with ``values``."""
    template = _CATALOGUE.get(lang, _EN).get(key) or _EN.get(key) or key
    return template.format(**values) if values else template


def tn(lang: str, key: str, n: int, /, **values: object) -> str:
    """Like :func:`t`, choosing ``key + ".one"`` when ``n`` is 1 and the catalogue has it."""
    one = f"{key}.one"
    if n == 1 and one in _CATALOGUE.get(lang, _EN):
        return t(lang, one, **values)
    return t(lang, key, **values)


# Nouns that follow a printed count: (one, more) per language.
_NOUNS: dict[str, dict[str, tuple[str, str]]] = {
    "nl": {
        "dossier": ("dossier", "dossiers"),
        "day": ("dag", "dagen"),
        "open_divergence": ("openstaande afwijking", "openstaande afwijkingen"),
        "referenced_file": ("gekoppeld bestand", "gekoppelde bestanden"),
    },
    "en": {
        "dossier": ("dossier", "dossiers"),
        "day": ("day", "days"),
        "open_divergence": ("open divergence", "open divergences"),
        "referenced_file": ("referenced file", "referenced files"),
    },
}


def count(lang: str, noun: str, n: float, /, decimals: int = 0) -> str:
    """A number with its noun in the right form: "1 dossier", "12 dossiers", "1 dag", "2,5 dagen"."""
    one, more = _NOUNS.get(lang, _NOUNS["en"]).get(noun) or _NOUNS["en"][noun]
    return f"{fmt_num(n, lang, decimals)} {one if n == 1 else more}"


def kind_label(lang: str, kind: str) -> str:
    return t(lang, f"kind.{kind}") if f"kind.{kind}" in _EN else kind


def severity_label(lang: str, severity: str) -> str:
    return t(lang, f"severity.{severity}")


def role_label(lang: str, role: str) -> str:
    if lang == "en":
        return _ROLE_EN.get(role, role)
    return role


def fmt_num(value: float | int, lang: str, decimals: int = 0) -> str:
    """Thousands separated; Dutch uses a dot for thousands and a comma for decimals."""
    text = f"{value:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def fmt_pct(share: float | None, lang: str, decimals: int = 1) -> str:
    if share is None:
        return t(lang, "na")
    return fmt_num(share * 100.0, lang, decimals) + "%"


def fmt_date(value: dt.date | dt.datetime | None, lang: str) -> str:
    """ISO dates in both languages: unambiguous across the chain's systems."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()
