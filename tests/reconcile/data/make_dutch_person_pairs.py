"""Write dutch_person_pairs.jsonl: labelled pairs of Dutch person registrations (made up, no real people).

    python tests/reconcile/data/make_dutch_person_pairs.py

Each identity yields the variations chain registrations really show — tussenvoegsel placement,
ij/y, roepnaam for the voornamen, initials, diacritics, capitals, keyboard and OCR slips, given
name and surname swapped, day and month swapped, a missing field — and hard negatives: father
and son with one name, twins, siblings and cousins, namesakes with a common name, a different
valid BSN or SKN. The names are common Dutch names; dates and numbers are invented.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).with_name("dutch_person_pairs.jsonl")

# voornamen, roepnaam (or None), tussenvoegsel, achternaam, geboortedatum
IDENTITIES = [
    ("Johannes Petrus", "Jan", "van den", "Berg", "1990-03-04"),
    ("Cornelis Adrianus", "Kees", "de", "Jong", "1975-11-02"),
    ("Fatima", None, None, "El Amrani", "2001-06-09"),
    ("Mohammed", None, None, "Yilmaz", "1988-01-12"),
    ("Sanne", None, "de", "Vries", "1995-07-23"),
    ("Daan", None, None, "Bakker", "1999-02-05"),
    ("Pieter Willem", "Piet", None, "Meijer", "1969-10-08"),
    ("Lotte", None, None, "Visser", "2003-12-01"),
    ("Willem Hendrik", "Wim", "van", "Dijk", "1958-05-11"),
    ("Kees", None, None, "Hoogendoorn", "1981-09-03"),
    ("Ayşe", None, None, "Çelik", "1993-04-07"),
    ("Anouk", None, None, "Bijlsma", "1997-08-10"),
    ("Thomas", None, "ter", "Horst", "1979-03-30"),
    ("René", None, "van 't", "Hek", "1966-11-11"),
    ("Emma", None, None, "Smit", "2000-01-02"),
    ("Lucas", None, "de", "Boer", "1985-06-06"),
    ("Sophie", None, None, "Mulder", "1992-10-04"),
    ("Ahmet", None, None, "Kaya", "1987-03-09"),
    ("Ilse", None, None, "Dijkstra", "1972-12-12"),
    ("Chloë", None, None, "Kuijpers", "2002-05-03"),
    ("Maarten", None, "van der", "Heijden", "1964-07-08"),
    ("Gerrit", None, None, "Pietersz", "1955-02-14"),
    ("Ingrid", None, None, "Wijnands", "1983-09-01"),
    ("Wesley", None, None, "Sneijder", "1984-06-09"),
    ("Maria Johanna", "Marja", None, "Janssen", "1961-08-03"),
    ("Bram", None, "van", "Leeuwen", "1998-11-07"),
    ("Noor", None, None, "Hendriks", "2004-03-02"),
    ("Erik", None, None, "Brouwer", "1977-01-09"),
    ("Zoë", None, None, "Dekker", "1996-10-12"),
    ("Hendrikus Johannes", "Henk", None, "Kuipers", "1949-04-21"),
    ("Youssef", None, None, "Bouzid", "1994-09-17"),
    ("Ryan", None, None, "Clarke", "2000-05-18"),
    ("Jayden", None, None, "Martina", "2005-02-27"),
    ("Femke", None, None, "Jacobs", "1989-06-30"),
    ("Ruud", None, None, "Vermeulen", "1971-01-25"),
    ("Stefan", None, "van der", "Linden", "1986-08-19"),
    ("Priya", None, None, "Ramdin", "1991-12-24"),
    ("Kevin", None, None, "Wong", "1993-03-15"),
    ("Joost", None, None, "Verhoeven", "1980-10-10"),
    ("Gijs", None, None, "Bos", "1997-04-04"),
    ("Theodorus Maria", "Theo", None, "Schouten", "1952-07-07"),
    ("Dewi", None, None, "Soerjadi", "1999-11-29"),
    ("Nina", None, "de", "Graaf", "2002-02-20"),
    ("Mark", None, None, "Rutten", "1967-02-14"),
    ("Ivo", None, None, "Peeters", "1983-05-31"),
]

FIRST_NAMES = [
    "Jan",
    "Pieter",
    "Kees",
    "Anna",
    "Maria",
    "Sanne",
    "Daan",
    "Lotte",
    "Thomas",
    "Sem",
    "Fleur",
    "Bas",
]
# Keyboard slips and OCR confusions applied to one letter of a name.
NEIGHBOUR = {
    "a": "s",
    "e": "r",
    "i": "o",
    "o": "p",
    "n": "m",
    "r": "t",
    "s": "d",
    "t": "y",
    "l": "k",
    "u": "i",
}
OCR = [("rn", "m"), ("m", "rn"), ("d", "cl"), ("e", "c"), ("l", "i"), ("h", "b")]


def p(voornamen, tussenvoegsel, achternaam, geboortedatum, skn=None, bsn=None):
    d = {"voornamen": voornamen, "tussenvoegsel": tussenvoegsel, "achternaam": achternaam}
    d["geboortedatum"] = geboortedatum
    if skn:
        d["skn"] = skn
    if bsn:
        d["bsn"] = bsn
    return d


def shift_date(iso: str, years: int, month: int | None = None, day: int | None = None) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y + years:04d}-{month or m:02d}-{day or d:02d}"


def keyboard_slip(name: str, rng: random.Random) -> str | None:
    spots = [i for i, c in enumerate(name) if c.lower() in NEIGHBOUR and i > 0]
    if not spots:
        return None
    i = rng.choice(spots)
    return name[:i] + NEIGHBOUR[name[i].lower()] + name[i + 1 :]


def ocr_slip(name: str) -> str | None:
    for a, b in OCR:
        i = name.find(a, 1)
        if i > 0:
            return name[:i] + b + name[i + len(a) :]
    return None


def transpose(name: str, rng: random.Random) -> str | None:
    spots = [i for i in range(1, len(name) - 1) if name[i] != name[i + 1] and name[i + 1].isalpha()]
    if not spots:
        return None
    i = rng.choice(spots)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def positives(ident, rng):
    v, roep, t, a, d = ident
    base = p(v, t, a, d)
    first = v.split()[0]
    if t:
        yield "tussenvoegsel in de achternaam", base, p(v, None, f"{t} {a}", d)
        yield "achternaam, tussenvoegsel", base, p(v, None, f"{a}, {t}", d)
        yield "tussenvoegsel achter de voornamen", base, p(f"{v} {t}", None, a, d)
        yield "tussenvoegsel met hoofdletter", base, p(v, t.title(), a, d)
    yield "voorletters", base, p(".".join(x[0] for x in v.split()) + ".", t, a, d)
    yield "hoofdletters", base, p(v.upper(), t.upper() if t else None, a.upper(), d)
    if roep:
        yield "roepnaam voor de voornamen", base, p(roep, t, a, d)
    if " " in v:
        yield "alleen de eerste voornaam", base, p(first, t, a, d)
    if "ij" in a.lower():
        yield "ij als y", base, p(v, t, a.replace("ij", "y"), d)
    plain = a.translate(str.maketrans("ÇçŞşëéö", "CcSseeo"))
    if plain != a or plain != a or any(c in v for c in "ëéş"):
        yield "zonder diacrieten", base, p(v.translate(str.maketrans("ëéş", "ees")), t, plain, d)
    yy, mm, dd = d.split("-")
    if int(dd) <= 12 and dd != mm:
        yield "dag en maand verwisseld", base, p(v, t, a, f"{yy}-{dd}-{mm}")
    yield (
        "één cijfer van de geboortedatum verkeerd",
        base,
        p(v, t, a, f"{yy[:3]}{(int(yy[3]) + 1) % 10}-{mm}-{dd}"),
    )
    yield "geboortedatum ontbreekt", base, p(v, t, a, None)
    yield "voornamen ontbreken", base, p(None, t, a, d)
    if (slip := keyboard_slip(a, rng)) is not None:
        yield "tikfout in de achternaam", base, p(v, t, slip, d)
    if (slip := keyboard_slip(first, rng)) is not None:
        yield "tikfout in de voornaam", base, p(slip + v[len(first) :], t, a, d)
    if (slip := transpose(a, rng)) is not None:
        yield "twee letters verwisseld in de achternaam", base, p(v, t, slip, d)
    if (slip := ocr_slip(a)) is not None:
        yield "OCR-fout in de achternaam", base, p(v, t, slip, d)
    yield "voornaam en achternaam verwisseld", base, p(a, None, first if not t else f"{first}", d)
    yield "voornaam en achternaam verwisseld, zonder datum", base, p(a, None, first, None)
    skn = f"{rng.randrange(10**7, 10**8)}"
    yield "zelfde SKN, geboortejaar anders", p(v, t, a, d, skn=skn), p(v, t, a, shift_date(d, -1), skn=skn)


def negatives(ident, rng):
    v, _roep, t, a, d = ident
    first = v.split()[0]
    base = p(v, t, a, d)
    # A twin's name is none of the other's voornamen (those would make it a roepnaam).
    other = next(
        f for f in rng.sample(FIRST_NAMES, len(FIRST_NAMES)) if f[0] != first[0] and f not in v.split()
    )
    yield "vader en zoon met dezelfde naam", base, p(v, t, a, shift_date(d, 27, (int(d[5:7]) % 12) + 1, 15))
    yield "vader en zoon, zoon alleen roepnaam", base, p(first, t, a, shift_date(d, -26, 1, 28))
    yield "tweeling met een andere voornaam", base, p(other, t, a, d)
    yield "broer of zus: andere voornaam en datum", base, p(other, t, a, shift_date(d, 3, 6, 21))
    yield (
        "neef met dezelfde voorletter, andere datum",
        base,
        p(f"{first[0]}.", t, a, shift_date(d, -12, 2, 17)),
    )
    yield "zelfde voornaam en datum, andere achternaam", base, p(v, None, "Verbeek", d)
    yield "zelfde naam en datum, ander SKN", p(v, t, a, d, skn="11223344"), p(v, t, a, d, skn="55667788")


HARD = [
    (
        "twee Jannen de Jong, geen datum, één met voorletter",
        p("J.", "de", "Jong", None),
        p("Jan", "de", "Jong", None),
        False,
    ),
    (
        "P. de Vries en Jan de Vries, zelfde datum",
        p("P.", "de", "Vries", "1980-05-07"),
        p("Jan", "de", "Vries", "1980-05-07"),
        False,
    ),
    (
        "vader en zoon J. Hoogendoorn, geen datum",
        p("J.", None, "Hoogendoorn", None),
        p("J.", None, "Hoogendoorn", None),
        False,
    ),
    (
        "tweeling Jan en Joost",
        p("Jan", None, "Bakker", "1999-02-05"),
        p("Joost", None, "Bakker", "1999-02-05"),
        False,
    ),
    (
        "tweeling Bas en Bram",
        p("Bas", None, "Wolters", "2001-07-14"),
        p("Bram", None, "Wolters", "2001-07-14"),
        False,
    ),
    (
        "moeder en dochter Maria/Marie",
        p("Maria", None, "Kok", "1961-08-03"),
        p("Marie", None, "Kok", "1989-03-30"),
        False,
    ),
    (
        "zusjes Ingrid en Inge",
        p("Ingrid", None, "Wijnands", "1983-09-01"),
        p("Inge", None, "Wijnands", "1986-04-02"),
        False,
    ),
    (
        "andere geldige BSN, zelfde naam en datum",
        p("Kees", None, "Hoogendoorn", "1981-09-03", bsn="111222333"),
        p("Kees", None, "Hoogendoorn", "1981-09-03", bsn="123456782"),
        False,
    ),
    (
        "Jan en Jon, zelfde achternaam, andere datum",
        p("Jan", None, "Smeets", "1970-01-01"),
        p("Jon", None, "Smeets", "1994-06-12"),
        False,
    ),
    (
        "Vandenberg als één woord",
        p("Jan", None, "Vandenberg", "1990-03-04"),
        p("Jan", "van den", "Berg", "1990-03-04"),
        True,
    ),
    (
        "van der Berg / van den Berg",
        p("Jan", "van der", "Berg", "1990-03-04"),
        p("Jan", "van den", "Berg", "1990-03-04"),
        True,
    ),
    (
        "Mohamed / Mohammed",
        p("Mohamed", None, "Amrani", "1988-01-12"),
        p("Mohammed", None, "Amrani", "1988-01-12"),
        True,
    ),
    (
        "dubbele achternaam na huwelijk",
        p("Maria", None, "Jansen-de Vries", "1961-08-03"),
        p("Maria", "de", "Vries", "1961-08-03"),
        True,
    ),
    (
        "zelfde BSN, tikfout in de naam",
        p("Kees", None, "Hogendoorn", None, bsn="111222333"),
        p("Kees", None, "Hoogendoorn", None, bsn="111222333"),
        True,
    ),
    ("Bijl / Byl", p("Anna", None, "Bijl", "1970-01-01"), p("Anna", None, "Byl", "1970-01-01"), True),
    (
        "JP zonder punten",
        p("JP", "van", "Dam", "1991-02-02"),
        p("Jan Pieter", "van", "Dam", "1991-02-02"),
        True,
    ),
    ("Ryan / Ryah", p("Ryan", None, "Clarke", "2000-05-18"), p("Ryah", None, "Clarke", "2000-05-18"), True),
    (
        "Ja yde / Jayde",
        p("Jayde", None, "Martina", "2005-02-27"),
        p("Ja yde", None, "Martina", "2005-02-27"),
        True,
    ),
    (
        "geboortejaar 1990 / 1909",
        p("Kees", None, "Hoogendoorn", "1990-09-03"),
        p("Kees", None, "Hoogendoorn", "1909-09-03"),
        True,
    ),
    ("Smit / Smits", p("Emma", None, "Smit", "2000-01-02"), p("Emma", None, "Smits", "2000-01-02"), True),
    (
        "alleen achternaam en datum, zeldzame naam",
        p(None, None, "Wijnands", "1983-09-01"),
        p("Ingrid", None, "Wijnands", "1983-09-01"),
        True,
    ),
    (
        "roepnaam Kees bij Cornelis, veelvoorkomende naam",
        p("Cornelis", "de", "Jong", "1950-01-30"),
        p("Kees", "de", "Jong", "1950-01-30"),
        True,
    ),
]


def main() -> None:
    rng = random.Random(23)
    rows = []
    for ident in IDENTITIES:
        rows += [(label, a, b, True) for label, a, b in positives(ident, rng)]
        rows += [(label, a, b, False) for label, a, b in negatives(ident, rng)]
    for _ in range(60):
        x, y = rng.sample(IDENTITIES, 2)
        rows.append(("twee verschillende personen", p(*x[:1], *x[2:]), p(*y[:1], *y[2:]), False))
    rows += HARD
    with OUT.open("w", encoding="utf-8") as f:
        for label, a, b, same in rows:
            f.write(json.dumps({"label": label, "same": same, "a": a, "b": b}, ensure_ascii=False) + "\n")
    print(f"{len(rows)} pairs ({sum(r[3] for r in rows)} same) -> {OUT}")


if __name__ == "__main__":
    main()
