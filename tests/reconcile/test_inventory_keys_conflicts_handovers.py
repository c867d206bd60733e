"""Chain semantics pinned from independently made chains: inventory keys, who fixes a wrong number, dagvaarding terms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dossierlink.ingest.adapter import Hints, get_adapter
from dossierlink.schema import DivergenceKind, Record

K = DivergenceKind
HEADER = "datum/tijd;actie;documentnummer;soort;titel;pagina's\n"


def _om_inventory(chain, tmp: Path, lines: list[str]) -> Record:
    """The OM's paper file as its registry's inhoudsopgave says, read by the inventory adapter."""
    csv = tmp / "inhoudsopgave.csv"
    csv.write_text(
        f"Parketnummer: {chain.PARKET}\nOrganisatie: om\n" + HEADER + "".join(f"{x}\n" for x in lines)
    )
    (rec,) = get_adapter("inventory").extract(csv, Hints(sha256="sha-inv"))
    return rec


PAPER_OM = [
    "2024-01-15 10:00;toegevoegd;PL07B3 2023123456-1;proces-verbaal van aangifte;Aangifte;4",
    "2024-01-15 10:01;toegevoegd;PL07B3 2023123456-2;proces-verbaal van verhoor;Verhoor;3",
    "2024-02-02 09:00;toegevoegd;DAG-1;dagvaarding;Dagvaarding;2",
]


def test_a_stuk_taken_out_under_another_spelling_is_missing_from_the_om_paper_file(chain, tmp_path):
    rec = _om_inventory(
        chain,
        tmp_path,
        [
            *PAPER_OM,
            "2024-01-20 11:00;toegevoegd;ra-1;reclasseringsadvies;Advies;5",
            "2024-02-10 15:00;verwijderd;RA-1;reclasseringsadvies;Advies;5",
        ],
    )

    def change(r: dict[str, Record]) -> None:
        r["om-paper"] = rec

    divs = chain.run(chain.records(change))
    missing = [(d.organisation, d.subject) for d in divs if d.kind is K.MISSING_PAPER]
    assert ("om", "document:nr:RA-1") in missing


def test_a_stuk_refiled_under_another_spelling_counts_once(chain, tmp_path):
    rec = _om_inventory(
        chain,
        tmp_path,
        [
            *PAPER_OM,
            "2024-01-20 11:00;toegevoegd;ra-1;reclasseringsadvies;Advies;5",
            "2024-02-10 15:00;verwijderd;RA-1;reclasseringsadvies;Advies;5",
            "2024-02-10 15:05;toegevoegd;Ra-1;reclasseringsadvies;Advies;5",
        ],
    )
    assert not [w for w in rec.warnings if "never added" in w]

    def change(r: dict[str, Record]) -> None:
        r["om-paper"] = rec

    divs = chain.run(chain.records(change))
    assert not [
        d for d in divs if d.kind in (K.DUPLICATE_DOCUMENT, K.MISSING_PAPER) and d.organisation == "om"
    ]


def test_the_inventory_replays_with_the_keys_reconcile_compares() -> None:
    from dossierlink.adapters.inventory import compare_key

    from dossierlink.reconcile.keys import normalise_document_key

    for raw in (
        "om-dgv-1",
        "OM-DGV-1",
        " Om-dgv-1 ",
        "doc  1",
        "PL07B3 2023123456-1",
        "pl07b3 2023123456-1",
        "PLO7B3 2O23123456-2",
        "PL07B3 2023123456",
        "X",
        "ECLI:NL:RBROT:2024:1",
    ):
        assert compare_key(raw) == normalise_document_key(raw)[0][3:], raw


def test_the_court_corrects_a_mistyped_parketnummer_even_when_its_paper_file_has_the_right_one(chain):
    """The court's ZGW export has a typo in the parketnummer next to the PV number; its paper
    file is filed under the OM's number. The court holds a registration under the wrong number."""
    import attrs

    from dossierlink.schema import Identifier

    typo = "10/600041-23"

    def change(r: dict[str, Record]) -> None:
        court = r["rechtspraak"]
        r["rechtspraak"] = attrs.evolve(
            court, identifiers=(Identifier.parse("pv", chain.PV1), Identifier.parse("parketnummer", typo))
        )

    divs = [d for d in chain.run(chain.records(change)) if d.kind is K.IDENTIFIER_CONFLICT]
    assert [(d.organisation, d.expected, d.found) for d in divs] == [
        ("rechtspraak", f"parketnummer {chain.PARKET}", f"parketnummer {typo}")
    ]


def test_a_dagvaarding_the_court_never_registered_is_a_missing_handover(chain):
    """The OM recorded a dagvaarding to the court (om.md: om → rechtspraak); years later the court
    has no registration of the case at all."""

    import attrs

    def change(r: dict[str, Record]) -> None:
        del r["rechtspraak"], r["rechtspraak-paper"]
        om = r["om"]  # as the om adapter records a dagvaarding: sender om, receiver rechtspraak
        events = tuple(
            attrs.evolve(e, sender="om", receiver="rechtspraak")
            if e.kind is chain.EventKind.DAGVAARDING
            else e
            for e in om.events
        )
        r["om"] = attrs.evolve(om, events=events)

    recs = chain.records(change)
    later = dt.datetime(2026, 3, 1, 9, 0)
    missing = [d for d in chain.run(recs, now=later) if d.kind is K.HANDOVER_MISSING]
    assert [(d.organisation, d.subject, d.details["term_days"]) for d in missing] == [
        ("rechtspraak", f"handover:parketnummer:{chain.PARKET}:om->rechtspraak", 28)
    ]
    assert "dagvaarding" in missing[0].message
    # Within the term it is not yet missing; a configured term and event list are honoured.
    from dossierlink.reconcile import ReconcileConfig

    soon = dt.datetime(2024, 2, 20, 9, 0)
    assert not [d for d in chain.run(recs, now=soon) if d.kind is K.HANDOVER_MISSING]
    only_inzending = ReconcileConfig(handover_events=(chain.EventKind.INZENDING,))
    assert not [d for d in chain.run(recs, now=later, config=only_inzending) if d.kind is K.HANDOVER_MISSING]


def test_handover_events_are_read_from_the_reconcile_table() -> None:
    from dossierlink.reconcile import ReconcileConfig
    from dossierlink.schema import EventKind

    errors: list[str] = []
    cfg = ReconcileConfig.from_mapping({"handover_events": ["inzending", "Dagvaarding"]}, errors)
    assert cfg.handover_events == (EventKind.INZENDING, EventKind.DAGVAARDING) and not errors
    ReconcileConfig.from_mapping({"handover_events": ["inzending", "brief"]}, errors)
    assert errors == ["reconcile.handover_events: 'brief' is not an event kind."]
