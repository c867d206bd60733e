"""The `[serve]` table: SSO only from trusted proxies, Secure cookies, and wrong values named."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from dossierlink.web.settings import ServeSettings
from tests.web.serving import USERS, Server, login


def _config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "dossierlink.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_the_sso_proxy_header_is_believed_only_from_a_trusted_address(store: Path, tmp_path: Path) -> None:
    trusted = _config(tmp_path, '[serve]\ntrusted_proxies = ["127.0.0.1"]\nuser_header = "X-Remote-User"\n')
    srv = Server(store, trusted)
    try:
        r = httpx.get(srv.url + "/work", headers={"X-Remote-User": "anna"})
        assert r.status_code == 200 and "anna · om · medewerker" in r.text
        # SSO users still need the CSRF token of their forms to change anything.
        assert httpx.post(srv.url + "/logout", headers={"X-Remote-User": "anna"}).status_code == 403
        # A name the store does not know, or a disabled account, gets nothing.
        assert httpx.get(srv.url + "/work", headers={"X-Remote-User": "onbekend"}).status_code == 303
    finally:
        assert srv.stop() == 0
    other = _config(tmp_path, '[serve]\ntrusted_proxies = ["10.9.9.9"]\nuser_header = "X-Remote-User"\n')
    srv = Server(store, other)
    try:
        assert httpx.get(srv.url + "/work", headers={"X-Remote-User": "anna"}).status_code == 303
    finally:
        srv.stop()


def test_secure_cookies_behind_a_tls_proxy(store: Path, tmp_path: Path) -> None:
    srv = Server(store, _config(tmp_path, "[serve]\nsecure_cookies = true\nidle_minutes = 5\n"))
    try:
        client = httpx.Client(base_url=srv.url)
        page = client.get("/login")
        assert "Secure" in page.headers["set-cookie"]
        csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        r = client.post("/login", data={"user": "anna", "password": USERS["anna"][2], "csrf": csrf})
        assert "Secure" in r.headers["set-cookie"]
    finally:
        srv.stop()
    srv = Server(store)
    try:
        login(srv, "anna")  # plain http on localhost: no Secure flag, or the browser would drop it
    finally:
        srv.stop()


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("[serve]\nport = 0\n", "[serve] port"),
        ("[serve]\nidle_minutes = 'lang'\n", "[serve] idle_minutes"),
        (
            '[serve]\ntrusted_proxies = ["proxy.example"]\nuser_header = "X-Remote-User"\n',
            "not an IP address",
        ),
        ('[serve]\ntrusted_proxies = ["127.0.0.1"]\n', "needs user_header"),
        ("[serve]\nsecure = true\n", "unknown key 'secure'"),
    ],
)
def test_a_wrong_serve_setting_stops_with_a_sentence(
    store: Path, tmp_path: Path, body: str, problem: str
) -> None:
    cfg = _config(tmp_path, body)
    out = subprocess.run(
        [sys.executable, "-m", "dossierlink", "--db", str(store), "--config", str(cfg), "serve"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and problem in out.stderr


def test_the_defaults_bind_localhost_on_8250() -> None:
    s = ServeSettings.from_mapping({})
    assert (s.host, s.port, s.idle.total_seconds(), s.page_size) == ("127.0.0.1", 8250, 1800, 50)
