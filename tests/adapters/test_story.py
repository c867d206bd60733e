"""The sample exports tell the story of samples/STORY.md: the seeded divergences are in the data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dossierlink.schema import EventKind, Record

Extract = Callable[..., list[Record]]


@pytest.fixture
def chain(samples: Path, extract: Extract) -> dict[str, list[Record]]:
    return {
        "politie": extract(
            "politie", samples / "politie/registraties.csv", options={"read_documents": False}
        ),
        "om": extract("om", samples / "om/zaken.json"),
        "court": extract("zgw", samples / "rechtspraak/zaken-zgw.json"),
        "dji": extract("dji", samples / "dji/detenties.csv"),
    }


def case(records: list[Record], value: str) -> Record:
    return next(r for r in records if any(i.value == value for i in r.identifiers))


def test_the_om_lacks_the_second_pv_the_police_sent_in_case_f(chain: dict[str, list[Record]]) -> None:
    police = {d.key for d in case(chain["politie"], "05/812345-24").documents}
    om = {d.key for d in case(chain["om"], "05/812345-24").documents}
    assert police - om == {"PL06F6 2024011111-2"}


def test_the_court_has_another_birth_date_for_kees_smit(chain: dict[str, list[Record]]) -> None:
    born = {
        org: case(chain[org], "13/654321-24").persons[0].geboortedatum.isoformat()
        for org in ("politie", "om", "court", "dji")
    }
    assert born == {"politie": "1992-08-14", "om": "1992-08-14", "court": "1992-03-14", "dji": "1992-08-14"}


def test_the_om_dismissed_case_h_while_the_court_plans_a_hearing(chain: dict[str, list[Record]]) -> None:
    om = case(chain["om"], "16/345678-24")
    court = case(chain["court"], "16/345678-24")
    assert any(e.kind is EventKind.SEPOT for e in om.events)
    assert any(e.kind is EventKind.ZITTING and e.status == "zitting gepland" for e in court.events)


def test_one_pv_sits_under_two_parketnummers_in_case_i(chain: dict[str, list[Record]]) -> None:
    pv = "PL01I8 2025012345-1"
    parket = {
        org: {i.value for i in case(chain[org], pv).identifiers if i.kind == "parketnummer"}
        for org in ("politie", "om")
    }
    assert parket == {"politie": {"01/111222-25"}, "om": {"01/112122-25"}}


def test_the_om_registered_the_verhoor_twice_in_case_j(chain: dict[str, list[Record]]) -> None:
    keys = [d.key for d in case(chain["om"], "18/456789-25").documents]
    assert keys.count("PL02J9 2025023456-1") == 2


def test_police_and_om_differ_on_date_and_title_of_the_aangifte_in_case_k(
    chain: dict[str, list[Record]],
) -> None:
    p = case(chain["politie"], "03/567890-25").documents[0]
    o = case(chain["om"], "03/567890-25").documents[0]
    assert p.key == o.key and (p.date, p.title) != (o.date, o.title)


def test_the_om_never_registered_case_l_after_the_police_sent_it(chain: dict[str, list[Record]]) -> None:
    police = case(chain["politie"], "PL04L2 2026077777-1")
    (inzending,) = [e for e in police.events if e.kind is EventKind.INZENDING]
    assert (inzending.sender, inzending.receiver, inzending.date.isoformat()) == (
        "politie",
        "om",
        "2026-09-28",
    )
    assert not any(i.value == "PL04L2 2026077777-1" for r in chain["om"] for i in r.identifiers)


def test_the_five_fixed_cases_agree_between_police_and_om(chain: dict[str, list[Record]]) -> None:
    for parket in ("10/600040-23", "13/123456-23", "09/765432-23", "16/234567-23", "10/700111-23"):
        p, o = case(chain["politie"], parket), case(chain["om"], parket)
        pdocs = {d.key: (d.date, d.page_count, d.type) for d in p.documents}
        odocs = {d.key: (d.date, d.page_count, d.type) for d in o.documents if d.key in pdocs}
        assert pdocs == odocs, parket
        assert p.persons[0].geboortedatum == o.persons[0].geboortedatum
    c = case(chain["politie"], "09/765432-23").documents[0]
    assert c.modified is not None and c.modified.isoformat() == "2023-06-20T10:00:00"
