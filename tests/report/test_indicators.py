"""The chain's consistency, each organisation's crucial indicator, the weakest link, the tactical figures."""

from __future__ import annotations

import datetime as dt

import attrs

from dossierlink.report import Ambition, ReportInput, RunPoint, analyse, exceeds
from dossierlink.report.indicators import weakest_link
from dossierlink.schema import Divergence, Severity


def _div(
    id_: str, org: str, dossier: int | None, severity: str = "medium", status: str = "open", **kw
) -> Divergence:  # type: ignore[no-untyped-def]
    base = dict(
        id=id_,
        kind="missing_paper",
        severity=severity,
        organisation=org,
        organisations=(org,),
        identifiers=(),
        subject="document:pv:PL07B3 2023123456-1",
        expected=None,
        found=None,
        message="m",
        status=status,
        first_seen=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
        dossier_id=dossier,
    )
    base.update(kw)
    return Divergence(**base)  # type: ignore[arg-type]


NOW = dt.datetime(2025, 3, 14, tzinfo=dt.UTC)


def test_the_chain_stands_at_sixty_percent_against_its_ambition_of_ninety_five(
    report_input: ReportInput,
) -> None:
    s = analyse(report_input).summary
    assert (s.dossiers_total, s.dossiers_consistent) == (20, 12)
    assert s.share == 0.6
    assert s.dossiers_to_fix == 7  # 95% of 20 is 19 dossiers
    assert (s.open, s.acknowledged, s.resolved, s.dossierless_open) == (11, 1, 2, 1)
    assert s.on_track is True and s.projected_share == 1.0


def test_the_reclassering_is_the_weakest_link(report_input: ReportInput) -> None:
    a = analyse(report_input)
    assert a.weakest_link is not None and a.weakest_link.organisation == "reclassering"
    shares = {i.organisation: i.share for i in a.indicators}
    assert shares["politie"] == 0.95
    assert shares["rechtspraak"] == 1 / 3


def test_an_om_that_never_registered_the_handover_still_counts_that_dossier(
    report_input: ReportInput,
) -> None:
    om = next(i for i in analyse(report_input).indicators if i.organisation == "om")
    # 16 dossiers with an OM record, plus dossier 2 the OM must register: 17; four need OM action.
    assert (om.dossiers, om.dossiers_clean, om.open, om.acknowledged) == (17, 13, 5, 1)


def test_a_tie_for_weakest_link_goes_to_the_organisation_with_more_open_divergences() -> None:
    inp = ReportInput(
        divergences=(_div("a", "om", 1), _div("b", "om", 1), _div("c", "cjib", 2)),
        dossiers_total=4,
        dossiers_by_organisation={"om": frozenset({1, 3}), "cjib": frozenset({2, 4})},
        now=NOW,
    )
    a = analyse(inp)
    assert [i.share for i in a.indicators] == [0.5, 0.5]
    assert a.weakest_link is not None and a.weakest_link.organisation == "om"
    assert weakest_link([]) is None


def test_resolved_divergences_do_not_count_against_a_dossier() -> None:
    inp = ReportInput(
        divergences=(_div("a", "om", 1, status="resolved", resolved_at=NOW),),
        dossiers_total=2,
        dossiers_by_organisation={"om": frozenset({1, 2})},
        now=NOW,
    )
    a = analyse(inp)
    assert a.summary.share == 1.0 and a.indicators[0].share == 1.0 and a.summary.on_track is True


def test_an_empty_store_reports_without_dividing_by_zero() -> None:
    a = analyse(ReportInput(divergences=(), dossiers_total=0, dossiers_by_organisation={}, now=NOW))
    assert a.summary.share is None and a.weakest_link is None and a.work == () and a.indicators == ()


def test_a_falling_trend_is_off_track() -> None:
    runs = (
        RunPoint(dt.datetime(2025, 1, 1), 100, 90),
        RunPoint(dt.datetime(2025, 2, 1), 100, 85),
        RunPoint(dt.datetime(2025, 3, 1), 100, 80),
    )
    inp = ReportInput(
        divergences=tuple(_div(str(n), "om", n) for n in range(20)),
        dossiers_total=100,
        dossiers_by_organisation={"om": frozenset(range(100))},
        runs=runs,
        now=NOW,
        ambition=Ambition(0.95, dt.date(2026, 1, 1)),
    )
    s = analyse(inp).summary
    assert s.on_track is False and s.projected_share is not None and s.projected_share < 0.8


def test_a_passed_deadline_is_off_track_unless_met() -> None:
    inp = ReportInput(
        divergences=(_div("a", "om", 1),),
        dossiers_total=2,
        dossiers_by_organisation={"om": frozenset({1, 2})},
        now=NOW,
        ambition=Ambition(0.95, dt.date(2025, 1, 1)),
    )
    s = analyse(inp).summary
    assert s.days_to_deadline < 0 and s.on_track is False


def test_the_oms_tactical_figures_show_age_and_weekly_flow(report_input: ReportInput) -> None:
    om = next(t for t in analyse(report_input).tactics if t.organisation == "om")
    assert om.open == 5 and om.oldest_days == 53 and om.median_days == 15.0
    assert om.by_kind["handover_missing"]["critical"] == 1
    assert om.weeks[-1].week == "2025-W11" and len(om.weeks) == 8
    assert sum(w.opened for w in om.weeks) == 5
    rs = next(t for t in analyse(report_input).tactics if t.organisation == "rechtspraak")
    assert sum(w.resolved for w in rs.weeks) == 1


def test_the_work_list_puts_the_most_severe_and_oldest_first(report_input: ReportInput) -> None:
    om = next(g for g in analyse(report_input).work if g.organisation == "om")
    order = [i.divergence.id for d in om.dossiers for i in d.items]
    assert order == ["d-handover", "d-person", "d-unknown-subject", "d-status", "d-pages-missing"]
    assert om.count == 5


def test_fail_on_counts_only_open_or_acknowledged_divergences_at_or_over_the_threshold() -> None:
    divs = [
        _div("a", "om", 1, severity="high", status="resolved"),
        _div("b", "om", 1, severity="medium", status="acknowledged"),
    ]
    assert exceeds(divs, Severity.MEDIUM)
    assert not exceeds(divs, "high")
    assert not exceeds([], "low")


def test_the_ambition_is_read_from_the_chain_table() -> None:
    errors: list[str] = []
    a = Ambition.from_mapping(
        {"ambition": 0.9, "deadline": dt.date(2026, 1, 1), "ambition_name": "Op orde"}, errors
    )
    assert (a.target, a.deadline, a.name, errors) == (0.9, dt.date(2026, 1, 1), "Op orde", [])
    assert Ambition.from_mapping({"ambition": "95%", "deadline": "2027-07-01"}).target == 0.95
    assert Ambition.from_mapping({"ambition": 80}).target == 0.8


def test_a_bad_ambition_is_reported_and_the_default_kept() -> None:
    errors: list[str] = []
    a = Ambition.from_mapping({"ambition": "veel", "deadline": "volgend jaar", "ambition_name": 3}, errors)
    assert a == attrs.evolve(Ambition(), name=None)
    assert len(errors) == 3 and "ambition" in errors[0] and "2027-07-01" in errors[1]
