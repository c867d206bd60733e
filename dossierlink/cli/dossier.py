"""``dossierlink dossier ID``: one case across the chain, by any of its identifiers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from dossierlink.cli.output import BadInput, emit_json, json_option
from dossierlink.identifiers import mask_bsn
from dossierlink.privacy import mask_bsns
from dossierlink.report.matrix import dossier_matrix
from dossierlink.schema import reference_problems, reference_summary

__all__ = ["commands"]


@click.command("dossier")
@click.argument("identifier")
@json_option("The case as one JSON object (records and divergences).")
@click.option("--reveal", is_flag=True, help="Show BSNs and birth dates (logged as a disclosure).")
@click.pass_context
def dossier_cmd(ctx: click.Context, identifier: str, as_json: bool, reveal: bool) -> None:
    """Show one case: organisations, documents per medium, persons, timeline and divergences."""
    chain = ctx.obj["chain"](create=False)
    detail = chain.dossier(identifier)
    if detail is None:
        raise BadInput(f"No dossier has the identifier {identifier!r}; see `dossierlink divergences`.")
    if reveal:
        chain.log_disclosure(
            what=f"dossier {identifier}", level="dossier", fmt="json" if as_json else "text", revealed=True
        )
    if as_json:
        emit_json(detail.to_dict(reveal=reveal))
        return
    echo = click.echo
    ids = ", ".join(f"{i.kind.value} {i.value}" for i in detail.identifiers)
    echo(click.style(f"Dossier {detail.dossier_id}", bold=True) + f"  {ids}")
    if detail.merged_from:
        echo(f"  samengevoegd uit dossier {', '.join(map(str, detail.merged_from))}")
    orgs = sorted({r.organisation for r in detail.records})
    echo(f"Organisaties: {', '.join(orgs)}")
    echo("")
    echo(click.style("Documenten", bold=True) + "  (d = digitaal, p = papier; pagina's)")
    matrix = dossier_matrix(detail.records)
    columns = [
        (o, m) for o in orgs for m in ("digital", "paper") if any((o, m) in row["cells"] for row in matrix)
    ]
    header = f"  {'document':<24} {'soort':<30}" + "".join(
        f" {o[:11] + ('/d' if m == 'digital' else '/p'):>14}" for o, m in columns
    )
    echo(header)
    for row in matrix:
        cells = "".join(f" {_cell(row['cells'].get((o, m))):>14}" for o, m in columns)
        echo(f"  {row['key'][:24]:<24} {row['type'][:30]:<30}{cells}")
    persons = [(r.organisation, p) for r in detail.records for p in r.persons]
    if persons:
        echo("")
        echo(click.style("Personen", bold=True))
        for org, p in persons:
            bsn = (p.bsn if reveal else mask_bsn(p.bsn)) if p.bsn else "-"
            born = (
                str(p.geboortedatum)
                if reveal and p.geboortedatum
                else ("****-**-**" if p.geboortedatum else "-")
            )
            echo(
                f"  {org:<13} {p.role.value:<12} {p.display_name:<32} geb. {born:<10}  BSN {bsn}  SKN {p.skn or '-'}"
            )
    events = sorted(
        ((e.date, r.organisation, e) for r in detail.records for e in r.events), key=lambda t: (t[0], t[1])
    )
    if events:
        echo("")
        echo(click.style("Tijdlijn", bold=True))
        for date, org, e in events:
            hand = f" {e.sender} → {e.receiver}" if e.sender and e.receiver else ""
            status = f" [{e.status}]" if e.status else ""
            echo(f"  {date}  {org:<13} {e.kind.value}{hand}{status}")
    warned = [(r.organisation, r.provenance.path, r.warnings) for r in detail.records if r.warnings]
    if warned:
        # What an adapter could not read is a gap in what was compared: never silent.
        echo("")
        echo(click.style("Waarschuwingen", bold=True))
        for line in reference_summary(reference_problems(w for _, _, ws in warned for w in ws)):
            echo(f"  {line}")
        for org, path, warnings in warned:
            for w in warnings:
                line = f"  {org:<13} {Path(path).name}: {w}"
                echo(mask_bsns("".join(ch if ch.isprintable() else " " for ch in line)))
    echo("")
    open_divs = [d for d in detail.divergences if d.status.value != "resolved"]
    echo(click.style(f"Afwijkingen ({len(open_divs)} open)", bold=True))
    for d in sorted(open_divs, key=lambda d: (-d.severity.rank, d.kind.value)):
        echo(f"  {d.severity.value:<8} {d.kind.value:<20} actie: {d.organisation:<12} {d.message}")


def _cell(doc: Any) -> str:
    if doc is None:
        return "·"
    pages = f"{doc['pages']}p" if doc.get("pages") is not None else "?p"
    return f"{pages}" + ("*" if doc.get("count", 1) > 1 else "")


commands = [dossier_cmd]
