"""Trust: an inbox writer, a shoulder-surfer and another local user get nothing; nothing is lost.

Each test is one item of the trust review (issue 16), written as what the attacker or the
unlucky user does and what must hold afterwards.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

import dossierlink
from dossierlink.ingest import pipeline
from dossierlink.privacy import mask_bsns

pytestmark = pytest.mark.timeout(300)

# One valid BSN (elfproef) in the spellings people, systems and attackers use.
BSN = "123456782"
SPELLINGS = [
    "123456782",
    "123-456-782",
    "bsn.123456782",
    "123 456 782",
    "123\u00a0456\u00a0782",
    "123.456.782",
    "1234.56.782",
    "123 45 67 82",
]


def _politie(make: Any, path: Path, cases: list[int], **kw: Any) -> Path:
    return make.politie_csv(path, cases, **kw)  # type: ignore[no-any-return]


# --- item 3: the inbox writer swaps the file for a symlink between the check and the read -----


def test_a_file_swapped_for_a_symlink_after_the_check_is_read_from_what_was_opened(
    tmp_path: Path, make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "inbox"
    export = _politie(make, inbox / "pv.csv", [1])
    # A readable export the daemon may read but the inbox writer may not: another case entirely.
    secret = _politie(make, tmp_path / "elders" / "geheim.csv", [77])
    secret.chmod(0o600)

    def swap(store: Any, job: Any) -> None:
        # The attacker's move, right after the checks: the name now points at the secret.
        os.rename(export, inbox / ".old")
        os.symlink(secret, export)

    steps = list(pipeline.STEPS)
    steps.insert(steps.index(pipeline.preflight) + 1, swap)
    monkeypatch.setattr(pipeline, "STEPS", tuple(steps))
    with dossierlink.open(tmp_path / "keten.db") as chain:
        outcome = chain.ingest_file(export, root=inbox, reconcile=False)
        assert outcome.status == "ingested", outcome
        assert chain.dossier("11/600001-23")
        assert chain.dossier("87/600077-23") is None, "the symlink's target was read"
        rows = chain.sources()
    assert rows[0]["sha256"] == outcome.sha256
    assert "600077" not in json.dumps(rows)


def test_a_folder_swapped_for_a_symlink_out_of_the_inbox_is_refused(tmp_path: Path, make: Any) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    elsewhere = tmp_path / "elders"
    _politie(make, elsewhere / "pv.csv", [5])
    (inbox / "sub").symlink_to(elsewhere, target_is_directory=True)
    with dossierlink.open(tmp_path / "keten.db") as chain:
        outcome = chain.ingest_file(inbox / "sub" / "pv.csv", root=inbox, reconcile=False)
    assert outcome.status == "quarantined"
    assert "outside" in (outcome.reason or "")


def test_a_fifo_in_the_inbox_is_refused_without_hanging(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    os.mkfifo(inbox / "pijp.csv")
    with dossierlink.open(tmp_path / "keten.db") as chain:
        outcome = chain.ingest_file(inbox / "pijp.csv", root=inbox, reconcile=False)
    assert outcome.status == "quarantined" and outcome.reason == "not a regular file"


# --- item 6: every spelling of a BSN ------------------------------------------------------------


@pytest.mark.parametrize("spelling", [*SPELLINGS, "999/000/007", "BSN:123456782", "x123-456-782y"])
def test_every_spelling_of_a_bsn_is_masked(spelling: str) -> None:
    masked = mask_bsns(f"verdachte {spelling} gehoord")
    digits = "".join(c for c in masked if c.isdigit())
    assert len(digits) <= 2, masked


def test_a_bsn_right_after_another_number_is_masked() -> None:
    # "01 123 456" is no BSN, but the BSN overlapping it is.
    assert mask_bsns("pagina 01 123 456 782") == "pagina 01 *******82"


@pytest.mark.parametrize(
    "text",
    ["10/600040-08", "PL07B3 2023123456-1", "ECLI:NL:RBROT:2008:BE7078", "2024-03-01", "a" * 8 + "0" * 56],
)
def test_case_identifiers_dates_and_hashes_stay_readable(text: str) -> None:
    assert mask_bsns(text) == text


def test_titles_with_bsns_in_every_spelling_reach_no_report_or_json(tmp_path: Path, make: Any) -> None:
    title = "Aangifte " + " / ".join(SPELLINGS)
    inbox = tmp_path / "in"
    _politie(make, inbox / "politie.csv", [1, 2], title=title)
    make.om_json(inbox / "om.json", [1, 2], title="Andere titel " + SPELLINGS[1])
    with dossierlink.open(tmp_path / "keten.db") as chain:
        chain.ingest([inbox])
        outputs = [
            chain.report(level=level, fmt=fmt) for level in ("strategic", "operational") for fmt in FORMATS
        ]
        outputs.append(json.dumps([dossierlink.api.masked_divergence_dict(d) for d in chain.divergences()]))
        detail = chain.dossier("11/600001-23")
        assert detail is not None
        outputs.append(json.dumps(detail.to_dict(), ensure_ascii=False))
    for out in outputs:
        assert not _bsn_in(out), _bsn_in(out)


FORMATS = ("text", "markdown", "csv", "json", "html")


def _bsn_in(text: str) -> list[str]:
    digits_only = "".join(c if c.isdigit() else " " for c in text.replace("\u00a0", "").replace(" ", ""))
    hits = [s for s in SPELLINGS if s in text]
    if BSN in digits_only.replace(" ", "") and BSN in text.replace("-", "").replace(".", "").replace(" ", ""):
        hits.append("digits")
    return hits


# --- item 7: birth dates in --json, and --reveal shows what it says ---------------------------


def test_dossier_json_shows_no_birth_date_without_reveal_and_all_with_it(
    tmp_path: Path, make: Any, quick_cli: Any
) -> None:
    inbox = tmp_path / "in"
    _politie(make, inbox / "politie.csv", [1])  # geboortedatum 12-04-1990
    make.om_json(inbox / "om.json", [1])  # geboortedatum 1990-04-13: a person_conflict
    db = str(tmp_path / "keten.db")
    assert quick_cli(["--db", db, "ingest", str(inbox)]).returncode in (0, 1)
    for args in (["dossier", "--json", "11/600001-23"], ["divergences", "--json"]):
        out = quick_cli(["--db", db, *args]).stdout
        for spelling in ("1990-04-12", "12-04-1990", "1990-04-13", "13-04-1990"):
            assert spelling not in out, (args, spelling)
    revealed = quick_cli(["--db", db, "dossier", "--json", "--reveal", "11/600001-23"]).stdout
    assert "1990-04-13" in revealed and make.bsn(1) in revealed


# --- item 8: owner-only whatever the umask ------------------------------------------------------


def test_every_file_holding_case_data_is_owner_only_with_umask_0(tmp_path: Path, make: Any) -> None:
    inbox = tmp_path / "in"
    _politie(make, inbox / "politie.csv", [1])
    (inbox / "kapot.csv").write_text("geen export\n", encoding="utf-8")
    old = os.umask(0)
    try:
        with dossierlink.open(tmp_path / "keten.db") as chain:
            chain.ingest([inbox], quarantine=tmp_path / "q")
            dossierlink.api.save_report(tmp_path / "rapport.html", chain.report(fmt="html"), revealed=False)
        (tmp_path / "bestaand.md").write_text("oud\n")
        dossierlink.api.save_report(tmp_path / "bestaand.md", "nieuw\n", revealed=False)
    finally:
        os.umask(old)
    written = [p for p in tmp_path.rglob("*") if not p.is_relative_to(inbox)]
    assert written
    for p in written:
        mode = stat.S_IMODE(p.lstat().st_mode)
        assert mode & 0o077 == 0, f"{p.relative_to(tmp_path)} is {oct(mode)}"


# --- item 9: control bytes from the data reach no terminal or log ------------------------------

HOSTILE_TITLE = "Aangifte \x1b]0;pwned\x07\x1b[2J\x1b[8mverborgen\u202egnp.exe\r\x08 einde"


def test_escape_sequences_in_titles_reach_no_terminal(tmp_path: Path, make: Any, quick_cli: Any) -> None:
    inbox = tmp_path / "in"
    _politie(make, inbox / "politie.csv", [1])
    make.om_json(inbox / "om.json", [1], title=HOSTILE_TITLE)  # JSON carries every byte
    db = str(tmp_path / "keten.db")
    quick_cli(["--db", db, "ingest", str(inbox)])
    outputs = [
        quick_cli(["--db", db, *args])
        for args in (
            ["divergences"],
            ["dossier", "11/600001-23"],
            ["report", "--level", "operational", "--format", "text"],
            ["report", "--level", "operational", "--format", "markdown"],
            ["dossier", "--json", "11/600001-23"],
        )
    ]
    assert any("verborgen" in r.stdout for r in outputs), "the hostile title was not shown at all"
    for r in outputs:
        for out in (r.stdout, r.stderr):
            for bad in ("\x1b]", "\x07", "\x1b[2J", "\x1b[8m", "\u202e", "\x08", "\r"):
                assert bad not in out, (bad, out[:400])


def test_a_line_break_in_a_reason_cannot_forge_a_log_line() -> None:
    from dossierlink.privacy import Sink, scrub

    forged = "kapot.csv\n2026-01-01T00:00:00 ingested  in0  /inbox/echt.csv"
    assert "\n" not in scrub(forged, Sink.LOG)
    assert "\n" not in scrub(forged, Sink.MESSAGE)


# --- item 5: BSNs in file and folder names ------------------------------------------------------


def test_a_bsn_in_a_file_name_reaches_no_rejected_line_quarantine_name_or_sidecar(
    tmp_path: Path, quick_cli: Any
) -> None:
    inbox = tmp_path / "in" / f"verdachte {SPELLINGS[1]}"
    inbox.mkdir(parents=True)
    (inbox / f"aangifte {BSN}.csv").write_text("geen export\n", encoding="utf-8")
    q = tmp_path / "q"
    r = quick_cli(
        ["--db", str(tmp_path / "keten.db"), "ingest", "--quarantine", str(q), str(tmp_path / "in")]
    )
    assert "rejected" in r.stderr
    assert not _bsn_in(r.stdout + r.stderr), r.stderr
    names = [p.name for p in q.rglob("*")]
    assert names and not any(_bsn_in(n) for n in names), names
    for sidecar in q.rglob("*.error.json"):
        assert not _bsn_in(sidecar.read_text(encoding="utf-8"))


# --- item 12: a path is one path ----------------------------------------------------------------


def test_ingest_of_one_path_given_as_a_string_ingests_that_file(tmp_path: Path, make: Any) -> None:
    export = _politie(make, tmp_path / "in" / "politie.csv", [1])
    (tmp_path / "in" / "ander.csv").write_text("geen export\n", encoding="utf-8")
    with dossierlink.open(tmp_path / "keten.db") as chain:
        summary = chain.ingest(str(export), reconcile=False)
        assert summary.files == 1 and summary.ingested == 1
        summary = chain.ingest(export, reconcile=False)
        assert summary.files == 1 and summary.skipped == 1


# --- item 13: never ingest the store, its sidecars, the quarantine or the archive ---------------


def test_ingest_of_the_folder_holding_the_store_leaves_the_store_alone(
    tmp_path: Path, make: Any, quick_cli: Any
) -> None:
    _politie(make, tmp_path / "politie.csv", [1])
    db = tmp_path / "keten.db"
    assert quick_cli(["--db", str(db), "init"]).returncode == 0
    r = quick_cli(["--db", str(db), "ingest", "--quarantine", str(tmp_path / "q"), str(tmp_path)])
    assert r.returncode in (0, 1), r.stderr
    with dossierlink.open(db) as chain:
        paths = [row["path"] for row in chain.sources()]
    assert all("keten.db" not in p for p in paths), paths
    assert all(not Path(p).is_relative_to(tmp_path / "q") for p in paths)
    assert not list((tmp_path / "q").rglob("keten.db*"))


# --- item 14: a foreign SQLite file, a missing folder, a directory ------------------------------


def test_a_foreign_sqlite_file_is_refused_and_left_as_it_was(tmp_path: Path, quick_cli: Any) -> None:
    import sqlite3

    foreign = tmp_path / "boekhouding.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE facturen (id INTEGER)")
    before = foreign.read_bytes()
    r = quick_cli(["--db", str(foreign), "stats"])
    assert r.returncode == 2, r.stdout
    assert "not a dossierlink store" in r.stderr
    assert foreign.read_bytes() == before


def test_open_of_a_missing_folder_or_a_directory_says_so(tmp_path: Path) -> None:
    with pytest.raises(dossierlink.store.StoreError, match="folder"):
        dossierlink.open(tmp_path / "bestaat-niet" / "keten.db")
    assert not (tmp_path / "bestaat-niet").exists()
    with pytest.raises(dossierlink.store.StoreError, match="directory"):
        dossierlink.open(tmp_path)


def test_four_threads_reporting_on_one_chain_all_log_their_disclosures(tmp_path: Path, make: Any) -> None:
    import threading

    _politie(make, tmp_path / "in" / "politie.csv", [1])
    with dossierlink.open(tmp_path / "keten.db") as chain:
        chain.ingest([tmp_path / "in"])
        errors: list[BaseException] = []

        def log_some() -> None:
            try:
                for _ in range(150):
                    chain.log_disclosure(what="rapport", level="strategic", fmt="text", revealed=False)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=log_some) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert len(chain.disclosures()) == 600
        assert chain.verify_disclosures() == []


# --- item 1: a duplicate keeps what it duplicated -----------------------------------------------


def test_a_copy_keeps_the_cases_when_the_file_it_copied_changes(tmp_path: Path, make: Any) -> None:
    import shutil

    inbox = tmp_path / "in"
    a = _politie(make, inbox / "latest.csv", list(range(1, 7)))  # six cases, twelve rows
    with dossierlink.open(tmp_path / "keten.db") as chain:
        assert chain.ingest_file(a).status == "ingested"
        b = inbox / "2023-04-01.csv"
        shutil.copy2(a, b)
        assert chain.ingest_file(b).status == "duplicate"
        _politie(make, a, [1])  # latest.csv now holds one case
        assert chain.ingest_file(a).status == "ingested"
        for i in range(1, 7):  # the dated copy still says all six
            assert chain.dossier(f"{10 + i}/{600000 + i:06d}-23") is not None, i
        again = chain.ingest([inbox])
        assert again.skipped == 2
        assert str(b) in chain.verify().unchanged


# --- item 4: pseudonymisation reaches free text -------------------------------------------------


def test_with_pseudonymisation_a_bsn_typed_in_a_title_is_stored_as_its_pseudonym(
    tmp_path: Path, make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    monkeypatch.setenv("DOSSIERLINK_PSEUDONYM_KEY", "test-sleutel-0123456789-abcdefghij")
    inbox = tmp_path / "in"
    _politie(make, inbox / "politie.csv", [1], title="Aangifte tegen bsn 123-456-782 (zie ook 123456782)")
    with dossierlink.open(tmp_path / "keten.db") as chain:
        assert chain.ingest([inbox]).ingested == 1
    conn = sqlite3.connect(tmp_path / "keten.db")
    try:
        titles = [r[0] for r in conn.execute("SELECT title FROM documents")]
        payloads = [str(r[0]) for r in conn.execute("SELECT payload FROM records")]
    finally:
        conn.close()
    stored = " ".join(titles + payloads)
    assert "ps:" in " ".join(titles)
    for spelling in ("123-456-782", "123456782", make.bsn(1)):
        assert spelling not in stored, spelling


def test_a_file_rewritten_with_its_size_and_mtime_restored_is_read_again(tmp_path: Path, make: Any) -> None:
    import datetime as dt
    import time

    export = _politie(make, tmp_path / "in" / "politie.csv", [1])
    st = export.stat()
    with dossierlink.open(tmp_path / "keten.db") as chain:
        read_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
        assert chain.ingest_file(export, now=read_at).status == "ingested"
        time.sleep(0.05)
        text = export.read_text(encoding="utf-8").replace("Vries1", "Visser")  # same length
        export.write_text(text, encoding="utf-8")
        os.utime(export, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert export.stat().st_size == st.st_size
        assert str(export) in chain.verify().changed
        outcome = chain.ingest_file(export)
    assert outcome.status == "ingested", outcome
