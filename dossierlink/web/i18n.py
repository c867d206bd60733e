"""The web view's own words in Dutch (the default) and English; the report's words come from report.messages."""

from __future__ import annotations

from dossierlink.report.messages import t as report_t

__all__ = ["LANGS", "ui"]

LANGS = ("nl", "en")

_WORDS: dict[str, tuple[str, str]] = {
    "app": ("Ketenbeeld", "Chain view"),
    "overview": ("Keten", "Chain"),
    "organisation": ("Organisatie", "Organisation"),
    "work": ("Werklijst", "Work list"),
    "search": ("Zoek dossier", "Find case"),
    "search.hint": ("parketnummer, PV-nummer, ECLI of SKN", "parketnummer, PV number, ECLI or SKN"),
    "search.none": ("Geen dossier gevonden voor", "No case found for"),
    "login": ("Inloggen", "Log in"),
    "logout": ("Uitloggen", "Log out"),
    "user": ("Gebruiker", "User"),
    "password": ("Wachtwoord", "Password"),
    "login.failed": ("Onjuiste gebruikersnaam of wachtwoord.", "Wrong user name or password."),
    "login.locked": (
        "Te veel mislukte pogingen: probeer het over een kwartier opnieuw.",
        "Too many failed attempts: try again in a quarter of an hour.",
    ),
    "filter": ("Filter", "Filter"),
    "kind": ("Soort", "Kind"),
    "severity": ("Ernst", "Severity"),
    "status": ("Status", "Status"),
    "age": ("Ouder dan (dagen)", "Older than (days)"),
    "dossier": ("Dossier", "Case"),
    "all": ("alle", "all"),
    "unresolved": ("openstaand", "unresolved"),
    "export": ("CSV exporteren", "Export CSV"),
    "previous": ("vorige", "previous"),
    "next": ("volgende", "next"),
    "page": ("pagina", "page"),
    "of": ("van", "of"),
    "results": ("resultaten", "results"),
    "action": ("Actie", "Action"),
    "who": ("Wie handelt", "Who acts"),
    "since": ("Sinds", "Since"),
    "days": ("dagen", "days"),
    "ack": ("Bevestigen", "Acknowledge"),
    "unack": ("Bevestiging intrekken", "Withdraw acknowledgement"),
    "note": ("Notitie", "Note"),
    "acked_by": ("bevestigd door", "acknowledged by"),
    "timeline": ("Tijdlijn", "Timeline"),
    "documents": ("Documenten", "Documents"),
    "persons": ("Personen", "Persons"),
    "divergences": ("Afwijkingen", "Divergences"),
    "identifiers": ("Kenmerken", "Identifiers"),
    "paper": ("papier", "paper"),
    "digital": ("digitaal", "digital"),
    "pages": ("p.", "pp."),
    "versions": ("versies", "versions"),
    "reveal": ("Persoonsgegevens tonen", "Show personal data"),
    "reason": ("Reden (wordt vastgelegd)", "Reason (logged)"),
    "revealed": (
        "Persoonsgegevens zichtbaar; vastgelegd in het verstrekkingenlog.",
        "Personal data shown; recorded in the disclosure log.",
    ),
    "masked": ("Persoonsgegevens zijn gemaskeerd.", "Personal data is masked."),
    "admin": ("Beheer", "Administration"),
    "users": ("Gebruikers", "Users"),
    "tokens": ("API-tokens", "API tokens"),
    "disclosures": ("Verstrekkingenlog", "Disclosure log"),
    "history": ("Acties", "Actions"),
    "role": ("Rol", "Role"),
    "disabled": ("uitgeschakeld", "disabled"),
    "forbidden": ("U heeft geen toegang tot deze pagina.", "You have no access to this page."),
    "notfound": ("Niet gevonden.", "Not found."),
    "badrequest": ("Het verzoek klopt niet.", "The request is not valid."),
    "csrf": ("Het formulier is verlopen; probeer opnieuw.", "The form expired; try again."),
    "weakest": ("Zwakste schakel", "Weakest link"),
    "indicators": ("Indicator per organisatie", "Indicator per organisation"),
    "trend": ("Trend", "Trend"),
    "open_by_kind": ("Open naar soort en ernst", "Open by kind and severity"),
    "weeks": ("Geopend en opgelost per week", "Opened and resolved per week"),
    "oldest": ("Oudste", "Oldest"),
    "median": ("Mediaan leeftijd", "Median age"),
    "open": ("Open", "Open"),
    "consistent": ("consistent", "consistent"),
    "dossiers": ("dossiers", "cases"),
    "lang.other": ("English", "Nederlands"),
    "nothing": ("Niets te doen.", "Nothing to do."),
    "date": ("Datum", "Date"),
    "event": ("Gebeurtenis", "Event"),
    "from_to": ("van → naar", "from → to"),
    "what": ("Wat", "What"),
    "recipient": ("Ontvanger", "Recipient"),
    "at": ("Tijdstip", "At"),
    "document": ("Document", "Document"),
    "type": ("Soort", "Type"),
    "name": ("Naam", "Name"),
    "born": ("Geboren", "Born"),
    "apply": ("Toepassen", "Apply"),
    "acked": ("bevestigd", "acknowledged"),
    "disable": ("Uitschakelen", "Disable"),
    "revoke": ("Intrekken", "Revoke"),
    "admin.cli": ("Nieuwe gebruikers, wachtwoorden en tokens", "New users, passwords and tokens"),
    "ambition": ("Ambitie", "Ambition"),
}


def ui(lang: str, key: str) -> str:
    """A word of the web view; falls back to the report's messages."""
    pair = _WORDS.get(key)
    if pair is None:
        return report_t(lang, key)
    return pair[1] if lang == "en" else pair[0]
