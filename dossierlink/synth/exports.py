"""Writers for the synthetic chain: each organisation's export in its built-in format, inventories and scans.

Plain string building where the format allows it (CSV, XML), ``json.dumps`` for JSON: 100k
dossiers must be written in minutes. Every writer is deterministic: the order of cases and of
their parts is the order the model gives, nothing depends on set or dict-of-set iteration.
The formats follow ``docs/formats/*.md`` and the adapters in ``adapters/``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any
from xml.sax.saxutils import escape

from dossierlink.synth.model import Case, Holding, Step, court_name
from dossierlink.synth.output import ChainFiles

__all__ = ["ZGW_RSIN", "ExportFormats", "write_exports"]

ZGW_RSIN = {"rechtspraak": "999990032"}
_ZGW_BASE = "https://zaken.rechtspraak.example/zaken/api/v1"
_DRC_BASE = "https://documenten.rechtspraak.example/documenten/api/v1"

_POLITIE_HEADER = (
    "PV-nummer;Parketnummer;Soort document;Titel;Datum document;Aantal pagina's;Bestand;Laatst gewijzigd;"
    "Voornamen verdachte;Tussenvoegsel verdachte;Achternaam verdachte;Geboortedatum verdachte;BSN verdachte;"
    "SKN verdachte;Datum inzending OM"
)
_DJI_HEADER = (
    "registratienummer,parketnummer,skn,achternaam,voorvoegsel,voornamen,geboortedatum,inrichting,"
    "titel detentie,datum aanmelding,aangemeld door,datum insluiting,datum invrijheidstelling,status"
)
_INRICHTINGEN = (
    "PI Rotterdam De Schie (fictief)",
    "PI Amsterdam Justitieel Complex Zaanstad (fictief)",
    "PI Haaglanden (fictief)",
    "PI Nieuwegein (fictief)",
    "PI Arnhem Zuid (fictief)",
)


def _nl(day: dt.date) -> str:
    return f"{day.day:02d}-{day.month:02d}-{day.year:04d}"


def _nl_dt(moment: dt.datetime) -> str:
    return f"{_nl(moment.date())} {moment.hour:02d}:{moment.minute:02d}"


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _csv_cell(value: str, sep: str) -> str:
    if sep in value or '"' in value or "\n" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def write_exports(
    files: ChainFiles, tag: str, holdings: Mapping[str, list[tuple[Case, Holding]]], *, now: dt.date
) -> None:
    """Each organisation's export of one shard, in its built-in format (paper is written before)."""
    formats = ExportFormats(now=now)
    if holdings.get("politie"):
        files.write(
            f"exports/politie/registraties-{tag}.csv",
            formats.politie_csv(holdings["politie"]),
            "politie",
            "cp1252",
        )
    if holdings.get("om"):
        files.write(f"exports/om/zaken-{tag}.json", formats.om_json(holdings["om"]), "om")
    if holdings.get("reclassering"):
        files.write(
            f"exports/reclassering/adviezen-{tag}.json",
            formats.reclassering_json(holdings["reclassering"]),
            "reclassering",
        )
    if holdings.get("cjib"):
        files.write(
            f"exports/cjib/tenuitvoerleggingsopdrachten-{tag}.xml",
            formats.cjib_xml(holdings["cjib"]),
            "cjib",
        )
    if holdings.get("dji"):
        files.write(f"exports/dji/detenties-{tag}.csv", formats.dji_csv(holdings["dji"]), "dji")
    if holdings.get("rechtspraak"):
        court = holdings["rechtspraak"]
        files.write(f"exports/rechtspraak/zaken-zgw-{tag}.json", formats.zgw_json(court), "zgw")
        for case, hold in court:
            if case.ecli and hold.extra.get("published", False):
                name = case.ecli.replace(":", ".")
                files.write(
                    f"exports/rechtspraak/open-data/{name}.xml",
                    formats.open_data_xml(case, hold),
                    "rechtspraak",
                )


