"""Every divergence kind as a case from the chain: start from a consistent dossier, break one thing."""

from __future__ import annotations

import datetime as dt
import random

import attrs

from dossierlink.reconcile import DossierView, ReconcileConfig, reconcile_dossier
from dossierlink.schema import Divergence, DivergenceKind, Record, Status

K = DivergenceKind


def only(divs: list[Divergence], kind: DivergenceKind) -> list[Divergence]:
    return [d for d in divs if d.kind is kind]


def kinds(divs: list[Divergence]) -> set[DivergenceKind]:
    return {d.kind for d in divs}


def test_a_fully_consistent_dossier_has_no_divergences(chain):
    assert chain.run(chain.records()) == []


def test_the_courts_paper_file_lacks_the_second_pv_of_the_police(chain):
    def change(r: dict[str, Record]) -> None:
        r["rechtspraak-paper"] = chain.replace_docs(r["rechtspraak-paper"], chain.PV2, None)

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation) for d in divs] == [(K.MISSING_PAPER, "rechtspraak")]
    d = divs[0]
    assert d.subject == f"document:pv:{chain.PV2}"
    assert d.found == "ontbreekt"
    assert "papieren dossier" in d.message
    assert d.status is Status.OPEN and d.first_seen is None and d.dossier_id == 1


def test_a_pv_in_the_courts_paper_file_never_reached_the_oms_system(chain):
    def change(r: dict[str, Record]) -> None:
        r["om"] = chain.replace_docs(r["om"], chain.PV2, None)
        r["om-paper"] = chain.replace_docs(r["om-paper"], chain.PV2, None)

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation) for d in divs] == [(K.MISSING_DIGITAL, "om")]
    d = divs[0]
    assert "papier bij Rechtspraak" in d.message
    assert "inzending" in d.why
    assert set(d.organisations) >= {"om", "politie", "rechtspraak"}


def test_a_pv_is_not_expected_at_the_om_before_the_inzending_is_recorded(chain):
    def change(r: dict[str, Record]) -> None:
        pol = r["politie"]
        r["politie"] = attrs.evolve(pol, events=pol.events[:1])  # no inzending
        r["om"] = attrs.evolve(chain.replace_docs(r["om"], chain.PV2, None), events=())  # no instroom
        r["om-paper"] = chain.replace_docs(r["om-paper"], chain.PV2, None)

    assert K.MISSING_DIGITAL not in {
        (d.kind) for d in chain.run(chain.records(change)) if d.organisation == "om"
    }


def test_the_om_keeps_a_pv_on_paper_that_its_system_does_not_know(chain):
    def change(r: dict[str, Record]) -> None:
        r["om"] = chain.replace_docs(r["om"], chain.PV2, None)

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation) for d in divs] == [(K.MISSING_DIGITAL, "om")]


def test_the_courts_scan_of_the_aangifte_has_three_of_four_pages(chain):
    def change(r: dict[str, Record]) -> None:
        scan = chain.doc("rechtspraak", "paper", chain.PV1, page_count=3, page_labels=())
        r["rechtspraak-paper"] = chain.replace_docs(r["rechtspraak-paper"], chain.PV1, scan)

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation) for d in divs] == [(K.PAGE_COUNT_MISMATCH, "rechtspraak")]
    assert (divs[0].expected, divs[0].found) == ("4 pagina's", "3 pagina's")
    assert divs[0].details["paper_pages"] == 3


def test_the_oms_printed_file_has_a_page_more_than_its_digital_copy(chain):
    def change(r: dict[str, Record]) -> None:
        r["om"] = chain.replace_docs(r["om"], chain.PV1, chain.doc("om", "digital", chain.PV1, page_count=3))

    divs = chain.run(chain.records(change))
    pcm = only(divs, K.PAGE_COUNT_MISMATCH)
    assert [d.organisation for d in pcm] == ["om"]
    assert "meer pagina's" in pcm[0].why


def test_the_scan_labels_show_page_two_of_three_is_missing(chain):
    def change(r: dict[str, Record]) -> None:
        scan = chain.doc("rechtspraak", "paper", chain.PV2, page_labels=((1, 3), (3, 3)), page_count=None)
        r["rechtspraak-paper"] = chain.replace_docs(r["rechtspraak-paper"], chain.PV2, scan)

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation) for d in divs] == [(K.PAGES_MISSING, "rechtspraak")]
    assert divs[0].details["missing_pages"] == [2]
    assert (divs[0].expected, divs[0].found) == ("3 pagina's", "2 pagina's")


