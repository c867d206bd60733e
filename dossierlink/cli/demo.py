"""``dossierlink demo``: the README's main job on the bundled samples."""

from __future__ import annotations

from pathlib import Path

import click

from dossierlink.demo import find_samples, run_demo

__all__ = ["commands"]


@click.command("demo")
@click.option(
    "--samples", type=click.Path(file_okay=False, path_type=Path), default=None, help="The samples folder."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dossierlink-demo"),
    show_default=True,
)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
def demo_cmd(samples: Path | None, out: Path, lang: str) -> None:
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
    click.echo(result.strategic)
    click.echo(result.operational)
    click.echo(f"Store: {result.store.resolve()}")
    click.echo(f"HTML report: {result.html.resolve()}")
    click.echo(f"{result.open_divergences} open divergences.")


commands = [demo_cmd]
