"""Making the synthetic cases: one clean case per index from its own RNG, then its injected divergence and truth.

Every case draws from its own ``random.Random`` seeded from (seed, index), so any case can be
rebuilt alone (the typo check rebuilds the case whose parketnummer a typo would hit).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from dossierlink.synth.model import (
    COURTS,
    DIVERGENCE_KINDS,
    PAPER_HOLDERS,
    PAPER_TYPES,
    REFERENCE_DAY,
    Case,
    DocCopy,
    Holding,
    Step,
    Suspect,
    pdf_name,
)

__all__ = [
    "applicable_kinds",
    "bsn_check_digit",
    "build_case",
    "inject",
    "make_bsn",
    "owner_of",
    "plan_case",
]

# Kinds that only a scan can show: a dossier that gets one of these gets a scan.
SCAN_KINDS = frozenset({"pages_missing", "content_mismatch", "unreadable_scan"})

# --- reference data -------------------------------------------------------------------------

# Arrondissementsparketten: parket code, place (for titles), court code in the ECLI.
PARKETTEN: tuple[tuple[str, str, str], ...] = (
    ("10", "Rotterdam", "RBROT"),
    ("13", "Amsterdam", "RBAMS"),
    ("09", "Den Haag", "RBDHA"),
    ("16", "Utrecht", "RBMNE"),
    ("15", "Haarlem", "RBNHO"),
    ("05", "Arnhem", "RBGEL"),
    ("02", "Breda", "RBZWB"),
    ("03", "Maastricht", "RBLIM"),
    ("08", "Almelo", "RBOVE"),
    ("18", "Groningen", "RBNNE"),
    ("01", "Middelburg", "RBZWB"),
    ("17", "Leeuwarden", "RBNNE"),
    ("07", "Zwolle", "RBOVE"),
    ("11", "Dordrecht", "RBROT"),
    ("14", "Alkmaar", "RBNHO"),
)
# Busier parketten weigh more, as in real instroom.
_PARKET_WEIGHTS = (14, 14, 11, 9, 7, 7, 6, 5, 5, 5, 3, 3, 4, 3, 4)

VOORNAMEN_M = (
    "Jan", "Pieter", "Kees", "Daan", "Thomas", "Noah", "Mohamed", "Mehmet", "Sem", "Lucas", "Bram",
    "Willem", "Hendrik", "Johannes", "Gerrit", "Ahmed", "Youssef", "Ricardo", "Stefan", "Mark", "Dennis",
    "Kevin", "Jeroen", "Bas", "Rik", "Tim", "Ruben", "Luuk", "Milan", "Jayden",
)  # fmt: skip
VOORNAMEN_V = (
    "Anna", "Emma", "Sophie", "Fatima", "Sanne", "Lotte", "Eva", "Julia", "Lisa", "Maria", "Johanna",
    "Petra", "Ingrid", "Samira", "Naima", "Fleur", "Iris", "Noor", "Anouk", "Esther", "Marieke", "Yasmina",
    "Chantal", "Priya", "Ayse", "Linda", "Sandra", "Kim", "Romy", "Tess",
)  # fmt: skip
# (tussenvoegsel, achternaam, spelling variant or None): variants are the same name as another
# organisation may register it (ij/y, dt/d, ss/s); reconciliation must not call them a conflict.
ACHTERNAMEN: tuple[tuple[str, str, str | None], ...] = (
    ("de", "Vries", None), ("", "Jansen", "Janssen"), ("van den", "Berg", None), ("", "Bakker", None),
    ("", "Meijer", "Meyer"), ("de", "Jong", "Jongh"), ("van", "Dijk", "Dyk"), ("", "Visser", None),
    ("", "Smit", "Smid"), ("de", "Boer", None), ("", "Mulder", None), ("de", "Groot", None),
    ("", "Bos", None), ("", "Vos", None), ("", "Peters", "Pieters"), ("", "Hendriks", "Hendrikx"),
    ("van", "Leeuwen", None), ("", "Dekker", None), ("", "Brouwer", None), ("de", "Wit", None),
    ("", "Dijkstra", "Dykstra"), ("", "Smits", None), ("de", "Graaf", None), ("van der", "Meer", None),
    ("van der", "Linden", None), ("", "Kok", None), ("", "Jacobs", None), ("de", "Haan", None),
    ("", "Vermeulen", None), ("van den", "Heuvel", None), ("van der", "Veen", None), ("van den", "Broek", None),
    ("de", "Bruijn", "Bruyn"), ("van der", "Heijden", "Heyden"), ("", "Schouten", None), ("van", "Beek", None),
    ("", "Willems", None), ("van", "Vliet", None), ("van de", "Ven", None), ("", "Hoekstra", None),
    ("", "Maas", None), ("", "Verhoeven", None), ("", "Koster", None), ("van", "Dam", None),
    ("", "Prins", None), ("", "Blom", None), ("", "Huisman", None), ("", "Kramer", None),
    ("el", "Amrani", None), ("", "Yilmaz", None), ("", "Kaya", None), ("", "Demir", None),
    ("", "Öztürk", None), ("el", "Idrissi", None), ("", "Nguyen", None), ("", "Wijnands", "Wynands"),
    ("", "Schmidt", "Schmitt"), ("ter", "Horst", None), ("", "Kuijpers", "Kuipers"), ("", "Postma", None),
    ("in 't", "Veld", None), ("van 't", "Hof", None), ("", "Rijnders", "Reinders"), ("op de", "Beek", None),
)  # fmt: skip
FEITEN: tuple[tuple[str, int], ...] = (
    ("winkeldiefstal", 14), ("mishandeling", 12), ("inbraak", 9), ("fietsdiefstal", 6), ("oplichting", 8),
    ("vernieling", 7), ("bedreiging", 6), ("rijden onder invloed", 10), ("openlijk geweld", 3),
    ("drugshandel", 5), ("heling", 3), ("straatroof", 3), ("witwassen", 2), ("zware mishandeling", 2),
    ("belediging", 3), ("verduistering", 3),
)  # fmt: skip

# Routes through the chain, with weights: who the case reaches and how it ends.
ROUTES: tuple[tuple[str, int], ...] = (
    ("vonnis_geldboete", 24),
    ("vonnis_taakstraf", 12),
    ("vonnis_detentie", 12),
    ("strafbeschikking", 18),
    ("sepot", 10),
    ("lopend_om", 13),
    ("lopend_zitting", 6),
    ("lopend_politie", 5),
)
COURT_ROUTES = frozenset({"vonnis_geldboete", "vonnis_taakstraf", "vonnis_detentie", "lopend_zitting"})
JUDGED_ROUTES = frozenset({"vonnis_geldboete", "vonnis_taakstraf", "vonnis_detentie"})

PV_TYPES: tuple[tuple[str, int, int], ...] = (
    # type, min pages, max pages
    ("proces-verbaal van verhoor", 3, 6),
    ("proces-verbaal van bevindingen", 2, 5),
    ("proces-verbaal van aanhouding", 1, 3),
)


# --- identifiers ----------------------------------------------------------------------------


def bsn_check_digit(first8: str) -> int:
    """The ninth digit that makes ``first8`` pass the elfproef, or 10 when none does."""
    total = sum(int(d) * w for d, w in zip(first8, range(9, 1, -1), strict=True))
    return total % 11


def make_bsn(rng: random.Random) -> str:
    """A fictitious BSN that passes the elfproef, from the ``99`` range no real person has."""
    while True:
        first8 = "99" + f"{rng.randrange(1_000_000):06d}"
        check = bsn_check_digit(first8)
        if check < 10:
            return first8 + str(check)


def _weighted(rng: random.Random, items: Sequence[tuple[Any, int]]) -> Any:
    total = sum(w for _, w in items)
    r = rng.randrange(total)
    for item, w in items:
        if r < w:
            return item
        r -= w
    return items[-1][0]  # pragma: no cover


def _dt(day: dt.date, rng: random.Random, lo: int = 8, hi: int = 17) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.randrange(lo, hi), rng.randrange(60))


def _suspect(rng: random.Random, index: int, now: dt.date) -> Suspect:
    female = rng.random() < 0.22
    first = rng.choice(VOORNAMEN_V if female else VOORNAMEN_M)
    if rng.random() < 0.25:
        first += " " + rng.choice(VOORNAMEN_V if female else VOORNAMEN_M)
    tv, naam, variant = rng.choice(ACHTERNAMEN)
    born = now - dt.timedelta(days=rng.randrange(16 * 365, 70 * 365))
    skn = f"{100_000_000 + index:09d}" if index < 900_000_000 else f"{index:012d}"
    return Suspect(first, tv, naam, born, make_bsn(rng), skn, variant)


def build_case(index: int, seed: int, now: dt.date = REFERENCE_DAY) -> Case:
    """One clean case (no divergences) with every organisation's holding, from its own RNG."""
    rng = random.Random(f"dossierlink:{seed}:{index}")
    route = _weighted(rng, ROUTES)
    parket_code, place, court = _weighted(rng, list(zip(PARKETTEN, _PARKET_WEIGHTS, strict=True)))
    feit = _weighted(rng, FEITEN)
    suspect = _suspect(rng, index, now)

    # Timeline: completed routes ended well before now; running ones are recent but within terms.
    if route == "lopend_politie":
        start = now - dt.timedelta(days=rng.randrange(20, 40))
    elif route.startswith("lopend"):
        start = now - dt.timedelta(days=rng.randrange(150, 300))
    else:
        start = now - dt.timedelta(days=rng.randrange(420, 7 * 365))
    d: dict[str, dt.date] = {"aangifte": start}

    def after(base: dt.date, lo: int, hi: int) -> dt.date:
        return base + dt.timedelta(days=rng.randrange(lo, hi + 1))

    # Police documents: aangifte plus 0..3 further PVs (mutations of one registration).
    region = rng.randrange(1, 11)
    unit = f"PL{region:02d}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randrange(1, 10)}"
    # The sequence is unique per index (a permutation), so two cases never share a registration.
    seq = (index * 7_919 + seed * 104_729) % 1_000_000
    registration = f"{unit} {start.year}{seq:06d}"
    docs: list[DocCopy] = []
    pages = rng.randrange(2, 5)
    docs.append(
        DocCopy(
            key=f"{registration}-1",
            pv=f"{registration}-1",
            type="proces-verbaal van aangifte",
            title=f"Aangifte {feit} {place}",
            date=start,
            pages=pages,
            producer="politie",
            modified=_dt(start, rng),
        )
    )
    extra_pvs = _weighted(rng, [(0, 3), (1, 5), (2, 3), (3, 1)])
    last = start
    for m in range(2, 2 + extra_pvs):
        kind, lo, hi = rng.choice(PV_TYPES)
        day = after(last, 1, 10)
        last = day
        what = {
            "proces-verbaal van verhoor": f"Verhoor verdachte {suspect.voornamen[0]}. {suspect.achternaam}",
            "proces-verbaal van bevindingen": f"Bevindingen {feit}",
            "proces-verbaal van aanhouding": f"Aanhouding verdachte {suspect.achternaam}",
        }[kind]
        docs.append(
            DocCopy(
                key=f"{registration}-{m}",
                pv=f"{registration}-{m}",
                type=kind,
                title=what,
                date=day,
                pages=rng.randrange(lo, hi + 1),
                producer="politie",
                modified=_dt(day, rng),
            )
        )
    d["inzending"] = after(last, 3, 12)
    if route == "lopend_politie":
        # Sent recently: the OM's term (14 days) has not passed yet.
        d["inzending"] = now - dt.timedelta(days=rng.randrange(2, 10))
    parketnummer = None
    pseq = f"{(index * _PSEQ_FACTOR + seed * 31) % 900_000 + 100_000:06d}"
    if route != "lopend_politie":
        d["instroom"] = after(d["inzending"], 1, 3)
        parketnummer = f"{parket_code}/{pseq}-{d['instroom'].year % 100:02d}"
    om_doc_base = f"{parket_code}-{pseq}"
    advies = route in COURT_ROUTES and rng.random() < (0.6 if route == "vonnis_detentie" else 0.3)
    if advies:
        d["adviesaanvraag"] = after(d["instroom"], 7, 20)
        d["advies"] = after(d["adviesaanvraag"], 20, 40)
    if route in COURT_ROUTES:
        base = d.get("advies", d["instroom"])
        d["dagvaarding"] = after(base, 10, 60)
        d["zitting"] = after(d["dagvaarding"], 20, 50)
        if route == "lopend_zitting":
            d["zitting"] = now + dt.timedelta(days=rng.randrange(10, 60))
        else:
            d["uitspraak"] = d["zitting"] if rng.random() < 0.6 else after(d["zitting"], 14, 14)
            d["tul"] = after(d["uitspraak"], 15, 30)
            d["executie"] = after(d["tul"], 2, 10)
    elif route == "strafbeschikking":
        d["strafbeschikking"] = after(d["instroom"], 14, 60)
        d["tul"] = after(d["strafbeschikking"], 15, 30)
        d["executie"] = after(d["tul"], 2, 10)
    elif route == "sepot":
        d["sepot"] = after(d["instroom"], 14, 90)

    if route == "lopend_zitting":
        # The hearing is set, not yet held.
        pass
    om_docs: list[DocCopy] = []
    if "dagvaarding" in d:
        om_docs.append(
            DocCopy(
                key=f"OM-DGV-{om_doc_base}",
                number=f"OM-DGV-{om_doc_base}",
                type="dagvaarding",
                title=f"Dagvaarding {feit}",
                date=d["dagvaarding"],
                pages=rng.randrange(2, 4),
                producer="om",
                modified=_dt(d["dagvaarding"], rng),
            )
        )
    if "strafbeschikking" in d:
        om_docs.append(
            DocCopy(
                key=f"OM-SB-{om_doc_base}",
                number=f"OM-SB-{om_doc_base}",
                type="strafbeschikking",
                title=f"Strafbeschikking {feit}",
                date=d["strafbeschikking"],
                pages=2,
                producer="om",
                modified=_dt(d["strafbeschikking"], rng),
            )
        )
    if "sepot" in d:
        om_docs.append(
            DocCopy(
                key=f"OM-SEP-{om_doc_base}",
                number=f"OM-SEP-{om_doc_base}",
                type="sepotbeslissing",
                title="Kennisgeving van niet-verdere vervolging",
                date=d["sepot"],
                pages=1,
                producer="om",
                modified=_dt(d["sepot"], rng),
            )
        )
    advies_doc = None
    if advies:
        advies_doc = DocCopy(
            key=f"RN ADV-{om_doc_base}",
            number=f"RN ADV-{om_doc_base}",
            type="reclasseringsadvies",
            title="Reclasseringsadvies",
            date=d["advies"],
            pages=rng.randrange(4, 9),
            producer="reclassering",
            modified=_dt(d["advies"], rng),
        )
    vonnis = None
    ecli = None
    if "uitspraak" in d:
        ecli = f"ECLI:NL:{court}:{d['uitspraak'].year}:{_ecli_number(index, seed)}"
        vonnis = DocCopy(
            key=ecli,
            number=ecli,
            type="vonnis",
            # As the open-data publication titles it: type, court, date.
            title=f"Uitspraak Rechtbank {COURTS[court]} {d['uitspraak'].isoformat()}",
            date=d["uitspraak"],
            pages=rng.randrange(3, 11),
            producer="rechtspraak",
            modified=_dt(d["uitspraak"], rng),
        )
    all_docs = [*docs, *om_docs, *([advies_doc] if advies_doc else []), *([vonnis] if vonnis else [])]
    case = Case(
        index=index,
        route=route,
        feit=feit,
        place=place,
        court=court,
        parketnummer=parketnummer,
        pv_registration=registration,
        suspect=suspect,
        documents=all_docs,
        dates=d,
        holdings={},
        ecli=ecli,
        seed=seed,
    )
    _holdings(case, rng, docs, om_docs, advies_doc, vonnis)
    return case