def test_the_last_scanned_page_says_two_of_three_and_there_is_no_page_three(chain):
    def change(r: dict[str, Record]) -> None:
        scan = chain.doc("om", "paper", chain.PV2, page_labels=((1, 3), (2, 3)), page_count=None)
        r["om-paper"] = chain.replace_docs(r["om-paper"], chain.PV2, scan)

    divs = only(chain.run(chain.records(change)), K.PAGES_MISSING)
    assert [(d.organisation, d.details["missing_pages"]) for d in divs] == [("om", [3])]


def test_a_page_whose_label_could_not_be_read_is_not_a_gap(chain):
    def change(r: dict[str, Record]) -> None:
        scan = chain.doc("rechtspraak", "paper", chain.PV2, page_labels=((1, 3), None, (3, 3)))
        r["rechtspraak-paper"] = chain.replace_docs(r["rechtspraak-paper"], chain.PV2, scan)
        scan1 = chain.doc("rechtspraak", "paper", chain.PV1, page_labels=(None, (2, 4), (3, 4), None))
        r["rechtspraak-paper"] = chain.replace_docs(r["rechtspraak-paper"], chain.PV1, scan1)

    assert chain.run(chain.records(change)) == []


def test_the_court_printed_another_version_of_the_dagvaarding(chain):
    other = chain.fp(
        "De officier van justitie roept de verdachte op voor een zitting van de kantonrechter in Dordrecht "
        "op 3 maart 2024 wegens vernieling van een bushokje en belediging van een buschauffeur."
    )

    def change(r: dict[str, Record]) -> None:
        scan = chain.doc("rechtspraak", "paper", "DAG-1", fingerprint=other)
        r["rechtspraak-paper"] = chain.replace_docs(r["rechtspraak-paper"], "DAG-1", scan)

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation) for d in divs] == [(K.CONTENT_MISMATCH, "rechtspraak")]
    assert divs[0].details["similarity"] < 0.8


def test_the_om_holds_a_newer_version_than_the_one_printed(chain):
    def change(r: dict[str, Record]) -> None:
        # The OM changed its dagvaarding after the OM and the court printed it.
        newer = chain.doc("om", "digital", "DAG-1", modified=dt.datetime(2024, 2, 20, 9))
        r["om"] = chain.replace_docs(r["om"], "DAG-1", newer)

    divs = chain.run(chain.records(change))
    assert sorted((d.kind, d.organisation) for d in divs) == [
        (K.STALE_PAPER, "om"),
        (K.STALE_PAPER, "rechtspraak"),
    ]
    court = next(d for d in divs if d.organisation == "rechtspraak")
    assert court.expected == "versie van 2024-02-20 of later"
    assert court.found == "papier van 2024-02-15"


def test_the_om_registered_the_aangifte_with_another_date_than_the_police(chain):
    def change(r: dict[str, Record]) -> None:
        r["om"] = chain.replace_docs(
            r["om"], chain.PV1, chain.doc("om", "digital", chain.PV1, date=dt.date(2024, 1, 6))
        )

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation) for d in divs] == [(K.METADATA_CONFLICT, "om")]
    assert (divs[0].expected, divs[0].found) == ("datum 2024-01-05", "datum 2024-01-06")
    assert "politie" in divs[0].organisations


def test_the_court_typed_the_parketnummer_wrong(chain):
    def change(r: dict[str, Record]) -> None:
        rs = r["rechtspraak"]
        r["rechtspraak"] = attrs.evolve(
            rs, identifiers=(*rs.identifiers, chain.Identifier.parse("parketnummer", "10/60004-23"))
        )

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation) for d in divs] == [(K.IDENTIFIER_CONFLICT, "rechtspraak")]
    assert divs[0].found == "10/60004-23"


def test_one_pv_under_two_parketnummers_at_om_and_court(chain):
    def change(r: dict[str, Record]) -> None:
        for key in ("rechtspraak", "rechtspraak-paper"):
            r[key] = attrs.evolve(r[key], identifiers=chain.ids(parket="10/700041-23"))

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation) for d in divs] == [(K.IDENTIFIER_CONFLICT, "rechtspraak")]
    d = divs[0]
    assert (d.expected, d.found) == ("parketnummer 10/600040-23", "parketnummer 10/700041-23")
    assert d.subject == "identifier:pv:PL07B3 2023123456"


