"""`pull zgw` against a recorded Open Zaak on 127.0.0.1: pages, a 429, a 500 then success, an expired token, a cursor."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

jwt = pytest.importorskip("jwt")

import dossierlink  # noqa: E402
from dossierlink.pull import HttpClient, PullError, ZgwPullConfig  # noqa: E402
from dossierlink.pull.run import pull_zgw  # noqa: E402

RECORDINGS = Path(__file__).resolve().parents[1] / "adapters" / "data" / "zgw-openzaak"
HOST = "https://openzaak.rechtspraak.example"
SECRET = "a-long-test-secret-for-hs256-signing"
NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


def _recording(name: str, base: str) -> Any:
    return json.loads((RECORDINGS / name).read_text().replace(HOST, base))


class OpenZaak:
    """Two zaken on two pages, each with one document, one rol and one status; JWT checked."""

    def __init__(self, service: Any) -> None:
        self.svc = service
        base = service.base
        template = _recording("zaak-GET-single.json", base)
        self.zaken: list[dict[str, Any]] = []
        self.docs: dict[str, Any] = {}
        for i, (parket, reg) in enumerate((("13/751234-24", "2024-03-11"), ("13/751235-24", "2024-03-12"))):
            self.add_zaak(template, i, parket, reg)
        self.max_age = 60  # seconds a token stays valid, as Open Zaak's JWT_EXPIRY
        zaken_api = "/zaken/api/v1"
        service.routes[f"{zaken_api}/zaken"] = self.zaken_list
        service.routes[f"{zaken_api}/zaakinformatieobjecten"] = self.zios
        service.routes[f"{zaken_api}/rollen"] = lambda p, q, h: self.per_zaak(q, h, "rollen-GET-zaak.json")
        service.routes[f"{zaken_api}/statussen"] = lambda p, q, h: self.per_zaak(
            q, h, "statussen-GET-zaak.json"
        )

    def add_zaak(self, template: dict[str, Any], i: int, parket: str, reg: str) -> None:
        base = self.svc.base
        zaak = json.loads(json.dumps(template))
        zaak["url"] = f"{base}/zaken/api/v1/zaken/zaak-{i}"
        zaak["identificatie"] = f"ZAAK-2024-{i:010d}"
        zaak["registratiedatum"] = reg
        zaak["kenmerken"] = [{"kenmerk": parket, "bron": "OM parketnummer"}]
        self.zaken.append(zaak)
        doc = _recording("enkelvoudiginformatieobject-GET-single.json", base)
        doc["url"] = f"{base}/documenten/api/v1/enkelvoudiginformatieobjecten/doc-{i}"
        doc["identificatie"] = f"PL13C4 2024031{i:03d}-1"
        self.docs[f"/documenten/api/v1/enkelvoudiginformatieobjecten/doc-{i}"] = doc
        self.svc.routes[f"/documenten/api/v1/enkelvoudiginformatieobjecten/doc-{i}"] = self.eio

    def auth(self, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes] | None:
        token = headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        except jwt.PyJWTError:
            return 403, {}, b'{"detail": "invalid token"}'
        if claims.get("client_id") != "dossierlink" or time.time() - claims["iat"] > self.max_age:
            return 403, {}, b'{"code": "permission_denied", "detail": "The JWT has expired."}'
        return None

    def zaken_list(self, _path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Any:
        if (denied := self.auth(headers)) is not None:
            return denied
        if headers.get("Accept-Crs") != "EPSG:4326":
            return 412, {}, b'{"detail": "Accept-Crs header ontbreekt"}'
        after = query.get("registratiedatum__gt", [""])[0]
        chosen = [z for z in self.zaken if z["registratiedatum"] > after]
        page = int(query.get("page", ["1"])[0])
        items = chosen[page - 1 : page]  # one zaak a page: pagination is exercised
        nxt = None
        if page < len(chosen):
            params = {k: v[0] for k, v in query.items()} | {"page": str(page + 1)}
            nxt = f"{self.svc.base}/zaken/api/v1/zaken?" + "&".join(f"{k}={v}" for k, v in params.items())
        body = {"count": len(chosen), "next": nxt, "previous": None, "results": items}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    def zios(self, _path: str, query: dict[str, list[str]], headers: dict[str, str]) -> Any:
        if (denied := self.auth(headers)) is not None:
            return denied
        zurl = query["zaak"][0]
        i = zurl.rsplit("-", 1)[-1]
        link = _recording("zaakinformatieobjecten-GET-zaak.json", self.svc.base)[0]
        link["zaak"] = zurl
        link["url"] = f"{self.svc.base}/zaken/api/v1/zaakinformatieobjecten/zio-{i}"
        link["informatieobject"] = f"{self.svc.base}/documenten/api/v1/enkelvoudiginformatieobjecten/doc-{i}"
        return 200, {}, json.dumps([link]).encode()  # a plain array: not paginated

    def eio(self, path: str, _query: dict[str, list[str]], headers: dict[str, str]) -> Any:
        if (denied := self.auth(headers)) is not None:
            return denied
        return 200, {}, json.dumps(self.docs[path]).encode()

    def per_zaak(self, query: dict[str, list[str]], headers: dict[str, str], name: str) -> Any:
        if (denied := self.auth(headers)) is not None:
            return denied
        page = _recording(name, self.svc.base)
        for item in page["results"]:
            item["zaak"] = query["zaak"][0]
            item["url"] = item["url"] + "-" + query["zaak"][0].rsplit("-", 1)[-1]
        return 200, {}, json.dumps(page).encode()


def _config(service: Any, tmp: Path) -> ZgwPullConfig:
    return ZgwPullConfig.from_mapping(
        {
            "zaken_url": f"{service.base}/zaken/api/v1",
            "client_id": "dossierlink",
            "secret": SECRET,
            "folder": "pull/zgw",
            "organisation": "rechtspraak",
        },
        base=tmp,
    )


def test_the_court_s_zaken_are_pulled_page_by_page_through_429_500_and_an_expired_token(
    service: Any, tmp_path: Path
) -> None:
    openzaak = OpenZaak(service)
    service.fail["/zaken/api/v1/zaken"] = [429]
    service.fail["/documenten/api/v1/enkelvoudiginformatieobjecten/doc-1"] = [500]
    waits: list[float] = []
    # The run's timestamp, the token of the attempt that meets the 429, then a token an hour old
    # (a client whose clock is off): the server says it expired, a fresh one is made.
    clock = iter([time.time(), time.time(), time.time() - 3600])
    cfg = _config(service, tmp_path)
    with dossierlink.open(tmp_path / "chain.db") as chain:
        from dossierlink.pull.zgw import ZgwPull

        http = HttpClient(sleep=waits.append)
        puller = ZgwPull(cfg, http, now=lambda: next(clock, time.time()))
        result = puller.run(None)
        assert waits == [1.0, 1.0]  # Retry-After of the 429; the first backoff after the 500
        assert service.paths(403) == ["/zaken/api/v1/zaken"]  # the expired token, then a fresh one
        assert result.cursor == "2024-03-12"
        names = sorted(p.name for p in result.files)
        assert len([n for n in names if n.startswith("zaken-")]) == 2  # two pages
        assert len([n for n in names if n.startswith("enkelvoudiginformatieobject-")]) == 2
        assert all(p.stat().st_mode & 0o777 == 0o600 for p in result.files)
        assert (tmp_path / "pull" / "zgw").stat().st_mode & 0o777 == 0o700
        s = chain.ingest(result.files, organisation="rechtspraak", now=NOW)
        assert s.quarantined == 0
        assert chain.stats()["dossiers"] == 2
        for parket, key in (("13/751234-24", "PL13C4 2024031000-1"), ("13/751235-24", "PL13C4 2024031001-1")):
            detail = chain.dossier(parket)
            assert detail is not None
            assert [d.key for r in detail.records for d in r.documents] == [key]
            assert any(p.achternaam == "Berg" for r in detail.records for p in r.persons)
    assert openzaak.zaken


def test_a_second_pull_fetches_only_zaken_registered_since_the_cursor(service: Any, tmp_path: Path) -> None:
    openzaak = OpenZaak(service)
    cfg = _config(service, tmp_path)
    with dossierlink.open(tmp_path / "chain.db") as chain:
        first = pull_zgw(chain.store, cfg, http=HttpClient(sleep=lambda _s: None))
        assert first.cursor == "2024-03-12"
        service.log.clear()
        again = pull_zgw(chain.store, cfg, http=HttpClient(sleep=lambda _s: None))
        assert again.requests == 1 and service.log[0][1].endswith("registratiedatum__gt=2024-03-12")
        assert again.files == []  # an empty page: nothing to keep or ingest
        openzaak.add_zaak(openzaak.zaken[0], 2, "13/751236-24", "2024-04-02")
        third = pull_zgw(chain.store, cfg, http=HttpClient(sleep=lambda _s: None))
        zaken = json.loads(next(p for p in third.files if p.name.startswith("zaken-")).read_text())
        assert [z["identificatie"] for z in zaken["results"]] == ["ZAAK-2024-0000000002"]
        assert third.cursor == "2024-04-02"


def test_a_server_that_keeps_failing_stops_the_pull_with_the_url_and_keeps_the_cursor(
    service: Any, tmp_path: Path
) -> None:
    OpenZaak(service)
    service.fail["/zaken/api/v1/zaken"] = [503] * 10
    cfg = _config(service, tmp_path)
    with dossierlink.open(tmp_path / "chain.db") as chain:
        with pytest.raises(PullError, match=r"/zaken/api/v1/zaken.*HTTP 503"):
            pull_zgw(chain.store, cfg, http=HttpClient(sleep=lambda _s: None, retries=2))
        from dossierlink.store.cursors import pull_cursor

        assert pull_cursor(chain.store, cfg.source) is None


def test_the_secret_comes_from_the_environment_and_its_absence_is_one_sentence(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    table = {"zaken_url": "https://openzaak.example/zaken/api/v1", "client_id": "dossierlink"}
    with pytest.raises(PullError, match="DOSSIERLINK_ZGW_SECRET"):
        ZgwPullConfig.from_mapping(table, base=tmp_path)
    monkeypatch.setenv("DOSSIERLINK_ZGW_SECRET", "from-the-environment")
    assert ZgwPullConfig.from_mapping(table, base=tmp_path).secret == "from-the-environment"
    assert "from-the-environment" not in repr(ZgwPullConfig.from_mapping(table, base=tmp_path))


def test_the_cli_pulls_and_ingests(service: Any, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dossierlink.cli import main

    OpenZaak(service)
    toml = tmp_path / "pull.toml"
    toml.write_text(
        f'[pull.zgw]\nzaken_url = "{service.base}/zaken/api/v1"\nclient_id = "dossierlink"\n'
        f'secret_env = "TEST_ZGW_SECRET"\nfolder = "pull"\norganisation = "rechtspraak"\n'
    )
    result = CliRunner().invoke(
        main,
        ["--db", str(tmp_path / "chain.db"), "pull", "zgw", "--config", str(toml)],
        env={"TEST_ZGW_SECRET": SECRET},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "cursor 2024-03-12" in result.output and "0 rejected" in result.output


def test_a_zaaktype_filter_is_sent_and_names_the_page_files(service: Any, tmp_path: Path) -> None:
    OpenZaak(service)
    zaaktype = f"{service.base}/catalogi/api/v1/zaaktypen/strafzaak-meervoudig"
    cfg = ZgwPullConfig.from_mapping(
        {
            "zaken_url": f"{service.base}/zaken/api/v1",
            "client_id": "dossierlink",
            "secret": SECRET,
            "zaaktype": zaaktype,
            "organisation": "rechtspraak",
        },
        base=tmp_path,
    )
    with dossierlink.open(tmp_path / "chain.db") as chain:
        result = pull_zgw(chain.store, cfg, http=HttpClient(sleep=lambda _s: None))
    first = next(q for p, q, _s in service.log if p == "/zaken/api/v1/zaken")
    assert urllib.parse.parse_qs(first)["zaaktype"] == [zaaktype]
    assert any(p.name.startswith("zaken-") and "strafzaak-meervoudig" in p.name for p in result.files)
