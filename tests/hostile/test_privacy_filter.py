"""The one privacy filter: every way out of dossierlink passes it, and a new way out cannot skip it.

``test_every_output_call_is_a_known_sink`` reads the package's source: each call that writes to
the terminal or a file must sit in a function listed in :data:`SINKS`, with how it is filtered.
A new ``click.echo``, ``print``, ``write_text``, ``os.write``, ``json.dump`` or ``open(..., "w")``
elsewhere fails it until it is routed through ``dossierlink.privacy`` and listed here. The other
tests feed each sink hostile text and check what comes out.
"""

from __future__ import annotations

import ast
import io
import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest

from dossierlink.privacy import GuardedStream, Sink, scrub, scrub_data

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "dossierlink"

BSN_SPELLINGS = (
    "123456782",
    "123-456-782",
    "bsn.123456782",
    "123 456 782",
    "123\u00a0456\u00a0782",
    "999/000/007",
)
HOSTILE = (
    "Verdachte " + " / ".join(BSN_SPELLINGS) + ", geboren 12-03-1985 (geboortedatum 1985-03-12)"
    " \x1b]0;titel\x07\x1b[2J\u202egnp.exe\x08\nvervalste regel"
)
LEAKS = (*BSN_SPELLINGS, "12-03-1985", "1985-03-12", "\x1b]", "\x07", "\x1b[2J", "\u202e", "\x08")

# Where dossierlink writes to a terminal or a file, and how that output passes the filter.
SINKS: dict[str, str] = {
    "cli/*": "terminal: every command runs inside privacy.guard_streams (cli._Group.main)",
    "api.py:save_report": "reports on disk: scrub(Sink.REPORT) unless revealed; 0600",
    "ingest/quarantine.py:_copy_from": "the rejected file's own bytes, 0600 in a 0700 folder",
    "ingest/quarantine.py:_write_private": "sidecars: every field scrub(Sink.JSON), the name digested; 0600",
    "sync/status.py:write_status": "the status file: scrub_data; 0600",
    "synth/chain.py:_write_json": "synthetic exports of invented persons (samples generate)",
    "synth/output.py:write": "synthetic exports of invented persons (samples generate)",
    "api.py:coversheet": "cover sheets: identifiers and party names printed on purpose for the paper file, "
    "logged as a disclosure; 0600",
    "paper/barcodes.py:_render": "a scan's own bytes for pdftoppm, in a private TemporaryDirectory removed at once",
    "pull/folder.py:write": "a pulled response's own bytes as the source system sent them, 0600 in a 0700 folder",
    "web/settings.py:load_secret": "the session-signing key (no case data), created 0600 with O_EXCL",
}


def _output_calls() -> set[str]:
    found: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Call) and _writes(node):
                    found.add(f"{rel}:{fn.name}")
    return found


def _writes(call: ast.Call) -> bool:
    f = call.func
    if isinstance(f, ast.Name):
        if f.id == "print":
            return True
        return f.id == "open" and _write_mode(call)
    if not isinstance(f, ast.Attribute):
        return False
    if f.attr in ("echo", "secho", "write_text", "write_bytes", "dump"):
        return True
    if f.attr in ("fdopen", "open"):
        return _write_mode(call)
    if f.attr == "write" and isinstance(f.value, ast.Name) and f.value.id == "os":
        return True
    return f.attr == "write" and isinstance(f.value, ast.Attribute) and f.value.attr in ("stdout", "stderr")


def _write_mode(call: ast.Call) -> bool:
    modes = [a for a in call.args[1:2]] + [k.value for k in call.keywords if k.arg == "mode"]
    return any(isinstance(m, ast.Constant) and any(c in str(m.value) for c in "wax+") for m in modes)


def _listed(site: str) -> bool:
    rel = site.split(":")[0]
    return site in SINKS or any(key.endswith("/*") and rel.startswith(key[:-1]) for key in SINKS)


def test_every_output_call_is_a_known_sink() -> None:
    unknown = sorted(site for site in _output_calls() if not _listed(site))
    assert not unknown, (
        f"{unknown}: a new way out. Pass what it writes through dossierlink.privacy.scrub (or "
        "scrub_data), make files owner-only, and list it in SINKS with how."
    )


def test_every_listed_sink_still_exists() -> None:
    sites = _output_calls()
    stale = [key for key in SINKS if not key.endswith("/*") and key not in sites]
    assert not stale, f"{stale} write nothing any more: remove them from SINKS"


def _assert_clean(out: str) -> None:
    hits = [leak for leak in LEAKS if leak in out]
    assert not hits, (hits, out)


# --- each sink, fed hostile text -----------------------------------------------------------------


@pytest.mark.parametrize("sink", list(Sink))
def test_the_filter_masks_and_strips_for_every_sink(sink: Sink) -> None:
    out = scrub(HOSTILE, sink)
    _assert_clean(out)
    if sink in (Sink.LOG, Sink.MESSAGE, Sink.FILE_NAME):
        assert "\n" not in out
    assert "Verdachte" in out


def test_reveal_shows_bsns_and_dates_but_never_control_bytes() -> None:
    out = scrub(HOSTILE, Sink.TERMINAL, reveal=True)
    assert "123-456-782" in out and "12-03-1985" in out
    assert "\x1b]" not in out and "\u202e" not in out


