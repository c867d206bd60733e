"""`dossierlink users` and `tokens`: accounts with argon2, tokens shown once, sessions that expire."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

import dossierlink
from dossierlink.cli import main
from dossierlink.store.accounts import AccountError, LoginLimits


def _run(db: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", str(db), *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "keten.db"
    dossierlink.open(path).close()
    return path


def test_a_beheerder_adds_lists_disables_and_resets_users(db: Path) -> None:
    code, out, _ = _run(
        db,
        "users",
        "add",
        "griffier1",
        "--organisation",
        "rechtspraak",
        "--password-stdin",
        stdin="lang-genoeg-wachtwoord\n",
    )
    assert code == 0 and "medewerker of rechtspraak" in out
    code, out, _ = _run(db, "users", "list")
    assert "griffier1" in out and "rechtspraak" in out and "active" in out
    code, _, err = _run(
        db,
        "users",
        "add",
        "griffier1",
        "--organisation",
        "om",
        "--password-stdin",
        stdin="lang-genoeg-wachtwoord\n",
    )
    assert code == 2 and "exists already" in err
    with dossierlink.open(db, create=False) as chain:
        assert chain.accounts.check_password("griffier1", "lang-genoeg-wachtwoord") is not None
        assert chain.accounts.check_password("griffier1", "fout") is None
    code, _, _ = _run(db, "users", "passwd", "griffier1", "--password-stdin", stdin="een-nieuw-wachtwoord\n")
    assert code == 0
    code, _, _ = _run(db, "users", "disable", "griffier1")
    assert code == 0
    with dossierlink.open(db, create=False) as chain:
        assert chain.accounts.check_password("griffier1", "een-nieuw-wachtwoord") is None  # disabled
    assert "disabled" in _run(db, "users", "list")[1]


@pytest.mark.parametrize(
    ("args", "stdin", "problem"),
    [
        (["users", "add", "x", "--organisation", "om", "--password-stdin"], "kort\n", "too short"),
        (
            ["users", "add", "met spatie", "--organisation", "om", "--password-stdin"],
            "lang-genoeg-wachtwoord\n",
            "not a usable name",
        ),
        (
            ["users", "add", "x", "--organisation", "O M!", "--password-stdin"],
            "lang-genoeg-wachtwoord\n",
            "organisation",
        ),
        (["users", "disable", "niemand"], None, "no user"),
        (["tokens", "revoke", "niets"], None, "no active token"),
    ],
)
def test_bad_account_commands_say_what_is_wrong(
    db: Path, args: list[str], stdin: str | None, problem: str
) -> None:
    code, _, err = _run(db, *args, stdin=stdin)
    assert code == 2 and problem in err


def test_a_token_is_printed_once_as_the_last_line_and_stored_hashed(db: Path) -> None:
    code, out, _ = _run(db, "tokens", "add", "om-zaaksysteem", "--organisation", "om")
    token = out.strip().splitlines()[-1]
    assert code == 0 and token.startswith("dl_") and len(token) > 40
    listing = _run(db, "tokens", "list")[1]
    assert "om-zaaksysteem" in listing and token not in listing and token[:7] in listing
    assert token.encode() not in db.read_bytes()
    with dossierlink.open(db, create=False) as chain:
        assert chain.accounts.check_token(token).organisation == "om"
        assert _run(db, "tokens", "revoke", "om-zaaksysteem")[0] == 0
        assert chain.accounts.check_token(token) is None


def test_a_session_ends_after_the_idle_time(db: Path) -> None:
    with dossierlink.open(db, create=False) as chain:
        acc = chain.accounts
        user = acc.add_user(
            "parketsecretaris", organisation="om", role="medewerker", password="lang-genoeg-wachtwoord"
        )
        t0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
        sid = acc.open_session(user, now=t0)
        idle = dt.timedelta(minutes=30)
        assert acc.session(sid, idle=idle, now=t0 + dt.timedelta(minutes=20)) is not None
        # Use moved the idle clock on: twenty minutes after the last use is still inside.
        assert acc.session(sid, idle=idle, now=t0 + dt.timedelta(minutes=40)) is not None
        assert acc.session(sid, idle=idle, now=t0 + dt.timedelta(minutes=71)) is None
        assert acc.session(sid, idle=idle, now=t0 + dt.timedelta(minutes=72)) is None  # gone for good


def test_the_lockout_counts_failures_since_the_last_success(db: Path) -> None:
    with dossierlink.open(db, create=False) as chain:
        acc = chain.accounts
        limits = LoginLimits(per_user=3, per_remote=10, window=dt.timedelta(minutes=15))
        t = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
        for n in range(2):
            acc.record_login("reclassering1", "10.0.0.5", False, now=t + dt.timedelta(seconds=n))
        acc.record_login("reclassering1", "10.0.0.5", True, now=t + dt.timedelta(seconds=5))
        acc.record_login("reclassering1", "10.0.0.5", False, now=t + dt.timedelta(seconds=6))
        assert not acc.locked_out("reclassering1", "10.0.0.5", limits, t + dt.timedelta(seconds=7))
        for n in range(2):
            acc.record_login("reclassering1", "10.0.0.5", False, now=t + dt.timedelta(seconds=8 + n))
        assert acc.locked_out("reclassering1", "10.0.0.6", limits, t + dt.timedelta(seconds=20))
        # The lockout lifts when the window has passed.
        assert not acc.locked_out("reclassering1", "10.0.0.6", limits, t + dt.timedelta(minutes=16))


def test_unacknowledging_an_open_divergence_is_refused(db: Path) -> None:
    with dossierlink.open(db, create=False) as chain, pytest.raises(KeyError):
        chain.unacknowledge("XX-missing", note="x", by="anna")
    assert issubclass(AccountError, ValueError)
