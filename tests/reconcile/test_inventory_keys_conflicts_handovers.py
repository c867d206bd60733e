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
    csv.write_text(f"Parketnummer: {chain.PARKET}\nOrganisatie: om\n" + HEADER + "".join(f"{x}\n" for x in lines))
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
    assert not [d for d in divs if d.kind in (K.DUPLICATE_DOCUMENT, K.MISSING_PAPER) and d.organisation == "om"]


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
