"""``dossierlink samples generate``: a synthetic chain with injected divergences (logic in dossierlink.synth)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from dossierlink.cli.output import emit_json, json_option
from dossierlink.synth import generate_chain

__all__ = ["commands", "samples_group"]


@click.group("samples")
def samples_group() -> None:
    """Synthetic chains for tests, demos and benchmarks."""


@samples_group.command("generate")
@click.option("--dossiers", type=click.IntRange(min=0), required=True, help="Number of cases to make.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Output folder.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, byte-identical output.")
@click.option(
    "--divergence-rate",
    type=click.FloatRange(0.0, 1.0),
    default=0.1,
    show_default=True,
    help="Share of cases that get one injected divergence.",
)
@click.option(
    "--scans",
    type=click.FloatRange(0.0, 1.0),
    default=0.02,
    show_default=True,
    help="Share of cases with scans.",
)
@click.option(
    "--now",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day the exports are made (default: today, UTC); every date is relative to it, so "
    "reconcile on that day. A fixed day gives the same files on every day.",
)
@click.option(
    "--shard-size", type=click.IntRange(min=1), default=1000, show_default=True, help="Cases per export file."
)
@json_option()
def generate_cmd(
    dossiers: int,
    out: Path,
    seed: int,
    divergence_rate: float,
    scans: float,
    now: dt.datetime | None,
    shard_size: int,
    as_json: bool,
) -> None:
    """Write every organisation's exports, paper inventories, scans and truth.json under OUT."""
    summary = generate_chain(
        out,
        dossiers=dossiers,
        seed=seed,
        divergence_rate=divergence_rate,
        scans=scans,
        now=now.date() if now is not None else None,
        shard_size=shard_size,
    )
    if as_json:
        emit_json(
            {
                "dossiers": summary.dossiers,
                "files": summary.files,
                "documents": summary.documents,
                "scans": summary.scans,
                "scan_pages": summary.scan_pages,
                "divergences": summary.divergences,
                "chain": str(summary.out / "chain"),
                "truth": str(summary.out / "truth.json"),
            }
        )
        return
    click.echo(
        f"{_n(summary.dossiers, 'dossier')}, {_n(summary.files, 'file')} ({_n(summary.documents, 'document')}, "
        f"{_n(summary.scans, 'scan')} of {_n(summary.scan_pages, 'page')}), "
        f"{_n(summary.divergences, 'injected divergence')}."
    )
    click.echo(f"Ingest {summary.out / 'chain'}; the answer key is {summary.out / 'truth.json'}.")


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


commands = [samples_group]
