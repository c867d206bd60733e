"""The reports' small message catalogue, Dutch (default) and English, and number/date formatting."""

from __future__ import annotations

import datetime as dt

__all__ = [
    "LANGS",
    "check_lang",
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
    "standing": "Stand: {share} van {total} dossiers consistent ({consistent} dossiers)",
    "gap": "Nog {n} dossiers op orde brengen om de ambitie te halen",
    "gap.one": "Nog 1 dossier op orde brengen om de ambitie te halen",
    "gap.met": "De ambitie is gehaald",
    "deadline.days": "{days} dagen tot {deadline}",
    "deadline.passed": "De termijn ({deadline}) is {days} dagen verstreken",
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
    "org_total": "{org}: {open} openstaand, oudste {oldest} dagen, mediaan {median} dagen",
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
    # divergence kinds
    "kind.missing_digital": "ontbreekt digitaal",
    "kind.missing_paper": "ontbreekt in papieren dossier",
    "kind.page_count_mismatch": "afwijkend aantal pagina's",
    "kind.pages_missing": "pagina's ontbreken in scan",
    "kind.content_mismatch": "afwijkende inhoud",
    "kind.stale_paper": "verouderde papieren versie",
    "kind.metadata_conflict": "afwijkende documentgegevens",
    "kind.identifier_conflict": "tegenstrijdige nummers",
    "kind.person_conflict": "afwijkende persoonsgegevens",
    "kind.handover_missing": "overdracht niet ontvangen",
    "kind.status_conflict": "tegenstrijdige zaakstatus",
    "kind.duplicate_document": "dubbel geregistreerd",
    "kind.unreadable_scan": "onleesbare of losse scan",
    # actions (operational work list)
    "doc.pv": "PV {key}",
    "doc.typed": "{type} {key}",
    "doc.plain": "document {key}",
    "pages": " ({n} pagina's)",
    "pages.one": " (1 pagina)",
    "act.missing_paper": "Voeg {doc}{pages} toe aan het papieren dossier {dossier}",
    "act.missing_digital": "Registreer {doc}{pages} digitaal in dossier {dossier}; het zit alleen in het papieren dossier",
    "act.missing_digital.sent": (
        "Registreer {doc}{pages} digitaal in dossier {dossier}; {sender} heeft het op {date} verzonden ({event})"
    ),
    "act.missing_digital.held": (
        "Registreer {doc}{pages} digitaal in dossier {dossier}; vraag het op bij {holders}, die het digitaal heeft"
    ),
    "act.missing_digital.found": "Registreer {doc}{pages} digitaal in dossier {dossier}; aanwezig: {found_at}",
    "event.inzending": "inzending",
    "event.overdracht": "overdracht",
    "act.page_count_mismatch": (
        "Controleer het aantal pagina's van {doc} in dossier {dossier}: verwacht {expected}, gevonden {found}"
    ),
    "act.pages_missing": "Scan {doc} in dossier {dossier} opnieuw en volledig in{missing}",
    "act.pages_missing.which": ": pagina {pages} ontbreekt",
    "act.pages_missing.which_many": ": pagina's {pages} ontbreken",
    "act.content_mismatch": (
        "Stel vast welke versie van {doc} in dossier {dossier} geldt en vervang de afwijkende: "
        "papier en digitaal verschillen van inhoud"
    ),
    "act.stale_paper": "Print de actuele versie van {doc} en vervang die in het papieren dossier {dossier}{since}",
    "act.stale_paper.since": " (digitaal gewijzigd {when})",
    "act.metadata_conflict": "Corrigeer {field} van {doc} in dossier {dossier}: verwacht {expected}, geregistreerd {found}",
    "field.generic": "de gegevens",
    "field.date": "de datum",
    "field.type": "de soort",
    "field.title": "de titel",
    "field.page_count": "het aantal pagina's",
    "act.page_count_mismatch.paper": (
        "Vul {doc} in het papieren dossier {dossier} aan: op papier {paper}, digitaal {digital} pagina's"
    ),
    "act.page_count_mismatch.digital": (
        "Vul de digitale versie van {doc} in dossier {dossier} aan: digitaal {digital}, op papier {paper} pagina's"
    ),
    "act.content_mismatch.source": (
        "Vervang {doc} in het papieren dossier {dossier} door de geldende versie van {source}: de inhoud wijkt af"
    ),
    "act.metadata_conflict.reference": (
        "Corrigeer {field} van {doc} in dossier {dossier} naar de registratie van {reference}: "
        "verwacht {expected}, geregistreerd {found}"
    ),
    "act.status_conflict.closed": (
        "Informeer {others} dat u dossier {dossier} hebt afgesloten ({state}), of heropen de zaak; "
        "elders loopt de zaak door: {found}"
    ),
    "act.identifier_conflict": "Herstel het nummer in dossier {dossier}: verwacht {expected}, geregistreerd {found}",
    "act.person_conflict": (
        "Stem de gegevens van de {role} in dossier {dossier} af met {others}: verwacht {expected}, geregistreerd {found}"
    ),
    "act.handover_missing.receiver": (
        "Registreer de instroom van dossier {dossier}: {sender} heeft het {when}verzonden, {receiver} heeft er geen registratie van"
    ),
    "act.handover_missing.sender": (
        "Verstuur dossier {dossier} opnieuw naar {receiver} of vraag na waarom het {when}verzonden dossier niet is ontvangen"
    ),
    "act.handover_missing.when": "op {date} ",
    "act.status_conflict": "Stem de status van dossier {dossier} af met {others}: verwacht {expected}, geregistreerd {found}",
    "act.duplicate_document": "Verwijder de dubbele registratie van {doc} uit dossier {dossier}",
    "act.unreadable_scan": "Scan {what} opnieuw in met leesbare tekst of koppel de scan handmatig aan het juiste dossier",
    "act.unreadable_scan.dossier": "Scan {what} in dossier {dossier} opnieuw in met leesbare tekst",
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
    "standing": "Standing: {share} of {total} dossiers consistent ({consistent} dossiers)",
    "gap": "{n} more dossiers must be put in order to meet the ambition",
    "gap.one": "1 more dossier must be put in order to meet the ambition",
    "gap.met": "The ambition is met",
    "deadline.days": "{days} days until {deadline}",
    "deadline.passed": "The deadline ({deadline}) passed {days} days ago",
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
    "org_total": "{org}: {open} open, oldest {oldest} days, median {median} days",
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
    "kind.missing_digital": "missing digitally",
    "kind.missing_paper": "missing from paper file",
    "kind.page_count_mismatch": "page count differs",
    "kind.pages_missing": "pages missing in scan",
    "kind.content_mismatch": "content differs",
    "kind.stale_paper": "paper version out of date",
    "kind.metadata_conflict": "document data differ",
    "kind.identifier_conflict": "conflicting numbers",
    "kind.person_conflict": "personal data differ",
    "kind.handover_missing": "handover not received",
    "kind.status_conflict": "conflicting case status",
    "kind.duplicate_document": "registered twice",
    "kind.unreadable_scan": "unreadable or untied scan",
    "doc.pv": "PV {key}",
    "doc.typed": "{type} {key}",
    "doc.plain": "document {key}",
    "pages": " ({n} pages)",
    "pages.one": " (1 page)",
    "act.missing_paper": "Add {doc}{pages} to the paper file {dossier}",
    "act.missing_digital": "Register {doc}{pages} digitally in dossier {dossier}; it is only in the paper file",
    "act.missing_digital.sent": (
        "Register {doc}{pages} digitally in dossier {dossier}; {sender} sent it on {date} ({event})"
    ),
    "act.missing_digital.held": (
        "Register {doc}{pages} digitally in dossier {dossier}; request it from {holders}, who hold it digitally"
    ),
    "act.missing_digital.found": "Register {doc}{pages} digitally in dossier {dossier}; present: {found_at}",
    "event.inzending": "case submission",
    "event.overdracht": "handover",
    "act.page_count_mismatch": (
        "Check the page count of {doc} in dossier {dossier}: expected {expected}, found {found}"
    ),
    "act.pages_missing": "Rescan {doc} in dossier {dossier} completely{missing}",
    "act.pages_missing.which": ": page {pages} is missing",
    "act.pages_missing.which_many": ": pages {pages} are missing",
    "act.content_mismatch": (
        "Establish which version of {doc} in dossier {dossier} is valid and replace the other: "
        "paper and digital differ in content"
    ),
    "act.stale_paper": "Print the current version of {doc} and replace it in the paper file {dossier}{since}",
    "act.stale_paper.since": " (changed digitally {when})",
    "act.metadata_conflict": "Correct {field} of {doc} in dossier {dossier}: expected {expected}, registered {found}",
    "field.generic": "the data",
    "field.date": "the date",
    "field.type": "the type",
    "field.title": "the title",
    "field.page_count": "the page count",
    "act.page_count_mismatch.paper": (
        "Complete {doc} in the paper file {dossier}: {paper} pages on paper, {digital} digitally"
    ),
    "act.page_count_mismatch.digital": (
        "Complete the digital version of {doc} in dossier {dossier}: {digital} pages digitally, {paper} on paper"
    ),
    "act.content_mismatch.source": (
        "Replace {doc} in the paper file {dossier} with the valid version from {source}: the content differs"
    ),
    "act.metadata_conflict.reference": (
        "Correct {field} of {doc} in dossier {dossier} to match {reference}: expected {expected}, registered {found}"
    ),
    "act.status_conflict.closed": (
        "Tell {others} that you closed dossier {dossier} ({state}), or reopen the case; "
        "elsewhere the case continues: {found}"
    ),
    "act.identifier_conflict": "Correct the number in dossier {dossier}: expected {expected}, registered {found}",
    "act.person_conflict": (
        "Align the data of the {role} in dossier {dossier} with {others}: expected {expected}, registered {found}"
    ),
    "act.handover_missing.receiver": (
        "Register the intake of dossier {dossier}: {sender} sent it {when}and {receiver} has no record of it"
    ),
    "act.handover_missing.sender": (
        "Send dossier {dossier} to {receiver} again, or ask why the dossier sent {when}was not received"
    ),
    "act.handover_missing.when": "on {date} ",
    "act.status_conflict": "Align the status of dossier {dossier} with {others}: expected {expected}, registered {found}",
    "act.duplicate_document": "Remove the duplicate registration of {doc} from dossier {dossier}",
    "act.unreadable_scan": "Rescan {what} with readable text, or tie the scan to its dossier by hand",
    "act.unreadable_scan.dossier": "Rescan {what} in dossier {dossier} with readable text",
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
