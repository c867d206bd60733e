"""Person matching weighs evidence (Fellegi-Sunter): swapped and misspelled names are one party and a named person_conflict."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import attrs

import dossierlink
from dossierlink.reconcile import ReconcileConfig
from dossierlink.reconcile.persons import (
    comparison_levels,
    estimate_person_weights,
    name_frequencies,
    name_slip,
)
from dossierlink.schema import DivergenceKind as K
from dossierlink.schema import Person, Record, Role

D = dt.date
BORN = D(2000, 5, 18)
PAIRS = Path(__file__).resolve().parent / "data" / "dutch_person_pairs.jsonl"


def suspect(voornamen: str | None, achternaam: str | None, born: dt.date | None = BORN, **kw: str) -> Person:
    return Person(role=Role.VERDACHTE, voornamen=voornamen, achternaam=achternaam, geboortedatum=born, **kw)


def test_the_public_api_recognises_a_swapped_registration_and_says_so():
    match = dossierlink.compare_persons(suspect("Ryan", "Clarke"), suspect("Clarke", "Ryan"))
    assert isinstance(match, dossierlink.PersonMatch)
    assert match.same and match.score >= match.threshold
    assert "voornaam en achternaam verwisseld" in match.reasons
    assert isinstance(dossierlink.Person(voornamen="Ryan"), Person)


def test_a_short_name_with_a_neighbouring_key_is_a_typo_but_another_short_name_is_another_person():
    ryah = dossierlink.compare_persons(suspect("Ryan", "Clarke"), suspect("Ryah", "Clarke"))
    assert ryah.same and "voornaam met één tikfout" in ryah.reasons
    # Jan and Jon Smeets born twenty years apart: one letter, but not a slip of the keyboard.
    jon = dossierlink.compare_persons(
        suspect("Jan", "Smeets", D(1970, 1, 1)), suspect("Jon", "Smeets", D(1994, 6, 12))
    )
    assert not jon.same
    spaced = dossierlink.compare_persons(suspect("Jayde", "Martina"), suspect("Ja yde", "Martina"))
    assert spaced.same


def test_an_ocr_slip_and_ij_typed_the_other_way_round_are_typos():
    assert dossierlink.compare_persons(suspect("Kees", "Hoogendoorn"), suspect("Kees", "Hoogendoom")).same
    miejer = dossierlink.compare_persons(suspect("Pieter", "Meijer"), suspect("Pieter", "Miejer"))
    assert miejer.same and "achternaam met één tikfout" in miejer.reasons


def test_father_and_son_with_one_name_stay_two_people_and_twins_too():
    father, son = suspect("Jan", "Wolters", D(1961, 4, 2)), suspect("Jan", "Wolters", D(1988, 5, 15))
    assert not dossierlink.compare_persons(father, son).same
    bas, bram = suspect("Bas", "Wolters", D(2001, 7, 14)), suspect("Bram", "Wolters", D(2001, 7, 14))
    assert not dossierlink.compare_persons(bas, bram).same


def test_two_valid_bsns_that_differ_are_two_people_whatever_the_names_say():
    a = suspect("Kees", "Hoogendoorn", bsn="111222333")
    b = suspect("Kees", "Hoogendoorn", bsn="123456782")
    assert not dossierlink.compare_persons(a, b).same


def test_the_dutch_labelled_pairs_keep_their_precision_and_recall():
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 1000

    def person(d: dict[str, str | None]) -> Person:
        born = d.get("geboortedatum")
        return Person(
            role=Role.VERDACHTE,
            voornamen=d.get("voornamen"),
            tussenvoegsel=d.get("tussenvoegsel"),
            achternaam=d.get("achternaam"),
            geboortedatum=D.fromisoformat(born) if born else None,
            skn=d.get("skn"),
            bsn=d.get("bsn"),
        )

    tp = fp = fn = 0
    for r in rows:
        match = dossierlink.compare_persons(person(r["a"]), person(r["b"]))
        back = dossierlink.compare_persons(person(r["b"]), person(r["a"]))
        assert (back.score, back.reasons) == (match.score, match.reasons), r["label"]  # order-free
        got = match.same
        tp += got and r["same"]
        fp += got and not r["same"]
        fn += (not got) and r["same"]
    # Floors against regressions; benchmarks/persons.py prints the figures.
    assert fp == 0
    assert tp / (tp + fn) >= 0.98


def test_the_courts_swapped_registration_is_a_person_conflict_that_names_the_swap(chain):
    def change(r: dict[str, Record]) -> None:
        for key in ("politie", "om", "reclassering"):
            r[key] = attrs.evolve(
                r[key],
                persons=(chain.suspect(skn=None, voornamen="Ryan", tussenvoegsel=None, achternaam="Clarke"),),
            )
        r["rechtspraak"] = attrs.evolve(
            r["rechtspraak"],
            persons=(chain.suspect(skn=None, voornamen="Clarke", tussenvoegsel=None, achternaam="Ryan"),),
        )

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation) for d in divs] == [(K.PERSON_CONFLICT, "rechtspraak")]
    assert divs[0].details["finding"] == "voornaam en achternaam verwisseld bij Rechtspraak"
    assert "voornaam en achternaam verwisseld (Clarke Ryan)" in divs[0].message


def test_the_polices_swapped_registration_is_named_although_the_police_is_the_reference(chain):
    def change(r: dict[str, Record]) -> None:
        right = chain.suspect(skn=None, voornamen="Ryan", tussenvoegsel=None, achternaam="Clarke")
        for key in ("om", "rechtspraak", "reclassering"):
            r[key] = attrs.evolve(r[key], persons=(right,))
        r["politie"] = attrs.evolve(
            r["politie"],
            persons=(chain.suspect(skn=None, voornamen="Clarke", tussenvoegsel=None, achternaam="Ryan"),),
        )

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation) for d in divs] == [(K.PERSON_CONFLICT, "politie")]
    assert divs[0].details["finding"] == "voornaam en achternaam verwisseld bij Politie"
    assert divs[0].details["reference_organisation"] == "om"


def test_the_reclasserings_typo_in_a_short_first_name_is_named_as_a_typo(chain):
    def change(r: dict[str, Record]) -> None:
        for key in ("politie", "om", "rechtspraak"):
            r[key] = attrs.evolve(
                r[key],
                persons=(chain.suspect(skn=None, voornamen="Ryan", tussenvoegsel=None, achternaam="Clarke"),),
            )
        r["reclassering"] = attrs.evolve(
            r["reclassering"],
            persons=(chain.suspect(skn=None, voornamen="Ryah", tussenvoegsel=None, achternaam="Clarke"),),
        )

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation, d.found) for d in divs] == [
        (K.PERSON_CONFLICT, "reclassering", "voornamen Ryah")
    ]
    assert divs[0].details["finding"] == "tikfout in de voornamen bij Reclassering Nederland"


def test_another_first_name_is_no_typo():
    assert name_slip(suspect("Ryan", "Clarke"), suspect("Rick", "Clarke")) is None
    assert name_slip(suspect("Ryan", "Clarke"), suspect("Ryan", "Clerke")) == ("typo", ("achternaam",))
    assert name_slip(suspect("Ryan", "Clarke"), suspect("Clarke", "Ryan")) == (
        "swapped",
        ("voornamen", "achternaam"),
    )


def _noisy_pairs(rng: random.Random) -> list[tuple[Person, Person]]:
    """Candidate pairs of a registry where given names are often replaced: links and near misses."""
    firsts = ["Anna", "Bram", "Cas", "Daan", "Eva", "Fleur", "Gijs", "Hugo", "Iris", "Jesse", "Kim", "Lars"]
    pairs = []
    for i in range(400):
        surname = f"Achter{i:03d}".replace("0", "o").replace("1", "l")
        born = D(1950 + i % 50, 1 + i % 12, 1 + i % 28)
        a = suspect(rng.choice(firsts), surname, born)
        # One in three registrations of the same person carries another given name.
        b_first = rng.choice(firsts) if i % 3 == 0 else a.voornamen
        pairs.append((a, suspect(b_first, surname, born)))
        other = D(1950 + (i * 7) % 50, 1 + (i * 5) % 12, 1 + (i * 3) % 28)
        pairs.append((a, suspect(rng.choice(firsts), surname[:-1] + "x", other)))
    return pairs


def test_em_learns_from_the_store_that_given_names_are_often_replaced():
    pairs = _noisy_pairs(random.Random(5))
    default = ReconcileConfig()
    levels = [comparison_levels(a, b, default) for a, b in pairs]
    learnt = estimate_person_weights(levels, default.person_weights)
    different = 5  # PERSON_LEVELS["given"].index("different")
    assert learnt.given_bits[different] > default.person_weights.given_bits[different] + 2
    assert 0.3 < learnt.prior < 0.7
    # Too few pairs to learn from: the defaults stand.
    assert estimate_person_weights(levels[:50], default.person_weights) is default.person_weights


def test_name_frequencies_are_shares_of_the_registrations():
    surnames, given = name_frequencies(
        [suspect("Jan", "de Vries"), suspect("Piet", "de Vries"), suspect("Jan", "Bos")]
    )
    assert surnames == {"devries": 2 / 3, "bos": 1 / 3}
    assert given == {"jan": 2 / 3, "piet": 1 / 3}
