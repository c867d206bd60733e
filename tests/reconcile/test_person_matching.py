"""Person matching on a labelled set of Dutch name pairs: generated variants plus hand-written hard cases.

Run ``python tests/reconcile/test_person_matching.py`` to print precision, recall and the errors.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

import attrs

from dossierlink.reconcile import ReconcileConfig, compare_persons, same_person, split_name
from dossierlink.schema import Person, Role

D = dt.date

# (voornamen, tussenvoegsel, achternaam, geboortedatum, skn)
IDENTITIES: list[tuple[str, str | None, str, dt.date, str | None]] = [
    ("Jan Pieter", "van den", "Berg", D(1990, 3, 4), "12345678"),
    ("Johannes Petrus", "de", "Jong", D(1975, 11, 2), None),
    ("Fatima", None, "El Amrani", D(2001, 6, 9), "22334455"),
    ("Mohammed", None, "Yilmaz", D(1988, 1, 12), None),
    ("Sanne", "de", "Vries", D(1995, 7, 23), None),
    ("Daan", None, "Bakker", D(1999, 2, 5), "99887766"),
    ("Pieter", None, "Meijer", D(1969, 10, 8), None),
    ("Lotte", None, "Visser", D(2003, 12, 1), None),
    ("Willem Hendrik", "van", "Dijk", D(1958, 5, 11), None),
    ("Kees", None, "Hoogendoorn", D(1981, 9, 3), None),
    ("Ayşe", None, "Çelik", D(1993, 4, 7), None),
    ("Anouk", None, "Bijlsma", D(1997, 8, 10), None),
    ("Thomas", "ter", "Horst", D(1979, 3, 30), None),
    ("René", "van 't", "Hek", D(1966, 11, 11), None),
    ("Emma", None, "Smit", D(2000, 1, 2), None),
    ("Lucas", "de", "Boer", D(1985, 6, 6), "44556677"),
    ("Sophie", None, "Mulder", D(1992, 10, 4), None),
    ("Ahmet", None, "Kaya", D(1987, 3, 9), None),
    ("Ilse", None, "Dijkstra", D(1972, 12, 12), None),
    ("Chloë", None, "Kuijpers", D(2002, 5, 3), None),
    ("Maarten", "van der", "Heijden", D(1964, 7, 8), None),
    ("Gerrit", None, "Pietersz", D(1955, 2, 14), None),
    ("Ingrid", None, "Wijnands", D(1983, 9, 1), None),
    ("Wesley", None, "Sneijder", D(1984, 6, 9), None),
    ("Jan", None, "Jansen", D(1970, 4, 5), None),
    ("Maria Johanna", None, "Janssen", D(1961, 8, 3), None),
    ("Bram", "van", "Leeuwen", D(1998, 11, 7), None),
    ("Noor", None, "Hendriks", D(2004, 3, 2), None),
    ("Erik", None, "Brouwer", D(1977, 1, 9), "55667788"),
    ("Zoë", None, "Dekker", D(1996, 10, 12), None),
]

COMMON_FIRST = ["Jan", "Pieter", "Kees", "Anna", "Maria", "Mohammed", "Sanne", "Daan", "Lotte", "Thomas"]


def person(
    v: str | None,
    t: str | None,
    a: str | None,
    d: dt.date | None,
    skn: str | None = None,
    bsn: str | None = None,
) -> Person:
    return Person(
        role=Role.VERDACHTE, voornamen=v, tussenvoegsel=t, achternaam=a, geboortedatum=d, skn=skn, bsn=bsn
    )


def _initials(v: str) -> str:
    return ".".join(p[0] for p in v.split()) + "."


def _transpose(d: dt.date) -> dt.date | None:
    if d.day <= 12 and d.day != d.month:
        return D(d.year, d.day, d.month)
    return None


def positive_variants(
    i: tuple[str, str | None, str, dt.date, str | None],
) -> Iterator[tuple[str, Person, Person]]:
    v, t, a, d, skn = i
    base = person(v, t, a, d, skn)
    if t:
        yield "tussenvoegsel in achternaam", base, person(v, None, f"{t} {a}", d)
        yield "achternaam, tussenvoegsel", base, person(v, None, f"{a}, {t}", d)
        yield "tussenvoegsel bij voornamen", base, person(f"{v} {t}", None, a, d)
    yield "voorletters", base, person(_initials(v), t, a, d)
    yield "eerste voorletter", base, person(v[0] + ".", t, a, d)
    yield "hoofdletters", base, person(v.upper(), t.upper() if t else None, a.upper(), d)
    if "ij" in a.lower():
        yield "ij/y", base, person(v, t, a.replace("ij", "y").replace("IJ", "Y"), d)
    folded = a.translate(str.maketrans("Çëéşö", "Ceeso"))
    if folded != a or any(c in v for c in "ëéş"):
        yield "diacrieten", base, person(v.translate(str.maketrans("ëéş", "ees")), t, folded, d)
    if (td := _transpose(d)) is not None:
        yield "dag en maand verwisseld", base, person(v, t, a, td)
    yield "geboortedatum ontbreekt", base, person(v, t, a, None)
    yield "alleen roepnaam", base, person(v.split()[0], t, a, d)
    if skn:
        yield "zelfde SKN, tikfout in achternaam", base, person(v, t, a[:-1] + a[-1] * 2, d, skn)
        yield "zelfde SKN, andere geboortedatum", base, person(v, t, a, D(d.year - 1, d.month, d.day), skn)
    if len(a) >= 7:
        k = len(a) // 2
        yield "tikfout in lange achternaam", base, person(v, t, a[:k] + a[k + 1 :], d)


def negative_variants(
    i: tuple[str, str | None, str, dt.date, str | None], rng: random.Random
) -> Iterator[tuple[str, Person, Person]]:
    v, t, a, d, skn = i
    base = person(v, t, a, d, skn)
    other_first = next(f for f in rng.sample(COMMON_FIRST, len(COMMON_FIRST)) if f[0] != v[0])
    yield (
        "vader en zoon (zelfde naam, andere geboortedatum)",
        base,
        person(v, t, a, D(d.year + 27, d.month % 12 + 1, 15)),
    )
    yield "tweeling (andere voornaam, zelfde geboortedatum)", base, person(other_first, t, a, d)
    yield "andere achternaam, zelfde voornaam en datum", base, person(v, None, "Verbeek", d)
    yield "zelfde achternaam, andere voornaam en datum", base, person(other_first, t, a, D(d.year - 3, 1, 20))
    if skn:
        yield "zelfde naam en datum, ander SKN", base, person(v, t, a, d, str(int(skn) + 1))


# Hand-written hard cases: (label, a, b, same?)
HARD: list[tuple[str, Person, Person, bool]] = [
    (
        "common surname, initial only, no date",
        person("J.", "de", "Jong", None),
        person("Jan", "de", "Jong", None),
        False,
    ),
    (
        "common surname, other initial, same date",
        person("P.", "de", "Vries", D(1980, 5, 7)),
        person("Jan", "de", "Vries", D(1980, 5, 7)),
        False,
    ),
    (
        "common surname, initial, near date (cousins)",
        person("J.", None, "Bakker", D(1980, 5, 7)),
        person("Jan", None, "Bakker", D(1980, 5, 17)),
        False,
    ),
    (
        "Vandenberg written as one word",
        person("Jan", None, "Vandenberg", D(1990, 3, 4)),
        person("Jan", "van den", "Berg", D(1990, 3, 4)),
        True,
    ),
    (
        "van der Berg vs van den Berg, same date",
        person("Jan", "van der", "Berg", D(1990, 3, 4)),
        person("Jan", "van den", "Berg", D(1990, 3, 4)),
        True,
    ),
    (
        "Mohamed / Mohammed",
        person("Mohamed", None, "Amrani", D(1988, 1, 12)),
        person("Mohammed", None, "Amrani", D(1988, 1, 12)),
        True,
    ),
    (
        "double surname after marriage",
        person("Maria", None, "Jansen-de Vries", D(1961, 8, 3)),
        person("Maria", "de", "Vries", D(1961, 8, 3)),
        True,
    ),
    (
        "same BSN, name typo",
        person("Kees", None, "Hogendoorn", None, bsn="111222333"),
        person("Kees", None, "Hoogendoorn", None, bsn="111222333"),
        True,
    ),
    (
        "different valid BSN, same name and date",
        person("Kees", None, "Hoogendoorn", D(1981, 9, 3), bsn="111222333"),
        person("Kees", None, "Hoogendoorn", D(1981, 9, 3), bsn="123456782"),
        False,
    ),
    (
        "Bijl / Byl",
        person("Anna", None, "Bijl", D(1970, 1, 1)),
        person("Anna", None, "Byl", D(1970, 1, 1)),
        True,
    ),
    (
        "JP without dots vs Jan Pieter",
        person("JP", "van", "Dam", D(1991, 2, 2)),
        person("Jan Pieter", "van", "Dam", D(1991, 2, 2)),
        True,
    ),
    (
        "one-day-off birth date, uncommon name",
        person("Gerrit", None, "Pietersz", D(1955, 2, 14)),
        person("Gerrit", None, "Pietersz", D(1955, 2, 15)),
        True,
    ),
    (
        "surname only with date, uncommon",
        person(None, None, "Wijnands", D(1983, 9, 1)),
        person("Ingrid", None, "Wijnands", D(1983, 9, 1)),
        True,
    ),
    (
        "sisters, same uncommon surname, other names and dates",
        person("Ingrid", None, "Wijnands", D(1983, 9, 1)),
        person("Inge", None, "Wijnands", D(1986, 4, 2)),
        False,
    ),
    (
        "same uncommon full name, no dates (same dossier)",
        person("Wesley", None, "Sneijder", None),
        person("Wesley", None, "Sneijder", None),
        True,
    ),
    (
        "Smit / Smits, same first name and date",
        person("Emma", None, "Smit", D(2000, 1, 2)),
        person("Emma", None, "Smits", D(2000, 1, 2)),
        True,
    ),
    (
        "roepnaam Jan for Johannes",
        person("Johannes", None, "Hoogendoorn", D(1981, 9, 3)),
        person("Jan", None, "Hoogendoorn", D(1981, 9, 3)),
        True,
    ),
    (
        "roepnaam Kees for Cornelis, common surname",
        person("Cornelis", "de", "Jong", D(1950, 1, 30)),
        person("Kees", "de", "Jong", D(1950, 1, 30)),
        True,
    ),
    (
        "twins Jan and Joost",
        person("Jan", None, "Bakker", D(1999, 2, 5)),
        person("Joost", None, "Bakker", D(1999, 2, 5)),
        False,
    ),
    (
        "Mohamed / Mohammed, common surname, no date",
        person("Mohamed", None, "Yilmaz", None),
        person("Mohammed", None, "Yilmaz", None),
        True,
    ),
    (
        "married name instead of birth name",
        person("Maria", "de", "Vries", D(1961, 8, 3)),
        person("Maria", None, "Jansen", D(1961, 8, 3)),
        True,
    ),
    (
        "first and last name swapped by a source",
        person("Berg", None, "Jan", D(1990, 3, 4)),
        person("Jan", "van den", "Berg", D(1990, 3, 4)),
        True,
    ),
    (
        "birth year typo 1990 / 1909",
        person("Kees", None, "Hoogendoorn", D(1990, 9, 3)),
        person("Kees", None, "Hoogendoorn", D(1909, 9, 3)),
        True,
    ),
    (
        "father and son, both J., no dates",
        person("J.", None, "Hoogendoorn", None),
        person("J.", None, "Hoogendoorn", None),
        False,
    ),
    (
        "Bakker, D. vs Daan, other date",
        person("D.", None, "Bakker", D(1999, 2, 5)),
        person("Daan", None, "Bakker", D(1979, 2, 5)),
        False,
    ),
]


def labelled_pairs() -> list[tuple[str, Person, Person, bool]]:
    rng = random.Random(2024)
    out: list[tuple[str, Person, Person, bool]] = []
    for ident in IDENTITIES:
        out += [(label, a, b, True) for label, a, b in positive_variants(ident)]
        out += [(label, a, b, False) for label, a, b in negative_variants(ident, rng)]
    # Random pairs of different identities.
    for _ in range(40):
        x, y = rng.sample(IDENTITIES, 2)
        out.append(("twee willekeurige personen", person(*x), person(*y), False))
    out += HARD
    # Each pair both ways round: matching must be symmetric.
    return out + [(f"{label} (omgekeerd)", b, a, same) for label, a, b, same in out]


def measure(config: ReconcileConfig | None = None) -> dict[str, object]:
    tp = fp = fn = tn = 0
    errors: list[str] = []
    for label, a, b, same in labelled_pairs():
        got = same_person(a, b, config)
        if got and same:
            tp += 1
        elif got and not same:
            fp += 1
            errors.append(f"FP {label}: {a.display_name} / {b.display_name}")
        elif same:
            fn += 1
            errors.append(f"FN {label}: {a.display_name} / {b.display_name}")
        else:
            tn += 1
    return {
        "pairs": tp + fp + fn + tn,
        "positives": tp + fn,
        "negatives": fp + tn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "errors": errors,
    }


def test_the_labelled_set_has_at_least_two_hundred_pairs():
    pairs = labelled_pairs()
    assert len(pairs) >= 200
    assert sum(1 for p in pairs if p[3]) >= 80 and sum(1 for p in pairs if not p[3]) >= 80


def test_person_matching_precision_and_recall_on_the_labelled_set():
    m = measure()
    print(f"\nperson matching: {m['pairs']} pairs, precision {m['precision']:.3f}, recall {m['recall']:.3f}")
    for e in m["errors"]:  # type: ignore[attr-defined]
        print("  ", e)
    assert m["precision"] >= 0.98
    assert m["recall"] >= 0.95


def test_matching_is_symmetric():
    for _label, a, b, _same in labelled_pairs()[:150]:
        assert compare_persons(a, b).score == compare_persons(b, a).score


def test_van_den_berg_is_split_the_same_way_whatever_the_source_did():
    forms = [
        person("Jan", "van den", "Berg", None),
        person("Jan", None, "van den Berg", None),
        person("Jan", None, "Berg, van den", None),
        person("Jan van den", None, "Berg", None),
        person("JAN", "VAN DEN", "BERG", None),
    ]
    splits = {attrs.astuple(split_name(p)) for p in forms}
    assert splits == {(("jan",), "j", "van den", "berg")}


def test_the_evidence_names_why_two_registrations_are_one_suspect():
    m = compare_persons(
        person("J.", None, "Meijer", D(1969, 8, 10)), person("Pieter Jan", None, "Meyer", D(1969, 10, 8))
    )
    assert not m.same  # initial mismatch (J vs P) weighs against
    m2 = compare_persons(
        person("P.J.", None, "Meijer", D(1969, 8, 10)), person("Pieter Jan", None, "Meyer", D(1969, 10, 8))
    )
    assert "geboortedatum met dag en maand verwisseld" in m2.reasons
    assert "zelfde achternaam" in m2.reasons


if __name__ == "__main__":
    result = measure()
    print(f"pairs {result['pairs']} (positives {result['positives']}, negatives {result['negatives']})")
    print(f"precision {result['precision']:.3f}  recall {result['recall']:.3f}")
    for e in result["errors"]:  # type: ignore[attr-defined]
        print(" ", e)
