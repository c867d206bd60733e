"""Who is expected to hold what: case files versus publications, complete paper files, closures."""

from __future__ import annotations

import datetime as dt

import attrs

from dossierlink.reconcile import ReconcileConfig
from dossierlink.schema import Divergence, DivergenceKind, Provenance, Record

K = DivergenceKind


def kinds_at(divs: list[Divergence]) -> set[tuple[DivergenceKind, str]]:
    return {(d.kind, d.organisation) for d in divs}


def _single_scans(chain, org: str, keys: tuple[str, ...]) -> list[Record]:
    """One scan file per stuk (no voorblad): shows what is in the paper file, not what is missing."""
    return [
        chain.record(org, "paper", name=f"{org}-scan-{i}", documents=(chain.doc(org, "paper", k),))
        for i, k in enumerate(keys)
    ]


def test_the_courts_paper_scans_ask_nothing_digital_when_the_court_exports_no_case_file(chain):
    def change(r: dict[str, Record]) -> None:
        del r["rechtspraak"]  # the court's case system is not connected: only its paper scans

    divs = chain.run(chain.records(change))
    assert K.MISSING_DIGITAL not in {d.kind for d in divs}


def test_a_published_judgment_is_not_the_courts_case_file_but_is_the_digital_original(chain):
    vonnis = chain.doc(
        "rechtspraak",
        "digital",
        "DAG-1",
        key="ECLI:NL:RBROT:2024:1",
        type="vonnis",
        date=dt.date(2024, 2, 20),
    )

    def change(r: dict[str, Record]) -> None:
        del r["rechtspraak"]
        r["open-data"] = chain.record(
            "rechtspraak",
            "digital",
            name="open-data",
            provenance=Provenance("/inbox/ECLI.xml", "sha-open", "rechtspraak"),
            documents=(vonnis,),
        )

    divs = chain.run(chain.records(change))
    # The court is not asked to register the police PVs it holds on paper; the OM, whose case
    # file is here, is asked for the judgment, which the court holds digitally.
    assert kinds_at(divs) == {(K.MISSING_DIGITAL, "om")}
    (d,) = divs
    assert d.subject == "document:nr:ECLI:NL:RBROT:2024:1"
    assert d.details["digital_at"] == ["rechtspraak"]
    # Counting publications as case files brings the old noise back: the court is asked for every PV.
    noisy = chain.run(chain.records(change), config=ReconcileConfig(publication_adapters=()))
    assert (K.MISSING_DIGITAL, "rechtspraak") in kinds_at(noisy)


def test_an_organisation_configured_to_keep_a_digital_case_file_is_held_to_it(chain):
    def change(r: dict[str, Record]) -> None:
        del r["rechtspraak"]
        r["zitting"] = chain.record(
            "rechtspraak",
            "digital",
            name="zitting",
            events=(chain.Event(chain.EventKind.ZITTING, dt.date(2024, 2, 20), "rechtspraak"),),
        )

    recs = chain.records(change)
    assert (K.MISSING_DIGITAL, "rechtspraak") not in kinds_at(chain.run(recs))
    divs = chain.run(recs, config=ReconcileConfig(digital_case_files=("rechtspraak",)))
    missing = {d.subject for d in divs if d.kind is K.MISSING_DIGITAL and d.organisation == "rechtspraak"}
    assert missing == {
        f"document:pv:{chain.PV1}",
        f"document:pv:{chain.PV2}",
        "document:nr:DAG-1",
        "document:nr:RA-1",
    }


def test_single_document_scans_do_not_say_what_is_missing_from_the_paper_file(chain):
    def change(r: dict[str, Record]) -> None:
        del r["rechtspraak-paper"]
        for rec in _single_scans(chain, "rechtspraak", (chain.PV1, "DAG-1")):
            r[rec.provenance.path] = rec

    divs = chain.run(chain.records(change))
    assert K.MISSING_PAPER not in {d.kind for d in divs}


