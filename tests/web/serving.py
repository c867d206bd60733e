"""Helpers of the web tests: the users, a real `dossierlink serve` process, a logged-in client."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("argon2")
httpx = pytest.importorskip("httpx")

import dossierlink  # noqa: E402
from dossierlink.demo import find_samples, run_demo  # noqa: E402

REPO = Path(__file__).resolve().parents[2]

# name: (organisation, role, password)
USERS = {
    "anna": ("om", "medewerker", "anna-wachtwoord-1"),
    "piet": ("politie", "medewerker", "piet-wachtwoord-1"),
    "carla": ("cjib", "medewerker", "carla-wachtwoord-1"),
    "kees": ("politie", "ketenregisseur", "kees-wachtwoord-1"),
    "bea": ("om", "beheerder", "bea-wachtwoord-1"),
}
# Dossiers of the bundled samples (see samples/): the first holds an OM registration with a BSN.
OM_DOSSIER = "10/600040-23"
OM_BSN, OM_BIRTH = "999000007", "1990-04-12"
DOSSIER_WITHOUT_CJIB = "05/812345-24"  # OM and Politie only


@pytest.fixture(scope="session")
def chain_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The demo chain with the users above and one API token per organisation that acts."""
    out = tmp_path_factory.mktemp("web-demo")
    result = run_demo(find_samples(REPO / "samples"), out / "demo")
    tokens: dict[str, str] = {}
    with dossierlink.open(result.store, create=False) as chain:
        for name, (org, role, password) in USERS.items():
            chain.accounts.add_user(name, organisation=org, role=role, password=password)
        for org in ("om", "politie"):
            tokens[org] = chain.accounts.add_token(f"{org}-systeem", organisation=org)
    return Path(result.store), tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`dossierlink serve` as its own process, as an operator starts it."""

    def __init__(self, db: Path, config: Path | None = None) -> None:
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "dossierlink", "--db", str(db)]
        if config:
            args += ["--config", str(config)]
        self.proc = subprocess.Popen(
            [*args, "serve", "--port", str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"serve exited: {self.proc.stderr.read().decode() if self.proc.stderr else ''}"
                )
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                return
            time.sleep(0.1)
        raise RuntimeError("serve did not listen within 30 s")

    def stop(self) -> int:
        """SIGTERM, as systemd stops it; the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return -9
        return int(self.proc.returncode)


@pytest.fixture()
def store(chain_template: tuple[Path, dict[str, str]], tmp_path: Path) -> Path:
    """A fresh copy of the chain, so each test acknowledges on its own."""
    src, _ = chain_template
    dst = tmp_path / "keten.db"
    shutil.copy2(src, dst)
    return dst


@pytest.fixture()
def tokens(chain_template: tuple[Path, dict[str, str]]) -> dict[str, str]:
    return chain_template[1]


@pytest.fixture()
def server(store: Path) -> Iterator[Server]:
    srv = Server(store)
    try:
        yield srv
    finally:
        srv.stop()


def login(server: Server, name: str, password: str | None = None) -> httpx.Client:
    """A browser-like client logged in as ``name`` (cookies kept, redirects not followed)."""
    client = httpx.Client(base_url=server.url, follow_redirects=False, timeout=30)
    form = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf, form.text
    r = client.post(
        "/login",
        data={"user": name, "password": password or USERS[name][2], "csrf": csrf.group(1), "next": "/"},
    )
    assert r.status_code == 303, (r.status_code, r.text[:300])
    return client


def csrf_of(client: httpx.Client, path: str = "/work") -> str:
    page = client.get(path)
    m = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert m, page.text[:500]
    return m.group(1)
