"""/api/v1/ as an organisation's own system uses it: OpenAPI, ZGW-style pages, acknowledge with a token."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema
import pytest

import dossierlink
from tests.web.serving import DOSSIER_WITHOUT_CJIB, OM_DOSSIER, Server, login


def _schema(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A response schema with the document's components beside it, so its $refs resolve."""
    return {**schema, "components": spec["components"]}


def _get(server: Server, token: str, path: str, **params: Any) -> httpx.Response:
    return httpx.get(server.url + path, params=params, headers={"Authorization": f"Token {token}"})


def test_the_openapi_document_is_valid_openapi_3(server: Server) -> None:
    # Imported here: it weighs 14 MB, and a test process that forks memory-measured children stays small.
    openapi_spec_validator = pytest.importorskip("openapi_spec_validator")
    spec = httpx.get(server.url + "/api/v1/openapi.json").json()
    openapi_spec_validator.validate(spec)
    assert set(spec["paths"]) >= {
        "/divergences",
        "/divergences/{id}/ack",
        "/divergences/{id}/unack",
        "/dossiers/{identifier}",
        "/report",
    }


def test_the_om_system_walks_its_work_list_page_by_page(server: Server, tokens: dict[str, str]) -> None:
    spec = httpx.get(server.url + "/api/v1/openapi.json").json()
    page_schema = spec["paths"]["/divergences"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    first = _get(server, tokens["om"], "/api/v1/divergences", page_size=3)
    assert first.status_code == 200
    body = first.json()
    jsonschema.validate(body, _schema(spec, page_schema))
    assert body["previous"] is None
    seen = [d["id"] for d in body["results"]]
    while body["next"]:
        body = httpx.get(body["next"], headers={"Authorization": f"Token {tokens['om']}"}).json()
        jsonschema.validate(body, _schema(spec, page_schema))
        assert body["previous"]
        seen += [d["id"] for d in body["results"]]
    with dossierlink.open(server.db, create=False) as chain:
        expected = {d.id for d in chain.divergences(organisation="om", status=["open", "acknowledged"])}
    assert len(seen) == len(set(seen)) == body["count"] == len(expected)
    assert set(seen) == expected
    # Most severe first, as the work list reads.
    ranks = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    first_page = _get(server, tokens["om"], "/api/v1/divergences", page_size=500).json()["results"]
    assert [ranks[d["severity"]] for d in first_page] == sorted(ranks[d["severity"]] for d in first_page)
    # Every item carries the action sentence of the JSON report.
    assert all(d["action"] and d["organisation"] == "om" for d in first_page)


def test_filters_and_bad_values(server: Server, tokens: dict[str, str]) -> None:
    om = tokens["om"]
    body = _get(server, om, "/api/v1/divergences", kind="missing_paper").json()
    assert body["count"] >= 1 and {d["kind"] for d in body["results"]} == {"missing_paper"}
    body = _get(server, om, "/api/v1/divergences", dossier=DOSSIER_WITHOUT_CJIB.replace("/", "-")).json()
    assert body["count"] >= 1 and {d["dossier"] for d in body["results"]} == {DOSSIER_WITHOUT_CJIB}
    assert _get(server, om, "/api/v1/divergences", dossier="99/999999-99").json()["count"] == 0
    assert _get(server, om, "/api/v1/divergences", kind="nonsense").status_code == 400
    assert _get(server, om, "/api/v1/divergences", page_size=0).status_code == 400
    assert _get(server, om, "/api/v1/divergences", page=99).status_code == 404
    assert _get(server, om, "/api/v1/report", level="nonsense").status_code == 400
    assert _get(server, om, "/api/v1/dossiers/99-999999-99").status_code == 404


def test_the_om_system_acknowledges_and_takes_it_back(server: Server, tokens: dict[str, str]) -> None:
    h = {"Authorization": f"Token {tokens['om']}"}
    div = _get(server, tokens["om"], "/api/v1/divergences", status="open").json()["results"][0]
    url = f"{server.url}/api/v1/divergences/{div['id']}"
    assert httpx.post(url + "/ack", headers=h, json={}).status_code == 400
    assert httpx.post(url + "/ack", headers=h, content=b"not json").status_code == 400
    r = httpx.post(url + "/ack", headers=h, json={"note": "in behandeling, zaaksysteem OM"})
    assert r.status_code == 200
    assert r.json()["status"] == "acknowledged" and r.json()["ack_by"] == "token:om-systeem"
    assert _get(server, tokens["om"], "/api/v1/divergences", status="acknowledged").json()["count"] == 1
    r = httpx.post(url + "/unack", headers=h, json={"note": "verkeerde zaak"})
    assert r.status_code == 200 and r.json()["status"] == "open"
    assert httpx.post(url + "/unack", headers=h, json={"note": "nog eens"}).status_code == 409
    # The Politie's system may not touch it.
    hp = {"Authorization": f"Token {tokens['politie']}"}
    assert httpx.post(url + "/ack", headers=hp, json={"note": "x"}).status_code == 403
    assert (
        httpx.post(f"{server.url}/api/v1/divergences/XX-0/ack", headers=h, json={"note": "x"}).status_code
        == 404
    )


def test_a_session_changes_through_the_api_only_with_its_csrf_header(server: Server) -> None:
    anna = login(server, "anna")
    div = anna.get("/api/v1/divergences", params={"status": "open"}).json()["results"][0]
    assert anna.post(f"/api/v1/divergences/{div['id']}/ack", json={"note": "x"}).status_code == 403
    page = anna.get("/work").text
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    r = anna.post(f"/api/v1/divergences/{div['id']}/ack", json={"note": "x"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200


def test_the_dossier_and_the_report_answer_as_their_contracts_say(
    server: Server, tokens: dict[str, str]
) -> None:
    spec = httpx.get(server.url + "/api/v1/openapi.json").json()
    dossier_schema = spec["paths"]["/dossiers/{identifier}"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    body = _get(server, tokens["om"], f"/api/v1/dossiers/{OM_DOSSIER}").json()
    jsonschema.validate(body, _schema(spec, dossier_schema))
    assert body["label"] == OM_DOSSIER
    report = _get(server, tokens["om"], "/api/v1/report", level="operational").json()
    assert report["level"] == "operational" and report["filters"] == {"organisation": "om"}
    with dossierlink.open(server.db, create=False) as chain:
        last = chain.disclosures()[-1]
    assert last["recipient"] == "token:om-systeem" and last["output"] == "api" and not last["revealed"]
