"""Fixtures for the hostile-input, fuzzing, crash, concurrency and privacy suite.

Everything hostile is generated in tmp dirs here; nothing big is committed. Helpers are
exposed as fixtures (``make``) because tests run with ``--import-mode=importlib``.
"""

from __future__ import annotations

import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"

POLITIE_HEADER = (
    "PV-nummer;Parketnummer;Soort document;Titel;Datum document;Aantal pagina's;Bestand;"
    "Laatst gewijzigd;Voornamen verdachte;Tussenvoegsel verdachte;Achternaam verdachte;"
    "Geboortedatum verdachte;BSN verdachte;SKN verdachte;Datum inzending OM"
)


def bsn(seed: int) -> str:
    """A valid (elfproef) BSN derived from ``seed``; 9xxxxxxxx so it is plainly a test value."""
    n = seed
    while True:
        head = f"9{n % 10_000_000:07d}"
        total = sum(int(d) * w for d, w in zip(head, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10:
            return head + str(check)
        n += 1


def parketnummer(i: int, year: int = 23) -> str:
    return f"{10 + i % 80:02d}/{600000 + i:06d}-{year:02d}"


def pv_number(i: int, mutation: int = 1, year: int = 2023) -> str:
    return f"PL{10 + i % 80:02d}A{i % 10} {year}{100000 + i:06d}-{mutation}"


class Maker:
    """Writes realistic exports (politie CSV, OM JSON) for generated cases."""

    bsn = staticmethod(bsn)

    def politie_csv(
        self,
        path: Path,
        cases: range | list[int],
        *,
        title: str | None = None,
        bestand: str = "",
        extra_rows: list[str] | None = None,
        bsn_of: dict[int, str] | None = None,
    ) -> Path:
        lines = [POLITIE_HEADER]
        for i in cases:
            b = (bsn_of or {}).get(i, bsn(i))
            for m in (1, 2):
                lines.append(
                    ";".join(
                        [
                            pv_number(i, m),
                            parketnummer(i),
                            "Proces-verbaal van aangifte" if m == 1 else "Proces-verbaal van verhoor",
                            title or f"Aangifte zaak {i} deel {m}",
                            f"{1 + i % 27:02d}-03-2023",
                            str(2 + m),
                            bestand,
                            f"{1 + i % 27:02d}-03-2023 10:00",
                            "Jan",
                            "de",
                            f"Vries{i}",
                            "12-04-1990",
                            b,
                            f"{100000100 + i}",
                            "15-04-2023",
                        ]
                    )
                )
        lines.extend(extra_rows or [])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def om_json(
        self,
        path: Path,
        cases: range | list[int],
        *,
        title: str | None = None,
        bsn_of: dict[int, str] | None = None,
        pages: int = 3,
    ) -> Path:
        zaken = []
        for i in cases:
            zaken.append(
                {
                    "parketnummer": parketnummer(i),
                    "pvNummers": [pv_number(i, 1), pv_number(i, 2)],
                    "status": "ingeschreven",
                    "verdachte": {
                        "voornamen": "Jan",
                        "voorvoegsel": "de",
                        "geslachtsnaam": f"Vries{i}",
                        "geboortedatum": "1990-04-13",  # differs from politie: a person_conflict
                        "bsn": (bsn_of or {}).get(i, bsn(i)),
                        "skn": f"{100000100 + i}",
                    },
                    "gebeurtenissen": [{"soort": "instroom", "datum": "2023-04-17", "afzender": "politie"}],
                    "documenten": [
                        {
                            "documentnummer": f"OM-DOC-{i}-001",
                            "pvNummer": pv_number(i, 1),
                            "soort": "proces-verbaal van aangifte",
                            "titel": title or f"Aangifte zaak {i} deel 1",
                            "datum": "2023-03-02",
                            "paginas": pages,
                        }
                    ],
                }
            )
        data = {"omZaakExport": {"versie": "1.0", "systeem": "test"}, "zaken": zaken}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        return path

    def rechtspraak_xml(self, path: Path, i: int = 1) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"""<?xml version="1.0" encoding="utf-8"?>
<open-rechtspraak>
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcterms="http://purl.org/dc/terms/"
           xmlns:psi="http://psi.rechtspraak.nl/">
    <rdf:Description>
      <dcterms:identifier>ECLI:NL:RBROT:2023:{9000 + i}</dcterms:identifier>
      <dcterms:creator resourceIdentifier="http://standaarden.overheid.nl/owms/terms/Rechtbank_Rotterdam">Rechtbank Rotterdam</dcterms:creator>
      <dcterms:date>2023-06-20</dcterms:date>
      <dcterms:type resourceIdentifier="http://psi.rechtspraak.nl/uitspraak">Uitspraak</dcterms:type>
      <psi:zaaknummer>{parketnummer(i)}</psi:zaaknummer>
      <dcterms:subject resourceIdentifier="http://psi.rechtspraak.nl/rechtsgebied#strafRecht">Strafrecht</dcterms:subject>
    </rdf:Description>
  </rdf:RDF>
  <uitspraak>Parketnummer {parketnummer(i)}. De rechtbank veroordeelt de verdachte.</uitspraak>
</open-rechtspraak>
""",
            encoding="utf-8",
        )
        return path

    def base(self, name: str, folder: Path) -> Path | None:
        """A good input for adapter ``name`` in ``folder``: generated, else a sample, else a corpus file."""
        from dossierlink.ingest.adapter import available_adapters

        folder.mkdir(parents=True, exist_ok=True)
        if name == "politie":
            return self.politie_csv(folder / "registraties.csv", range(50, 53))
        if name == "om":
            return self.om_json(folder / "zaken.json", range(50, 53))
        if name == "rechtspraak":
            return self.rechtspraak_xml(folder / "ECLI.NL.RBROT.2023.9050.xml", 50)
        adapter = available_adapters().get(name)
        if adapter is None:
            return None
        for root in (SAMPLES, REPO.parent / "shared" / "corpus"):
            if not root.is_dir():
                continue
            for f in sorted(root.rglob("*"))[:2000]:
                try:
                    if f.is_file() and f.stat().st_size < 2_000_000 and adapter.identify(f):
                        target = folder / f.name
                        target.write_bytes(f.read_bytes())
                        return target
                except Exception:
                    continue
        return None


@pytest.fixture(scope="session")
def make() -> Maker:
    return Maker()


@pytest.fixture(scope="session")
def sample_bsns() -> list[str]:
    """Every BSN the shipped samples use, read from the sample files themselves."""
    import re

    from dossierlink.identifiers import is_valid_bsn

    found: set[str] = set()
    for f in SAMPLES.rglob("*"):
        if f.is_file() and f.suffix.lower() in {".csv", ".json", ".xml", ".txt", ".toml", ".md"}:
            text = f.read_text(encoding="utf-8", errors="replace")
            found.update(m for m in re.findall(r"(?<!\d)\d{9}(?!\d)", text) if is_valid_bsn(m))
    # SKNs in the samples are 9 digits too; only keep values that sit in a BSN field.
    bsn_fields: set[str] = set()
    for f in SAMPLES.rglob("*"):
        if not f.is_file():
            continue
        text = f.read_text(encoding="utf-8", errors="replace")
        bsn_fields.update(re.findall(r'"bsn"\s*:\s*"(\d{8,9})"', text, flags=re.I))
        bsn_fields.update(re.findall(r"<[^>]*bsn[^>]*>\s*(\d{8,9})\s*<", text, flags=re.I))
        lines = text.splitlines()
        if lines and "bsn" in lines[0].lower() and f.suffix.lower() in {".csv", ".tsv", ".txt"}:
            delim = ";" if lines[0].count(";") >= lines[0].count(",") else ","
            header = [h.strip().lower() for h in lines[0].split(delim)]
            cols = [i for i, h in enumerate(header) if "bsn" in h]
            for line in lines[1:]:
                cells = line.split(delim)
                for c in cols:
                    if c < len(cells) and cells[c].strip().isdigit():
                        bsn_fields.add(cells[c].strip().zfill(9))
    return sorted(v for v in bsn_fields if v in found or is_valid_bsn(v))


def counts(db: Path) -> dict[str, int]:
    """Row counts of the tables that hold ingested data (read straight from SQLite)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=60)
    try:
        out = {}
        for table in ("records", "documents", "persons", "events", "identifiers", "divergence_history"):
            out[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        out["ingested"] = conn.execute("SELECT count(*) FROM sources WHERE status = 'ingested'").fetchone()[0]
        out["dossiers"] = conn.execute("SELECT count(*) FROM dossiers WHERE merged_into IS NULL").fetchone()[
            0
        ]
        return out
    finally:
        conn.close()


@pytest.fixture(scope="session")
def table_counts() -> Any:
    return counts


@pytest.fixture
def baseline(tmp_path: Path, make: Maker) -> Iterator[tuple[Any, dict[str, int]]]:
    """A store holding earlier, good data (politie + OM for 3 cases) and its row counts."""
    import dossierlink

    good = tmp_path / "earlier"
    make.politie_csv(good / "politie.csv", range(1, 4))
    make.om_json(good / "om.json", range(1, 4))
    chain = dossierlink.open(tmp_path / "keten.db")
    summary = chain.ingest([good])
    assert summary.ingested == 2, summary.outcomes
    yield chain, counts(chain.path)
    chain.close()


def reconcile_available() -> bool:
    try:
        from dossierlink.reconcile import DossierView, ReconcileConfig, reconcile_dossier  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="session")
def can_reconcile() -> bool:
    return reconcile_available()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Any attempt to open a network connection is recorded and refused."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network access attempted during a hostile-input test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def run_cli(
    args: list[str], *, env: dict[str, str] | None = None, timeout: float = 120, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ)
    full_env.pop("DOSSIERLINK_PSEUDONYM_KEY", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "dossierlink", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        cwd=cwd,
    )


@pytest.fixture(scope="session")
def cli() -> Any:
    """The CLI in a fresh process (real logging, real exit): for runs whose logs matter."""
    return run_cli


class _Result:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run_cli_in_process(args: list[str], *, env: dict[str, str] | None = None, timeout: float = 0) -> _Result:
    """The CLI through click's CliRunner in this process: the same commands, without the start-up cost."""
    from click.testing import CliRunner

    from dossierlink.cli import main

    full_env: dict[str, str | None] = {"DOSSIERLINK_PSEUDONYM_KEY": None}
    full_env.update(env or {})
    result = CliRunner().invoke(main, args, env=full_env, catch_exceptions=False)
    return _Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(scope="session")
def quick_cli() -> Any:
    return run_cli_in_process


@pytest.fixture
def rng() -> random.Random:
    return random.Random(int(os.environ.get("HOSTILE_SEED", "20261127")))


def _load_helper(name: str) -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"hostile_{name}", Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def pdfbombs() -> Any:
    """The hand-built hostile PDFs of pdfbombs.py."""
    return _load_helper("pdfbombs")
