"""Each divergence becomes one concrete action, in the organisation's words, in Dutch or English."""

from __future__ import annotations

import attrs
import pytest

from dossierlink.report import ReportInput, render
from dossierlink.report.actions import action, parse_subject
from dossierlink.schema import Divergence, DivergenceKind

SUBJECTS = {
    DivergenceKind.MISSING_DIGITAL: "document:pv:PL07B3 2023123456-1",
    DivergenceKind.MISSING_PAPER: "document:PL07B3 2023123456-2",
    DivergenceKind.PAGE_COUNT_MISMATCH: "document:pv:PL07B3 2023123456-1",
    DivergenceKind.PAGES_MISSING: "document:pv:PL07B3 2023123456-1",
    DivergenceKind.CONTENT_MISMATCH: "document:VONNIS-2024-17",
    DivergenceKind.STALE_PAPER: "document:pv:PL07B3 2023123456-1",
    DivergenceKind.METADATA_CONFLICT: "document:pv:PL07B3 2023123456-1",
    DivergenceKind.IDENTIFIER_CONFLICT: "identifier:pv:PL07B3 2023123456",
    DivergenceKind.PERSON_CONFLICT: "person:10/600040-08:verdachte:jansen,j",
    DivergenceKind.HANDOVER_MISSING: "handover:10/600040-08:politie->om",
    DivergenceKind.STATUS_CONFLICT: "status:10/600040-08:om:sepot",
    DivergenceKind.DUPLICATE_DOCUMENT: "document:nr:DOC 17",
    DivergenceKind.UNREADABLE_SCAN: "scan:9f2c4e1d0a7b:nr:DOC 17",
}


def _div(kind: DivergenceKind, subject: str, org: str = "om") -> Divergence:
    return Divergence(
        id="x",
        kind=kind,
        severity="high",
        organisation=org,
        organisations=("politie", "om"),
        identifiers=(),
        subject=subject,
        expected="a",
        found="b",
        message="THE MESSAGE",
        dossier_id=1,
        details={
            "page_count": 4,
            "type": "vonnis",
            "missing_pages": [2],
            "field": "date",
            "sent": "2025-01-20",
        },
    )


@pytest.mark.parametrize("kind", list(DivergenceKind))
def test_every_kind_of_divergence_becomes_an_action_in_both_languages(kind: DivergenceKind) -> None:
    div = _div(kind, SUBJECTS[kind])
    nl = action(div, dossier="10/600040-08", lang="nl")
    en = action(div, dossier="10/600040-08", lang="en")
    assert nl != "THE MESSAGE" and en != "THE MESSAGE" and nl != en
    if kind is not DivergenceKind.UNREADABLE_SCAN:
        assert "10/600040-08" in nl and "10/600040-08" in en


def test_the_courts_paper_file_lacks_the_second_pv(report_input: ReportInput) -> None:
    text = render(report_input, level="operational", fmt="text")
    section = text.split("Rechtspraak (rechtspraak)")[1]
    assert "Voeg PV PL07B3 2023123456-2 (4 pagina's) toe aan het papieren dossier 10/600040-08" in section


def test_the_om_registers_the_intake_the_police_sent_and_the_police_resends_it() -> None:
    receiver = action(
        _div(DivergenceKind.HANDOVER_MISSING, "handover:10/1:politie->om", "om"), dossier="10/1", lang="nl"
    )
    sender = action(
        _div(DivergenceKind.HANDOVER_MISSING, "handover:politie->om", "politie"), dossier="10/1", lang="nl"
    )
    assert receiver.startswith("Registreer de instroom van dossier 10/1") and "2025-01-20" in receiver
    assert sender.startswith("Verstuur dossier 10/1 opnieuw naar om")


@pytest.mark.parametrize("subject", ["iets-onbekends", "document:", "handover:politie", "person:", ""])
def test_an_unknown_subject_falls_back_to_the_divergences_message(subject: str) -> None:
    kind = DivergenceKind.HANDOVER_MISSING if subject.startswith("handover") else DivergenceKind.MISSING_PAPER
    if subject.startswith("person"):
        kind = DivergenceKind.PERSON_CONFLICT
    assert action(_div(kind, subject), dossier="10/1") == "THE MESSAGE"


def test_subjects_are_taken_apart() -> None:
    assert parse_subject("document:pv:PL07B3 2023123456-2").key == "PL07B3 2023123456-2"
    assert parse_subject("document:PL07B3 2023123456-2").key_kind == "pv"
    assert parse_subject("document:nr:DOC 17") == parse_subject("document:DOC 17")
    assert parse_subject("document:nr:DOC 17").key_kind is None
    assert parse_subject("handover:politie->om").receiver == "om"
    assert parse_subject("handover:dossier:12:politie->om").sender == "politie"
    assert parse_subject("person:10/600040-08:verdachte:skn:123456#2").role == "verdachte"
    assert parse_subject("person:dossier:7:getuige:jansen,j").role == "getuige"
    assert parse_subject("status:10/600040-08:om:sepot").state == "sepot"
    assert parse_subject("scan:9f2c").key is None and parse_subject("scan:9f2c#p3").key is None
    assert parse_subject("scan:9f2c:nr:DOC 17").key == "DOC 17"
    assert parse_subject("nonsense").kind == "other"


def test_the_real_reconciliation_details_make_concrete_actions() -> None:
    pc = _div(DivergenceKind.PAGE_COUNT_MISMATCH, "document:pv:PL07B3 2023123456-1", "rechtspraak")
    pc = attrs.evolve(
        pc,
        details={
            "paper_pages": 4,
            "digital_pages": 6,
            "paper_organisation": "rechtspraak",
            "digital_organisation": "om",
        },
    )
    assert action(pc, dossier="10/1") == (
        "Vul PV PL07B3 2023123456-1 in het papieren dossier 10/1 aan: op papier 4, digitaal 6 pagina's"
    )
    md = attrs.evolve(
        _div(DivergenceKind.METADATA_CONFLICT, "document:nr:DOC 17", "om"),
        expected="datum 2025-01-02; titel A",
        found="datum 2025-01-03; titel B",
        details={"fields": {"datum": {}, "titel": {}}, "reference_organisation": "politie"},
    )
    assert action(md, dossier="10/1", lang="en", names=lambda o: o.upper()).startswith(
        "Correct the date and the title of document DOC 17 in dossier 10/1 to match POLITIE"
    )
    sc = attrs.evolve(
        _div(DivergenceKind.STATUS_CONFLICT, "status:10/1:om:sepot", "om"),
        details={
            "contradicting": [{"organisation": "rechtspraak", "state": "zitting", "date": "2025-03-01"}]
        },
    )
    assert action(sc, dossier="10/1").startswith(
        "Informeer rechtspraak dat u dossier 10/1 hebt afgesloten (sepot)"
    )
    us = attrs.evolve(
        _div(DivergenceKind.UNREADABLE_SCAN, "scan:9f2c", "rechtspraak"), details={"path": "/in/scan-7.pdf"}
    )
    assert action(us, dossier=None) == (
        "Scan scan-7.pdf opnieuw in met leesbare tekst of koppel de scan handmatig aan het juiste dossier"
    )
