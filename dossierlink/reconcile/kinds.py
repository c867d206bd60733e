"""One description per divergence kind: severity, who acts, id prefix, labels, messages and actions.

Everything else that names a kind is derived from :data:`KINDS`: the default severities
(``config.DEFAULT_SEVERITIES``), the id prefixes (``keys.KIND_ABBREVIATIONS``), the report's
catalogue of kind labels and action texts (``report.messages``), the action lookup
(``report.actions``) and the kind enum of ``report/report.schema.json``. The rules format their
``message`` and ``why`` sentences from the templates here (Dutch is what a divergence stores;
the English templates take the same values).

The kind's name itself is a member of :class:`~dossierlink.schema.DivergenceKind` (the schema's
value type); ``tests/reconcile/test_kinds.py`` proves that every member has a description with
all its parts and a rule in ``RULES``.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from dossierlink.schema import DivergenceKind, Severity

__all__ = ["KINDS", "KindSpec", "Text", "kind_spec", "say"]

K = DivergenceKind


@attrs.frozen
class Text:
    """One text in Dutch (the default, and what divergences store) and English."""

    nl: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


@attrs.frozen
class KindSpec:
    """Everything the chain says about one divergence kind, in one place.

    - ``prefix``: the two letters that open its ids (``MD-<16 hex>``); unique per kind.
    - ``severity``: the default, overridable per chain in ``[reconcile.severities]``.
    - ``meaning`` and ``acts``: what the kind means and which organisation must act (English;
      the rule function implements the second, docs/reconcile.md spells it out).
    - ``label``: the short name reports show for the kind.
    - ``messages``: the rule's sentences by name (``message``, ``why`` and their variants), as
      ``str.format`` templates; the rule passes the values.
    - ``actions``: the operational work list's action texts; ``""`` is the kind's main action
      (catalogue key ``act.<kind>``), another name ``n`` is ``act.<kind>.n``. A kind without its
      own action function in ``report/actions.py`` gets the document action: its main text with
      ``{doc}``, ``{pages}``, ``{dossier}``, ``{expected}`` and ``{found}``.
    """

    kind: DivergenceKind
    prefix: str
    severity: Severity
    meaning: str
    acts: str
    label: Text
    messages: Mapping[str, Text]
    actions: Mapping[str, Text]


KINDS: tuple[KindSpec, ...] = (
    KindSpec(
        K.MISSING_DIGITAL,
        prefix="MD",
        severity=Severity.HIGH,
        meaning="a document in a paper dossier (scan or inventory), or expected by the chain, has no "
        "digital counterpart where one is expected",
        acts="the holder that lacks the digital version",
        label=Text("ontbreekt digitaal", "missing digitally"),
        messages={
            "message": Text(
                "Het stuk {doc} ontbreekt in het digitale dossier van {holder} (wel aanwezig: {where}).",
                "The document {doc} is missing from the digital file of {holder} (present: {where}).",
            ),
            "why": Text(
                "{holder} hoort dit stuk digitaal te hebben: {reason}.",
                "{holder} should hold this document digitally: {reason}.",
            ),
            "reason.paper": Text(
                "het stuk zit in het papieren dossier van {holder}",
                "the document is in the paper file of {holder}",
            ),
            "reason.always": Text(
                "dit stuk hoort altijd bij deze organisatie",
                "this document always belongs with this organisation",
            ),
            "reason.document": Text(
                "er is een {type} in het dossier",
                "there is a {type} in the dossier",
            ),
            "reason.handover": Text(
                "de {event} van {sender} naar {receiver} is geregistreerd ({date})",
                "the {event} from {sender} to {receiver} is recorded ({date})",
            ),
            "reason.instroom": Text(
                "de instroom bij {receiver} is geregistreerd ({date})",
                "the intake at {receiver} is recorded ({date})",
            ),
            "reason.event": Text(
                "de stap '{event}' is geregistreerd ({date})",
                "the step '{event}' is recorded ({date})",
            ),
        },
        actions={
            "": Text(
                "Registreer {doc}{pages} digitaal in dossier {dossier}; het zit alleen in het papieren dossier",
                "Register {doc}{pages} digitally in dossier {dossier}; it is only in the paper file",
            ),
            "sent": Text(
                "Registreer {doc}{pages} digitaal in dossier {dossier}; {sender} heeft het op {date} verzonden ({event})",
                "Register {doc}{pages} digitally in dossier {dossier}; {sender} sent it on {date} ({event})",
            ),
            "held": Text(
                "Registreer {doc}{pages} digitaal in dossier {dossier}; vraag het op bij {holders}, die het digitaal heeft",
                "Register {doc}{pages} digitally in dossier {dossier}; request it from {holders}, who hold it digitally",
            ),
            "found": Text(
                "Registreer {doc}{pages} digitaal in dossier {dossier}; aanwezig: {found_at}",
                "Register {doc}{pages} digitally in dossier {dossier}; present: {found_at}",
            ),
        },
    ),
    KindSpec(
        K.MISSING_PAPER,
        prefix="MP",
        severity=Severity.MEDIUM,
        meaning="a digital document is absent from the paper dossier that should hold it",
        acts="the organisation that keeps the paper dossier",
        label=Text("ontbreekt in papieren dossier", "missing from paper file"),
        messages={
            "message": Text(
                "Het stuk {doc} staat in het digitale dossier van {org} maar ontbreekt in het papieren dossier.",
                "The document {doc} is in the digital file of {org} but missing from the paper file.",
            ),
            "why.inventory": Text(
                "{org} houdt voor deze zaak een papieren dossier bij en heeft het stuk digitaal; "
                "volgens de inhoudsopgave zit het er niet in.",
                "{org} keeps a paper file for this case and holds the document digitally; "
                "according to the inventory it is not in it.",
            ),
            "why.scan": Text(
                "{org} houdt voor deze zaak een papieren dossier bij en heeft het stuk digitaal; "
                "volgens de scan van het hele dossier zit het er niet in.",
                "{org} keeps a paper file for this case and holds the document digitally; "
                "according to the scan of the whole file it is not in it.",
            ),
        },
        actions={
            "": Text(
                "Voeg {doc}{pages} toe aan het papieren dossier {dossier}",
                "Add {doc}{pages} to the paper file {dossier}",
            ),
        },
    ),
    KindSpec(
        K.PAGE_COUNT_MISMATCH,
        prefix="PC",
        severity=Severity.HIGH,
        meaning="paper and digital versions of one document differ in page count",
        acts="the paper holder (a page lost from its copy, or a page of another stuk filed into it)",
        label=Text("afwijkend aantal pagina's", "page count differs"),
        messages={
            "message": Text(
                "Het stuk {doc} heeft op papier bij {paper_org} {paper_pages} en digitaal bij "
                "{digital_org} {digital_pages}.",
                "The document {doc} has {paper_pages} on paper at {paper_org} and {digital_pages} "
                "digitally at {digital_org}.",
            ),
            "why.fewer": Text(
                "{org} heeft een onvolledige papieren versie.",
                "{org} holds an incomplete paper version.",
            ),
            "why.more": Text(
                "{org} heeft op papier meer pagina's dan de geregistreerde versie (een pagina van een ander stuk?).",
                "{org} holds more pages on paper than the registered version (a page of another document?).",
            ),
        },
        actions={
            "": Text(
                "Controleer het aantal pagina's van {doc} in dossier {dossier}: verwacht {expected}, gevonden {found}",
                "Check the page count of {doc} in dossier {dossier}: expected {expected}, found {found}",
            ),
            "paper": Text(
                "Vul {doc} in het papieren dossier {dossier} aan: op papier {paper}, digitaal {digital} pagina's",
                "Complete {doc} in the paper file {dossier}: {paper} pages on paper, {digital} digitally",
            ),
            "digital": Text(
                "Vul de digitale versie van {doc} in dossier {dossier} aan: digitaal {digital}, op papier {paper} pagina's",
                "Complete the digital version of {doc} in dossier {dossier}: {digital} pages digitally, {paper} on paper",
            ),
        },
    ),
    KindSpec(
        K.PAGES_MISSING,
        prefix="PM",
        severity=Severity.HIGH,
        meaning='a scan\'s own page labels ("pagina 3 van 5") show gaps or a short count',
        acts="the scanning organisation",
        label=Text("pagina's ontbreken in scan", "pages missing in scan"),
        messages={
            "message": Text(
                "In de scan van {doc} bij {org} ontbreekt pagina {pages} van {total}.",
                "The scan of {doc} at {org} lacks page {pages} of {total}.",
            ),
            "why": Text("{org} heeft de onvolledige scan.", "{org} holds the incomplete scan."),
        },
        actions={
            "": Text(
                "Scan {doc} in dossier {dossier} opnieuw en volledig in{missing}",
                "Rescan {doc} in dossier {dossier} completely{missing}",
            ),
            "which": Text(": pagina {pages} ontbreekt", ": page {pages} is missing"),
            "which_many": Text(": pagina's {pages} ontbreken", ": pages {pages} are missing"),
        },
    ),
    KindSpec(
        K.CONTENT_MISMATCH,
        prefix="CM",
        severity=Severity.HIGH,
        meaning="paper and digital versions of one document differ in content (another version was printed)",
        acts="the paper holder",
        label=Text("afwijkende inhoud", "content differs"),
        messages={
            "message": Text(
                "De papieren versie van {doc} bij {paper_org} wijkt inhoudelijk af van de digitale versie "
                "bij {digital_org}.",
                "The paper version of {doc} at {paper_org} differs in content from the digital version "
                "at {digital_org}.",
            ),
            "why": Text(
                "{org} heeft een andere versie op papier.",
                "{org} holds another version on paper.",
            ),
        },
        actions={
            "": Text(
                "Stel vast welke versie van {doc} in dossier {dossier} geldt en vervang de afwijkende: "
                "papier en digitaal verschillen van inhoud",
                "Establish which version of {doc} in dossier {dossier} is valid and replace the other: "
                "paper and digital differ in content",
            ),
            "source": Text(
                "Vervang {doc} in het papieren dossier {dossier} door de geldende versie van {source}: "
                "de inhoud wijkt af",
                "Replace {doc} in the paper file {dossier} with the valid version from {source}: the content differs",
            ),
        },
    ),
    KindSpec(
        K.STALE_PAPER,
        prefix="SP",
        severity=Severity.MEDIUM,
        meaning="the digital version changed after the paper version was made",
        acts="the paper holder",
        label=Text("verouderde papieren versie", "paper version out of date"),
        messages={
            "message": Text(
                "De papieren versie van {doc} bij {paper_org} is van {made}; {digital_org} heeft een "
                "nieuwere digitale versie van {modified}.",
                "The paper version of {doc} at {paper_org} dates from {made}; {digital_org} holds a "
                "newer digital version of {modified}.",
            ),
            "why": Text(
                "{org} heeft een verouderde papieren versie.",
                "{org} holds an out-of-date paper version.",
            ),
        },
        actions={
            "": Text(
                "Print de actuele versie van {doc} en vervang die in het papieren dossier {dossier}{since}",
                "Print the current version of {doc} and replace it in the paper file {dossier}{since}",
            ),
            "since": Text(" (digitaal gewijzigd {when})", " (changed digitally {when})"),
        },
    ),
    KindSpec(
        K.METADATA_CONFLICT,
        prefix="MC",
        severity=Severity.LOW,
        meaning="one document, different date, type, title or page count between sources",
        acts="the organisation deviating from the producer (else from the most upstream holder)",
        label=Text("afwijkende documentgegevens", "document data differ"),
        messages={
            "message": Text(
                "Bij {doc} wijkt {fields} bij {org} af van {reference}.",
                "For {doc}, {fields} at {org} differs from {reference}.",
            ),
            "why.producer": Text(
                "{reference} heeft het stuk gemaakt; {org} wijkt daarvan af.",
                "{reference} made the document; {org} deviates from it.",
            ),
            "why.upstream": Text(
                "{reference} staat eerder in de keten; {org} wijkt daarvan af.",
                "{reference} comes earlier in the chain; {org} deviates from it.",
            ),
        },
        actions={
            "": Text(
                "Corrigeer {field} van {doc} in dossier {dossier}: verwacht {expected}, geregistreerd {found}",
                "Correct {field} of {doc} in dossier {dossier}: expected {expected}, registered {found}",
            ),
            "reference": Text(
                "Corrigeer {field} van {doc} in dossier {dossier} naar de registratie van {reference}: "
                "verwacht {expected}, geregistreerd {found}",
                "Correct {field} of {doc} in dossier {dossier} to match {reference}: "
                "expected {expected}, registered {found}",
            ),
        },
    ),
    KindSpec(
        K.IDENTIFIER_CONFLICT,
        prefix="IC",
        severity=Severity.HIGH,
        meaning="identifiers contradict across sources (one PV number under two parketnummers, a typo)",
        acts="the organisation whose record has the typo; for two parketnummers the organisations "
        "naming the number the OM does not name (else the minority; on a tie the OM)",
        label=Text("tegenstrijdige nummers", "conflicting numbers"),
        messages={
            "message.invalid": Text(
                "{org} registreert {kind} '{value}', dat geen geldig {kind} is.",
                "{org} records {kind} '{value}', which is not a valid {kind}.",
            ),
            "why.invalid": Text(
                "Het ongeldige nummer staat in de registratie van {org} (tikfout?).",
                "The invalid number is in the registration of {org} (a typo?).",
            ),
            "message.two_parketnummers": Text(
                "Proces-verbaal {pv} staat bij {right_orgs} onder parketnummer {right} en bij "
                "{wrong_orgs} onder {wrong}.",
                "Proces-verbaal {pv} is filed at {right_orgs} under parketnummer {right} and at "
                "{wrong_orgs} under {wrong}.",
            ),
            "why.owner_decides": Text(
                "{org} moet vaststellen welk parketnummer juist is: het OM geeft het nummer uit.",
                "{org} must establish which parketnummer is right: the OM issues the number.",
            ),
            "why.differs_from_owner": Text(
                "{org} gebruikt een parketnummer dat afwijkt van het OM.",
                "{org} uses a parketnummer that differs from the OM's.",
            ),
            "why.differs_from_others": Text(
                "{org} gebruikt een parketnummer dat afwijkt van de andere organisaties.",
                "{org} uses a parketnummer that differs from the other organisations'.",
            ),
        },
        actions={
            "": Text(
                "Herstel het nummer in dossier {dossier}: verwacht {expected}, geregistreerd {found}",
                "Correct the number in dossier {dossier}: expected {expected}, registered {found}",
            ),
        },
    ),
    KindSpec(
        K.PERSON_CONFLICT,
        prefix="PE",
        severity=Severity.HIGH,
        meaning="one party, different name spelling, birth date or BSN between organisations",
        acts="the organisation deviating from the reference registration (person_authority: police first)",
        label=Text("afwijkende persoonsgegevens", "personal data differ"),
        messages={
            "message": Text(
                "De {role} {name} staat bij {org} met een andere {fields} dan bij {reference}.",
                "The {role} {name} is recorded at {org} with another {fields} than at {reference}.",
            ),
            # The registration is recognised as the same party, with a named slip in its name.
            "message.swapped": Text(
                "De {role} {name} staat bij {org} met voornaam en achternaam verwisseld ({found_name}).",
                "The {role} {name} is recorded at {org} with given name and surname swapped ({found_name}).",
            ),
            "message.typo": Text(
                "De {role} {name} staat bij {org} met een tikfout in de {fields} ({found_name}).",
                "The {role} {name} is recorded at {org} with a typo in the {fields} ({found_name}).",
            ),
            "finding.swapped": Text(
                "voornaam en achternaam verwisseld bij {org}",
                "given name and surname swapped at {org}",
            ),
            "finding.typo": Text("tikfout in de {fields} bij {org}", "typo in the {fields} at {org}"),
            "why": Text(
                "{reference} is de bron voor persoonsgegevens; {org} wijkt daarvan af.",
                "{reference} is the source of personal data; {org} deviates from it.",
            ),
        },
        actions={
            "": Text(
                "Stem de gegevens van de {role} in dossier {dossier} af met {others}: "
                "verwacht {expected}, geregistreerd {found}",
                "Align the data of the {role} in dossier {dossier} with {others}: "
                "expected {expected}, registered {found}",
            ),
        },
    ),
    KindSpec(
        K.HANDOVER_MISSING,
        prefix="HM",
        severity=Severity.HIGH,
        meaning="an organisation recorded sending the case on; the receiver has no record after the agreed term",
        acts="the receiver (it has no record)",
        label=Text("overdracht niet ontvangen", "handover not received"),
        messages={
            "message": Text(
                "{sender} heeft de zaak op {date} naar {receiver} gestuurd ({event}), maar {receiver} "
                "heeft na {days} dagen geen registratie.",
                "{sender} sent the case to {receiver} on {date} ({event}), but {receiver} has no "
                "record after {days} days.",
            ),
            "why": Text(
                "{receiver} is de ontvanger en heeft de zaak na de termijn van {term} dagen niet geregistreerd.",
                "{receiver} is the receiver and has not registered the case after the term of {term} days.",
            ),
        },
        actions={
            "receiver": Text(
                "Registreer de instroom van dossier {dossier}: {sender} heeft het {when}verzonden, "
                "{receiver} heeft er geen registratie van",
                "Register the intake of dossier {dossier}: {sender} sent it {when}and {receiver} has no record of it",
            ),
            "sender": Text(
                "Verstuur dossier {dossier} opnieuw naar {receiver} of vraag na waarom het {when}verzonden "
                "dossier niet is ontvangen",
                "Send dossier {dossier} to {receiver} again, or ask why the dossier sent {when}was not received",
            ),
            "when": Text("op {date} ", "on {date} "),
        },
    ),
    KindSpec(
        K.STATUS_CONFLICT,
        prefix="SC",
        severity=Severity.CRITICAL,
        meaning="case states contradict across organisations (OM: sepot; court: hearing set)",
        acts="the organisation that closed the case (it must inform the chain or reopen)",
        label=Text("tegenstrijdige zaakstatus", "conflicting case status"),
        messages={
            "message": Text(
                "{org} registreert '{state}' ({date}), maar elders loopt de zaak door: {contradicting}.",
                "{org} records '{state}' ({date}), but elsewhere the case continues: {contradicting}.",
            ),
            "contradicting": Text("{state} bij {org} ({date})", "{state} at {org} ({date})"),
            "why": Text(
                "{org} heeft de zaak afgesloten en moet de keten informeren of de zaak heropenen.",
                "{org} closed the case and must inform the chain or reopen the case.",
            ),
        },
        actions={
            "": Text(
                "Stem de status van dossier {dossier} af met {others}: verwacht {expected}, geregistreerd {found}",
                "Align the status of dossier {dossier} with {others}: expected {expected}, registered {found}",
            ),
            "closed": Text(
                "Informeer {others} dat u dossier {dossier} hebt afgesloten ({state}), of heropen de zaak; "
                "elders loopt de zaak door: {found}",
                "Tell {others} that you closed dossier {dossier} ({state}), or reopen the case; "
                "elsewhere the case continues: {found}",
            ),
        },
    ),
    KindSpec(
        K.DUPLICATE_DOCUMENT,
        prefix="DD",
        severity=Severity.LOW,
        meaning="the same document is registered twice in one organisation's dossier",
        acts="that organisation",
        label=Text("dubbel geregistreerd", "registered twice"),
        messages={
            "message.paper": Text(
                "Het stuk {doc} staat {count} keer in het papieren dossier van {org}.",
                "The document {doc} is {count} times in the paper file of {org}.",
            ),
            "message.digital": Text(
                "Het stuk {doc} staat {count} keer in het digitale dossier van {org}.",
                "The document {doc} is {count} times in the digital file of {org}.",
            ),
            "why": Text(
                "{org} heeft het stuk dubbel geregistreerd.",
                "{org} registered the document twice.",
            ),
            "message.same_file": Text(
                "Hetzelfde bestand staat onder {count} sleutels in het dossier van {org}: {keys}.",
                "The same file is filed under {count} keys in the dossier of {org}: {keys}.",
            ),
            "why.same_file": Text(
                "{org} heeft hetzelfde stuk onder verschillende nummers geregistreerd.",
                "{org} registered the same document under different numbers.",
            ),
            "message.inventory": Text(
                "De inhoudsopgave van {org} vermeldt {key} {count} keer als toegevoegd.",
                "The inventory of {org} lists {key} as added {count} times.",
            ),
            "why.inventory": Text(
                "{org} heeft het stuk dubbel in het papieren dossier opgenomen.",
                "{org} filed the document twice in the paper file.",
            ),
        },
        actions={
            "": Text(
                "Verwijder de dubbele registratie van {doc} uit dossier {dossier}",
                "Remove the duplicate registration of {doc} from dossier {dossier}",
            ),
        },
    ),
    KindSpec(
        K.UNREADABLE_SCAN,
        prefix="US",
        severity=Severity.MEDIUM,
        meaning="a scan with no usable text, or that cannot be tied to a dossier",
        acts="the scanning organisation",
        label=Text("onleesbare of losse scan", "unreadable or untied scan"),
        messages={
            "message": Text(
                "De scan {path} van {org} is niet bruikbaar: {problem}.",
                "The scan {path} of {org} cannot be used: {problem}.",
            ),
            "no_text": Text("geen tekst gevonden in {key}", "no text found in {key}"),
            "why": Text(
                "{org} heeft de scan gemaakt en moet opnieuw scannen of het dossier aanwijzen.",
                "{org} made the scan and must scan again or name the dossier.",
            ),
        },
        actions={
            "": Text(
                "Scan {what} opnieuw in met leesbare tekst of koppel de scan handmatig aan het juiste dossier",
                "Rescan {what} with readable text, or tie the scan to its dossier by hand",
            ),
            "dossier": Text(
                "Scan {what} in dossier {dossier} opnieuw in met leesbare tekst",
                "Rescan {what} in dossier {dossier} with readable text",
            ),
        },
    ),
)

_BY_KIND: dict[DivergenceKind, KindSpec] = {spec.kind: spec for spec in KINDS}
# kind value -> message name -> Dutch template. Keyed by the plain value: hashing an enum member
# is a Python call, and rules format a sentence for every divergence they report.
_NL: dict[str, dict[str, str]] = {
    spec.kind.value: {name: text.nl for name, text in spec.messages.items()} for spec in KINDS
}


def kind_spec(kind: DivergenceKind) -> KindSpec:
    """The description of ``kind``."""
    return _BY_KIND[kind]


def say(kind: DivergenceKind, name: str, lang: str = "nl", /, **values: object) -> str:
    """The kind's message ``name`` in ``lang`` with ``values`` filled in (Dutch by default)."""
    if lang == "nl":
        return _NL[kind._value_][name].format_map(values)
    return _BY_KIND[kind].messages[name].get(lang).format_map(values)