def test_an_appeal_record_citing_both_parketnummers_is_no_conflict(chain):
    def change(r: dict[str, Record]) -> None:
        hof = chain.record("rechtspraak", "digital", name="hof", identifiers=chain.ids(parket="22/001234-24"))
        r["hof"] = hof

    assert chain.run(chain.records(change)) == []


def test_the_suspects_birth_date_differs_between_police_and_court(chain):
    def change(r: dict[str, Record]) -> None:
        rs = r["rechtspraak"]
        r["rechtspraak"] = attrs.evolve(
            rs, persons=(chain.suspect(geboortedatum=dt.date(1990, 4, 3), skn=None),)
        )

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation) for d in divs] == [(K.PERSON_CONFLICT, "rechtspraak")]
    d = divs[0]
    assert (d.expected, d.found) == ("geboortedatum 1990-03-04", "geboortedatum 1990-04-03")
    assert d.subject == f"person:parketnummer:{chain.PARKET}:verdachte:skn:12345678"
    assert "Politie" in d.why


def test_meyer_and_meijer_are_one_spelling_but_jansen_and_janssen_are_not(chain):
    def with_names(police: str, court: str):
        def change(r: dict[str, Record]) -> None:
            r["politie"] = attrs.evolve(
                r["politie"], persons=(chain.suspect(tussenvoegsel=None, achternaam=police),)
            )
            r["om"] = attrs.evolve(r["om"], persons=(chain.suspect(tussenvoegsel=None, achternaam=police),))
            r["reclassering"] = attrs.evolve(r["reclassering"], persons=())
            r["rechtspraak"] = attrs.evolve(
                r["rechtspraak"], persons=(chain.suspect(tussenvoegsel=None, achternaam=court, skn=None),)
            )

        return chain.run(chain.records(change))

    assert with_names("Meijer", "Meyer") == []
    divs = with_names("Jansen", "Janssen")
    assert [(d.kind, d.organisation, d.found) for d in divs] == [
        (K.PERSON_CONFLICT, "rechtspraak", "achternaam Janssen")
    ]


def test_a_bsn_differing_between_police_and_om_is_masked(chain):
    def change(r: dict[str, Record]) -> None:
        r["politie"] = attrs.evolve(r["politie"], persons=(chain.suspect(bsn="111222333"),))
        r["om"] = attrs.evolve(r["om"], persons=(chain.suspect(bsn="123456782"),))

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation) for d in divs] == [(K.PERSON_CONFLICT, "om")]
    assert "123456782" not in repr(divs[0]) and divs[0].found == "bsn *******82"


def test_the_police_sent_the_case_six_weeks_ago_and_the_om_has_no_record(chain):
    records = [chain.records()[0]]  # only the police
    divs = chain.run(records, now=dt.datetime(2024, 2, 21))
    assert [(d.kind, d.organisation) for d in divs] == [(K.HANDOVER_MISSING, "om")]
    d = divs[0]
    assert (d.expected, d.found) == ("registratie binnen 14 dagen", "geen registratie na 42 dagen")
    assert d.subject == "handover:pv:PL07B3 2023123456:politie->om"
    assert "ontvanger" in d.why


def test_within_the_agreed_term_a_missing_receiver_is_no_divergence(chain):
    records = [chain.records()[0]]
    assert chain.run(records, now=dt.datetime(2024, 1, 20)) == []
    longer = ReconcileConfig.from_mapping({"terms": {"politie->om": 60}}, errors := [])
    assert errors == []
    assert chain.run(records, now=dt.datetime(2024, 2, 21), config=longer) == []


def test_the_om_dropped_the_case_while_the_court_has_a_hearing_set(chain):
    def change(r: dict[str, Record]) -> None:
        om = r["om"]
        r["om"] = attrs.evolve(
            om,
            events=(
                *om.events,
                chain.Event(chain.EventKind.STATUS, dt.date(2024, 2, 10), "om", status="Geseponeerd"),
            ),
        )

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation) for d in divs] == [(K.STATUS_CONFLICT, "om")]
    assert "zitting bij rechtspraak" in (divs[0].found or "")
    assert divs[0].severity.value == "critical"


def test_the_om_registered_the_aangifte_twice(chain):
    def change(r: dict[str, Record]) -> None:
        om = r["om"]
        r["om"] = attrs.evolve(
            om, documents=(*om.documents, chain.doc("om", "digital", chain.PV1, key="PL07B3 2023123456 - 1"))
        )

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation, d.found) for d in divs] == [(K.DUPLICATE_DOCUMENT, "om", "2 keer")]


