"""Fixtures of the web tests: the demo chain with users and tokens, a fresh copy per test, a server on it."""

from __future__ import annotations

from tests.web.serving import chain_template, server, store, tokens

__all__ = ["chain_template", "server", "store", "tokens"]
