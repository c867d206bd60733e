"""`dossierlink serve` as a real process: login, security headers, CSRF, sessions, lockout, ack, masking, SIGTERM."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx

import dossierlink
from tests.web.serving import (
    DOSSIER_WITHOUT_CJIB,
    OM_BIRTH,
    OM_BSN,
    OM_DOSSIER,
    USERS,
    Server,
    csrf_of,
    login,
)


def _cli(db: Path, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "dossierlink", "--db", str(db), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def _open_om_divergence(db: Path) -> str:
    with dossierlink.open(db, create=False) as chain:
        return chain.divergences(organisation="om", status="open")[0].id


def test_a_griffier_without_a_session_is_sent_to_the_login(server: Server) -> None:
    r = httpx.get(server.url + "/work?kind=missing_paper")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fwork%3Fkind%3Dmissing_paper"


def test_every_answer_carries_the_security_headers(server: Server) -> None:
    for path in ("/login", "/", "/api/v1/divergences", "/static/serve.css"):
        h = httpx.get(server.url + path).headers
        csp = h["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src" not in csp and "default-src 'none'" in csp
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer"


def test_the_session_cookie_is_signed_httponly_and_strict(server: Server) -> None:
    client = httpx.Client(base_url=server.url)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"user": "anna", "password": USERS["anna"][2], "csrf": csrf})
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("dl_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    # A cookie changed by one character is not a session.
    forged = value[:-1] + ("A" if value[-1] != "A" else "B")
    r = httpx.get(server.url + "/work", cookies={"dl_session": forged})
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_a_login_form_without_its_csrf_token_is_refused(server: Server) -> None:
    r = httpx.post(server.url + "/login", data={"user": "anna", "password": USERS["anna"][2]})
    assert r.status_code == 400
    assert "dl_session" not in r.headers.get("set-cookie", "")


def test_five_wrong_passwords_lock_the_name_even_for_the_right_one(server: Server) -> None:
    client = httpx.Client(base_url=server.url)
    for _ in range(5):
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
        r = client.post("/login", data={"user": "anna", "password": "fout-wachtwoord", "csrf": csrf})
        assert r.status_code == 401
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"user": "anna", "password": USERS["anna"][2], "csrf": csrf})
    assert r.status_code == 429
    # Another user is not locked out by anna's attempts.
    login(server, "piet")
    with dossierlink.open(server.db, create=False) as chain:
        actions = [a["action"] for a in chain.accounts.actions() if a["user"] == "anna"]
    assert actions.count("login_failed") == 5 and "login_locked" in actions


def test_the_om_acknowledges_on_the_web_and_the_cli_shows_it(server: Server) -> None:
    div_id = _open_om_divergence(server.db)
    anna = login(server, "anna")
    csrf = csrf_of(anna)
    r = anna.post(
        f"/divergences/{div_id}/ack", data={"csrf": csrf, "note": "opgevraagd bij politie", "next": "/work"}
    )
    assert r.status_code == 303 and r.headers["location"] == "/work"
    listed = _cli(server.db, "divergences", "--status", "acknowledged", "--json")
    assert div_id in listed  # the CLI's list of acknowledged divergences holds it
    with dossierlink.open(server.db, create=False) as chain:
        history = chain.store.query(
            "SELECT status_to, note, by FROM divergence_history WHERE divergence_id = ? ORDER BY id", [div_id]
        )
        assert history[-1] == {"status_to": "acknowledged", "note": "opgevraagd bij politie", "by": "anna"}
        assert any(a["action"] == "ack" and a["target"] == div_id for a in chain.accounts.actions())
    # ... and takes it back: open again, with the reason in history.
    r = anna.post(f"/divergences/{div_id}/unack", data={"csrf": csrf, "note": "toch niet", "next": "/work"})
    assert r.status_code == 303
    with dossierlink.open(server.db, create=False) as chain:
        assert div_id in {d.id for d in chain.divergences(status="open")}


def test_an_acknowledgement_without_the_csrf_token_changes_nothing(server: Server) -> None:
    div_id = _open_om_divergence(server.db)
    anna = login(server, "anna")
    r = anna.post(f"/divergences/{div_id}/ack", data={"note": "vervalst formulier"})
    assert r.status_code == 403
    r = anna.post(f"/divergences/{div_id}/ack", data={"note": "vervalst formulier", "csrf": "x" * 43})
    assert r.status_code == 403
    with dossierlink.open(server.db, create=False) as chain:
        assert div_id in {d.id for d in chain.divergences(status="open")}


def test_the_politie_cannot_acknowledge_what_the_om_must_do(server: Server) -> None:
    div_id = _open_om_divergence(server.db)
    piet = login(server, "piet")
    r = piet.post(f"/divergences/{div_id}/ack", data={"csrf": csrf_of(piet), "note": "niet van ons"})
    assert r.status_code == 403
    with dossierlink.open(server.db, create=False) as chain:
        assert div_id in {d.id for d in chain.divergences(status="open")}


def test_after_logout_the_old_cookie_is_worth_nothing(server: Server) -> None:
    anna = login(server, "anna")
    old = dict(anna.cookies)
    r = anna.post("/logout", data={"csrf": csrf_of(anna)})
    assert r.status_code == 303
    r = httpx.get(server.url + "/work", cookies=old)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_a_disabled_user_loses_the_open_session(server: Server) -> None:
    anna = login(server, "anna")
    assert anna.get("/work").status_code == 200
    _cli(server.db, "users", "disable", "anna")
    assert anna.get("/work").status_code == 303


def test_the_dossier_page_masks_bsn_and_birth_date_until_a_reason_is_given(server: Server) -> None:
    anna = login(server, "anna")
    page = anna.get("/dossiers/" + OM_DOSSIER.replace("/", "-"))  # any spelling of the parketnummer
    assert page.status_code == 200, page.text[:300]
    assert OM_BSN not in page.text and OM_BIRTH not in page.text
    assert "*******07" in page.text
    csrf = csrf_of(anna, "/dossiers/" + OM_DOSSIER)
    r = anna.post(
        "/reveal/" + OM_DOSSIER, data={"csrf": csrf, "reason": "zitting 12 maart, identiteit verdachte"}
    )
    assert r.status_code == 200
    assert OM_BSN in r.text and OM_BIRTH in r.text
    with dossierlink.open(server.db, create=False) as chain:
        last = chain.disclosures()[-1]
        assert last["revealed"] and last["recipient"] == "anna" and "identiteit verdachte" in last["what"]
        assert chain.verify_disclosures() == []
    # Without a reason nothing is shown.
    r = anna.post("/reveal/" + OM_DOSSIER, data={"csrf": csrf, "reason": ""})
    assert r.status_code == 400 and OM_BSN not in r.text


def test_a_dossier_outside_the_organisation_is_forbidden(server: Server) -> None:
    carla = login(server, "carla")
    assert carla.get("/dossiers/" + OM_DOSSIER).status_code == 200  # CJIB holds a registration
    assert carla.get("/dossiers/" + DOSSIER_WITHOUT_CJIB).status_code == 403


def test_the_search_box_takes_any_identifier(server: Server) -> None:
    kees = login(server, "kees")
    # A parketnummer in another spelling, a PV number, an ECLI, and the suspect's SKN.
    for q in ("10-600040-23", "PL17A1 2023045671-1", "ECLI:NL:RBROT:2023:9001", "100000101"):
        r = kees.get("/search", params={"q": q})
        assert r.status_code == 303, q
        assert kees.get(r.headers["location"]).status_code == 200
    assert kees.get("/search", params={"q": "99/999999-99"}).status_code == 404


def test_the_work_list_filters_pages_and_exports(server: Server) -> None:
    kees = login(server, "kees")
    page = kees.get("/work", params={"organisation": "om", "severity": "high"})
    assert page.status_code == 200
    rows = re.findall(r'<tr class="sev-(\w+)"', page.text)
    assert rows and set(rows) == {"high"}
    assert kees.get("/work", params={"kind": "nonsense"}).status_code == 400
    csv_text = kees.get("/work.csv", params={"organisation": "om"}).text
    with dossierlink.open(server.db, create=False) as chain:
        expected = len(chain.divergences(organisation="om", status=["open", "acknowledged"]))
        assert chain.disclosures()[-1]["format"] == "csv"
    assert len(csv_text.strip().splitlines()) == expected + 1


def test_english_on_request(server: Server) -> None:
    anna = login(server, "anna")
    assert "Werklijst" in anna.get("/work").text
    r = anna.get("/lang", params={"to": "en", "next": "/work"})
    assert r.status_code == 303 and r.headers["location"] == "/work"
    assert "Work list" in anna.get("/work").text
    # The language switch does not redirect off the site.
    assert anna.get("/lang", params={"to": "en", "next": "//evil.example"}).headers["location"] == "/"


def test_sigterm_stops_the_server_cleanly(store: Path) -> None:
    srv = Server(store)
    anna = login(srv, "anna")
    assert anna.get("/").status_code == 200
    assert srv.stop() == 0
    stderr = srv.proc.stderr.read().decode() if srv.proc.stderr else ""
    assert "Traceback" not in stderr


def test_the_overview_shows_what_the_cli_did_without_a_restart(server: Server) -> None:
    kees = login(server, "kees")
    assert "(0 bevestigd)" in kees.get("/").text
    div_id = _open_om_divergence(server.db)
    _cli(
        server.db,
        "divergences",
        "ack",
        div_id,
        "--note",
        "besproken in ketenoverleg",
        "--by",
        "om-teamleider",
    )
    assert "(1 bevestigd)" in kees.get("/").text
    page = kees.get("/work", params={"organisation": "om", "status": "acknowledged"}).text
    assert len(re.findall(r'<tr class="sev-', page)) == 1 and "1 resultaten" in page


def test_a_beheerder_disables_a_user_and_revokes_a_token_on_the_web(
    server: Server, tokens: dict[str, str]
) -> None:
    bea = login(server, "bea")
    anna = login(server, "anna")
    csrf = csrf_of(bea, "/admin/users")
    # A medewerker cannot, and a beheerder not without the form's token.
    assert anna.post("/admin/users/piet/disable", data={"csrf": csrf_of(anna)}).status_code == 403
    assert bea.post("/admin/users/anna/disable", data={}).status_code == 403
    assert anna.get("/work").status_code == 200
    r = bea.post("/admin/users/anna/disable", data={"csrf": csrf})
    assert r.status_code == 303
    assert anna.get("/work").status_code == 303  # her session ended
    r = bea.post("/admin/tokens/om-systeem/revoke", data={"csrf": csrf})
    assert r.status_code == 303
    api = httpx.get(server.url + "/api/v1/divergences", headers={"Authorization": f"Token {tokens['om']}"})
    assert api.status_code == 401
    assert bea.post("/admin/tokens/om-systeem/revoke", data={"csrf": csrf}).status_code == 404
    with dossierlink.open(server.db, create=False) as chain:
        done = {(a["action"], a["target"]) for a in chain.accounts.actions() if a["user"] == "bea"}
    assert {("disable_user", "anna"), ("revoke_token", "om-systeem")} <= done
