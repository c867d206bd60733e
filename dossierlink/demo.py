"""The demo: every bundled sample export and scan into a fresh store, reconciled and reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs

import dossierlink
from dossierlink.api import IngestSummary, save_report

__all__ = ["DemoResult", "find_samples", "run_demo"]


@attrs.frozen
class DemoResult:
    store: Path
    html: Path
    summaries: tuple[IngestSummary, ...]
    strategic: str
    operational: str
    open_divergences: int
    samples: Path | None = None


def find_samples(explicit: Path | None = None) -> Path:
    """The samples folder: the one given, else the one installed with the package, else the checkout's."""
    if explicit is not None:
        if not (explicit / "exports").is_dir():
            raise FileNotFoundError(
                f"{explicit}: not a samples folder (it has no exports/ folder); "
                "give the folder that holds exports/ and scans/, or leave out --samples."
            )
        return explicit
    here = Path(dossierlink.__file__).resolve().parent
    # A wheel installs samples/ as dossierlink/samples/; an editable install reads the checkout's.
    for candidate in (here / "samples", here.parent / "samples"):
        if (candidate / "exports").is_dir():
            return candidate
    raise FileNotFoundError(
        f"The bundled samples were not found in {here / 'samples'} (the installation is incomplete): "
        "reinstall dossierlink, or give --samples PATH (the folder holding exports/ and scans/)."
    )


def run_demo(samples: Path, out: Path, *, lang: str = "nl", now: dt.datetime | None = None) -> DemoResult:
    """Ingest ``samples`` into ``out/keten.db`` (recreated), reconcile, write the HTML report."""
    out.mkdir(parents=True, exist_ok=True)
    db = out / "keten.db"
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    summaries: list[IngestSummary] = []
    with dossierlink.open(db) as chain:
        # Exports reference the digital originals in samples/documents: that folder is the jail.
        summaries.append(chain.ingest([samples / "exports"], root=samples, now=now))
        # Scans follow the folder convention {organisation}/{parketnummer}/ under scans/.
        for sub in ("scans", "inventory"):
            if (samples / sub).is_dir():
                summaries.append(chain.ingest([samples / sub], now=now))
        chain.reconcile(all=True, now=now)
        strategic = chain.report(level="strategic", fmt="text", lang=lang, now=now, output="terminal (demo)")
        operational = chain.report(
            level="operational", fmt="text", lang=lang, now=now, output="terminal (demo)"
        )
        html_path = out / "rapport.html"
        html = chain.report(level="operational", fmt="html", lang=lang, now=now, log=False)
        save_report(html_path, html, revealed=False)  # owner-only: it names (sample) suspects
        # Logged once the page exists: a report that failed to be written was not disclosed.
        chain.log_disclosure(
            what="report operational", level="operational", fmt="html", revealed=False, output=str(html_path)
        )
        open_total = chain.stats()["open_divergences"]
    return DemoResult(db, html_path, tuple(summaries), strategic, operational, open_total, samples)