def test_json_data_is_masked_in_keys_values_and_birth_date_fields() -> None:
    data = {"geboortedatum": "1985-03-12", "bsn": "123456782", HOSTILE: [HOSTILE, {"x": HOSTILE}]}
    _assert_clean(json.dumps(scrub_data(data), ensure_ascii=False))


def test_the_terminal_stream_masks_a_bsn_written_in_pieces() -> None:
    inner = io.StringIO()
    stream = GuardedStream(inner)
    for piece in ("verdachte 123-4", "56-782 ", "\x1b]0;x\x07", "\n"):
        stream.write(piece)
    stream.flush()
    _assert_clean(inner.getvalue())


def test_cli_output_and_errors_pass_the_filter(tmp_path: Path, quick_cli: Any) -> None:
    missing = tmp_path / f"aangifte {BSN_SPELLINGS[1]}.csv"
    r = quick_cli(["--db", str(tmp_path / "k.db"), "ingest", str(missing)])
    assert "aangifte" in r.stdout + r.stderr
    _assert_clean(r.stdout + r.stderr)


def test_reports_in_every_format_pass_the_filter() -> None:
    from dossierlink import report as report_module

    def evil(analysis: Any, opts: Any) -> str:
        return HOSTILE

    for fmt in report_module.FORMATS:
        original = report_module._RENDERERS[fmt]
        report_module._RENDERERS[fmt] = evil
        try:
            inp = _empty_input()
            _assert_clean(report_module.render(inp, fmt=fmt))
        finally:
            report_module._RENDERERS[fmt] = original


def _empty_input() -> Any:
    import datetime as dt

    from dossierlink.report import DEFAULT_AMBITION, ReportInput

    return ReportInput(
        divergences=(),
        dossiers_total=0,
        dossiers_by_organisation={},
        now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        ambition=DEFAULT_AMBITION,
    )


def test_saved_reports_pass_the_filter_and_are_owner_only(tmp_path: Path) -> None:
    from dossierlink.api import save_report

    target = tmp_path / "rapport.md"
    save_report(target, HOSTILE, revealed=False)
    _assert_clean(target.read_text(encoding="utf-8"))
    assert target.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_daemon_log_lines_pass_the_filter(fmt: str) -> None:
    from dossierlink.sync import status

    stream = io.StringIO()
    saved = [(lg, lg.handlers[:], lg.propagate) for lg in (status.log, logging.getLogger("dossierlink"))]
    try:
        status.configure_logging(fmt, stream=stream)
        status.transition("quarantined", Path(f"/inbox/{HOSTILE}.csv"), "in0", reason=HOSTILE)
        logging.getLogger("dossierlink.ingest.pipeline").warning("failed on %s", HOSTILE)
    finally:
        for lg, handlers, propagate in saved:
            lg.handlers[:] = handlers
            lg.propagate = propagate
    out = stream.getvalue()
    _assert_clean(out)
    assert len(out.strip().splitlines()) == 2, out


def test_sidecars_and_quarantine_names_pass_the_filter(tmp_path: Path) -> None:
    from dossierlink.ingest.quarantine import quarantine_file

    source = tmp_path / f"{HOSTILE.replace('/', '_')}.csv"
    source.write_text("kapot\n", encoding="utf-8")
    sidecar = quarantine_file(source, tmp_path / "q", f"inbox {BSN_SPELLINGS[0]}", {"reason": HOSTILE})
    for path in (tmp_path / "q").rglob("*"):
        _assert_clean(str(path.relative_to(tmp_path)))
        assert "\n" not in path.name
    _assert_clean(sidecar.read_text(encoding="utf-8"))


def test_the_status_file_passes_the_filter(tmp_path: Path) -> None:
    from dossierlink.sync.status import status_path, write_status

    write_status(tmp_path / "k.db", {"inboxes": [{"path": HOSTILE, "quarantined": [{"reason": HOSTILE}]}]})
    out = status_path(tmp_path / "k.db").read_text(encoding="utf-8")
    _assert_clean(json.loads(out)["inboxes"][0]["path"])
    _assert_clean(out)
    assert os.stat(status_path(tmp_path / "k.db")).st_mode & 0o077 == 0


def test_ledger_reasons_and_the_disclosure_log_pass_the_filter(tmp_path: Path) -> None:
    import dossierlink

    bad = tmp_path / "in" / "kapot.json"
    bad.parent.mkdir()
    bad.write_text(json.dumps({"zaken": HOSTILE}), encoding="utf-8")
    with dossierlink.open(tmp_path / "k.db") as chain:
        outcome = chain.ingest_file(bad, reconcile=False)
        chain.log_disclosure(what=HOSTILE, level="dossier", fmt="json", revealed=False, recipient=HOSTILE)
        rows = chain.sources()
        disclosures = chain.disclosures()
    _assert_clean(outcome.reason or "")
    _assert_clean(json.dumps(rows, ensure_ascii=False))
    _assert_clean(json.dumps(disclosures, ensure_ascii=False))


def test_divergence_ids_and_json_numbers_pass_unchanged() -> None:
    text = json.dumps({"id": "MC-123456789a796a01", "size": 123456789, "bsn": "123456782"}, indent=1)
    out = scrub(text, Sink.TERMINAL)
    data = json.loads(out)  # still JSON
    assert data["id"] == "MC-123456789a796a01" and data["size"] == 123456789
    assert data["bsn"] == "*******82"
