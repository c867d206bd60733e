"""`pull rechtspraak` against a recorded open-data service on 127.0.0.1: the ECLI feed page by page,
each document, a 500 then success, an interrupted pull resumed from its cursor."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

import dossierlink
from dossierlink.pull import HttpClient, PullError, RechtspraakPullConfig
from dossierlink.pull.rechtspraak import CRIMINAL_SUBJECT
from dossierlink.pull.run import pull_rechtspraak
from dossierlink.store.cursors import pull_cursor

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "samples"
    / "exports"
    / "rechtspraak"
    / "ECLI.NL.RBAMS.2023.9002.xml"
)
NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
JUDGMENTS = [  # (ECLI, updated, parketnummer): the feed lists them oldest first
    ("ECLI:NL:RBAMS:2024:101", "2024-05-01T10:00:00", "13/100001-24"),
    ("ECLI:NL:RBAMS:2024:102", "2024-05-02T10:00:00", "13/100002-24"),
    ("ECLI:NL:RBAMS:2024:103", "2024-05-03T10:00:00", "13/100003-24"),
]


class OpenData:
    """The ECLI index (Atom, subject/modified/from/max) and the content of each document."""

    def __init__(self, service: Any) -> None:
        self.svc = service
        self.feeds: list[dict[str, list[str]]] = []
        self.judgments = list(JUDGMENTS)
        service.routes["/uitspraken/zoeken"] = self.feed
        service.routes["/uitspraken/content"] = self.content

    def feed(self, _path: str, q: dict[str, list[str]], _h: dict[str, str]) -> Any:
        self.feeds.append(q)
        assert q["subject"] == [CRIMINAL_SUBJECT]
        since = q["modified"][0]
        chosen = sorted((j for j in self.judgments if j[1] >= since), key=lambda j: j[1])
        start, size = int(q["from"][0]), int(q["max"][0])
        entries = "".join(
            f"<entry><id>{e}</id><title>{e}</title><updated>{u}</updated>"
            f'<link rel="alternate" href="https://uitspraken.rechtspraak.nl/details?id={e}"/></entry>'
            for e, u, _p in chosen[start : start + size]
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Rechtspraak.nl - Uitspraken</title><id>{self.svc.base}/uitspraken/zoeken</id>"
            f"<subtitle>Aantal gevonden ECLI's: {len(chosen)}</subtitle>{entries}</feed>"
        )
        return 200, {"Content-Type": "application/atom+xml"}, body.encode()

    def content(self, _path: str, q: dict[str, list[str]], _h: dict[str, str]) -> Any:
        ecli = q["id"][0]
        match = [j for j in self.judgments if j[0] == ecli]
        if not match:
            return 404, {}, b"not found"
        _e, updated, parket = match[0]
        xml = SAMPLE.read_text(encoding="utf-8").replace("ECLI:NL:RBAMS:2023:9002", ecli)
        xml = xml.replace("13/123456-23", parket).replace("2023-10-12T09:00:00", updated)
        return 200, {"Content-Type": "application/xml"}, xml.encode()


def _config(tmp: Path, service: Any, size: int = 2) -> RechtspraakPullConfig:
    return RechtspraakPullConfig.from_mapping(
        {"base_url": service.base, "folder": "pull/rechtspraak", "page_size": size, "min_interval": 0.5},
        base=tmp,
    )


def test_criminal_judgments_are_pulled_page_by_page_rate_limited_and_ingested(
    service: Any, tmp_path: Path
) -> None:
    data = OpenData(service)
    service.fail["/uitspraken/content"] = [500]
    waits: list[float] = []
    ticks = iter(range(1000))
    http = HttpClient(sleep=waits.append, min_interval=0.5, clock=lambda: float(next(ticks)) / 10)
    with dossierlink.open(tmp_path / "chain.db") as chain:
        result = pull_rechtspraak(chain.store, _config(tmp_path, service), since="2024-01-01", http=http)
        assert [p.name for p in result.files] == [
            "ECLI.NL.RBAMS.2024.101.xml",
            "ECLI.NL.RBAMS.2024.102.xml",
            "ECLI.NL.RBAMS.2024.103.xml",
        ]
        assert [q["from"] for q in data.feeds] == [["0"], ["2"]]  # two pages of two
        assert 1.0 in waits  # the backoff after the 500
        assert any(0 < w < 0.5 for w in waits)  # requests spaced by the rate limit
        assert pull_cursor(chain.store, _config(tmp_path, service).source) == "2024-05-03T10:00:00"
        s = chain.ingest(result.files, now=NOW)
        assert (s.ingested, s.quarantined) == (3, 0)
        assert chain.dossier("13/100002-24") is not None


def test_an_interrupted_pull_resumes_from_its_cursor(service: Any, tmp_path: Path) -> None:
    OpenData(service)
    cfg = _config(tmp_path, service, size=10)
    orig = service.routes["/uitspraken/content"]

    def broken_for_the_third(path: str, q: dict[str, list[str]], h: dict[str, str]) -> Any:
        if q["id"] == ["ECLI:NL:RBAMS:2024:103"]:
            return 503, {}, b"down"
        return orig(path, q, h)

    service.routes["/uitspraken/content"] = broken_for_the_third
    with dossierlink.open(tmp_path / "chain.db") as chain:
        with pytest.raises(PullError, match=r"ECLI%3ANL%3ARBAMS%3A2024%3A103.*HTTP 503"):
            pull_rechtspraak(
                chain.store, cfg, since="2024-01-01", http=HttpClient(sleep=lambda _s: None, retries=1)
            )
        assert pull_cursor(chain.store, cfg.source) == "2024-05-02T10:00:00"
        service.routes["/uitspraken/content"] = orig
        service.log.clear()
        resumed = pull_rechtspraak(chain.store, cfg, since=None, http=HttpClient(sleep=lambda _s: None))
        assert [p.name for p in resumed.files] == ["ECLI.NL.RBAMS.2024.103.xml"]
        assert resumed.skipped == 1  # the judgment at the cursor is already in the folder
        feed_query = urllib.parse.parse_qs(service.log[0][1])
        assert feed_query["modified"] == ["2024-05-02T10:00:00"]


def test_the_first_pull_needs_a_date(tmp_path: Path) -> None:
    cfg = RechtspraakPullConfig.from_mapping({"base_url": "http://127.0.0.1:9"}, base=tmp_path)
    with dossierlink.open(tmp_path / "chain.db") as chain, pytest.raises(PullError, match="--since"):
        pull_rechtspraak(chain.store, cfg, since=None)


def test_a_judgment_corrected_after_the_last_pull_is_fetched_anew(service: Any, tmp_path: Path) -> None:
    data = OpenData(service)
    cfg = _config(tmp_path, service, size=10)
    with dossierlink.open(tmp_path / "chain.db") as chain:
        first = pull_rechtspraak(chain.store, cfg, since="2024-01-01", http=HttpClient(sleep=lambda _s: None))
        assert len(first.files) == 3
        data.judgments[0] = ("ECLI:NL:RBAMS:2024:101", "2024-05-20T08:00:00", "13/100001-24")  # corrected
        again = pull_rechtspraak(chain.store, cfg, since=None, http=HttpClient(sleep=lambda _s: None))
        assert [p.name for p in again.files] == ["ECLI.NL.RBAMS.2024.101.xml"] and again.skipped == 1
        assert "2024-05-20T08:00:00" in again.files[0].read_text(encoding="utf-8")
        assert pull_cursor(chain.store, cfg.source) == "2024-05-20T08:00:00"