class ExportFormats:
    """Each organisation's export as text, dated on the export day ``now``."""

    def __init__(self, *, now: dt.date) -> None:
        self.now = now

    # --- politie: semicolon CSV, cp1252 ---------------------------------------------------------

    def politie_csv(self, items: Iterable[tuple[Case, Holding]]) -> str:
        lines = [_POLITIE_HEADER]
        for _case, hold in items:
            p = hold.person
            inzending = next((s.date for s in hold.steps if s.kind == "inzending"), None)
            person_cells = ";".join(
                (p.voornamen, p.tussenvoegsel, p.achternaam, _nl(p.geboortedatum), p.bsn, p.skn)
            )
            originals = hold.extra.get("originals", {})
            for doc in hold.digital:
                lines.append(
                    ";".join(
                        (
                            doc.key,
                            hold.parketnummer or "",
                            doc.type[:1].upper() + doc.type[1:],
                            _csv_cell(doc.title, ";"),
                            _nl(doc.date),
                            str(doc.pages),
                            originals.get(doc.key, ""),
                            _nl_dt(doc.modified),
                            person_cells,
                            _nl(inzending) if inzending else "",
                        )
                    )
                )
        return "\r\n".join(lines) + "\r\n"

    # --- OM: JSON --------------------------------------------------------------------------

    def om_json(self, items: Iterable[tuple[Case, Holding]]) -> str:
        zaken = []
        for case, hold in items:
            p = hold.person
            events: list[dict[str, Any]] = []
            for s in hold.steps:
                events.append(_om_event(s))
            docs = []
            originals = hold.extra.get("originals", {})
            for n, doc in enumerate(hold.digital, 1):
                entry: dict[str, Any] = {
                    "documentnummer": doc.number
                    or f"OM-DOC-{case.parketnummer or ''}-{n:03d}".replace("/", "-"),
                }
                if doc.pv:
                    entry["pvNummer"] = doc.pv
                entry.update(
                    {
                        "soort": doc.type,
                        "titel": doc.title,
                        "datum": _iso(doc.date),
                        "paginas": doc.pages,
                        # Last change of the stuk's digital version, as the DMS records it: without
                        # it a stuk only the OM holds digitally (a strafbeschikking) can never be
                        # shown to have changed after its print.
                        "gewijzigd": doc.modified.isoformat(),
                    }
                )
                if doc.key in originals:
                    entry["bestand"] = originals[doc.key]
                docs.append(entry)
            zaken.append(
                {
                    "parketnummer": hold.parketnummer,
                    "pvNummers": list(hold.pvs),
                    "status": _om_status(hold.steps),
                    "verdachte": {
                        "voornamen": p.voornamen,
                        "voorvoegsel": p.tussenvoegsel or None,
                        "geslachtsnaam": p.achternaam,
                        "geboortedatum": _iso(p.geboortedatum),
                        "bsn": p.bsn,
                        "skn": p.skn,
                    },
                    "gebeurtenissen": events,
                    "documenten": docs,
                }
            )
        data = {
            "omZaakExport": {
                "versie": "1.0",
                "systeem": "OM zaaksysteem (synthetisch, dossierlink samples generate)",
                "aangemaakt": f"{_iso(self.now)}T06:00:00",
                "fictief": True,
            },
            "zaken": zaken,
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    # --- reclassering: JSON -----------------------------------------------------------------

    def reclassering_json(self, items: Iterable[tuple[Case, Holding]]) -> str:
        adviezen = []
        for _case, hold in items:
            p = hold.person
            received = next((s.date for s in hold.steps if s.kind == "instroom"), None)
            for doc in hold.digital:
                adviezen.append(
                    {
                        "adviesnummer": doc.key.removeprefix("RN "),
                        "parketnummers": [hold.parketnummer] if hold.parketnummer else [],
                        "opdrachtgever": "om",
                        "ontvangen": _iso(received) if received else None,
                        "soort": doc.type,
                        "titel": doc.title,
                        "uitgebracht": _iso(doc.date),
                        "paginas": doc.pages,
                        "status": "uitgebracht",
                        "client": {
                            "voornamen": p.voornamen,
                            "voorvoegsel": p.tussenvoegsel or None,
                            "geslachtsnaam": p.achternaam,
                            "geboortedatum": _iso(p.geboortedatum),
                            "skn": p.skn,
                        },
                    }
                )
        data = {
            "reclasseringAdviezen": {
                "versie": "1.0",
                "organisatie": "Reclassering Nederland (synthetisch)",
                "aangemaakt": f"{_iso(self.now)}T04:00:00",
                "fictief": True,
            },
            "adviezen": adviezen,
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    # --- CJIB: XML -------------------------------------------------------------------------

    def cjib_xml(self, items: Iterable[tuple[Case, Holding]]) -> str:
        out = [
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            "<!-- SYNTHETIC export made by dossierlink samples generate: made-up people and numbers. -->\n",
            '<tenuitvoerleggingsopdrachten xmlns="urn:dossierlink:voorbeeld:cjib:tenuitvoerlegging:1" '
            f'aangemaakt="{_iso(self.now)}T05:30:00">\n',
        ]
        for case, hold in items:
            p = hold.person
            received = next((s.date for s in hold.steps if s.kind == "instroom"), None)
            executed = next((s for s in hold.steps if s.kind == "tenuitvoerlegging"), None)
            for doc in hold.digital:
                out.append("  <opdracht>\n")
                out.append(f"    <opdrachtnummer>{escape(doc.key.removeprefix('CJIB '))}</opdrachtnummer>\n")
                if hold.parketnummer:
                    out.append(f"    <parketnummer>{hold.parketnummer}</parketnummer>\n")
                if case.ecli:
                    out.append(f"    <ecli>{case.ecli}</ecli>\n")
                out.append("    <opdrachtgever>om</opdrachtgever>\n")
                out.append(f"    <opdrachtdatum>{_iso(doc.date)}</opdrachtdatum>\n")
                if received:
                    out.append(f"    <ontvangen>{_iso(received)}</ontvangen>\n")
                if case.route == "vonnis_taakstraf":
                    out.append(f'    <sanctie soort="taakstraf" uren="{20 + case.index % 12 * 10}"/>\n')
                else:
                    out.append(f'    <sanctie soort="geldboete" bedrag="{150 + case.index % 30 * 25}.00"/>\n')
                out.append("    <betrokkene>\n")
                out.append(f"      <voornamen>{escape(p.voornamen)}</voornamen>\n")
                if p.tussenvoegsel:
                    out.append(f"      <voorvoegsel>{escape(p.tussenvoegsel)}</voorvoegsel>\n")
                out.append(f"      <geslachtsnaam>{escape(p.achternaam)}</geslachtsnaam>\n")
                out.append(f"      <geboortedatum>{_iso(p.geboortedatum)}</geboortedatum>\n")
                out.append(f"      <skn>{p.skn}</skn>\n")
                out.append("    </betrokkene>\n")
                if executed is not None:
                    out.append(
                        f'    <status datum="{_iso(executed.date)}">{escape(executed.status or "betaald")}</status>\n'
                    )
                out.append("  </opdracht>\n")
        out.append("</tenuitvoerleggingsopdrachten>\n")
        return "".join(out)

    # --- DJI: comma CSV, UTF-8 -------------------------------------------------------------

    def dji_csv(self, items: Iterable[tuple[Case, Holding]]) -> str:
        lines = [_DJI_HEADER]
        for case, hold in items:
            p = hold.person
            aanmelding = next((s.date for s in hold.steps if s.kind == "instroom"), None)
            insluiting = next((s.date for s in hold.steps if s.kind == "insluiting"), None)
            if insluiting is None:
                continue
            # Unique per detention, as a real registratienummer is: it links records, so two cases
            # must never share one (index modulo 10 000 did, at 100k dossiers, on the same day).
            reg = f"DJI-{insluiting.year}-{insluiting.month:02d}{insluiting.day:02d}-{case.index:04d}"
            cells = (
                reg,
                hold.parketnummer or "",
                p.skn,
                p.achternaam,
                p.tussenvoegsel,
                p.voornamen,
                _nl(p.geboortedatum),
                _INRICHTINGEN[case.index % len(_INRICHTINGEN)],
                "gevangenisstraf",
                _nl(aanmelding) if aanmelding else "",
                "om" if aanmelding else "",
                _nl(insluiting),
                "",
                "gedetineerd",
            )
            lines.append(",".join(_csv_cell(c, ",") for c in cells))
        return "\n".join(lines) + "\n"

    # --- Rechtspraak: ZGW bundle and open-data XML -----------------------------------------

    def zgw_json(self, items: Iterable[tuple[Case, Holding]]) -> str:
        rsin = ZGW_RSIN["rechtspraak"]
        zaken: list[dict[str, Any]] = []
        eios: list[dict[str, Any]] = []
        zios: list[dict[str, Any]] = []
        rollen: list[dict[str, Any]] = []
        statussen: list[dict[str, Any]] = []
        statustypen = [
            {"url": f"{_ZGW_BASE}/statustypen/zitting", "omschrijving": "Zitting gepland", "volgnummer": 2},
            {"url": f"{_ZGW_BASE}/statustypen/vonnis", "omschrijving": "Vonnis gewezen", "volgnummer": 3},
            {"url": f"{_ZGW_BASE}/statustypen/ingeschreven", "omschrijving": "Ingeschreven", "volgnummer": 1},
        ]
        for case, hold in items:
            zid = f"RB-{case.index:08d}"
            zurl = f"{_ZGW_BASE}/zaken/{zid}"
            last = hold.steps[-1] if hold.steps else None
            registered = hold.steps[0].date if hold.steps else case.dates.get("dagvaarding", self.now)
            status_url = f"{_ZGW_BASE}/statussen/{zid}"
            zaken.append(
                {
                    "url": zurl,
                    "identificatie": zid,
                    "bronorganisatie": rsin,
                    "zaaktype": f"{_ZGW_BASE}/zaaktypen/strafzaak",
                    "omschrijving": f"Strafzaak {case.feit}",
                    "registratiedatum": _iso(registered),
                    "startdatum": _iso(registered),
                    "kenmerken": [{"kenmerk": hold.parketnummer, "bron": "OM parketnummer"}]
                    if hold.parketnummer
                    else [],
                    "status": status_url,
                }
            )
            if last is not None:
                stype = (
                    "vonnis"
                    if last.kind == "uitspraak"
                    else "zitting"
                    if last.kind == "zitting"
                    else "ingeschreven"
                )
                statussen.append(
                    {
                        "url": status_url,
                        "zaak": zurl,
                        "statustype": f"{_ZGW_BASE}/statustypen/{stype}",
                        "datumStatusGezet": f"{_iso(last.date)}T09:00:00",
                        "statustoelichting": last.status or stype,
                    }
                )
            for n, doc in enumerate(hold.digital, 1):
                eurl = f"{_DRC_BASE}/enkelvoudiginformatieobjecten/{zid}-{n:03d}"
                eios.append(
                    {
                        "url": eurl,
                        "identificatie": doc.pv or doc.key,
                        "bronorganisatie": rsin,
                        "informatieobjecttype": f"{_DRC_BASE}/informatieobjecttypen/{doc.type.replace(' ', '-')}",
                        "documenttype": doc.type,
                        "titel": doc.title,
                        "creatiedatum": _iso(doc.date),
                        "vertrouwelijkheidaanduiding": "vertrouwelijk",
                        "status": "definitief",
                        "versie": doc.version,
                        "bestandsomvang": doc.pages * 48_000,
                        "beginRegistratie": doc.modified.isoformat(),
                    }
                )
                zios.append(
                    {
                        "url": f"{_ZGW_BASE}/zaakinformatieobjecten/{zid}-{n:03d}",
                        "zaak": zurl,
                        "informatieobject": eurl,
                    }
                )
            p = hold.person
            rollen.append(
                {
                    "url": f"{_ZGW_BASE}/rollen/{zid}-verdachte",
                    "zaak": zurl,
                    "betrokkeneType": "natuurlijk_persoon",
                    "roltoelichting": "verdachte",
                    "betrokkeneIdentificatie": {
                        "inpBsn": p.bsn,
                        "geslachtsnaam": p.achternaam,
                        "voorvoegselGeslachtsnaam": p.tussenvoegsel,
                        "voornamen": p.voornamen,
                        "geboortedatum": _iso(p.geboortedatum),
                    },
                }
            )
        data = {
            "zaken": zaken,
            "statustypen": statustypen,
            "statussen": statussen,
            "rollen": rollen,
            "enkelvoudiginformatieobjecten": eios,
            "zaakinformatieobjecten": zios,
        }
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    def open_data_xml(self, case: Case, hold: Holding) -> str:
        ecli = case.ecli or ""
        uitspraak = case.dates.get("uitspraak", self.now)
        court = court_name(case.court)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            "<!-- SYNTHETIC: not a real judgment (dossierlink samples generate). -->\n"
            "<open-rechtspraak>\n"
            '  <rdf:RDF xmlns:dcterms="http://purl.org/dc/terms/" xmlns:ecli="https://e-justice.europa.eu/ecli" '
            'xmlns:psi="http://psi.rechtspraak.nl/" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
            "    <rdf:Description>\n"
            f"      <dcterms:identifier>{ecli}</dcterms:identifier>\n"
            "      <dcterms:format>text/xml</dcterms:format>\n"
            f"      <dcterms:modified>{_iso(uitspraak)}T09:00:00</dcterms:modified>\n"
            f"      <dcterms:creator>Rechtbank {escape(court)}</dcterms:creator>\n"
            f'      <dcterms:date rdfs:label="Uitspraakdatum">{_iso(uitspraak)}</dcterms:date>\n'
            f'      <psi:zaaknummer rdfs:label="Zaaknr">{hold.parketnummer or ""}</psi:zaaknummer>\n'
            '      <dcterms:type rdf:language="nl" resourceIdentifier="http://psi.rechtspraak.nl/uitspraak">Uitspraak</dcterms:type>\n'
            '      <dcterms:subject rdfs:label="Rechtsgebied" '
            'resourceIdentifier="http://psi.rechtspraak.nl/rechtsgebied#strafrecht">Strafrecht</dcterms:subject>\n'
            "    </rdf:Description>\n"
            "  </rdf:RDF>\n"
            f'  <uitspraak xmlns="http://www.rechtspraak.nl/schema/rechtspraak-1.0" id="{ecli}:DOC">\n'
            f"    <para>RECHTBANK {escape(court.upper())}</para>\n"
            f"    <para>Parketnummer: {hold.parketnummer or ''}</para>\n"
            f"    <para>Vonnis van de rechtbank van {_iso(uitspraak)} in de strafzaak tegen [verdachte].</para>\n"
            f"    <para>Beslissing: de rechtbank verklaart bewezen dat verdachte zich schuldig heeft gemaakt aan "
            f"{escape(case.feit)}.</para>\n"
            "  </uitspraak>\n"
            "</open-rechtspraak>\n"
        )


_OM_SOORT = {
    "instroom": ("instroom", "politie", None),
    "adviesaanvraag": ("adviesaanvraag", None, "reclassering"),
    "dagvaarding": ("dagvaarding", None, "rechtspraak"),
    "zitting": ("zitting", None, None),
    "uitspraak": ("vonnis", None, None),
    "strafbeschikking": ("strafbeschikking", None, None),
    "sepot": ("sepot", None, None),
    "overdracht": ("overdracht", None, None),
}


def _om_event(step: Step) -> dict[str, Any]:
    soort, afzender, ontvanger = _OM_SOORT.get(step.kind, (step.kind, None, None))
    event: dict[str, Any] = {"soort": soort, "datum": _iso(step.date)}
    if (step.sender and step.sender != "om") or afzender:
        event["afzender"] = step.sender if step.sender and step.sender != "om" else afzender
    if step.receiver or ontvanger:
        event["ontvanger"] = step.receiver or ontvanger
    if step.status and step.kind == "overdracht":
        event["omschrijving"] = step.status
    return event


def _om_status(steps: list[Step]) -> str:
    kinds = [s.kind for s in steps]
    if "sepot" in kinds:
        return "sepot"
    if "overdracht" in kinds:
        return "in tenuitvoerlegging"
    if "uitspraak" in kinds:
        return "vonnis"
    if "dagvaarding" in kinds:
        return "gedagvaard"
    return "in behandeling"
