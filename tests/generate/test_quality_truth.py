"""The answer key claims only what the generated data shows (issue 5: detection quality per kind)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import replace
from pathlib import Path

from dossierlink.fingerprint import fingerprint, fingerprint_containment, fingerprint_similarity
from dossierlink.synth import REFERENCE_DAY, generate_chain
from dossierlink.synth.cases import owner_of, plan_case
from dossierlink.synth.exports import ExportFormats
from dossierlink.synth.paper import document_text

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def _text(pages: list[list[str]]) -> str:
    return "\n".join("\n".join(lines) for lines in pages)


def test_another_version_of_a_stuk_keeps_most_text_yet_never_passes_for_the_same() -> None:
    # A corrected PV or a new dagvaarding shares most of its text with the first version: a scan
    # of it still joins its document when its number cannot be read, and still differs from it.
    for index in range(40):
        case = plan_case(index, 1, divergence_rate=0.0, scans=0.0)
        for doc in case.documents:
            first = fingerprint(_text(document_text(doc, case.parketnummer)))
            second = fingerprint(_text(document_text(replace(doc, version=2), case.parketnummer)))
            assert 0.5 < fingerprint_similarity(second, first) < 0.85, doc.key
            assert fingerprint_containment(second, first) < 0.95, doc.key


def test_a_stuk_taken_from_the_paper_file_leaves_a_file_the_inventory_still_shows() -> None:
    taken = 0
    for index in range(3000):
        case = plan_case(index, 1, divergence_rate=1.0, scans=0.0)
        for t in case.truth:
            if t["kind"] == "missing_paper":
                taken += 1
                assert case.holdings[t["organisation"]].paper, f"case {index}: the paper file is empty"
    assert taken > 100


def test_a_parketnummer_typo_at_the_police_is_never_another_cases_number() -> None:
    # At 100k dossiers, case 93 990's typo 18/905141-23 -> 18/905114-23 was case 90 147's number:
    # the two cases merged and the answer key called it a typo.
    case = plan_case(93_990, 1, divergence_rate=0.1, scans=0.002)
    (t,) = case.truth
    assert t["kind"] == "identifier_conflict"
    assert t["details"]["found"] != "18/905114-23"
    assert t["details"]["found"] != t["details"]["expected"]
    assert owner_of(t["details"]["found"], 1, REFERENCE_DAY) is None


def test_two_detentions_on_one_day_never_share_a_registratienummer(tmp_path: Path) -> None:
    # Cases 12 069 and 72 069 were both locked up on 10-12-2022: "index modulo 10 000" gave both
    # DJI-2022-1210-2069, and that shared number merged two unrelated dossiers.
    formats = ExportFormats(now=REFERENCE_DAY)
    cases = [plan_case(i, 1, divergence_rate=0.1, scans=0.002) for i in (12_069, 72_069)]
    rows = formats.dji_csv([(c, c.holdings["dji"]) for c in cases]).splitlines()[1:]
    numbers = [r.split(",")[0] for r in rows]
    assert len(numbers) == 2 and numbers[0] != numbers[1]


def test_two_holders_scans_of_one_stuk_are_two_files(tmp_path: Path) -> None:
    generate_chain(tmp_path, dossiers=60, seed=1, divergence_rate=0.0, scans=1.0)
    seen: dict[str, Path] = {}
    scans = [p for org in ("om", "rechtspraak") for p in sorted((tmp_path / "chain" / org).rglob("*.pdf"))]
    assert len(scans) > 100
    for p in scans:
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        assert digest not in seen, f"{p} is byte-identical to {seen[digest]}"
        seen[digest] = p


def test_the_oms_export_refers_to_its_dms_file_of_every_stuk_of_a_scanned_case(tmp_path: Path) -> None:
    from dossierlink.adapters.om import OmJsonAdapter

    from dossierlink.ingest.adapter import Hints

    generate_chain(tmp_path, dossiers=20, seed=1, divergence_rate=0.0, scans=1.0)
    export = tmp_path / "chain/exports/om/zaken-00001.json"
    # Every case with a paper dossier was scanned (scans=1.0): its folder holds the scans.
    scanned = {
        p.name for org in ("om", "rechtspraak") for p in (tmp_path / "chain" / org).iterdir() if p.is_dir()
    }
    zaken = [
        z
        for z in json.loads(export.read_text(encoding="utf-8"))["zaken"]
        if z["parketnummer"].replace("/", "-") in scanned
    ]
    assert len(zaken) >= 5
    for zaak in zaken:
        for d in zaak["documenten"]:
            assert (export.parent / d["bestand"]).resolve().is_file()
    records = list(OmJsonAdapter().extract(export, Hints(root=tmp_path / "chain")))
    with_text = [d for r in records for d in r.documents if d.fingerprint and d.sha256]
    assert len(with_text) == sum(len(z["documenten"]) for z in zaken)
    assert all(not r.warnings for r in records)


def _subject(value: str) -> str:
    kind, _, key = value.partition(":")
    return f"document:{kind}:{key.upper() if kind == 'nr' else key}"


def test_every_injected_paper_divergence_is_found_and_nothing_else_of_its_kind(tmp_path: Path) -> None:
    """End to end on a small chain: content_mismatch (also of an OM stuk or a vonnis), stale_paper
    and missing_paper, found for exactly the stukken the answer key names."""
    import dossierlink

    out = tmp_path / "gen"
    generate_chain(out, dossiers=200, seed=5, divergence_rate=1.0, scans=0.0, now=REFERENCE_DAY)
    chain = dossierlink.open(tmp_path / "chain.db")
    chain.ingest([out / "chain"], reconcile=False, now=NOW)
    chain.reconcile(all=True, now=NOW)
    kinds = ("content_mismatch", "stale_paper", "missing_paper")
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))["divergences"]
    want = {(t["kind"], t["organisation"], _subject(t["subject"])) for t in truth if t["kind"] in kinds}
    # A scan that lost a page may also read as another version; an unreadable scan's stuk as absent.
    fair = {
        (k, t["organisation"], _subject(t["subject"]))
        for t in truth
        for k in t.get("tolerated", ())
        if k in kinds
    }
    got = {(d.kind.value, d.organisation, d.subject) for d in chain.divergences() if d.kind.value in kinds}
    chain.close()
    assert {k for k, _, _ in want} == set(kinds)
    assert sorted(want - got) == []
    assert sorted(got - want - fair) == []


def test_a_strafbeschikking_changed_after_its_print_shows_the_change_in_the_oms_export(
    tmp_path: Path,
) -> None:
    # Only the OM holds a strafbeschikking digitally: without the DMS's change date in its export,
    # no system could see that the paper copy predates the current version.
    from dossierlink.adapters.om import OmJsonAdapter

    from dossierlink.ingest.adapter import Hints

    case = next(
        c
        for c in (plan_case(i, 1, divergence_rate=1.0, scans=0.0) for i in range(3000))
        if any(t["kind"] == "stale_paper" and t["subject"].startswith("nr:OM-SB-") for t in c.truth)
    )
    (t,) = case.truth
    export = tmp_path / "zaken.json"
    export.write_text(ExportFormats(now=REFERENCE_DAY).om_json([(case, case.holdings["om"])]))
    (record,) = OmJsonAdapter().extract(export, Hints())
    (doc,) = [d for d in record.documents if d.key == t["subject"].removeprefix("nr:")]
    assert doc.modified == dt.datetime.fromisoformat(t["details"]["modified"])
    assert doc.modified > dt.datetime.fromisoformat(t["details"]["made"])
