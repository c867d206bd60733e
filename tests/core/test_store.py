"""The store: dossier identity across arrival orders, merges, file mode, concurrent writers."""

from __future__ import annotations

import datetime as dt
import itertools
import stat
import subprocess
import sys
from pathlib import Path

from dossierlink.schema import Document, Identifier, Provenance, Record
from dossierlink.store import Store


def record(org: str, *idents: tuple[str, str], path: str = "x", docs: tuple[str, ...] = ()) -> Record:
    return Record(
        organisation=org,
        medium="digital",
        provenance=Provenance(path, "0" * 64, "test"),
        identifiers=tuple(Identifier.parse(k, v) for k, v in idents),
        documents=tuple(Document(org, "digital", key=k) for k in docs),
    )


def add(store: Store, name: str, *records: Record) -> tuple[int, ...]:
    return store.add_source(
        path=f"/in/{name}",
        sha256=name.ljust(64, "0"),
        size=1,
        mtime=1.0,
        adapter="test",
        organisation=records[0].organisation,
        medium="digital",
        records=records,
    ).dossier_ids


def test_police_and_om_records_sharing_a_pv_number_are_one_dossier(store_path: Path) -> None:
    store = Store(store_path)
    a = add(store, "a", record("politie", ("pv", "PL07B3 2023123456-1"), ("parketnummer", "10/600040-08")))
    b = add(store, "b", record("om", ("pv", "PL07B3 2023123456-1"), ("parketnummer", "10-600040-08")))
    assert a == b
    assert len(store.live_dossier_ids()) == 1
    assert store.find_dossier("10-600040-08") == a[0]
    assert store.find_dossier("PL07B3 2023123456-1") == a[0]


def test_a_record_bridging_two_dossiers_merges_them_and_the_merge_is_recorded(store_path: Path) -> None:
    store = Store(store_path)
    (first,) = add(store, "a", record("politie", ("pv", "PL07B3 2023123456-1")))
    (second,) = add(store, "b", record("om", ("parketnummer", "10/600040-08")))
    assert first != second
    (merged,) = add(
        store, "c", record("rechtspraak", ("pv", "PL07B3 2023123456-1"), ("parketnummer", "10/600040-08"))
    )
    assert merged == min(first, second)
    assert store.live_dossier_ids() == [merged]
    assert len(store.dossier_records(merged)) == 3
    merges = store.query("SELECT * FROM merges")
    assert merges[0]["from_dossier"] == max(first, second) and merges[0]["into_dossier"] == merged


def test_dossier_identity_is_the_same_for_every_arrival_order(tmp_path: Path) -> None:
    recs = [
        record("politie", ("pv", "PL07B3 2023123456-1")),
        record("om", ("parketnummer", "10/600040-08"), ("extern", "om:OM-1")),
        record("rechtspraak", ("pv", "PL07B3 2023123456-1"), ("parketnummer", "10/600040-08")),
        record("cjib", ("extern", "om:OM-1"), ("extern", "cjib:998877")),
        record("politie", ("pv", "PL13A1 2023000001-1")),  # another case
    ]
    shapes = set()
    for n, order in enumerate(itertools.permutations(range(len(recs)))):
        if n % 7:  # a spread of the 120 orders keeps the test quick
            continue
        store = Store(tmp_path / f"s{n}.db")
        for i in order:
            add(store, f"r{i}", recs[i])
        groups = frozenset(
            frozenset(i.key for i in store.dossier_identifiers(d)) for d in store.live_dossier_ids()
        )
        shapes.add(groups)
        store.close()
    assert len(shapes) == 1
    (groups,) = shapes
    assert len(groups) == 2


def test_an_invalid_identifier_never_links_dossiers(store_path: Path) -> None:
    store = Store(store_path)
    add(store, "a", record("politie", ("parketnummer", "garbage")))
    add(store, "b", record("om", ("parketnummer", "garbage")))
    assert len(store.live_dossier_ids()) == 2


def test_a_new_version_of_an_export_replaces_what_the_old_version_said(store_path: Path) -> None:
    store = Store(store_path)
    store.add_source(
        path="/in/om.json",
        sha256="1" * 64,
        size=1,
        mtime=1,
        adapter="t",
        organisation="om",
        medium="digital",
        records=[record("om", ("parketnummer", "10/600040-08"), docs=("A", "B"))],
    )
    store.add_source(
        path="/in/om.json",
        sha256="2" * 64,
        size=1,
        mtime=2,
        adapter="t",
        organisation="om",
        medium="digital",
        records=[record("om", ("parketnummer", "10/600040-08"), docs=("A",))],
    )
    (d,) = store.live_dossier_ids()
    assert [doc.key for r in store.dossier_records(d) for doc in r.documents] == ["A"]
    statuses = [r["status"] for r in store.query("SELECT status FROM sources ORDER BY id")]
    assert statuses == ["superseded", "ingested"]


