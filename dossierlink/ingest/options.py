"""Adapter options from ``KEY=VALUE`` pairs (the CLI's ``--option``), dotted keys as tables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["parse_options"]


def parse_options(pairs: Iterable[str]) -> dict[str, Any]:
    """``["mapping=m.toml", "rsin.002220647=om"]`` → ``{"mapping": "m.toml", "rsin": {"002220647": "om"}}``.

    Values stay strings, except ``true``/``false`` (flags such as ``ocr=true``). The same
    options in an inbox's TOML are a table: ``options = {rsin = {"002220647" = "om"}}``.
    """
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        parts = [k.strip() for k in key.split(".")]
        if not sep or not all(parts):
            raise ValueError(f"{pair!r} is not KEY=VALUE (for example rsin.002220647=om)")
        table = options
        for part in parts[:-1]:
            inner = table.setdefault(part, {})
            if not isinstance(inner, dict):
                raise ValueError(f"{pair!r}: {part!r} is already a value, not a table")
            table = inner
        if isinstance(table.get(parts[-1]), dict):
            raise ValueError(f"{pair!r}: {parts[-1]!r} is already a table")
        low = value.strip().lower()
        table[parts[-1]] = True if low == "true" else False if low == "false" else value.strip()
    return options
