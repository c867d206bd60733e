"""The ``[serve]`` table of the TOML configuration, with its checks."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

__all__ = ["DEFAULT_PORT", "ServeSettings", "load_secret"]

DEFAULT_PORT = 8250
KNOWN = (
    "host",
    "port",
    "secret_file",
    "idle_minutes",
    "secure_cookies",
    "trusted_proxies",
    "user_header",
    "page_size",
    "login_attempts",
    "lockout_minutes",
)


@attrs.frozen
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    secret_file: Path | None = None  # default: <store>.serve-secret beside the store, mode 0600
    idle: dt.timedelta = dt.timedelta(minutes=30)
    secure_cookies: bool = False  # always Secure; otherwise only when the request came over HTTPS
    trusted_proxies: tuple[str, ...] = ()  # addresses whose user header is believed (SSO)
    user_header: str | None = None  # e.g. X-Remote-User, set by the SSO reverse proxy
    page_size: int = 50
    login_attempts: int = 5
    lockout: dt.timedelta = dt.timedelta(minutes=15)

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any], base_dir: Path | None = None) -> ServeSettings:
        """The settings from a ``[serve]`` table; a wrong value raises ValueError naming the key."""
        problems = [
            f"[serve]: unknown key {k!r}; known keys are {', '.join(KNOWN)}." for k in table if k not in KNOWN
        ]

        def number(key: str, default: int, low: int, high: int) -> int:
            value = table.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                problems.append(f"[serve] {key} must be a whole number from {low} to {high}, not {value!r}.")
                return default
            return value

        host = table.get("host", "127.0.0.1")
        if not isinstance(host, str) or not host:
            problems.append(f"[serve] host must be an address such as 127.0.0.1, not {host!r}.")
            host = "127.0.0.1"
        proxies = table.get("trusted_proxies", [])
        if not isinstance(proxies, list) or not all(isinstance(p, str) for p in proxies):
            problems.append('[serve] trusted_proxies must be a list of addresses, e.g. ["127.0.0.1"].')
            proxies = []
        for p in proxies:
            try:
                ipaddress.ip_address(p)
            except ValueError:
                problems.append(f"[serve] trusted_proxies: {p!r} is not an IP address.")
        header = table.get("user_header")
        if header is not None and (not isinstance(header, str) or not header.strip()):
            problems.append(
                f"[serve] user_header must be a header name such as X-Remote-User, not {header!r}."
            )
            header = None
        if proxies and not header:
            problems.append("[serve] trusted_proxies needs user_header: the header the proxy sets.")
        secure = table.get("secure_cookies", False)
        if not isinstance(secure, bool):
            problems.append(f"[serve] secure_cookies must be true or false, not {secure!r}.")
            secure = False
        secret = table.get("secret_file")
        secret_path = None
        if secret is not None:
            secret_path = Path(str(secret))
            if not secret_path.is_absolute() and base_dir is not None:
                secret_path = base_dir / secret_path
        settings = cls(
            host=host,
            port=number("port", DEFAULT_PORT, 1, 65535),
            secret_file=secret_path,
            idle=dt.timedelta(minutes=number("idle_minutes", 30, 1, 24 * 60)),
            secure_cookies=secure,
            trusted_proxies=tuple(proxies),
            user_header=header,
            page_size=number("page_size", 50, 5, 500),
            login_attempts=number("login_attempts", 5, 1, 100),
            lockout=dt.timedelta(minutes=number("lockout_minutes", 15, 1, 24 * 60)),
        )
        if problems:
            raise ValueError(" ".join(problems))
        return settings


def load_secret(path: Path) -> bytes:
    """The key that signs session cookies: read, or made once (owner-only) when absent."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_bytes().strip()
        if len(key) < 32:
            raise ValueError(
                f"The session key file {path} holds fewer than 32 bytes; remove it to make a new one."
            ) from None
        return key
    with os.fdopen(fd, "wb") as handle:
        key = secrets.token_hex(32).encode("ascii")
        handle.write(key + b"\n")
    return key
