"""Who may see and change what: each role (and an organisation's token) against each page and endpoint."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

import dossierlink
from tests.web.serving import DOSSIER_WITHOUT_CJIB, OM_DOSSIER, Server, login

ANON, ANNA, PIET, CARLA, KEES, BEA = "anonymous", "anna", "piet", "carla", "kees", "bea"
# anna: medewerker OM; piet: medewerker Politie; carla: medewerker CJIB; kees: ketenregisseur (Politie);
# bea: beheerder (OM). Pages answer 303 (to the login) without a session.
PAGES: list[tuple[str, dict[str, int]]] = [
    ("/", {ANON: 303, ANNA: 200, PIET: 200, CARLA: 200, KEES: 200, BEA: 200}),
    ("/organisations/om", {ANON: 303, ANNA: 200, PIET: 403, CARLA: 403, KEES: 200, BEA: 200}),
    ("/organisations/politie", {ANON: 303, ANNA: 403, PIET: 200, CARLA: 403, KEES: 200, BEA: 403}),
    ("/work", {ANON: 303, ANNA: 200, PIET: 200, CARLA: 200, KEES: 200, BEA: 200}),
    ("/work?organisation=om", {ANON: 303, ANNA: 200, PIET: 403, CARLA: 403, KEES: 200, BEA: 200}),
    (
        "/work.csv?organisation=rechtspraak",
        {ANON: 303, ANNA: 403, PIET: 403, CARLA: 403, KEES: 200, BEA: 403},
    ),
    (f"/dossiers/{OM_DOSSIER}", {ANON: 303, ANNA: 200, PIET: 200, CARLA: 200, KEES: 200, BEA: 200}),
    (f"/dossiers/{DOSSIER_WITHOUT_CJIB}", {ANON: 303, ANNA: 200, PIET: 200, CARLA: 403, KEES: 200, BEA: 200}),
    ("/admin/users", {ANON: 303, ANNA: 403, PIET: 403, CARLA: 403, KEES: 403, BEA: 200}),
    ("/admin/disclosures", {ANON: 303, ANNA: 403, PIET: 403, CARLA: 403, KEES: 403, BEA: 200}),
    ("/admin/history", {ANON: 303, ANNA: 403, PIET: 403, CARLA: 403, KEES: 403, BEA: 200}),
]
ROLES = (ANON, ANNA, PIET, CARLA, KEES, BEA)


@pytest.fixture(scope="module")
def shared_server(chain_template: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    import shutil

    db = tmp_path_factory.mktemp("matrix") / "keten.db"
    shutil.copy2(chain_template[0], db)
    srv = Server(db)
    yield srv
    assert srv.stop() == 0


@pytest.fixture(scope="module")
def clients(shared_server: Server) -> dict[str, httpx.Client]:
    out = {name: login(shared_server, name) for name in ROLES if name != ANON}
    out[ANON] = httpx.Client(base_url=shared_server.url, follow_redirects=False)
    return out


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("path", "expected"), PAGES, ids=[p for p, _ in PAGES])
def test_each_role_sees_only_its_pages(
    clients: dict[str, httpx.Client], role: str, path: str, expected: dict[str, int]
) -> None:
    r = clients[role].get(path)
    assert r.status_code == expected[role], (role, path, r.status_code)


# The API with a token (token_om, token_politie), a session (sessions may read), or nothing.
API_READS: list[tuple[str, dict[str, int]]] = [
    ("/api/v1/divergences", {"none": 401, "om": 200, "politie": 200, "kees": 200, "anna": 200}),
    (
        "/api/v1/divergences?organisation=om",
        {"none": 401, "om": 200, "politie": 403, "kees": 200, "anna": 200},
    ),
    (
        "/api/v1/divergences?organisation=rechtspraak",
        {"none": 401, "om": 403, "politie": 403, "kees": 200, "anna": 403},
    ),
    (f"/api/v1/dossiers/{OM_DOSSIER}", {"none": 401, "om": 200, "politie": 200, "kees": 200, "anna": 200}),
    ("/api/v1/report?level=operational", {"none": 401, "om": 200, "politie": 200, "kees": 200, "anna": 200}),
    (
        "/api/v1/report?level=tactical&organisation=om",
        {"none": 401, "om": 200, "politie": 403, "kees": 200, "anna": 200},
    ),
    ("/api/v1/openapi.json", {"none": 200, "om": 200, "politie": 200, "kees": 200, "anna": 200}),
]


@pytest.mark.parametrize("who", ["none", "om", "politie", "kees", "anna"])
@pytest.mark.parametrize(("path", "expected"), API_READS, ids=[p for p, _ in API_READS])
def test_each_caller_reads_only_its_organisation_from_the_api(
    shared_server: Server,
    clients: dict[str, httpx.Client],
    tokens: dict[str, str],
    who: str,
    path: str,
    expected: dict[str, int],
) -> None:
    if who in tokens:
        r = httpx.get(shared_server.url + path, headers={"Authorization": f"Token {tokens[who]}"})
    elif who == "none":
        r = httpx.get(shared_server.url + path)
    else:
        r = clients[who].get(path)
    assert r.status_code == expected[who], (who, path, r.text[:200])
    if r.status_code == 401:
        assert r.headers["www-authenticate"].startswith("Token")


def test_a_token_never_sees_another_organisations_work(shared_server: Server, tokens: dict[str, str]) -> None:
    r = httpx.get(
        shared_server.url + "/api/v1/divergences?page_size=500",
        headers={"Authorization": f"Token {tokens['politie']}"},
    )
    body = r.json()
    assert body["count"] == len(body["results"]) > 0
    assert {d["organisation"] for d in body["results"]} == {"politie"}


def test_a_wrong_or_revoked_token_is_refused(shared_server: Server, tokens: dict[str, str]) -> None:
    for header in ("Token dl_nonsense", "Bearer " + tokens["om"], "Token", "Basic YW5uYTp4"):
        r = httpx.get(shared_server.url + "/api/v1/divergences", headers={"Authorization": header})
        assert r.status_code == 401, header
    with dossierlink.open(shared_server.db, create=False) as chain:
        extra = chain.accounts.add_token("tijdelijk", organisation="om")
        h = {"Authorization": f"Token {extra}"}
        assert httpx.get(shared_server.url + "/api/v1/divergences", headers=h).status_code == 200
        chain.accounts.revoke_token("tijdelijk")
    assert httpx.get(shared_server.url + "/api/v1/divergences", headers=h).status_code == 401


def test_tokens_and_passwords_are_stored_only_as_hashes(
    shared_server: Server, tokens: dict[str, str]
) -> None:
    raw = shared_server.db.read_bytes()
    assert tokens["om"].encode() not in raw
    assert b"anna-wachtwoord-1" not in raw
    with dossierlink.open(shared_server.db, create=False) as chain:
        hashes = [r["password_hash"] for r in chain.store.query("SELECT password_hash FROM users")]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)


def test_no_raw_bsn_or_birth_date_in_any_api_answer(shared_server: Server, tokens: dict[str, str]) -> None:
    with dossierlink.open(shared_server.db, create=False) as chain:
        persons = chain.store.query("SELECT bsn, geboortedatum FROM persons")
    secrets = {p["bsn"] for p in persons if p["bsn"]} | {
        p["geboortedatum"] for p in persons if p["geboortedatum"]
    }
    assert secrets
    h = {"Authorization": f"Token {tokens['om']}"}
    texts = [
        httpx.get(shared_server.url + "/api/v1/divergences?page_size=500&status=open", headers=h).text,
        httpx.get(shared_server.url + f"/api/v1/dossiers/{OM_DOSSIER}", headers=h).text,
        httpx.get(shared_server.url + "/api/v1/report?level=operational", headers=h).text,
    ]
    for text in texts:
        leaked = [s for s in secrets if s in text]
        assert not leaked, leaked
    json.loads(texts[1])