_PSEQ_FACTOR = 6_089  # prime, so index -> parketnummer sequence is a permutation of 0..899 999
_PSEQ_INVERSE = pow(_PSEQ_FACTOR, -1, 900_000)


def owner_of(parketnummer: str, seed: int, now: dt.date) -> int | None:
    """The index of the case whose own parketnummer this is, if any case's is."""
    seq = int(parketnummer.partition("/")[2].partition("-")[0])
    index = (seq - 100_000 - seed * 31) * _PSEQ_INVERSE % 900_000
    return index if build_case(index, seed, now).parketnummer == parketnummer else None


def _ecli_number(index: int, seed: int) -> str:
    n = (index * 48_271 + seed * 17) % 100_000_000
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return f"{letters[n % 23]}{letters[(n // 23) % 23]}{n % 10_000:04d}"


def _copy(doc: DocCopy) -> DocCopy:
    return replace(doc)


def _holdings(
    case: Case,
    rng: random.Random,
    pvs: list[DocCopy],
    om_docs: list[DocCopy],
    advies: DocCopy | None,
    vonnis: DocCopy | None,
) -> None:
    d = case.dates
    pv_numbers = [p.pv for p in pvs if p.pv]
    h = case.holdings
    h["politie"] = Holding(
        "politie",
        case.parketnummer,
        list(pv_numbers),
        replace(case.suspect),
        [_copy(p) for p in pvs],
        [Step("inzending", d["inzending"], "politie", "om", "ingezonden")],
    )
    if "instroom" not in d:
        return
    om_steps = [Step("instroom", d["instroom"])]
    om_digital = [_copy(p) for p in pvs] + [_copy(x) for x in om_docs]
    if advies is not None:
        om_steps.append(Step("adviesaanvraag", d["adviesaanvraag"], "om", "reclassering"))
        om_digital.append(_copy(advies))
    if "dagvaarding" in d:
        om_steps.append(Step("dagvaarding", d["dagvaarding"]))
        om_steps.append(Step("zitting", d["zitting"]))
    if "uitspraak" in d and vonnis is not None:
        om_steps.append(Step("uitspraak", d["uitspraak"]))
        om_digital.append(_copy(vonnis))
    if "strafbeschikking" in d:
        om_steps.append(Step("strafbeschikking", d["strafbeschikking"]))
    if "sepot" in d:
        om_steps.append(Step("sepot", d["sepot"]))
    executor = None
    if "tul" in d:
        executor = "dji" if case.route == "vonnis_detentie" else "cjib"
        om_steps.append(Step("overdracht", d["tul"], "om", executor, "tenuitvoerlegging"))
    h["om"] = Holding("om", case.parketnummer, list(pv_numbers), replace(case.suspect), om_digital, om_steps)
    if advies is not None:
        h["reclassering"] = Holding(
            "reclassering",
            case.parketnummer,
            [],
            replace(case.suspect),
            [_copy(advies)],
            [Step("instroom", d["adviesaanvraag"] + dt.timedelta(days=1)), Step("advies", d["advies"])],
        )
    if "dagvaarding" in d:
        court_digital = [_copy(p) for p in pvs] + [_copy(x) for x in om_docs]
        if advies is not None:
            court_digital.append(_copy(advies))
        court_steps = [
            Step("dagvaarding", d["dagvaarding"]),
            Step("zitting", d["zitting"], status="zitting gepland"),
        ]
        if vonnis is not None:
            court_digital.append(_copy(vonnis))
            court_steps.append(Step("uitspraak", d["uitspraak"], status="vonnis gewezen"))
        h["rechtspraak"] = Holding(
            "rechtspraak",
            case.parketnummer,
            list(pv_numbers),
            replace(case.suspect),
            court_digital,
            court_steps,
        )
    if executor is not None:
        steps = [Step("instroom", d["tul"] + dt.timedelta(days=rng.randrange(1, 4)))]
        if executor == "cjib":
            steps.append(
                Step(
                    "tenuitvoerlegging",
                    d["executie"],
                    status="betaald" if rng.random() < 0.7 else "in executie",
                )
            )
            order = DocCopy(
                key=f"CJIB TUL-{d['tul'].year}-{case.index:08d}",
                number=f"CJIB TUL-{d['tul'].year}-{case.index:08d}",
                type="tenuitvoerleggingsopdracht",
                title="Tenuitvoerleggingsopdracht",
                date=d["tul"],
                pages=1,
                producer="om",
                modified=_dt(d["tul"], rng),
            )
            h["cjib"] = Holding("cjib", case.parketnummer, [], replace(case.suspect), [order], steps)
        else:
            steps.append(Step("insluiting", d["executie"], status="gedetineerd"))
            h["dji"] = Holding("dji", case.parketnummer, [], replace(case.suspect), [], steps)
    if "rechtspraak" in h and vonnis is not None:
        # Only part of the judgments is published as open data.
        h["rechtspraak"].extra["published"] = rng.random() < 0.3
    # Paper dossiers: the OM and the court keep one for part of their cases.
    for holder in PAPER_HOLDERS:
        hold = h.get(holder)
        if hold is None or rng.random() >= 0.45:
            continue
        made_base = d["instroom"] if holder == "om" else d["dagvaarding"]
        paper = []
        for doc in hold.digital:
            if doc.type not in PAPER_TYPES:
                continue
            copy = _copy(doc)
            # The paper copy is made when the document reaches the holder (never before it exists).
            made_day = max(made_base, doc.date)
            copy.made = _dt(made_day, rng, 9, 16)
            if copy.made < doc.modified:
                copy.made = doc.modified + dt.timedelta(hours=1)
            paper.append(copy)
        hold.paper = paper


