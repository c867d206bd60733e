"""Accounts of `dossierlink serve`: users (argon2), API tokens, sessions, login limits and the action history.

Passwords are hashed with argon2id (argon2-cffi, the ``[serve]`` extra). Tokens and session ids
are 256-bit random values, so one sha256 is enough to store them: a stolen store file gives
no usable token, and a lookup by hash stays one index probe.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from typing import Any

import attrs

from dossierlink.schema import check_organisation
from dossierlink.store.database import Store, utcnow

__all__ = [
    "ROLES",
    "AccountError",
    "Accounts",
    "ApiToken",
    "LoginLimits",
    "User",
    "WebSession",
]

ROLES = ("medewerker", "ketenregisseur", "beheerder")
MIN_PASSWORD = 10


class AccountError(ValueError):
    """A user or token command that cannot be done; the message says why and what to do."""


@attrs.frozen
class User:
    name: str
    organisation: str
    role: str
    disabled: bool = False
    created_at: str = ""


@attrs.frozen
class ApiToken:
    name: str
    organisation: str
    prefix: str
    created_at: str
    revoked_at: str | None = None
    last_used: str | None = None


@attrs.frozen
class WebSession:
    user: User
    csrf: str
    last_seen: dt.datetime


@attrs.frozen
class LoginLimits:
    """Failed logins allowed per user name (and per address) inside ``window`` before a lockout."""

    per_user: int = 5
    per_remote: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _hasher() -> Any:
    try:
        from argon2 import PasswordHasher
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise AccountError(
            "Accounts need argon2-cffi: install dossierlink with the serve extra "
            "(pip install 'dossierlink[serve]')."
        ) from exc
    return PasswordHasher()


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-@" for c in name):
        raise AccountError(
            f"{name!r} is not a usable name: use 1 to 64 letters, digits and . _ - @ (no spaces)."
        )
    return name


class Accounts:
    """Users, tokens, sessions and attributed actions in one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def conn(self) -> Any:
        return self.store.conn

    # --- users -----------------------------------------------------------------------------

    def add_user(self, name: str, *, organisation: str, role: str, password: str) -> User:
        name = _check_name(name)
        organisation = check_organisation(organisation)
        if role not in ROLES:
            raise AccountError(f"The role {role!r} is not known: choose one of {', '.join(ROLES)}.")
        digest = self._hash_password(password)
        now = _iso(utcnow())
        with self.store.transaction() as conn:
            if conn.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
                raise AccountError(f"The user {name!r} exists already; change it with `users passwd`.")
            conn.execute(
                "INSERT INTO users (name, organisation, role, password_hash, disabled, created_at, "
                "password_changed_at) VALUES (?,?,?,?,0,?,?)",
                [name, organisation, role, digest, now, now],
            )
        return User(name, organisation, role, False, now)

    @staticmethod
    def _hash_password(password: str) -> str:
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"The password is too short: use at least {MIN_PASSWORD} characters.")
        return str(_hasher().hash(password))

    def users(self) -> list[User]:
        return [
            User(r[0], r[1], r[2], bool(r[3]), r[4])
            for r in self.conn.execute(
                "SELECT name, organisation, role, disabled, created_at FROM users ORDER BY name"
            )
        ]

    def user(self, name: str) -> User | None:
        row = self.conn.execute(
            "SELECT name, organisation, role, disabled, created_at FROM users WHERE name = ?", [name]
        ).fetchone()
        return User(row[0], row[1], row[2], bool(row[3]), row[4]) if row else None

    def _require(self, name: str) -> None:
        if self.user(name) is None:
            raise AccountError(f"There is no user {name!r}; see `dossierlink users list`.")

    def disable_user(self, name: str) -> None:
        self._require(name)
        with self.store.transaction() as conn:
            conn.execute("UPDATE users SET disabled = 1 WHERE name = ?", [name])
            conn.execute("DELETE FROM web_sessions WHERE user = ?", [name])

    def set_password(self, name: str, password: str) -> None:
        self._require(name)
        digest = self._hash_password(password)
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE name = ?",
                [digest, _iso(utcnow()), name],
            )
            conn.execute("DELETE FROM web_sessions WHERE user = ?", [name])

    def check_password(self, name: str, password: str) -> User | None:
        """The user when the password is right and the account enabled; None otherwise."""
        from argon2.exceptions import InvalidHashError, VerificationError

        hasher = _hasher()
        row = self.conn.execute("SELECT password_hash, disabled FROM users WHERE name = ?", [name]).fetchone()
        if row is None:
            # Spend the same time as a real check, so a name's existence does not show in timing.
            with contextlib.suppress(VerificationError, InvalidHashError):
                hasher.verify(_DUMMY_HASH.value(hasher), password)
            return None
        try:
            hasher.verify(row[0], password)
        except (VerificationError, InvalidHashError):
            return None
        if row[1]:
            return None
        if hasher.check_needs_rehash(row[0]):
            with self.store.transaction() as conn:
                conn.execute(
                    "UPDATE users SET password_hash = ? WHERE name = ?", [hasher.hash(password), name]
                )
        return self.user(name)

    # --- login limits ----------------------------------------------------------------------

    def locked_out(self, name: str, remote: str | None, limits: LoginLimits, now: dt.datetime) -> bool:
        """Too many failed logins for this name, or from this address, in the window."""
        since = _iso(now - limits.window)
        by_user = self.conn.execute(
            "SELECT count(*) FROM login_attempts WHERE user = ? AND at >= ? AND ok = 0 "
            "AND id > coalesce((SELECT max(id) FROM login_attempts WHERE user = ? AND ok = 1), 0)",
            [name, since, name],
        ).fetchone()[0]
        if by_user >= limits.per_user:
            return True
        if remote:
            by_remote = self.conn.execute(
                "SELECT count(*) FROM login_attempts WHERE remote = ? AND at >= ? AND ok = 0", [remote, since]
            ).fetchone()[0]
            if by_remote >= limits.per_remote:
                return True
        return False

    def record_login(self, name: str, remote: str | None, ok: bool, now: dt.datetime | None = None) -> None:
        at = _iso(now or utcnow())
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO login_attempts (at, user, remote, ok) VALUES (?,?,?,?)",
                [at, name[:64], remote, int(ok)],
            )
        self.log_action(name[:64], None, "login" if ok else "login_failed", remote=remote, now=now)

    # --- sessions --------------------------------------------------------------------------

    def open_session(self, user: User, now: dt.datetime | None = None) -> str:
        """A new session for the user; returns its id (for the signed cookie), stored hashed."""
        session_id = secrets.token_urlsafe(32)
        at = _iso(now or utcnow())
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO web_sessions (id_hash, user, csrf, created_at, last_seen) VALUES (?,?,?,?,?)",
                [_sha(session_id), user.name, secrets.token_urlsafe(32), at, at],
            )
        return session_id

    def session(
        self, session_id: str, *, idle: dt.timedelta, now: dt.datetime | None = None
    ) -> WebSession | None:
        """The live session: its user enabled, not idle for longer than ``idle``; touches it."""
        now = now or utcnow()
        row = self.conn.execute(
            "SELECT s.user, s.csrf, s.last_seen, u.disabled FROM web_sessions s "
            "JOIN users u ON u.name = s.user WHERE s.id_hash = ?",
            [_sha(session_id)],
        ).fetchone()
        if row is None or row[3]:
            return None
        last_seen = dt.datetime.fromisoformat(row[2])
        if now - last_seen > idle:
            self.close_session(session_id)
            return None
        if now - last_seen > dt.timedelta(seconds=30):  # one write a half minute, not one a request
            with self.store.transaction() as conn:
                conn.execute(
                    "UPDATE web_sessions SET last_seen = ? WHERE id_hash = ?", [_iso(now), _sha(session_id)]
                )
        user = self.user(row[0])
        return WebSession(user, row[1], last_seen) if user else None

    def close_session(self, session_id: str) -> None:
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM web_sessions WHERE id_hash = ?", [_sha(session_id)])

    # --- tokens ----------------------------------------------------------------------------

    def add_token(self, name: str, *, organisation: str) -> str:
        """A new API token for an organisation's system; the token is returned once, stored hashed."""
        name = _check_name(name)
        organisation = check_organisation(organisation)
        token = "dl_" + secrets.token_urlsafe(32)
        with self.store.transaction() as conn:
            if conn.execute("SELECT 1 FROM api_tokens WHERE name = ?", [name]).fetchone():
                raise AccountError(
                    f"A token named {name!r} exists already; revoke it or choose another name."
                )
            conn.execute(
                "INSERT INTO api_tokens (name, organisation, token_hash, prefix, created_at) VALUES (?,?,?,?,?)",
                [name, organisation, _sha(token), token[:7], _iso(utcnow())],
            )
        return token

    def tokens(self) -> list[ApiToken]:
        return [
            ApiToken(*row)
            for row in self.conn.execute(
                "SELECT name, organisation, prefix, created_at, revoked_at, last_used FROM api_tokens ORDER BY name"
            )
        ]

    def revoke_token(self, name: str) -> None:
        with self.store.transaction() as conn:
            cur = conn.execute(
                "UPDATE api_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                [_iso(utcnow()), name],
            )
            if cur.rowcount == 0:
                raise AccountError(f"There is no active token {name!r}; see `dossierlink tokens list`.")

    def check_token(self, token: str, now: dt.datetime | None = None) -> ApiToken | None:
        row = self.conn.execute(
            "SELECT name, organisation, prefix, created_at, revoked_at, last_used FROM api_tokens "
            "WHERE token_hash = ?",
            [_sha(token)],
        ).fetchone()
        if row is None or row[4] is not None:
            return None
        at = now or utcnow()
        if not row[5] or at - dt.datetime.fromisoformat(row[5]) > dt.timedelta(minutes=1):
            with self.store.transaction() as conn:
                conn.execute("UPDATE api_tokens SET last_used = ? WHERE name = ?", [_iso(at), row[0]])
        return ApiToken(*row)

    # --- the action history ----------------------------------------------------------------

    def log_action(
        self,
        user: str,
        organisation: str | None,
        action: str,
        *,
        target: str | None = None,
        note: str | None = None,
        remote: str | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO web_actions (at, user, organisation, action, target, note, remote) "
                "VALUES (?,?,?,?,?,?,?)",
                [_iso(now or utcnow()), user, organisation, action, target, note, remote],
            )

    def actions(self, *, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
        """The newest actions first."""
        cur = self.conn.execute(
            "SELECT at, user, organisation, action, target, note, remote FROM web_actions "
            "ORDER BY id DESC LIMIT ? OFFSET ?",
            [limit, offset],
        )
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur]

    # --- divergences -----------------------------------------------------------------------

    def unacknowledge(
        self, divergence_id: str, *, note: str, by: str, now: dt.datetime | None = None
    ) -> None:
        """Put an acknowledged divergence back on the open list; the note and who stay in history."""
        at = _iso(now or utcnow())
        with self.store.transaction() as conn:
            row = conn.execute("SELECT status FROM divergences WHERE id = ?", [divergence_id]).fetchone()
            if row is None:
                raise KeyError(divergence_id)
            if row[0] != "acknowledged":
                raise AccountError(f"{divergence_id} is {row[0]}, not acknowledged: nothing to take back.")
            conn.execute(
                "UPDATE divergences SET status = 'open', ack_note = NULL, ack_by = NULL, ack_at = NULL "
                "WHERE id = ?",
                [divergence_id],
            )
            conn.execute(
                "INSERT INTO divergence_history (divergence_id, at, status_from, status_to, note, by) "
                "VALUES (?,?,?,?,?,?)",
                [divergence_id, at, "acknowledged", "open", note, by],
            )

    def divergence_organisations(self, ids: Sequence[str]) -> dict[str, str]:
        """divergence id -> the organisation that must act."""
        marks = ",".join("?" * len(ids))
        return {
            str(r[0]): str(r[1])
            for r in self.conn.execute(
                f"SELECT id, organisation FROM divergences WHERE id IN ({marks})", list(ids)
            )
        }


class _DummyHash:
    """One argon2 hash made on first use, for the timing of a login with an unknown name."""

    def __init__(self) -> None:
        self._hash: str | None = None

    def value(self, hasher: Any) -> str:
        if self._hash is None:
            self._hash = str(hasher.hash(secrets.token_urlsafe(16)))
        return self._hash


_DUMMY_HASH = _DummyHash()