def test_the_court_registry_added_the_verhoor_twice_to_the_paper_file(chain):
    inv = chain.InventoryEntry
    add, rem = chain.InventoryAction.ADDED, chain.InventoryAction.REMOVED
    t = dt.datetime(2024, 2, 15, 12)

    def change(r: dict[str, Record]) -> None:
        r["inventaris"] = chain.record(
            "rechtspraak",
            "paper",
            name="inventaris",
            inventory=(
                inv(add, t, chain.PV1),
                inv(add, t, chain.PV2),
                inv(add, t + dt.timedelta(days=1), chain.PV2),
                inv(add, t, "DAG-1"),
                inv(rem, t + dt.timedelta(days=2), "DAG-1"),
                inv(add, t + dt.timedelta(days=3), "DAG-1"),
                inv(add, t, "RA-1"),
            ),
        )

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation, d.found) for d in divs] == [
        (K.DUPLICATE_DOCUMENT, "rechtspraak", "2 keer")
    ]
    assert divs[0].subject == f"document:pv:{chain.PV2}"


def test_an_inventory_without_scans_is_the_courts_paper_file(chain):
    inv, add = chain.InventoryEntry, chain.InventoryAction.ADDED
    t = dt.datetime(2024, 2, 15, 12)

    def change(r: dict[str, Record]) -> None:
        r["rechtspraak-paper"] = chain.record(
            "rechtspraak",
            "paper",
            inventory=(inv(add, t, chain.PV1, page_count=4), inv(add, t, "DAG-1"), inv(add, t, "RA-1")),
        )

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation, d.subject) for d in divs] == [
        (K.MISSING_PAPER, "rechtspraak", f"document:pv:{chain.PV2}")
    ]


def test_a_scan_without_usable_text_is_reported_to_the_scanning_organisation(chain):
    def change(r: dict[str, Record]) -> None:
        r["blank"] = chain.record(
            "rechtspraak", "paper", name="blank", identifiers=(), unreadable="geen tekstlaag"
        )

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation) for d in divs] == [(K.UNREADABLE_SCAN, "rechtspraak")]
    assert divs[0].subject == "scan:sha-blank"
    assert divs[0].found == "geen tekstlaag"


def test_a_scan_whose_pv_number_was_misread_is_paired_by_its_text(chain):
    def change(r: dict[str, Record]) -> None:
        scan = chain.doc("rechtspraak", "paper", chain.PV2, key="SCAN-0007", page_count=2, page_labels=())
        r["rechtspraak-paper"] = chain.replace_docs(r["rechtspraak-paper"], chain.PV2, scan)

    divs = chain.run(chain.records(change))
    # Paired with the verhoor by its text, so the court's file is not missing it: only two pages are.
    assert [(d.kind, d.organisation, d.subject) for d in divs] == [
        (K.PAGE_COUNT_MISMATCH, "rechtspraak", f"document:pv:{chain.PV2}")
    ]


def test_a_scan_with_an_ocr_misread_pv_number_joins_its_document(chain):
    def change(r: dict[str, Record]) -> None:
        scan = chain.doc("rechtspraak", "paper", chain.PV2, key="PL07B3 2O23123456-2")
        r["rechtspraak-paper"] = chain.replace_docs(r["rechtspraak-paper"], chain.PV2, scan)

    assert chain.run(chain.records(change)) == []


def _shuffled_views(records: list[Record], n: int) -> list[DossierView]:
    rng = random.Random(5)
    out = []
    for _ in range(n):
        recs = records[:]
        rng.shuffle(recs)
        recs = [attrs.evolve(r, documents=tuple(rng.sample(r.documents, len(r.documents)))) for r in recs]
        out.append(DossierView(7, tuple(sorted({i for r in recs for i in r.identifiers})), tuple(recs)))
    return out


