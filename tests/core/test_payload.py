"""The store payload: every format ever written still loads, and each gives back the record exactly."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dossierlink.convert import record_from_dict, record_to_dict
from dossierlink.ingest.adapter import Hints, identify
from dossierlink.reconcile.view import CANONICAL_ORDER_VERSION, DossierView, canonical_record
from dossierlink.schema import (
    Document,
    DocumentType,
    Event,
    EventKind,
    Identifier,
    InventoryEntry,
    Person,
    Provenance,
    Record,
    Role,
)
from dossierlink.store import Store, StoreError, payload_json, trusted
from dossierlink.store.payload import (
    PAYLOAD_VERSION,
    PayloadError,
    canonical_record_from_payload,
    forget_shared,
    record_from_payload,
    record_to_payload,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
GOLDEN = REPO / "tests" / "adapters" / "golden"


def sample_records() -> Iterator[Record]:
    files = [p for p in sorted((SAMPLES / "exports").rglob("*")) if p.is_file() and p.suffix != ".toml"]
    files += sorted((SAMPLES / "scans").rglob("*.pdf")) + sorted((SAMPLES / "inventory").rglob("*.csv"))
    for path in files:
        root = (
            SAMPLES
            if "exports" in path.parts
            else SAMPLES / ("scans" if "scans" in path.parts else "inventory")
        )
        try:
            yield from identify(path).extract(path, Hints(sha256="0" * 64, root=root))
        except Exception:  # ignored sources (non-criminal judgments) hold no records
            continue


def golden_records() -> Iterator[Record]:
    for path in sorted(GOLDEN.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data if isinstance(data, list) else []:
            if isinstance(item, dict) and "provenance" in item:
                yield record_from_dict(item)


def every_writer(record: Record) -> dict[str, str]:
    """The payload of every format the store has ever written, for one record."""
    return {
        "current": record_to_payload(record),
        "v2 json arrays": payload_json.record_to_payload_v2(record),
        "v1 compact json": payload_json.record_to_payload_v1(record),
        "record_to_dict json": json.dumps(record_to_dict(record), ensure_ascii=False),
    }


@pytest.fixture(scope="module")
def records() -> list[Record]:
    out = list(sample_records()) + list(golden_records())
    assert len(out) >= 40
    return out


def test_every_sample_and_golden_record_reads_back_equal_from_every_payload_format(
    records: list[Record],
) -> None:
    for record in records:
        for name, payload in every_writer(record).items():
            back = record_from_payload(payload)
            assert back == record, name
            assert hash(back) == hash(record), name
            assert record_to_dict(back) == record_to_dict(record), name


def validated(value: object) -> None:
    """Run every attrs validator of ``value`` and of everything it holds (raises when one fails)."""
    if attrs.has(type(value)):
        attrs.validate(value)  # type: ignore[arg-type]
        for field in attrs.fields(type(value)):
            validated(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            validated(item)


def test_a_record_read_past_the_validators_equals_the_record_the_validating_constructors_build(
    records: list[Record],
) -> None:
    # The readers build objects through trusted.slot_builder, skipping the validators: what they
    # give must be exactly what the schema's constructors give for the same values.
    for record in [*records, awkward_record()]:
        for name, payload in every_writer(record).items():
            for back in (record_from_payload(payload), canonical_record_from_payload(payload)):
                validated(back)
                assert back == record_from_dict(record_to_dict(back)), name


def test_a_generated_builder_must_set_every_field_once() -> None:
    with pytest.raises(ValueError, match="each of its fields once"):
        trusted.slot_builder(Provenance, ("path",), {"path": "path"}, {})
    build = trusted.slot_builder(
        Provenance,
        ("path", "sha256"),
        {"path": "path", "sha256": "sha256", "adapter": "'a'", "locator": "None"},
        {},
    )
    assert build("p", "s") == Provenance("p", "s", "a")


def test_the_ingest_writer_uses_the_separated_format_for_ordinary_records(records: list[Record]) -> None:
    versions = [record_to_payload(r)[:2] for r in records]
    assert versions.count(f"{PAYLOAD_VERSION}\x1e") >= len(records) // 2
    assert all(v[0] in f"{PAYLOAD_VERSION}[{{" for v in versions)


def test_a_compact_json_payload_from_an_existing_store_still_loads() -> None:
    # Written by the version-1 writer into the benchmark stores (documents keep organisation/medium).
    payload = (
        '{"organisation":"cjib","medium":"digital","provenance":{"path":"/x/tul-1.xml","sha256":"'
        + "7" * 64
        + '","adapter":"cjib","locator":"/t/opdracht[1]"},"identifiers":[{"kind":"extern","value":'
        '"cjib:TUL-2026-00000003","raw":"cjib:TUL-2026-00000003"},{"kind":"parketnummer","value":'
        '"10/118298-25"}],"documents":[{"organisation":"cjib","medium":"digital","key":"CJIB TUL-3",'
        '"type":"tenuitvoerleggingsopdracht","title":"Tenuitvoerleggingsopdracht taakstraf","date":'
        '"2026-02-03","source_location":"/t/opdracht[1]"}],"persons":[{"role":"veroordeelde","voornamen":'
        '"Sem","tussenvoegsel":"van","achternaam":"Vliet","geboortedatum":"2003-04-05","skn":"100000003"}],'
        '"events":[{"kind":"instroom","date":"2026-02-04","organisation":"cjib","sender":"om","receiver":'
        '"cjib","status":"ontvangen","description":"taakstraf"}]}'
    )
    record = record_from_payload(payload)
    assert record == Record(
        organisation="cjib",
        medium="digital",
        provenance=Provenance("/x/tul-1.xml", "7" * 64, "cjib", "/t/opdracht[1]"),
        identifiers=(
            Identifier("extern", "cjib:TUL-2026-00000003", "cjib:TUL-2026-00000003"),
            Identifier("parketnummer", "10/118298-25", "10/118298-25"),
        ),
        documents=(
            Document(
                "cjib",
                "digital",
                "CJIB TUL-3",
                type=DocumentType.TENUITVOERLEGGINGSOPDRACHT,
                title="Tenuitvoerleggingsopdracht taakstraf",
                date=dt.date(2026, 2, 3),
                source_location="/t/opdracht[1]",
            ),
        ),
        persons=(Person(Role.VEROORDEELDE, "Sem", "van", "Vliet", dt.date(2003, 4, 5), "100000003"),),
        events=(
            Event(EventKind.INSTROOM, dt.date(2026, 2, 4), "cjib", "om", "cjib", "ontvangen", "taakstraf"),
        ),
    )
    assert record.identifiers[1].raw == "10/118298-25"
    # ... and written again, it round-trips in the current format.
    assert record_to_payload(record).startswith(f"{PAYLOAD_VERSION}\x1e")
    assert record_from_payload(record_to_payload(record)) == record


def awkward_record() -> Record:
    """Values the separated format cannot carry: the writer must fall back and still be exact."""
    return Record(
        organisation="politie",
        medium="paper",
        provenance=Provenance("/in/a\x1fb.pdf", "0" * 64, "scan", None),
        identifiers=(
            Identifier.parse("pv", "PL07B3_2023123456-1"),
            Identifier.parse("parketnummer", "kapot"),
        ),
        documents=(
            Document(
                "politie",
                "paper",
                "K1",
                title="Titel met\x1escheiding",
                page_labels=((1, 2), None),
                modified=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2))),
                status="",
            ),
            Document("om", "digital", "K2", page_count=0, text_chars=0, size=12),
        ),
        persons=(Person(voornamen="Jan", geboortedatum=dt.date(1, 1, 1)),),
        events=(Event("zitting", dt.date(9999, 12, 31), "rechtspraak", description=""),),
        inventory=(InventoryEntry("removed", dt.datetime(2024, 5, 6, 7, 8), "K2", page_count=3, by="x"),),
        warnings=("w1", "w\x1d2"),
        unreadable="no text",
    )


def test_a_record_with_separators_empty_text_and_invalid_identifiers_reads_back_exactly() -> None:
    record = awkward_record()
    assert not record.identifiers[1].valid
    payload = record_to_payload(record)
    assert payload.startswith("[2,")  # the JSON-array fallback
    assert record_from_payload(payload) == record
    assert record_from_payload(payload).documents[0].status == ""


def test_a_paper_record_with_page_labels_a_timezone_and_no_text_reads_back_exactly_in_the_current_format() -> (
    None
):
    record = Record(
        organisation="rechtspraak",
        medium="paper",
        provenance=Provenance("/in/s.pdf", "1" * 64, "scan"),
        identifiers=(Identifier.parse("pv", "PL03L8 2023356327-3"),),
        documents=(
            Document(
                "rechtspraak",
                "paper",
                "PL03L8 2023356327-3",
                page_count=4,
                page_labels=((1, 4), None, (3, 4), (4, 4)),
                modified=dt.datetime(2023, 7, 8, 14, 42, tzinfo=dt.UTC),
                identifiers=(Identifier.parse("pv", "PL03L8 2023356327-3"),),
                text_chars=0,
                ondertekening="analoog",
            ),
        ),
        inventory=(InventoryEntry("added", dt.datetime(2023, 7, 9), "PL03L8 2023356327-3", "vonnis"),),
        warnings=("the scan has no usable text layer",),
        unreadable="no text layer",
    )
    payload = record_to_payload(record)
    assert payload.startswith(f"{PAYLOAD_VERSION}\x1e")
    back = record_from_payload(payload)
    assert back == record
    assert back.documents[0].text_chars == 0 and back.documents[0].modified == record.documents[0].modified
    assert back.documents[0].identifiers[0] is back.identifiers[0]  # shared, immutable
    assert back.documents[0].page_labels == ((1, 4), None, (3, 4), (4, 4))


_text = st.one_of(st.none(), st.text(alphabet=st.sampled_from('ab \x1c\x1d\x1e\x1f:[{"é'), max_size=6))


@given(
    title=_text,
    status=_text,
    description=_text,
    warning=st.text(max_size=4),
    pages=st.none() | st.integers(0, 9),
)
def test_any_text_in_any_field_reads_back_exactly(
    title: str | None, status: str | None, description: str | None, warning: str, pages: int | None
) -> None:
    record = Record(
        organisation="om",
        medium="digital",
        provenance=Provenance("p", "s", "a", status),
        documents=(Document("om", "digital", "k", title=title, status=status, page_count=pages),),
        events=(Event("status", dt.date(2024, 1, 1), "om", status=status, description=description),),
        warnings=(warning,),
    )
    assert record_from_payload(record_to_payload(record)) == record


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ("", "malformed"),
        ("3\x1eom", "malformed"),
        ("3\x1eom\x1edigital\x1ep\x1fs\x1fa\x1e\x1ek\x1fgeen-type\x1e\x1e\x1e\x1e\x1e", "malformed"),
        ('[9, "om"]', "unknown payload version 9"),
        ("[]", "unknown payload version"),
        ('"text"', "JSON array or object"),
        ('{"organisation": "om"}', "malformed"),
        ("\x80\x00{", "malformed"),
    ],
)
def test_a_damaged_payload_gives_a_clear_error_not_a_crash(payload: str, problem: str) -> None:
    with pytest.raises(PayloadError, match=problem):
        record_from_payload(payload)


def test_the_store_names_the_record_whose_payload_is_damaged(tmp_path: Path) -> None:
    store = Store(tmp_path / "keten.db")
    record = awkward_record()
    (dossier,) = store.add_source(
        path="/in/a",
        sha256="a" * 64,
        size=1,
        mtime=1.0,
        adapter="test",
        organisation="politie",
        medium="paper",
        records=(record,),
    ).dossier_ids
    assert store.dossier_records(dossier) == (record,)
    store.close()
    with sqlite3.connect(tmp_path / "keten.db") as conn:
        conn.execute("UPDATE records SET payload = '3\x1eom'")
    store = Store(tmp_path / "keten.db")
    with pytest.raises(StoreError, match=f"record 1 of dossier {dossier}: malformed"):
        store.dossier_batch([dossier])


def add_records(store: Store, records: list[Record], *, first: int = 0) -> None:
    """Ingest each record as its own source file (``/in/<n>``), as an adapter run would."""
    for n, record in enumerate(records, start=first):
        store.add_source(
            path=f"/in/{n}",
            sha256=str(n).rjust(64, "0"),
            size=1,
            mtime=1.0,
            adapter="test",
            organisation=record.organisation,
            medium=record.medium.value,
            records=(record,),
        )


def record_dict_text(record: Record) -> str:
    return json.dumps(record_to_dict(record), sort_keys=True)


def test_the_stores_batch_reader_gives_back_what_was_ingested_and_the_same_canonical_view(
    tmp_path: Path, records: list[Record]
) -> None:
    store = Store(tmp_path / "keten.db")
    linked = [r for r in records if r.linking_identifiers][:30]
    add_records(store, linked)
    payloads = [r[0] for r in store.conn.execute("SELECT payload FROM records ORDER BY id")]
    assert all(p.startswith(f"{PAYLOAD_VERSION}\x1e") or p.startswith("[2,") for p in payloads)
    read = store.dossier_batch(store.live_dossier_ids())
    got = sorted((r for _, recs in read.values() for r in recs), key=record_dict_text)
    assert got == sorted(linked, key=record_dict_text)
    for dossier_id, (idents, recs) in read.items():
        assert idents == store.dossier_identifiers(dossier_id)
        view = DossierView(dossier_id, idents, recs).canonical()
        assert view == DossierView(dossier_id, idents, tuple(reversed(recs))).canonical()


def test_events_on_the_same_day_and_a_datetime_among_dates_order_as_their_iso_text() -> None:
    events = (
        Event("zitting", dt.datetime(2024, 3, 1, 9, 0), "rechtspraak"),  # type: ignore[arg-type]
        Event("uitspraak", dt.date(2024, 3, 1), "rechtspraak"),
        Event("aangifte", dt.date(999, 1, 2), "politie"),
        Event("advies", dt.date(2024, 3, 1), "reclassering", status="b"),
        Event("advies", dt.date(2024, 3, 1), "reclassering", status="a"),
    )
    for chosen in (events, events[1:]):
        record = Record("om", "digital", Provenance("p", "s", "a"), events=tuple(reversed(chosen)))
        view = DossierView(1, (), (record,)).canonical()
        expected = sorted(
            chosen, key=lambda e: (e.date.isoformat(), e.kind, e.organisation, e.sender or "", e.status or "")
        )
        assert view.records[0].events == tuple(expected)


def shuffled(record: Record) -> Record:
    return attrs.evolve(
        record,
        identifiers=tuple(reversed(record.identifiers)),
        documents=tuple(reversed(record.documents)),
        persons=tuple(reversed(record.persons)),
        events=tuple(reversed(record.events)),
    )


def test_a_record_read_back_for_reconciliation_is_the_canonical_record_the_view_would_sort_out(
    records: list[Record],
) -> None:
    for record in records + [shuffled(r) for r in records]:
        for name, payload in every_writer(record).items():
            assert record_from_payload(payload) == record, name
            back = canonical_record_from_payload(payload)
            assert back == canonical_record(record), name
            assert canonical_record(back) is back, name  # already in order: nothing to sort
            assert DossierView(1, (), (back,)).canonical() == DossierView(1, (), (record,)).canonical()


def test_a_canonical_order_written_under_another_version_is_ignored_and_the_record_is_sorted() -> None:
    record = shuffled(awkward_record_v3())
    payload = record_to_payload(record)
    mark = f"\x1e{CANONICAL_ORDER_VERSION}\x1d"
    assert mark in payload
    for changed in (payload.replace(mark, "\x1e0\x1d"), payload[: payload.rindex("\x1e")]):  # older v3: none
        assert record_from_payload(changed) == record
        assert canonical_record_from_payload(changed) == canonical_record(record) != record


def test_the_stores_canonical_views_equal_the_views_sorted_from_the_stored_records(
    tmp_path: Path, records: list[Record]
) -> None:
    store = Store(tmp_path / "keten.db")
    linked = [shuffled(r) for r in records if r.linking_identifiers][:30]
    add_records(store, linked)
    ids = store.live_dossier_ids()
    views = store.dossier_views(ids)
    for dossier_id, (idents, recs) in store.dossier_batch(ids).items():
        view = views[dossier_id]
        assert view.is_canonical and view.canonical() is view
        assert view == DossierView(dossier_id, idents, recs).canonical()
        assert [r.provenance for r in view.records] == [
            r.provenance for r in DossierView(dossier_id, idents, recs).canonical().records
        ]


def test_a_canonical_order_that_is_no_permutation_is_a_clear_error() -> None:
    payload = record_to_payload(shuffled(awkward_record_v3()))
    head, order = payload.rsplit("\x1e", 1)
    version, ids, _docs, persons, events = order.split("\x1d")
    for bad in ("0,0", "0,1,2,3", "x,1"):
        with pytest.raises(PayloadError):
            record_from_payload(head + "\x1e" + "\x1d".join([version, ids, bad, persons, events]))


def awkward_record_v3() -> Record:
    return Record(
        organisation="om",
        medium="digital",
        provenance=Provenance("p", "s", "a"),
        identifiers=(
            Identifier.parse("parketnummer", "10/600040-08"),
            Identifier.parse("pv", "PL07B3 2023123456-1"),
        ),
        documents=(Document("om", "digital", "A"), Document("om", "digital", "B")),
        events=(Event("zitting", dt.date(2024, 1, 1), "om"), Event("zitting", dt.date(2024, 1, 2), "om")),
    )


def test_an_existing_store_of_compact_json_is_upgraded_in_place_and_reads_the_same(
    tmp_path: Path, records: list[Record]
) -> None:
    store = Store(tmp_path / "keten.db")
    linked = [r for r in records if r.linking_identifiers][:20]
    add_records(store, linked)
    with store.transaction() as conn:  # as an older dossierlink wrote them
        for rid, payload in conn.execute("SELECT id, payload FROM records").fetchall():
            old = payload_json.record_to_payload_v1(record_from_payload(payload))
            conn.execute("UPDATE records SET payload = ? WHERE id = ?", [old, rid])
    ids = store.live_dossier_ids()
    before = store.dossier_batch(ids)
    assert store.upgrade_payloads(chunk=7) == len(linked)
    assert store.upgrade_payloads() == 0
    payloads = [r[0] for r in store.conn.execute("SELECT payload FROM records")]
    assert all(p.startswith(f"{PAYLOAD_VERSION}\x1e") for p in payloads)
    assert store.dossier_batch(ids) == before


def test_the_same_hearing_in_two_records_reads_back_as_one_shared_event_and_each_record_stays_exact() -> None:
    hearing = Event("zitting", dt.date(2024, 5, 1), "rechtspraak", status="zitting gepland")
    suspect = Person(Role.VERDACHTE, "Sem", "van", "Vliet", dt.date(2003, 4, 5), bsn="111222333")
    om = Record("om", "digital", Provenance("p1", "s", "a"), persons=(suspect,), events=(hearing,))
    court = Record(
        "rechtspraak",
        "paper",
        Provenance("p2", "s", "a"),
        persons=(suspect,),
        events=(Event("instroom", dt.date(2024, 4, 1), "rechtspraak"), hearing),
    )
    back_om, back_court = (record_from_payload(record_to_payload(r)) for r in (om, court))
    assert (back_om, back_court) == (om, court)
    assert back_om.events[0] is back_court.events[1]  # immutable, so one object serves both
    assert back_om.persons[0] is back_court.persons[0]
    forget_shared()
    assert record_from_payload(record_to_payload(om)).persons[0] == suspect


def test_a_document_with_a_gap_among_its_fields_and_one_with_only_a_key_read_back_exactly() -> None:
    docs = (
        Document("om", "digital", "K1", title=None, date=None, page_count=3, sha256="ab", size=9),
        Document("om", "digital", "K2"),
        Document("politie", "paper", "K3", page_labels=((1, 1),)),
    )
    record = Record("om", "digital", Provenance("p", "s", "a"), documents=docs)
    payload = record_to_payload(record)
    assert payload.startswith(f"{PAYLOAD_VERSION}\x1e")
    assert record_from_payload(payload) == record


def test_identifiers_out_of_order_or_repeated_still_give_the_sorted_distinct_canonical_list() -> None:
    pv = Identifier.parse("pv", "PL07B3 2023123456-1")
    parket = Identifier.parse("parketnummer", "10/600040-08")
    ecli = Identifier.parse("ecli", "ECLI:NL:RBROT:2026:ZU4830")
    in_order = DossierView(1, (ecli, parket, pv), ()).canonical()
    assert in_order.identifiers == (ecli, parket, pv)
    for given_ids in ((pv, parket, ecli), (ecli, pv, parket, pv), (parket, parket)):
        expected = tuple(sorted(set(given_ids), key=lambda i: (i.kind, i.value)))
        assert DossierView(1, given_ids, ()).canonical().identifiers == expected


def test_the_batch_reader_gives_each_dossier_its_records_in_the_order_they_were_stored(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "keten.db")
    ident = (Identifier.parse("parketnummer", "10/600040-08"),)
    made = []
    for n in range(6):
        record = Record("om", "digital", Provenance(f"/in/{n}", "s", "a", f"r{n}"), identifiers=ident)
        add_records(store, [record], first=n)
        made.append(record)
    (dossier,) = store.live_dossier_ids()
    assert store.dossier_batch([dossier])[dossier][1] == tuple(made)


def test_reconciliation_imports_nothing_of_the_store() -> None:
    # The store hands records over in canonical order; the core never reaches back into it.
    import ast

    for path in sorted((REPO / "dossierlink" / "reconcile").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not [n for n in names if n.startswith("dossierlink.store")], path.name