# --- injecting divergences ------------------------------------------------------------------


def _truth(
    case: Case,
    kind: str,
    organisation: str,
    subject: str,
    *,
    tolerated: Sequence[str] = (),
    **details: Any,
) -> None:
    entry: dict[str, Any] = {
        "kind": kind,
        "organisation": organisation,
        "subject": subject,
        "dossier": {"index": case.index, "parketnummer": case.parketnummer, "pv": case.pv_registration},
        "identifiers": case.identifiers,
    }
    if tolerated:
        entry["tolerated"] = sorted(tolerated)
    if details:
        entry["details"] = {k: details[k] for k in sorted(details)}
    case.truth.append(entry)


def _pick_pv(rng: random.Random, hold: Holding) -> DocCopy | None:
    pvs = [x for x in hold.digital if x.pv]
    return rng.choice(pvs) if pvs else None


def applicable_kinds(case: Case) -> list[str]:
    """The divergence kinds this case's shape allows (in DIVERGENCE_KINDS order)."""
    h = case.holdings
    paper = [o for o in PAPER_HOLDERS if o in h and h[o].paper]
    out = []
    for kind in DIVERGENCE_KINDS:
        ok = False
        if kind in ("missing_digital", "metadata_conflict", "duplicate_document", "identifier_conflict"):
            ok = "om" in h and len([x for x in h["om"].digital if x.pv]) >= (
                2 if kind == "missing_digital" else 1
            )
        elif kind == "missing_paper":
            # The paper dossier must still show after the stuk is taken out: an inhoudsopgave of
            # an emptied file has no line for the case, and nothing else says the file exists.
            ok = any(len(h[o].paper or ()) >= 2 for o in paper)
        elif kind in ("page_count_mismatch", "stale_paper"):
            ok = bool(paper)
        elif kind in SCAN_KINDS:
            # Only where a paper dossier exists: its inventory lists every other paper document.
            ok = bool(paper)
        elif kind == "person_conflict":
            ok = len(h) >= 2
        elif kind == "handover_missing":
            ok = "om" in h
        elif kind == "status_conflict":
            ok = "rechtspraak" in h
        if ok:
            out.append(kind)
    return out