def test_ids_do_not_depend_on_the_order_records_arrive_in(chain):
    def change(r: dict[str, Record]) -> None:
        r["rechtspraak-paper"] = chain.replace_docs(r["rechtspraak-paper"], chain.PV2, None)
        r["om"] = chain.replace_docs(
            r["om"], chain.PV1, chain.doc("om", "digital", chain.PV1, date=dt.date(2024, 1, 6))
        )
        r["rechtspraak"] = attrs.evolve(
            r["rechtspraak"], persons=(chain.suspect(geboortedatum=dt.date(1990, 4, 3), skn=None),)
        )
        r["blank"] = chain.record("om", "paper", name="blank", identifiers=(), unreadable="leeg")

    records = chain.records(change)
    results = [
        [
            (d.id, d.kind, d.organisation, d.subject, d.expected, d.found, d.message)
            for d in reconcile_dossier(v, ReconcileConfig(), chain.NOW)
        ]
        for v in _shuffled_views(records, 12)
    ]
    assert len(results[0]) >= 4
    assert all(r == results[0] for r in results)


def test_the_same_problem_keeps_its_id_after_a_re_ingest_and_in_another_dossier_number(chain):
    def change(r: dict[str, Record]) -> None:
        r["rechtspraak-paper"] = chain.replace_docs(r["rechtspraak-paper"], chain.PV2, None)

    records = chain.records(change)
    first = reconcile_dossier(
        DossierView(1, chain.view(records).identifiers, records), ReconcileConfig(), chain.NOW
    )
    # Re-ingested from a new path: the same file contents, another dossier row after a rebuild.
    moved = [
        attrs.evolve(r, provenance=attrs.evolve(r.provenance, path="/archive" + r.provenance.path))
        for r in records
    ]
    again = reconcile_dossier(
        DossierView(99, chain.view(moved).identifiers, moved),
        ReconcileConfig(),
        chain.NOW + dt.timedelta(days=3),
    )
    assert [d.id for d in first] == [d.id for d in again]
    assert first[0].id.startswith("MP-") and len(first[0].id) == 3 + 16


def test_every_kind_has_a_rule_and_a_severity():
    from dossierlink.reconcile import RULES

    assert {r.__name__ for r in RULES} == {k.value for k in DivergenceKind}
    cfg = ReconcileConfig()
    assert all(cfg.severity(k) for k in DivergenceKind)


def test_the_court_has_the_suspect_born_a_month_later_and_no_skn(chain):
    def change(r: dict[str, Record]) -> None:
        for key in ("om", "rechtspraak", "reclassering"):
            r[key] = attrs.evolve(r[key], persons=(chain.suspect(skn=None),))
        r["rechtspraak"] = attrs.evolve(
            r["rechtspraak"], persons=(chain.suspect(geboortedatum=dt.date(1991, 5, 17), skn=None),)
        )

    divs = chain.run(chain.records(change))
    assert [(d.kind, d.organisation, d.found) for d in divs] == [
        (K.PERSON_CONFLICT, "rechtspraak", "geboortedatum 1991-05-17")
    ]
    assert any("enige verdachte" in e for e in divs[0].details["match_evidence"])


def test_father_and_son_suspects_in_one_case_are_not_a_person_conflict(chain):
    son = chain.suspect(geboortedatum=dt.date(2012, 5, 6), skn=None)
    father = chain.suspect(geboortedatum=dt.date(1970, 1, 2), skn=None)

    def change(r: dict[str, Record]) -> None:
        for key in ("politie", "om", "rechtspraak"):
            r[key] = attrs.evolve(r[key], persons=(father, son))
        r["reclassering"] = attrs.evolve(r["reclassering"], persons=(son,))

    assert chain.run(chain.records(change)) == []


def test_a_later_registration_at_the_court_does_not_make_the_oms_print_stale(chain):
    def change(r: dict[str, Record]) -> None:
        registered = chain.doc("rechtspraak", "digital", chain.PV1, modified=dt.datetime(2024, 2, 25, 9))
        r["rechtspraak"] = chain.replace_docs(r["rechtspraak"], chain.PV1, registered)

    assert chain.run(chain.records(change)) == []


def test_a_scan_missing_a_page_is_not_also_called_another_version(chain):
    def change(r: dict[str, Record]) -> None:
        half = chain.fp(chain_text_first_half())
        scan = chain.doc(
            "om", "paper", chain.PV1, page_labels=((1, 4), (2, 4), (4, 4)), page_count=3, fingerprint=half
        )
        r["om-paper"] = chain.replace_docs(r["om-paper"], chain.PV1, scan)

    kinds_found = sorted({d.kind for d in chain.run(chain.records(change))})
    assert kinds_found == [K.PAGE_COUNT_MISMATCH, K.PAGES_MISSING]


def chain_text_first_half() -> str:
    return "Op 5 januari 2024 verscheen voor mij de aangever die verklaarde dat zijn fiets uit de stalling"