def test_the_inventory_shows_the_court_file_lacks_the_reclasseringsadvies(chain):
    entries = tuple(
        chain.InventoryEntry(
            chain.InventoryAction.ADDED, dt.datetime(2024, 2, 15, 10, i), k, chain.DocumentType.OVERIG
        )
        for i, k in enumerate((chain.PV1, chain.PV2, "DAG-1"))
    )

    def change(r: dict[str, Record]) -> None:
        del r["rechtspraak-paper"]
        for rec in _single_scans(chain, "rechtspraak", (chain.PV1,)):
            r[rec.provenance.path] = rec
        r["inventory"] = chain.record("rechtspraak", "paper", name="inhoudsopgave", inventory=entries)

    divs = chain.run(chain.records(change))
    missing = [d for d in divs if d.kind is K.MISSING_PAPER]
    assert [(d.organisation, d.subject) for d in missing] == [("rechtspraak", "document:nr:RA-1")]
    assert missing[0].details["page_count"] == 5
    assert missing[0].details["type"] == "reclasseringsadvies"
    assert missing[0].details["paper_contents_from"] == "inhoudsopgave"


def test_a_batch_scan_made_before_the_vonnis_does_not_ask_for_it(chain):
    vonnis = {
        "key": "ECLI:NL:RBROT:2024:1",
        "type": "vonnis",
        "date": dt.date(2024, 2, 20),  # after the scan of 2024-02-15
        "modified": dt.datetime(2024, 2, 20, 16),
    }

    def change(r: dict[str, Record]) -> None:
        om = r["om"]
        r["om"] = attrs.evolve(om, documents=(*om.documents, chain.doc("om", "digital", "DAG-1", **vonnis)))

    divs = chain.run(chain.records(change))
    assert K.MISSING_PAPER not in {d.kind for d in divs}


def test_an_image_only_scan_is_reported_once(chain):
    def change(r: dict[str, Record]) -> None:
        paper = r["rechtspraak-paper"]
        docs = tuple(attrs.evolve(d, text_chars=0, fingerprint=None) for d in paper.documents)
        r["rechtspraak-paper"] = attrs.evolve(paper, documents=docs, unreadable="no text layer")

    divs = [d for d in chain.run(chain.records(change)) if d.kind is K.UNREADABLE_SCAN]
    assert len(divs) == 1
    assert divs[0].subject == "scan:sha-rechtspraak-paper"


def test_dji_ending_a_voorlopige_hechtenis_is_not_a_closure_of_the_case(chain):
    ev = chain.Event

    def change(r: dict[str, Record]) -> None:
        r["dji"] = chain.record(
            "dji",
            "digital",
            events=(
                ev(chain.EventKind.INSLUITING, dt.date(2024, 1, 6), "dji"),
                ev(chain.EventKind.STATUS, dt.date(2024, 1, 9), "dji", status="afgedaan"),
            ),
            persons=(chain.suspect(role=chain.Role.VEROORDEELDE),),
        )

    divs = chain.run(chain.records(change))
    assert K.STATUS_CONFLICT not in {d.kind for d in divs}
    # The DJI's veroordeelde is the police's verdachte: one person, no conflict.
    assert K.PERSON_CONFLICT not in {d.kind for d in divs}


def test_a_strafbeschikking_followed_by_a_hearing_conflicts_unless_verzet_was_made(chain):
    ev = chain.Event

    def settle(r: dict[str, Record]) -> None:
        om = r["om"]
        r["om"] = attrs.evolve(
            om,
            events=(
                ev(chain.EventKind.INSTROOM, dt.date(2024, 1, 12), "om"),
                ev(chain.EventKind.STRAFBESCHIKKING, dt.date(2024, 1, 25), "om"),
            ),
        )

    divs = chain.run(chain.records(settle))
    conflicts = [d for d in divs if d.kind is K.STATUS_CONFLICT]
    assert [(d.organisation, d.subject.rsplit(":", 1)[1]) for d in conflicts] == [("om", "strafbeschikking")]

    def contested(r: dict[str, Record]) -> None:
        settle(r)
        r["verzet"] = chain.record(
            "rechtspraak",
            "digital",
            name="verzet",
            events=(
                ev(chain.EventKind.STATUS, dt.date(2024, 2, 1), "rechtspraak", status="verzet ingesteld"),
            ),
        )

    assert K.STATUS_CONFLICT not in {d.kind for d in chain.run(chain.records(contested))}