def inject(case: Case, kind: str, rng: random.Random, now: dt.date) -> None:
    """Make ``kind`` true of the case and record it in ``case.truth``."""
    h = case.holdings
    if kind == "missing_digital":
        om = h["om"]
        candidates = [x for x in om.digital if x.pv and not x.pv.endswith("-1")]
        doc = rng.choice(candidates)
        om.digital = [x for x in om.digital if x is not doc]
        om.pvs = [p for p in om.pvs if p != doc.pv]
        _truth(case, kind, "om", f"pv:{doc.pv}", expected="digital copy at om", found="absent")
    elif kind == "missing_paper":
        holder = rng.choice([o for o in PAPER_HOLDERS if o in h and len(h[o].paper or ()) >= 2])
        paper = h[holder].paper or []
        doc = rng.choice(paper)
        h[holder].paper = [x for x in paper if x is not doc]
        _truth(case, kind, holder, _subject(doc))
    elif kind == "page_count_mismatch":
        holder = rng.choice([o for o in PAPER_HOLDERS if o in h and h[o].paper])
        doc = rng.choice(h[holder].paper or [])
        digital = doc.pages
        doc.pages = digital + rng.choice((-1, 1, 2)) if digital > 1 else digital + 1
        _truth(case, kind, holder, _subject(doc), expected=str(digital), found=str(doc.pages))
    elif kind == "stale_paper":
        holder = rng.choice([o for o in PAPER_HOLDERS if o in h and h[o].paper])
        doc = rng.choice(h[holder].paper or [])
        # The producer changed the digital version after the paper copy was made.
        new_modified = (doc.made or doc.modified) + dt.timedelta(days=rng.randrange(3, 30), hours=2)
        for hold in h.values():
            for x in hold.digital:
                if x.key == doc.key:
                    x.modified = new_modified
        # Every paper copy made before the change is stale, whoever holds it.
        for other in PAPER_HOLDERS:
            copies = [x for x in (h[other].paper or []) if x.key == doc.key] if other in h else []
            for copy in copies[:1]:
                made = copy.made or copy.modified
                if made >= new_modified:
                    continue
                _truth(
                    case,
                    kind,
                    other,
                    _subject(copy),
                    made=made.isoformat(),
                    modified=new_modified.isoformat(),
                )
    elif kind in SCAN_KINDS:
        holder = rng.choice([o for o in PAPER_HOLDERS if o in h and h[o].paper])
        hold = h[holder]
        docs = [x for x in hold.paper or () if x.type in PAPER_TYPES]
        doc = replace(rng.choice(docs))
        if kind == "pages_missing":
            n = max(doc.pages, 3)
            doc.pages = n
            lost = rng.randrange(2, n + 1)  # never the first page: the scan must still be tied
            doc.labels = tuple((i, n) for i in range(1, n + 1) if i != lost)
            # A scan that lost a page is also shorter than the original, and its text may fall
            # below the similarity bar: both are the same loss seen another way.
            _truth(
                case,
                kind,
                holder,
                _subject(doc),
                tolerated=("content_mismatch", "page_count_mismatch"),
                missing_pages=[lost],
            )
        elif kind == "content_mismatch":
            doc.version = 2
            _truth(case, kind, holder, _subject(doc), tolerated=("stale_paper",))
        else:
            doc.unreadable = True
            _truth(
                case,
                kind,
                holder,
                _subject(doc),
                tolerated=("missing_paper",),
                file=_scan_name(case, holder, doc),
            )
        hold.scans.append(doc)
    elif kind == "metadata_conflict":
        om = h["om"]
        picked = _pick_pv(rng, om)
        assert picked is not None
        doc = picked
        if rng.random() < 0.5:
            old = doc.date
            doc.date = doc.date + dt.timedelta(days=rng.randrange(5, 40))
            _truth(
                case,
                kind,
                "om",
                f"pv:{doc.pv}",
                field="date",
                expected=old.isoformat(),
                found=doc.date.isoformat(),
            )
        else:
            other = rng.choice([f for f, _ in FEITEN if f != case.feit])
            old_title = doc.title
            doc.title = f"Proces-verbaal {other} {case.place}"
            _truth(case, kind, "om", f"pv:{doc.pv}", field="title", expected=old_title, found=doc.title)
    elif kind == "identifier_conflict":
        pol = h["politie"]
        assert case.parketnummer is not None
        code, rest = case.parketnummer.split("/")
        seq, year = rest.split("-")
        typo = None
        for i in [rng.randrange(0, 5), *range(5)]:
            swapped = seq[:i] + seq[i + 1] + seq[i] + seq[i + 2 :]
            if swapped == seq:
                swapped = seq[:5] + str((int(seq[5]) + i + 1) % 10)
            # A typo that happens to be another case's parketnummer joins the two cases: no system
            # can tell that from a real link, so the truth would claim what the data cannot show.
            candidate = f"{code}/{swapped}-{year}"
            if owner_of(candidate, case.seed, now) is None:
                typo = candidate
                break
        assert typo is not None
        pol.parketnummer = typo
        _truth(
            case,
            kind,
            "politie",
            f"pv:{case.documents[0].pv}",
            expected=case.parketnummer,
            found=pol.parketnummer,
        )
    elif kind == "person_conflict":
        org = rng.choice([o for o in h if o != "politie"])
        p = h[org].person
        old = p.geboortedatum
        if old.day <= 12 and old.month != old.day and rng.random() < 0.3:
            p.geboortedatum = dt.date(old.year, old.day, old.month)  # day and month transposed
        else:
            p.geboortedatum = old.replace(month=(old.month % 12) + 1, day=min(old.day, 28))
        _truth(
            case,
            kind,
            org,
            "person:verdachte",
            field="geboortedatum",
            expected=old.isoformat(),
            found=p.geboortedatum.isoformat(),
        )
    elif kind == "handover_missing":
        # The police sent the case; the OM never registered it (and nothing downstream exists).
        pol = h["politie"]
        for org in list(h):
            if org != "politie":
                del h[org]
        sent = now - dt.timedelta(days=rng.randrange(30, 90))
        pol.steps = [Step("inzending", sent, "politie", "om", "ingezonden")]
        pol.parketnummer = None
        case.parketnummer = None
        case.ecli = None
        case.documents = [x for x in case.documents if x.pv]
        for x in pol.digital:
            if x.date > sent:
                x.date = sent - dt.timedelta(days=1)
            if x.modified.date() > sent:
                x.modified = _dt(sent - dt.timedelta(days=1), rng)
        _truth(case, kind, "om", "handover:politie->om", sent=sent.isoformat())
    elif kind == "status_conflict":
        # The OM dismissed the case after the dagvaarding; the court still has the hearing set.
        court = h["rechtspraak"]
        om = h["om"]
        dagv = case.dates["dagvaarding"]
        sepot = dagv + dt.timedelta(days=rng.randrange(3, 15))
        om.steps = [s for s in om.steps if s.kind in ("instroom", "adviesaanvraag", "dagvaarding")]
        om.steps.append(Step("sepot", sepot))
        court.steps = [
            Step("dagvaarding", dagv),
            Step("zitting", sepot + dt.timedelta(days=rng.randrange(20, 60)), status="zitting gepland"),
        ]
        for org in ("cjib", "dji"):
            h.pop(org, None)
        # Without a judgment, nobody holds a vonnis.
        for hold in h.values():
            hold.digital = [x for x in hold.digital if x.type != "vonnis"]
            if hold.paper is not None:
                hold.paper = [x for x in hold.paper if x.type != "vonnis"]
        case.documents = [x for x in case.documents if x.type != "vonnis"]
        case.ecli = None
        _truth(case, kind, "om", "status", expected="sepot", found="zitting gepland")
    elif kind == "duplicate_document":
        om = h["om"]
        picked = _pick_pv(rng, om)
        assert picked is not None
        doc = picked
        twin = replace(doc)
        om.extra["duplicate"] = doc.key
        om.digital.append(twin)
        _truth(case, kind, "om", f"pv:{doc.pv}")
    else:  # pragma: no cover - DIVERGENCE_KINDS is closed
        raise ValueError(f"unknown divergence kind {kind!r}")


