"""The reports read right in Dutch and English: counts agree with their nouns, titles say what the
page holds, the trend is one point a day, and referenced files that were not read are counted."""

from __future__ import annotations

import datetime as dt
import re

import attrs
import pytest

from dossierlink.report import ReportInput, RunPoint, render
from dossierlink.report.indicators import daily_trend
from dossierlink.report.messages import count

from .conftest import build_input


def one_of_twelve() -> ReportInput:
    """Twelve dossiers, one consistent: the standing the issue saw printed as "(1 dossiers)"."""
    base = build_input()
    first = base.divergences[0]
    divergences = tuple(attrs.evolve(first, id=f"d-{n}", dossier_id=n) for n in range(2, 13))
    return attrs.evolve(base, dossiers_total=12, divergences=divergences)


@pytest.mark.parametrize(
    ("lang", "n", "noun", "expected"),
    [
        ("nl", 1, "dossier", "1 dossier"),
        ("nl", 12, "dossier", "12 dossiers"),
        ("nl", 0, "dossier", "0 dossiers"),
        ("nl", 1, "day", "1 dag"),
        ("nl", 2.5, "day", "2,5 dagen"),
        ("en", 1, "day", "1 day"),
        ("en", 1_204, "day", "1,204 days"),
        ("nl", 1, "open_divergence", "1 openstaande afwijking"),
        ("en", 3, "referenced_file", "3 referenced files"),
    ],
)
def test_a_count_takes_the_nouns_singular_only_for_one(lang: str, n: float, noun: str, expected: str) -> None:
    assert count(lang, noun, n, 1 if isinstance(n, float) else 0) == expected


def test_the_standing_of_one_consistent_dossier_is_singular_in_both_languages() -> None:
    inp = one_of_twelve()
    nl = render(inp, level="strategic", fmt="text", lang="nl")
    en = render(inp, level="strategic", fmt="text", lang="en")
    assert "Stand: 8,3% van 12 dossiers consistent (1 dossier)" in nl
    assert "Standing: 8.3% of 12 dossiers consistent (1 dossier)" in en
    for text in (nl, en):
        assert not re.search(r"\b1 (dossiers|dagen|days|openstaande afwijkingen|open divergences)\b", text)


def test_one_day_before_the_deadline_is_one_day() -> None:
    inp = attrs.evolve(build_input(), now=dt.datetime(2027, 6, 30, 9, 0, tzinfo=dt.UTC))
    assert "1 dag tot 2027-07-01" in render(inp, level="strategic", fmt="text", lang="nl")
    assert "1 day until 2027-07-01" in render(inp, level="strategic", fmt="text", lang="en")
    html = render(inp, level="strategic", fmt="html", lang="nl")
    assert "1 dag tot" in html and "1 dagen" not in html


@pytest.mark.parametrize(
    ("level", "nl", "en"),
    [
        ("strategic", "strategisch", "strategic"),
        ("tactical", "strategisch en tactisch", "strategic and tactical"),
        ("operational", "strategisch, tactisch en operationeel", "strategic, tactical and operational"),
    ],
)
def test_the_html_title_names_every_level_the_page_holds(level: str, nl: str, en: str) -> None:
    inp = build_input()
    for lang, levels, title in (
        ("nl", nl, "Ketenrapport dossierlink"),
        ("en", en, "dossierlink chain report"),
    ):
        html = render(inp, level=level, fmt="html", lang=lang)
        assert f"<title>{title} — {levels}</title>" in html
        assert f"<h1>{title} — {levels}</h1>" in html


def test_four_runs_within_a_minute_are_one_point_of_the_trend() -> None:
    """The demo reconciles four times in a minute; the chain's course is one point that day."""
    day = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
    runs = tuple(RunPoint(day + dt.timedelta(seconds=15 * i), 12, 4 - i) for i in range(4))
    earlier = RunPoint(day - dt.timedelta(days=1), 12, 2)
    assert daily_trend(runs) == (runs[-1],)
    assert daily_trend((*runs, earlier)) == (earlier, runs[-1])

    inp = attrs.evolve(build_input(), runs=runs, now=day + dt.timedelta(minutes=5))
    text = render(inp, level="strategic", fmt="text", lang="nl")
    trend = text.split("\nTrend\n", 1)[1]
    assert trend.splitlines()[0] == "2026-11-27: 8,3% (1 van 12)"
    assert "Eén punt per dag: de laatste meting van die dag." in trend
    assert not any(ch in trend for ch in "▁▂▃▄▅▆▇█"), "one point draws no line"

    html = render(inp, level="strategic", fmt="html", lang="en")
    chart = html.split("Consistent dossiers over time</h3>", 1)[1].split("</svg>", 1)[0]
    assert chart.count("<circle") == 1
    assert "One point per day: the day&#x27;s last measurement." in html
    md = render(inp, level="strategic", fmt="markdown", lang="en")
    assert md.count("| 2026-11-27 |") == 1 and "One point per day" in md


def test_a_referenced_file_that_was_not_read_is_a_warning_in_every_report() -> None:
    inp = attrs.evolve(build_input(), references_not_read={"outside the inbox root": 1, "missing": 2})
    en = render(inp, level="operational", fmt="text", lang="en")
    assert "1 referenced file not read: outside the inbox root" in en
    assert "2 referenced files not read: missing" in en
    nl = render(inp, level="strategic", fmt="text", lang="nl")
    assert "1 gekoppeld bestand niet gelezen: buiten de root van de inbox" in nl
    assert "2 gekoppelde bestanden niet gelezen: niet aanwezig" in nl
    assert "1 referenced file not read: outside the inbox root" in render(inp, fmt="markdown", lang="en")
    assert "1 referenced file not read: outside the inbox root" in render(inp, fmt="html", lang="en")
    assert '"outside the inbox root": 1' in render(inp, fmt="json", lang="en")
    assert "referenced file" not in render(build_input(), fmt="text", lang="en")