def test_a_scan_that_lost_a_page_is_not_another_version(chain):
    def change(r: dict[str, Record]) -> None:
        paper = r["rechtspraak-paper"]
        full = chain.doc("rechtspraak", "paper", chain.PV1)
        short_text = chain.TEXTS[chain.PV1][: len(chain.TEXTS[chain.PV1]) * 3 // 5]
        lost = attrs.evolve(
            full,
            page_count=3,
            page_labels=((1, 4), (2, 4), (4, 4)),
            fingerprint=chain.fp(short_text),
            source_location=next(d.source_location for d in paper.documents if d.key == chain.PV1),
        )
        r["rechtspraak-paper"] = chain.replace_docs(paper, chain.PV1, lost)

    divs = chain.run(chain.records(change))
    assert kinds_at(divs) == {(K.PAGES_MISSING, "rechtspraak"), (K.PAGE_COUNT_MISMATCH, "rechtspraak")}


def test_a_police_bsn_that_fails_the_elfproef_is_corrected_by_the_police(chain):
    def change(r: dict[str, Record]) -> None:
        r["politie"] = attrs.evolve(r["politie"], persons=(chain.suspect(bsn="999000124"),))
        om = r["om"]
        r["om"] = attrs.evolve(om, persons=(chain.suspect(bsn="999000123"),))

    conflicts = [d for d in chain.run(chain.records(change)) if d.kind is K.PERSON_CONFLICT]
    assert [(d.organisation, d.details["reference_organisation"]) for d in conflicts] == [("politie", "om")]


def test_the_missing_digital_evidence_says_who_sent_the_stuk(chain):
    def change(r: dict[str, Record]) -> None:
        r["om"] = chain.replace_docs(r["om"], chain.PV2, None)

    (d,) = [d for d in chain.run(chain.records(change)) if d.kind is K.MISSING_DIGITAL]
    assert d.organisation == "om"
    assert d.details["trigger"] == {"event": "inzending", "date": "2024-01-10", "sender": "politie"}
    assert d.details["digital_at"] == ["politie", "rechtspraak"]
    assert d.details["page_count"] == 3
    assert d.details["type"] == "proces-verbaal van verhoor"


def test_the_work_list_says_the_police_sent_the_pv_the_om_lacks(chain):
    from dossierlink.report.actions import action

    def change(r: dict[str, Record]) -> None:
        r["om"] = chain.replace_docs(r["om"], chain.PV2, None)

    (d,) = [d for d in chain.run(chain.records(change)) if d.kind is K.MISSING_DIGITAL]
    names = {"politie": "Politie", "rechtspraak": "Rechtspraak"}.get
    nl = action(d, dossier=chain.PARKET, lang="nl", names=lambda c: names(c) or c)
    en = action(d, dossier=chain.PARKET, lang="en", names=lambda c: names(c) or c)
    assert nl == (
        f"Registreer PV {chain.PV2} (3 pagina's) digitaal in dossier {chain.PARKET}; "
        "Politie heeft het op 2024-01-10 verzonden (inzending)"
    )
    assert en.startswith(f"Register PV {chain.PV2}") and "Politie sent it on 2024-01-10" in en
    assert "papier" not in nl and "paper" not in en


def test_the_work_list_sends_the_om_to_the_court_for_a_judgment_it_lacks(chain):
    from dossierlink.report.actions import action

    def change(r: dict[str, Record]) -> None:
        court = r["rechtspraak"]
        vonnis = chain.doc("rechtspraak", "digital", "DAG-1", key="ECLI:NL:RBROT:2024:1", type="vonnis")
        r["rechtspraak"] = attrs.evolve(court, documents=(*court.documents, vonnis))

    divs = [d for d in chain.run(chain.records(change)) if d.kind is K.MISSING_DIGITAL]
    assert [(d.organisation, d.subject) for d in divs] == [("om", "document:nr:ECLI:NL:RBROT:2024:1")]
    text = action(divs[0], dossier=chain.PARKET, lang="nl", names=lambda c: c.capitalize())
    assert text == (
        f"Registreer vonnis ECLI:NL:RBROT:2024:1 (2 pagina's) digitaal in dossier {chain.PARKET}; "
        "vraag het op bij Rechtspraak, die het digitaal heeft"
    )