def test_the_store_file_is_readable_by_its_owner_only(store_path: Path) -> None:
    Store(store_path).close()
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o600


# The holder runs in its own interpreter and imports only the installed package: the test does not
# depend on how pytest was started (plain ``pytest`` does not put the checkout on the child's path).
_HOLD_WRITE_LOCK = """
import sys, time
from dossierlink.store import Store
s = Store(sys.argv[1])
with s.transaction() as conn:
    conn.execute("INSERT INTO runs (started_at, kind) VALUES ('x', 'lock-test')")
    print("ready", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_second_writer_waits_for_the_first_instead_of_failing(store_path: Path) -> None:
    Store(store_path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_WRITE_LOCK, str(store_path), "1.5"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "ready"
    store = Store(store_path)
    add(store, "late", record("om", ("parketnummer", "10/600040-08")))  # must wait, not fail
    assert holder.wait(30) == 0
    assert store.query("SELECT count(*) AS n FROM runs WHERE kind = 'lock-test'")[0]["n"] == 1
    assert len(store.live_dossier_ids()) == 1


def test_divergence_lifecycle_keeps_history(store_path: Path) -> None:
    from dossierlink.schema import Divergence

    store = Store(store_path)
    (d,) = add(store, "a", record("om", ("parketnummer", "10/600040-08")))
    div = Divergence(
        id="mp-1",
        kind="missing_paper",
        severity="high",
        organisation="om",
        organisations=("om", "politie"),
        identifiers=(Identifier.parse("parketnummer", "10/600040-08"),),
        subject="document:X",
        expected="in het papieren dossier",
        found="ontbreekt",
        message="m",
    )
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert store.apply_divergences(d, [div], now=t0)["new"] == 1
    assert store.apply_divergences(d, [div], now=t0 + dt.timedelta(days=1))["kept"] == 1
    store.acknowledge("mp-1", note="wordt opgevraagd", by="griffie")
    assert store.divergences()[0].status.value == "acknowledged"
    assert store.apply_divergences(d, [], now=t0 + dt.timedelta(days=2))["resolved"] == 1
    (gone,) = store.divergences()
    assert gone.status.value == "resolved" and gone.resolved_at is not None
    assert store.apply_divergences(d, [div], now=t0 + dt.timedelta(days=3))["reopened"] == 1
    steps = [r["status_to"] for r in store.query("SELECT status_to FROM divergence_history ORDER BY id")]
    assert steps == ["open", "acknowledged", "resolved", "open"]


def test_the_same_bytes_stored_twice_by_racing_writers_become_one_source_and_a_duplicate(
    store_path: Path,
) -> None:
    store = Store(store_path)
    first = add(store, "same", record("om", ("parketnummer", "10/600040-08")))
    # The second writer's dedupe look-up happened before the first committed: the store catches it.
    again = store.add_source(
        path="/in/other-name",
        sha256="same".ljust(64, "0"),
        size=1,
        mtime=1.0,
        adapter="test",
        organisation="om",
        medium="digital",
        records=[record("om", ("parketnummer", "10/600040-08"))],
    )
    assert again.duplicate_of is not None and again.records == 0
    assert [r["status"] for r in store.query("SELECT status FROM sources ORDER BY id")] == [
        "ingested",
        "duplicate",
    ]
    assert len(store.dossier_records(first[0])) == 1


def test_a_new_store_has_exactly_the_tables_and_columns_that_store_tables_defines(store_path: Path) -> None:
    from dossierlink.store.tables import TABLES

    store = Store(store_path)
    made = {
        name: tuple(row[1] for row in store.conn.execute(f"PRAGMA table_info([{name}])"))
        for name in store.db.table_names()
        if not name.startswith("_sqlite")  # sqlite-utils' own record of applied migrations
    }
    assert made == {table.name: table.column_names for table in TABLES}
    indexes = {row[0] for row in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {index for table in TABLES for index, _ in table.indexes} <= indexes
    store.close()
