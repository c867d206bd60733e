"""Who is asking and what they may see: sessions in signed cookies, API tokens, a trusted SSO header, roles."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

import attrs
from itsdangerous import BadSignature, Signer
from starlette.requests import Request

from dossierlink.api import Chain
from dossierlink.store.accounts import ApiToken, User
from dossierlink.web.settings import ServeSettings

__all__ = [
    "LOGIN_CSRF_COOKIE",
    "SESSION_COOKIE",
    "Principal",
    "check_csrf",
    "principal_from_request",
]

SESSION_COOKIE = "dl_session"
LOGIN_CSRF_COOKIE = "dl_login"
LANG_COOKIE = "dl_lang"


@attrs.frozen
class Principal:
    """A logged-in user or an organisation's system (an API token)."""

    name: str
    organisation: str
    role: str  # medewerker | ketenregisseur | beheerder | systeem (a token)
    csrf: str | None = None  # the session's CSRF token; None for tokens and SSO
    session_id: str | None = None
    via: str = "session"  # session | token | sso

    @property
    def actor(self) -> str:
        """How the store's history names this principal."""
        return f"token:{self.name}" if self.via == "token" else self.name

    @property
    def sees_every_organisation(self) -> bool:
        return self.role == "ketenregisseur"

    def may_see_organisation(self, organisation: str) -> bool:
        return self.sees_every_organisation or organisation == self.organisation

    def may_acknowledge(self, owner: str) -> bool:
        """Only the organisation that must act acknowledges its divergences (whatever the role)."""
        return owner == self.organisation

    @property
    def may_reveal(self) -> bool:
        return self.via != "token" and self.role in ("medewerker", "ketenregisseur")

    @property
    def is_admin(self) -> bool:
        return self.role == "beheerder"

    def may_see_dossier(self, chain: Chain, dossier_id: int) -> bool:
        """Every dossier for a ketenregisseur; otherwise those where the organisation holds a
        registration or must act."""
        if self.sees_every_organisation:
            return True
        c = chain.store.conn
        if c.execute(
            "SELECT 1 FROM records WHERE dossier_id = ? AND organisation = ? LIMIT 1",
            [dossier_id, self.organisation],
        ).fetchone():
            return True
        return (
            c.execute(
                "SELECT 1 FROM divergences WHERE dossier_id = ? AND organisation = ? LIMIT 1",
                [dossier_id, self.organisation],
            ).fetchone()
            is not None
        )


def _from_user(user: User, **kw: Any) -> Principal:
    return Principal(user.name, user.organisation, user.role, **kw)


def _from_token(token: ApiToken) -> Principal:
    return Principal(token.name, token.organisation, "systeem", via="token")


def signer(secret: bytes) -> Signer:
    return Signer(secret, salt="dossierlink.session")


def principal_from_request(
    request: Request, chain: Chain, settings: ServeSettings, secret: bytes, *, api: bool
) -> Principal | None:
    """The principal behind the request: an API token (API only), a trusted SSO header, a session."""
    accounts = chain.accounts
    header = request.headers.get("authorization", "")
    if api and header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "token" or not value.strip():
            return None
        token = accounts.check_token(value.strip())
        return _from_token(token) if token else None
    if settings.user_header and request.client and request.client.host in settings.trusted_proxies:
        name = request.headers.get(settings.user_header)
        if name:
            user = accounts.user(name.strip())
            if user is None or user.disabled:
                return None
            return _from_user(user, via="sso", csrf=_sso_csrf(secret, user.name))
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        session_id = signer(secret).unsign(cookie).decode("ascii")
    except (BadSignature, UnicodeDecodeError):
        return None
    session = accounts.session(session_id, idle=settings.idle)
    if session is None:
        return None
    return _from_user(session.user, csrf=session.csrf, session_id=session_id)


def _sso_csrf(secret: bytes, name: str) -> str:
    # SSO users have no session row: their CSRF token is derived from the key and their name.
    return hmac.new(secret, f"csrf:{name}".encode(), "sha256").hexdigest()


def check_csrf(principal: Principal, sent: str | None) -> bool:
    return bool(principal.csrf and sent and hmac.compare_digest(principal.csrf, sent))


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)
