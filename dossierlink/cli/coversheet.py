"""``dossierlink coversheet IDENTIFIER... -o FILE.pdf``: scheidingsbladen with a barcode, one per case."""

from __future__ import annotations

import click

from dossierlink.cli.output import BadInput, CannotRun, emit_json, json_option

__all__ = ["commands"]


@click.command("coversheet")
@click.argument("identifiers", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The PDF to write.")
@click.option(
    "--document", "document", default=None, help="One stuk's key (PV number, kenmerk): a sheet per stuk."
)
@click.option("--no-parties", is_flag=True, help="Do not print the parties' names from the store.")
@json_option()
@click.pass_context
def coversheet_cmd(
    ctx: click.Context,
    identifiers: tuple[str, ...],
    output: str,
    document: str | None,
    no_parties: bool,
    as_json: bool,
) -> None:
    """Print an A4 cover sheet per case identifier (parketnummer, PV number, ECLI, extern:ORG:NR).

    Put each sheet on top of its case's paper and scan the pile as one batch: the scan adapter
    reads the sheet's DL: barcode, splits the batch there and files the pages under that case.
    """
    from dossierlink.paper.coversheet import CoverSheetError

    chain = ctx.obj["chain"](create=True)
    try:
        path = chain.coversheet(list(identifiers), output, document=document, parties=not no_parties)
    except CoverSheetError as exc:
        raise BadInput(str(exc)) from None
    except ImportError:
        raise CannotRun("printing barcodes needs zxing-cpp: pip install 'dossierlink[barcodes]'") from None
    if as_json:
        emit_json({"sheets": len(identifiers), "identifiers": list(identifiers), "path": str(path)})
        return
    click.echo(f"{len(identifiers)} cover sheet{'' if len(identifiers) == 1 else 's'} written to {path}")


commands = [coversheet_cmd]
