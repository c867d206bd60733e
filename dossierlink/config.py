"""The TOML configuration (``dossierlink.toml``): store, sync daemon, inboxes and pass-through sections.

``Config.load(path)`` reads a file, ``Config.from_mapping(data, base_dir)`` a parsed table. Parsing is
lenient: every mistake is collected, and :meth:`Config.check` returns them all as sentences (plus the
ones only the filesystem can tell: missing folders, a quarantine inside a watched inbox, overlapping
inboxes). Relative paths resolve against the folder of the configuration file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from dossierlink.schema import BUILTIN_ORGANISATIONS, Medium, check_organisation

__all__ = [
    "DEFAULT_IGNORE",
    "ENV_VAR",
    "MODES",
    "PASS_THROUGH_SECTIONS",
    "Config",
    "ConfigError",
    "InboxConfig",
    "SyncConfig",
    "locate_config",
]

ENV_VAR = "DOSSIERLINK_CONFIG"
DEFAULT_FILENAME = "dossierlink.toml"
MODES = ("native", "poll", "auto")
LOG_FORMATS = ("text", "json")
# Names of files being written by others: dotfiles (rsync, scanners' staging names), download and
# temp suffixes, Office lock files (~$name.docx), Windows folder litter.
DEFAULT_IGNORE: tuple[str, ...] = (".*", "*.tmp", "*.part", "~$*", "*.crdownload", "Thumbs.db", "desktop.ini")
# Sections other parts of dossierlink read; the configuration keeps them as given.
PASS_THROUGH_SECTIONS = ("reconcile", "chain", "privacy", "organisations", "report", "pull", "serve")


class ConfigError(ValueError):
    """A configuration file that cannot be read at all (missing, not TOML). Names file and line."""


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@attrs.frozen
class SyncConfig:
    """The ``[sync]`` section."""

    quarantine: Path
    stability_seconds: float = 5.0
    rescan_minutes: float = 5.0
    workers: int = 2
    log_format: str = "text"
    archive: Path | None = None
    max_attempts: int = 5
    shutdown_seconds: float = 10.0


@attrs.frozen
class InboxConfig:
    """One ``[[inbox]]``: a folder the daemon watches and how to read what lands there."""

    path: Path
    adapter: str = "auto"
    organisation: str | None = None
    medium: Medium | None = None
    recursive: bool = True
    mode: str = "auto"
    poll_interval: float = 5.0
    ignore: tuple[str, ...] = DEFAULT_IGNORE
    options: Mapping[str, Any] = attrs.field(factory=dict)
    name: str = ""
    # The folder that document files referenced by this inbox's exports must lie in (default: the
    # inbox itself); a reference outside it is not read and becomes a warning on the record.
    root: Path | None = None

    @property
    def label(self) -> str:
        """How logs and ``dossierlink status`` name this inbox."""
        return self.name or str(self.path)


@attrs.frozen
class Config:
    """A whole configuration. ``problems`` holds what parsing found wrong (see :meth:`check`)."""

    store_path: Path
    sync: SyncConfig
    inboxes: tuple[InboxConfig, ...] = ()
    sections: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict)
    source: Path | None = None
    base_dir: Path = attrs.field(factory=Path.cwd)
    problems: tuple[str, ...] = ()

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> Config:
        """Read a configuration file: ``path``, else ``$DOSSIERLINK_CONFIG``, else ./dossierlink.toml.

        With no file anywhere, the defaults apply (a store ``dossierlink.db`` here, no inboxes).
        """
        found = locate_config(path)
        if found is None:
            return cls.from_mapping({}, Path.cwd())
        try:
            raw = found.read_bytes()
        except FileNotFoundError:
            raise ConfigError(f"{found}: the configuration file does not exist.") from None
        except OSError as exc:
            raise ConfigError(f"{found}: cannot read the configuration file: {exc.strerror}.") from None
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{found}: the file is not UTF-8 text (byte {exc.start}).") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{found}: not valid TOML: {exc}.") from None
        return cls.from_mapping(data, found.parent, source=found)

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], base_dir: str | os.PathLike[str], *, source: Path | None = None
    ) -> Config:
        """Build a Config from a parsed TOML table; mistakes are collected in ``problems``."""
        parser = _Parser(Path(base_dir).expanduser().absolute(), source)
        return parser.parse(data)

    # -- checks -----------------------------------------------------------------------------------

    def check(self, *, adapters: Mapping[str, object] | None = None, folders: bool = True) -> list[str]:
        """Every mistake in the configuration, one sentence each; empty when it is good.

        ``adapters`` maps the installed adapter names (default: the entry-point registry);
        ``folders=False`` leaves out missing or unreadable inbox folders (the daemon waits for those).
        """
        where = f"{self.source}: " if self.source else ""
        problems = [f"{where}{p}" for p in self.problems]
        if adapters is None:
            from dossierlink.ingest.adapter import available_adapters

            adapters = available_adapters()
        known_orgs = set(BUILTIN_ORGANISATIONS) | set(self.organisations)
        watched: list[tuple[InboxConfig, Path]] = []
        for i, inbox in enumerate(self.inboxes, 1):
            here = f"{where}[[inbox]] #{i} ({inbox.path})"
            if not folders:
                pass
            elif not inbox.path.exists():
                problems.append(f"{here}: the folder does not exist; create it or fix `path`.")
            elif not inbox.path.is_dir():
                problems.append(f"{here}: `path` is not a folder.")
            elif not os.access(inbox.path, os.R_OK | os.X_OK):
                problems.append(f"{here}: the folder is not readable by this user.")
            if folders and inbox.root is not None and not inbox.root.is_dir():
                problems.append(
                    f"{here}: `root` ({inbox.root}) is not a folder; referenced files could not be read."
                )
            if inbox.adapter != "auto" and inbox.adapter not in adapters:
                names = ", ".join(sorted(adapters)) or "none"
                problems.append(
                    f"{here}: there is no adapter called {inbox.adapter!r}; use 'auto' or one of: {names}."
                )
            if inbox.organisation is not None and inbox.organisation not in known_orgs:
                problems.append(
                    f"{here}: organisation {inbox.organisation!r} is neither built in nor declared in "
                    f'[organisations]; add `{inbox.organisation} = "Full name"` there or fix the spelling.'
                )
            watched.append((inbox, _real(inbox.path)))
        for a in range(len(watched)):
            for b in range(a + 1, len(watched)):
                (ia, pa), (ib, pb) = watched[a], watched[b]
                if pa == pb:
                    problems.append(
                        f"{where}inboxes {ia.path} and {ib.path} are the same folder; merge them."
                    )
                elif (_inside(pb, pa) and ia.recursive) or (_inside(pa, pb) and ib.recursive):
                    outer, inner = (ia, ib) if _inside(pb, pa) else (ib, ia)
                    problems.append(
                        f"{where}inbox {inner.path} lies inside the recursive inbox {outer.path}: its files "
                        "would be read twice; set `recursive = false` on the outer one or move a folder."
                    )
        derived = [("[sync] quarantine", self.sync.quarantine), ("[store] path", self.store_path)]
        if self.sync.archive is not None:
            derived.append(("[sync] archive", self.sync.archive))
        for what, path in derived:
            real = _real(path)
            for inbox, inbox_real in watched:
                if real == inbox_real or (
                    _inside(real, inbox_real) and (inbox.recursive or real.parent == inbox_real)
                ):
                    problems.append(
                        f"{where}{what} ({path}) lies inside the watched inbox {inbox.path}: the daemon "
                        "never writes into a watched folder; move it outside."
                    )
                elif what != "[store] path" and _inside(inbox_real, real):
                    # The daemon would read back its own copies (again and again): refuse it.
                    problems.append(
                        f"{where}the inbox {inbox.path} lies inside {what} ({path}): the daemon would "
                        "ingest its own copies; move the inbox outside it."
                    )
        return problems

    # -- conveniences ---------------------------------------------------------------------------

    @property
    def organisations(self) -> dict[str, str]:
        """Organisation codes declared in ``[organisations]`` (code → name), beyond the built-in ones."""
        section = self.sections.get("organisations", {})
        return {str(k): str(v) for k, v in section.items()}

    def section(self, name: str) -> Mapping[str, Any]:
        """A pass-through section (``reconcile``, ``chain``, ``privacy``, ...) or an empty mapping."""
        return self.sections.get(name, {})


def locate_config(path: str | os.PathLike[str] | None = None) -> Path | None:
    """The configuration file to use: the argument, ``$DOSSIERLINK_CONFIG``, or ./dossierlink.toml."""
    if path:
        return Path(path).expanduser().absolute()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().absolute()
    here = Path.cwd() / DEFAULT_FILENAME
    return here if here.is_file() else None


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:  # a loop of symlinks: compare as written
        return path.absolute()


def _inside(child: Path, parent: Path) -> bool:
    return child != parent and child.is_relative_to(parent)


class _Parser:
    """Turns a TOML table into a Config, noting every mistake instead of stopping at the first."""

    def __init__(self, base_dir: Path, source: Path | None) -> None:
        self.base_dir = base_dir
        self.source = source
        self.problems: list[str] = []

    def note(self, message: str) -> None:
        self.problems.append(message)

    def path(self, where: str, value: Any) -> Path | None:
        if not isinstance(value, str) or not value.strip():
            self.note(f"{where} must be a folder or file path as a string, not {value!r}.")
            return None
        p = Path(os.path.expandvars(value.strip())).expanduser()
        return Path(os.path.normpath(p if p.is_absolute() else self.base_dir / p))

    def number(
        self, where: str, value: Any, default: float, *, minimum: float, integer: bool = False
    ) -> float:
        if integer and (not isinstance(value, int) or isinstance(value, bool)):
            self.note(f"{where} must be a whole number, not {value!r}.")
            return default
        if not _number(value):
            self.note(f"{where} must be a number, not {value!r}.")
            return default
        if value < minimum:
            self.note(f"{where} must be at least {minimum:g}, not {value!r}.")
            return default
        return float(value)

    def choice(self, where: str, value: Any, choices: tuple[str, ...], default: str) -> str:
        if value not in choices:
            self.note(f"{where} must be one of {', '.join(choices)}, not {value!r}.")
            return default
        return str(value)

    def table(self, where: str, value: Any) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.note(f"{where} must be a table (a [section]), not {type(value).__name__} {value!r}.")
            return {}
        return value

    def unknown(self, where: str, table: Mapping[str, Any], known: tuple[str, ...]) -> None:
        for key in table:
            if key not in known:
                self.note(f"{where}: unknown key {key!r}; known keys are {', '.join(known)}.")

    def parse(self, data: Mapping[str, Any]) -> Config:
        top_known = ("store", "sync", "inbox", *PASS_THROUGH_SECTIONS)
        self.unknown("the top level", data, top_known)

        store = self.table("[store]", data.get("store", {}))
        self.unknown("[store]", store, ("path",))
        store_path = self.path("[store] path", store["path"]) if "path" in store else None
        store_path = store_path or (self.base_dir / "dossierlink.db")

        sync = self.sync(self.table("[sync]", data.get("sync", {})), store_path)

        inboxes: list[InboxConfig] = []
        raw_inboxes = data.get("inbox", [])
        if isinstance(raw_inboxes, Mapping):  # [inbox] written once instead of [[inbox]]
            self.note("[inbox] must be written [[inbox]] (an array of tables), one per folder.")
            raw_inboxes = [raw_inboxes]
        if not isinstance(raw_inboxes, list):
            self.note(f"inbox must be a list of [[inbox]] tables, not {raw_inboxes!r}.")
            raw_inboxes = []
        for i, raw in enumerate(raw_inboxes, 1):
            inbox = self.inbox(i, raw)
            if inbox is not None:
                inboxes.append(inbox)

        sections: dict[str, Mapping[str, Any]] = {}
        for name in PASS_THROUGH_SECTIONS:
            if name in data:
                sections[name] = dict(self.table(f"[{name}]", data[name]))
        for code, full in sections.get("organisations", {}).items():
            try:
                if check_organisation(code) != code:
                    self.note(f"[organisations] {code!r} must be written in lower case: {code.lower()!r}.")
            except ValueError as exc:
                self.note(f"[organisations] {exc}")
            if not isinstance(full, str):
                self.note(f"[organisations] {code} must name the organisation as a string, not {full!r}.")
        return Config(
            store_path=store_path,
            sync=sync,
            inboxes=tuple(inboxes),
            sections=sections,
            source=self.source,
            base_dir=self.base_dir,
            problems=tuple(self.problems),
        )

    def sync(self, table: Mapping[str, Any], store_path: Path) -> SyncConfig:
        known = tuple(a.name for a in attrs.fields(SyncConfig))
        self.unknown("[sync]", table, known)
        quarantine = self.path("[sync] quarantine", table["quarantine"]) if "quarantine" in table else None
        # Default: a folder beside the store, never inside an inbox.
        quarantine = quarantine or store_path.parent / "quarantaine"
        archive = None
        if table.get("archive") not in (None, "", "none"):
            archive = self.path("[sync] archive", table["archive"])
        return SyncConfig(
            quarantine=quarantine,
            stability_seconds=self.number(
                "[sync] stability_seconds", table.get("stability_seconds", 5.0), 5.0, minimum=0.0
            ),
            rescan_minutes=self.number(
                "[sync] rescan_minutes", table.get("rescan_minutes", 5.0), 5.0, minimum=0.0
            ),
            workers=int(self.number("[sync] workers", table.get("workers", 2), 2, minimum=1, integer=True)),
            log_format=self.choice("[sync] log_format", table.get("log_format", "text"), LOG_FORMATS, "text"),
            archive=archive,
            max_attempts=int(
                self.number("[sync] max_attempts", table.get("max_attempts", 5), 5, minimum=1, integer=True)
            ),
            shutdown_seconds=self.number(
                "[sync] shutdown_seconds", table.get("shutdown_seconds", 10.0), 10.0, minimum=0.0
            ),
        )

    def inbox(self, i: int, raw: Any) -> InboxConfig | None:
        where = f"[[inbox]] #{i}"
        if not isinstance(raw, Mapping):
            self.note(f"{where} must be a table, not {raw!r}.")
            return None
        known = tuple(a.name for a in attrs.fields(InboxConfig))
        self.unknown(where, raw, known)
        if "path" not in raw:
            self.note(f"{where} has no `path`: name the folder to watch.")
            return None
        path = self.path(f"{where} path", raw["path"])
        if path is None:
            return None
        where = f"{where} ({raw['path']})"
        adapter = raw.get("adapter", "auto")
        if not isinstance(adapter, str) or not adapter:
            self.note(f"{where} adapter must be 'auto' or an adapter's name, not {adapter!r}.")
            adapter = "auto"
        organisation = raw.get("organisation")
        if organisation is not None:
            if not isinstance(organisation, str):
                self.note(f"{where} organisation must be a string, not {organisation!r}.")
                organisation = None
            else:
                try:
                    code = check_organisation(organisation)
                    if code != organisation:
                        self.note(f"{where} organisation must be lower case: write {code!r}.")
                    organisation = code
                except ValueError as exc:
                    self.note(f"{where} {exc}")
                    organisation = None
        medium: Medium | None = None
        if "medium" in raw:
            try:
                medium = Medium(raw["medium"])
            except ValueError:
                self.note(f"{where} medium must be 'paper' or 'digital', not {raw['medium']!r}.")
        recursive = raw.get("recursive", True)
        if not isinstance(recursive, bool):
            self.note(f"{where} recursive must be true or false, not {recursive!r}.")
            recursive = True
        ignore = list(DEFAULT_IGNORE)
        extra = raw.get("ignore", [])
        if isinstance(extra, str):
            extra = [extra]
        if not isinstance(extra, list) or not all(isinstance(p, str) and p for p in extra):
            self.note(
                f"{where} ignore must be a list of file name patterns such as ['*.bak'], not {extra!r}."
            )
        else:
            ignore.extend(p for p in extra if p not in ignore)
        name = raw.get("name", "")
        if not isinstance(name, str):
            self.note(f"{where} name must be a string, not {name!r}.")
            name = ""
        root = self.path(f"{where} root", raw["root"]) if "root" in raw else None
        options = raw.get("options", {})
        if not isinstance(options, Mapping):
            self.note(f"{where} options must be a table of adapter options, not {options!r}.")
            options = {}
        return InboxConfig(
            path=path,
            adapter=adapter,
            organisation=organisation,
            medium=medium,
            recursive=recursive,
            mode=self.choice(f"{where} mode", raw.get("mode", "auto"), MODES, "auto"),
            poll_interval=self.number(
                f"{where} poll_interval", raw.get("poll_interval", 5.0), 5.0, minimum=0.05
            ),
            ignore=tuple(ignore),
            options=dict(options),
            name=name,
            root=root,
        )