def _subject(doc: DocCopy) -> str:
    return f"pv:{doc.pv}" if doc.pv else f"nr:{doc.key}"


def _scan_name(case: Case, holder: str, doc: DocCopy) -> str:
    return f"chain/{holder}/{(case.parketnummer or case.pv_registration).replace('/', '-')}/{pdf_name(doc)}"


def plan_case(
    index: int,
    seed: int,
    *,
    divergence_rate: float,
    scans: float,
    now: dt.date = REFERENCE_DAY,
) -> Case:
    """Build case ``index`` and decide its divergence and scans (deterministic per seed and index)."""
    case = build_case(index, seed, now)
    rng = random.Random(f"dossierlink-inject:{seed}:{index}")
    if rng.random() < divergence_rate:
        kinds = applicable_kinds(case)
        if kinds:
            # Rotate through kinds so each one gets its share, whatever the case mix.
            preferred = DIVERGENCE_KINDS[rng.randrange(len(DIVERGENCE_KINDS))]
            kind = preferred if preferred in kinds else rng.choice(kinds)
            inject(case, kind, rng, now)
    if rng.random() < scans:
        holders = [o for o in PAPER_HOLDERS if o in case.holdings and case.holdings[o].paper]
        for holder in holders:
            hold = case.holdings[holder]
            scanned = {x.key for x in hold.scans}
            for doc in hold.paper or []:
                if doc.key not in scanned:
                    hold.scans.append(replace(doc))
    return case
