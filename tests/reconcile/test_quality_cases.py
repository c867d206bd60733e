"""Chain cases found by the detection-quality benchmark (issue 5): each failed before its rule fix."""

from __future__ import annotations

import datetime as dt

import attrs

from dossierlink.schema import Divergence, DivergenceKind, Document, DocumentType, Provenance, Record

K = DivergenceKind
ECLI = "ECLI:NL:RBROT:2024:1234"
VONNIS_DAY = dt.date(2024, 2, 20)


def vonnis(org: str, medium: str, modified: dt.datetime) -> Document:
    return Document(
        organisation=org,
        medium=medium,
        key=ECLI,
        type=DocumentType.VONNIS,
        title="Uitspraak Rechtbank Rotterdam",
        date=VONNIS_DAY,
        page_count=6 if medium == "digital" else None,
        modified=modified,
    )


def with_vonnis(
    chain, *, published: dt.datetime, corrected: dt.datetime, om_print: dt.datetime
) -> list[Record]:
    """The consistent chain after a judgment: the court registers it in its case system (ZGW),
    publishes it as open data, and the OM files a print of it in its paper dossier."""

    def change(r: dict[str, Record]) -> None:
        court = r["rechtspraak"]
        r["rechtspraak"] = attrs.evolve(
            court,
            provenance=Provenance("/inbox/zaken-zgw.json", "sha-zgw", "zgw"),
            documents=(*court.documents, vonnis("rechtspraak", "digital", corrected)),
        )
        r["publicatie"] = chain.record(
            "rechtspraak",
            "digital",
            name="open-data",
            identifiers=(*chain.ids(), chain.Identifier.parse("ecli", ECLI)),
            documents=(vonnis("rechtspraak", "digital", published),),
        )
        r["om"] = attrs.evolve(r["om"], documents=(*r["om"].documents, vonnis("om", "digital", corrected)))
        r["om-paper"] = attrs.evolve(
            r["om-paper"], documents=(*r["om-paper"].documents, vonnis("om", "paper", om_print))
        )

    return chain.records(change)


def stale(divs: list[Divergence]) -> list[Divergence]:
    return [d for d in divs if d.kind is K.STALE_PAPER]


def test_the_oms_print_of_a_vonnis_the_court_corrected_later_is_stale_whatever_the_publication_says(chain):
    # Published at 09:00 on the day of the judgment, printed by the OM that afternoon, corrected
    # by the court a week later: the publication's date is no version of the case file.
    records = with_vonnis(
        chain,
        published=dt.datetime(2024, 2, 20, 9),
        om_print=dt.datetime(2024, 2, 20, 15),
        corrected=dt.datetime(2024, 2, 27, 11),
    )
    found = stale(chain.run(records, now=dt.datetime(2024, 3, 10, 9)))
    assert [(d.organisation, d.subject) for d in found] == [("om", f"document:nr:{ECLI}")]
    assert found[0].details["digital_modified"] == "2024-02-27T11:00:00"


def test_a_vonnis_printed_after_the_courts_last_change_is_not_stale_though_published_later(chain):
    records = with_vonnis(
        chain,
        published=dt.datetime(2024, 3, 5, 9),  # the publication changed after the print: no new version
        om_print=dt.datetime(2024, 2, 28, 15),
        corrected=dt.datetime(2024, 2, 27, 11),
    )
    assert stale(chain.run(records, now=dt.datetime(2024, 3, 10, 9))) == []


def titled(chain, om_title: str) -> list[Record]:
    def change(r: dict[str, Record]) -> None:
        r["politie"] = chain.replace_docs(
            r["politie"],
            chain.PV1,
            chain.doc("politie", "digital", chain.PV1, title="Aangifte mishandeling Alkmaar"),
        )
        r["om"] = chain.replace_docs(
            r["om"], chain.PV1, chain.doc("om", "digital", chain.PV1, title=om_title)
        )

    return chain.records(change)


def test_the_om_registered_the_aangifte_as_zware_mishandeling_another_offence_than_the_police(chain):
    # Found at 100k: "Aangifte mishandeling Alkmaar" against "Proces-verbaal zware mishandeling
    # Alkmaar" shares half its words, which the word overlap alone lets pass.
    divs = [
        d
        for d in chain.run(titled(chain, "Proces-verbaal zware mishandeling Alkmaar"))
        if d.kind is K.METADATA_CONFLICT
    ]
    assert [(d.organisation, d.expected, d.found) for d in divs] == [
        ("om", "titel Aangifte mishandeling Alkmaar", "titel Proces-verbaal zware mishandeling Alkmaar")
    ]


def test_a_longer_title_for_the_same_offence_is_no_conflict(chain):
    divs = chain.run(titled(chain, "Proces-verbaal van aangifte mishandeling te Alkmaar"))
    assert [d for d in divs if d.kind is K.METADATA_CONFLICT] == []
