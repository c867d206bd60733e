"""Reading the report's input from the store's tables, with filters, merges and unreadable rows."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlite_utils

from dossierlink.report import ReportDataError, ReportInput, load_report_input, make_report


def test_the_store_yields_the_same_input_as_the_plain_objects(
    store, now, ambition, report_input: ReportInput
) -> None:  # type: ignore[no-untyped-def]
    inp = load_report_input(store, now=now, ambition=ambition)
    assert inp.dossiers_total == 20
    assert sorted(inp.divergences, key=lambda d: d.id) == sorted(report_input.divergences, key=lambda d: d.id)
    assert dict(inp.dossiers_by_organisation) == dict(report_input.dossiers_by_organisation)
    assert dict(inp.dossier_labels) == dict(report_input.dossier_labels)
    assert inp.runs == report_input.runs
    assert inp.warnings == ()


def test_a_record_on_a_merged_dossier_counts_for_the_dossier_it_was_merged_into(store, now) -> None:  # type: ignore[no-untyped-def]
    inp = load_report_input(store, now=now)
    assert 1 in inp.dossiers_by_organisation["cjib"] and 21 not in inp.dossiers_by_organisation["cjib"]


def test_the_om_sees_only_what_it_must_act_on(store, now) -> None:  # type: ignore[no-untyped-def]
    inp = load_report_input(store, now=now, organisation="om")
    assert {d.organisation for d in inp.divergences} == {"om"}
    assert set(inp.dossiers_by_organisation) == {"om"}
    assert inp.filters == {"organisation": "om"}


def test_filters_combine_kind_severity_status_and_since(store, now) -> None:  # type: ignore[no-untyped-def]
    assert {
        d.id for d in load_report_input(store, now=now, kind=["missing_paper", "stale_paper"]).divergences
    } == {
        "d-missing-paper",
        "d-stale",
    }
    assert {
        d.id for d in load_report_input(store, now=now, severity="critical,high", status="open").divergences
    } == {
        "d-missing-paper",
        "d-handover",
        "d-status",
    }
    since = load_report_input(store, now=now, since="2025-03-10")
    assert {d.id for d in since.divergences} == {
        "d-unreadable",
        "d-duplicate",
        "d-unknown-subject",
        "d-resolved-digital",
    }
    assert [r.at.date() for r in since.runs] == [dt.date(2025, 3, 14)]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kind": "lost_file"}, "--kind 'lost_file' is not known"),
        ({"severity": "urgent"}, "--severity"),
        ({"status": "closed"}, "--status"),
        ({"since": "gisteren"}, "write it as 2025-01-31"),
        ({"organisation": "Het OM!"}, "--organisation"),
    ],
)
def test_a_bad_filter_is_a_clear_error(store, now, kwargs, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReportDataError, match=match):
        load_report_input(store, now=now, **kwargs)


def test_an_unreadable_divergence_row_becomes_a_warning_not_a_crash(store, now) -> None:  # type: ignore[no-untyped-def]
    store["divergences"].insert(
        {"id": "d-future", "kind": "teleported", "severity": "high", "organisation": "om", "status": "open"}
    )
    inp = load_report_input(store, now=now)
    assert len(inp.divergences) == 13
    assert inp.warnings and "d-future" in inp.warnings[0]
    text, _ = make_report(store, level="strategic", fmt="text", now=now)
    assert "d-future" in text


def test_an_empty_store_gives_an_empty_report(tmp_path, now) -> None:  # type: ignore[no-untyped-def]
    db = sqlite_utils.Database(tmp_path / "empty.db")
    text, over = make_report(db, level="operational", fmt="text", now=now, fail_on="low")
    assert "Geen openstaande afwijkingen" in text and over is False


def test_make_report_says_when_something_is_over_the_threshold(store, now) -> None:  # type: ignore[no-untyped-def]
    assert make_report(store, now=now, fail_on="critical")[1] is True
    assert make_report(store, now=now, fail_on="critical", organisation="rechtspraak")[1] is False
