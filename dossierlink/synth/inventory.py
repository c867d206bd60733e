"""The paper dossier's inhoudsopgave as CSV for the synthetic chain (format: docs/formats/inventory.md)."""

from __future__ import annotations

from collections.abc import Iterable

from dossierlink.synth.model import Case, Holding

__all__ = ["inventory_csv"]

_HEADER = "parketnummer;organisatie;actie;tijdstip;documentnummer;soort;titel;paginas"


def inventory_csv(organisation: str, items: Iterable[tuple[Case, Holding]]) -> str:
    """One line per document added to the paper file, in the order it was added."""
    # The preamble names whose paper dossier this is (the adapter also reads it from the folder).
    lines = [f"Organisatie: {organisation}", _HEADER]
    for case, hold in items:
        for doc in hold.paper or ():
            made = doc.made
            assert made is not None
            lines.append(
                ";".join(
                    (
                        hold.parketnummer or case.pv_registration,
                        organisation,
                        "toegevoegd",
                        f"{made.day:02d}-{made.month:02d}-{made.year} {made.hour:02d}:{made.minute:02d}",
                        doc.pv or doc.key,
                        doc.type,
                        doc.title,
                        str(doc.pages),
                    )
                )
            )
    return "\r\n".join(lines) + "\r\n"
