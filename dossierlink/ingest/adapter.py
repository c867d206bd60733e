"""The adapter protocol and registry: ``identify(path)`` + ``extract(path, hints)`` per format.

The core never imports an adapter by name: adapters are found through the entry-point
group ``dossierlink.adapters`` (see pyproject.toml), so a third party can ship its own.
"""

from __future__ import annotations

import abc
import hashlib
import logging
from collections.abc import Iterator, Mapping
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, ClassVar

import attrs

from dossierlink.errors import AdapterError
from dossierlink.pinned import open_binary
from dossierlink.schema import Medium, Record

__all__ = [
    "Adapter",
    "AdapterError",
    "AmbiguousAdapterError",
    "Hints",
    "NoAdapterError",
    "SkippedSource",
    "UnknownAdapterError",
    "available_adapters",
    "get_adapter",
    "identify",
    "sha256_file",
]

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "dossierlink.adapters"


class SkippedSource(AdapterError):
    """A readable file that holds nothing for the chain (e.g. a civil-law judgment).

    Ingest records it as ignored (final), not quarantined: the file is not broken.
    """


class NoAdapterError(AdapterError):
    pass


class AmbiguousAdapterError(AdapterError):
    pass


class UnknownAdapterError(LookupError):
    pass


@attrs.frozen
class Hints:
    """What the caller knows about a file that the format itself may not say."""

    organisation: str | None = None
    medium: Medium | None = None
    sha256: str = ""  # the file's hash, computed once by ingest
    root: Path | None = None  # the inbox or folder being ingested (folder conventions, jail)
    options: Mapping[str, Any] = attrs.field(factory=dict)


class Adapter(abc.ABC):
    """One source format. Subclasses set the class attributes and implement two methods.

    ``identify`` MUST be cheap (read at most a few KiB) and MUST NOT raise for any file.
    ``extract`` MUST raise :class:`AdapterError` for unreadable input, naming the place.
    """

    name: ClassVar[str]
    organisation: ClassVar[str | None] = None  # None: the caller says (Hints)
    medium: ClassVar[Medium | None] = None
    formats: ClassVar[tuple[str, ...]] = ()  # "csv", "json", "xml", "pdf", ...
    description: ClassVar[str] = ""

    @abc.abstractmethod
    def identify(self, path: Path) -> bool:
        """True when this adapter can read ``path``."""

    @abc.abstractmethod
    def extract(self, path: Path, hints: Hints) -> Iterator[Record]:
        """Yield one Record per dossier found in ``path``."""

    def why(self, path: Path) -> str:
        """One sentence on why ``identify`` claims ``path`` (for ``dossierlink identify``)."""
        return f"{self.name} recognises the file's {', '.join(self.formats) or 'content'}."

    @property
    def origin(self) -> str:
        return type(self).__module__


_cache: dict[str, Adapter] | None = None
_load_errors: dict[str, str] = {}


def available_adapters(*, reload: bool = False) -> dict[str, Adapter]:
    """Every installed adapter by name. A broken plug-in is logged and left out."""
    global _cache
    if _cache is not None and not reload:
        return _cache
    found: dict[str, Adapter] = {}
    _load_errors.clear()
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = ep.load()
            adapter = cls() if isinstance(cls, type) else cls
            if not isinstance(adapter, Adapter):
                raise TypeError(f"{ep.value} is not a dossierlink Adapter")
        except Exception as exc:  # a third-party plug-in must not break the core
            _load_errors[ep.name] = f"{type(exc).__name__}: {exc}"
            log.debug("adapter %s could not be loaded: %s", ep.name, exc)
            continue
        found[ep.name] = adapter
    _cache = dict(sorted(found.items()))
    return _cache


def adapter_load_errors() -> dict[str, str]:
    available_adapters()
    return dict(_load_errors)


def get_adapter(name: str) -> Adapter:
    adapters = available_adapters()
    try:
        return adapters[name]
    except KeyError:
        raise UnknownAdapterError(
            f"There is no adapter called {name!r}; installed: {', '.join(adapters) or 'none'}."
        ) from None


def identify(path: Path, name: str = "auto") -> Adapter:
    """The adapter for ``path``: the named one, or the single one that claims it."""
    if name != "auto":
        return get_adapter(name)
    claims: list[Adapter] = []
    for adapter in available_adapters().values():
        try:
            if adapter.identify(path):
                claims.append(adapter)
        except Exception as exc:  # identify must not raise; treat as "not mine"
            log.warning("adapter %s failed to identify %s: %s", adapter.name, path, exc)
    if not claims:
        raise NoAdapterError(
            path, "no adapter recognises this file; name one with --adapter (see `dossierlink adapters`)"
        )
    if len(claims) > 1:
        names = ", ".join(a.name for a in claims)
        raise AmbiguousAdapterError(
            path, f"more than one adapter claims this file ({names}); choose one with --adapter"
        )
    return claims[0]


def sha256_file(path: Path, *, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open_binary(path) as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()
