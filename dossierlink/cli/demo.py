"""``dossierlink demo``: the README's main job on the bundled samples."""

from __future__ import annotations

from pathlib import Path

import click

from dossierlink.cli.output import emit_json, json_option
from dossierlink.demo import find_samples, run_demo

__all__ = ["commands"]


@click.command("demo")
@click.option(
    "--samples",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The samples folder (default: the samples installed with dossierlink).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dossierlink-demo"),
    show_default=True,
)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@json_option("Print where the store and report went and the counts as JSON instead of the reports.")
def demo_cmd(samples: Path | None, out: Path, lang: str, as_json: bool) -> None:
    """Ingest every sample export and scan into a fresh store, reconcile, and print the reports."""
    result = run_demo(find_samples(samples), out, lang=lang)
    for s in result.summaries:
        click.echo(
            f"{s.files} files: {s.ingested} ingested, {s.duplicates} duplicate, {s.ignored} ignored, "
            f"{s.quarantined} rejected; {s.records} records.",
            err=True,
        )
        for o in s.rejected:
            click.echo(f"  rejected: {o.path}: {o.reason}", err=True)
    if as_json:
        emit_json(
            {
                "samples": str(result.samples),
                "store": str(result.store.resolve()),
                "html_report": str(result.html.resolve()),
                "open_divergences": result.open_divergences,
                "ingest": [
                    {
                        "files": s.files,
                        "ingested": s.ingested,
                        "duplicates": s.duplicates,
                        "ignored": s.ignored,
                        "rejected": s.quarantined,
                        "records": s.records,
                    }
                    for s in result.summaries
                ],
            }
        )
        return
    click.echo(result.strategic)
    click.echo(result.operational)
    click.echo(f"Store: {result.store.resolve()}")
    click.echo(f"HTML report: {result.html.resolve()}")
    click.echo(f"{result.open_divergences} open divergences.")


commands = [demo_cmd]
