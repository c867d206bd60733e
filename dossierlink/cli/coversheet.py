"""``dossierlink coversheet IDENTIFIER... -o FILE.pdf``: scheidingsbladen with a barcode, one per case."""

from __future__ import annotations

import click

__all__ = ["commands"]


@click.command("coversheet")
@click.argument("identifiers", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The PDF to write.")
@click.option(
    "--document", "document", default=None, help="One stuk's key (PV number, kenmerk): a sheet per stuk."
)
@click.option("--no-parties", is_flag=True, help="Do not print the parties' names from the store.")
@click.pass_context
def coversheet_cmd(
    ctx: click.Context, identifiers: tuple[str, ...], output: str, document: str | None, no_parties: bool
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
        raise click.UsageError(str(exc)) from None
    except ImportError:
        raise click.ClickException(
            "printing barcodes needs zxing-cpp: pip install 'dossierlink[barcodes]'"
        ) from None
    click.echo(f"{len(identifiers)} cover sheet(s) written to {path}")


commands = [coversheet_cmd]
