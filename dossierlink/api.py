"""The library API: ``dossierlink.open(path)`` returns a Chain whose methods the CLI calls.

>>> import dossierlink
>>> chain = dossierlink.open("keten.db")
>>> chain.ingest(["samples/"])
>>> for d in chain.divergences(organisation="om", status="open"): print(d.message)
"""

from __future__ import annotations

import datetime as dt
import gc
import getpass
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from dossierlink.ingest.pipeline import FileOutcome, IngestOptions, ingest_file
from dossierlink.privacy import KNOWN_BIRTH_DATES, Pseudonymiser, Sink, load_key, scrub, scrub_data
from dossierlink.reconcile.persons import PersonMatch, compare_persons
from dossierlink.schema import Divergence, Identifier, Medium, Person, Record
from dossierlink.store import Store, utcnow

__all__ = [
    "Chain",
    "DossierDetail",
    "IngestSummary",
    "Person",
    "PersonMatch",
    "ReconcileSummary",
    "VerifyResult",
    "adapters_claiming",
    "compare_persons",
    "iter_files",
    "masked_divergence_dict",
    "open",
    "save_report",
    "store_birth_dates",
]

DEFAULT_DB = "dossierlink.db"
RECONCILE_BATCH = 500
PARALLEL_FROM = 5_000  # dossiers; below this a second process costs more than it saves


@attrs.frozen
class IngestSummary:
    files: int = 0
    ingested: int = 0
    duplicates: int = 0
    skipped: int = 0
    ignored: int = 0
    quarantined: int = 0
    records: int = 0
    dossiers: int = 0  # distinct dossiers touched
    merges: int = 0
    outcomes: tuple[FileOutcome, ...] = ()

    @property
    def rejected(self) -> tuple[FileOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "quarantined")


@attrs.frozen
class ReconcileSummary:
    dossiers: int
    new: int
    kept: int
    reopened: int
    resolved: int
    open_total: int
    run_id: int


@attrs.frozen
class DossierDetail:
    dossier_id: int
    identifiers: tuple[Identifier, ...]
    records: tuple[Record, ...]
    divergences: tuple[Divergence, ...]
    merged_from: tuple[int, ...] = ()

    def to_dict(self, *, reveal: bool = False) -> dict[str, Any]:
        """The case as JSON-ready data; persons' BSNs and birth dates masked unless ``reveal``."""
        from dossierlink.convert import divergence_to_dict, record_to_dict
        from dossierlink.identifiers import mask_bsn

        out: dict[str, Any] = {
            "dossier_id": self.dossier_id,
            "identifiers": [{"kind": i.kind.value, "value": i.value} for i in self.identifiers],
            "records": [record_to_dict(r) for r in self.records],
            "divergences": [divergence_to_dict(d) for d in self.divergences],
        }
        if not reveal:
            for rec in out["records"]:
                for p in rec["persons"]:
                    if p.get("bsn"):
                        p["bsn"] = mask_bsn(p["bsn"])
                    if p.get("geboortedatum"):
                        p["geboortedatum"] = "****-**-**"
            out["divergences"] = [masked_divergence_dict(d, details=True) for d in self.divergences]
        return scrub_data(out, reveal=reveal)  # type: ignore[no-any-return]


@attrs.frozen
class VerifyResult:
    unchanged: tuple[str, ...]
    changed: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.changed


# In a folder walk these are configuration, never exports: a mapping sidecar, a config file.
_NOT_EXPORTS = (".toml",)


def iter_files(paths: Iterable[str | Path], root: str | Path | None = None) -> Iterator[tuple[Path, Path]]:
    """(file, root) for every file under the given paths, sorted; hidden files and TOML skipped.

    ``root`` is the jail that references inside exports must stay in (default: the folder
    given, or a file's own folder).
    """
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                rel = sub.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or sub.suffix.lower() in _NOT_EXPORTS:
                    continue
                if sub.is_file() or sub.is_symlink():
                    yield sub, Path(root) if root else path
        else:
            yield path, Path(root) if root else path.parent


def store_birth_dates(path: str | Path) -> list[str]:
    """The birth dates a store holds (read-only; [] when there is no store there), for the privacy filter."""
    import sqlite3

    store = Path(path)
    if not store.is_file():
        return []
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5)
    try:
        rows = conn.execute("SELECT DISTINCT geboortedatum FROM persons WHERE geboortedatum IS NOT NULL")
        return [str(r[0]) for r in rows]
    except sqlite3.DatabaseError:
        return []
    finally:
        conn.close()


def _is_own(file: Path, own: tuple[tuple[Path, ...], tuple[Path, ...]]) -> bool:
    try:
        real = file.resolve()
    except (OSError, RuntimeError):
        return False
    files, folders = own
    return real in files or any(real.is_relative_to(folder) for folder in folders)


def adapters_claiming(path: str | Path) -> list[Any]:
    """The installed adapters whose ``identify`` claims the file (one, when the format is clear)."""
    from dossierlink.ingest.adapter import available_adapters

    claims = []
    for adapter in available_adapters().values():
        try:
            if adapter.identify(Path(path)):
                claims.append(adapter)
        except Exception:  # identify must never raise; a broken one is simply not a claim
            continue
    return claims


def masked_divergence_dict(divergence: Divergence, *, details: bool = False) -> dict[str, Any]:
    """A divergence as JSON-ready data: BSNs and a person's dates masked (details only when asked)."""
    from dossierlink.convert import divergence_to_dict
    from dossierlink.report.privacy import mask_divergence

    row = divergence_to_dict(mask_divergence(divergence))
    if not details:
        row.pop("details", None)
    return scrub_data(row)  # type: ignore[no-any-return]


def save_report(path: str | Path, text: str, *, revealed: bool) -> None:
    """Write a rendered report readable by its owner only (a masked report still names suspects)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode on O_TRUNC: make it owner-only too
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text if revealed else scrub(text, Sink.REPORT))


class Chain:
    """A store of the chain's dossiers. Every CLI command is a method here."""

    def __init__(self, path: str | Path = DEFAULT_DB, *, config: Any = None, create: bool = True) -> None:
        self.path = Path(path)
        self.config = config
        self.store = Store(self.path, create=create)
        self._reconcile_config: Any = None
        # The privacy filter masks this store's birth dates wherever they appear (titles, notes).
        KNOWN_BIRTH_DATES.use(self._birth_dates)

    def _birth_dates(self) -> list[str]:
        return [
            str(r[0])
            for r in self.store.conn.execute(
                "SELECT DISTINCT geboortedatum FROM persons WHERE geboortedatum IS NOT NULL"
            )
        ]

    # --- plumbing --------------------------------------------------------------------------

    @property
    def db(self) -> Any:
        """The sqlite_utils.Database underneath, for queries the API does not offer."""
        return self.store.db

    def section(self, name: str) -> Mapping[str, Any]:
        """A raw table of the TOML configuration ({} when absent)."""
        sections = getattr(self.config, "sections", None) or {}
        value = sections.get(name, {})
        return value if isinstance(value, Mapping) else {}

    def close(self) -> None:
        if KNOWN_BIRTH_DATES.source == self._birth_dates and KNOWN_BIRTH_DATES.dates is None:
            # What is still printed after the store closes stays masked: read it then, read-only.
            path = self.path
            KNOWN_BIRTH_DATES.use(lambda: store_birth_dates(path))
        self.store.close()

    def __enter__(self) -> Chain:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _pseudonymiser(self) -> Pseudonymiser | None:
        key = load_key(self.section("privacy").get("key_file"))
        return Pseudonymiser(key) if key else None

    # --- ingest ----------------------------------------------------------------------------

    @staticmethod
    def _ingest_options(
        adapter: str,
        organisation: str | None,
        medium: str | Medium | None,
        options: Mapping[str, Any] | None,
        quarantine: str | Path | None,
        pseudonymiser: Pseudonymiser | None,
    ) -> IngestOptions:
        return IngestOptions(
            adapter=adapter,
            organisation=organisation,
            medium=Medium(medium) if medium else None,
            options=dict(options or {}),
            quarantine=Path(quarantine) if quarantine else None,
            pseudonymiser=pseudonymiser,
        )

    def ingest_file(
        self,
        path: str | Path,
        *,
        adapter: str = "auto",
        organisation: str | None = None,
        medium: str | Medium | None = None,
        options: Mapping[str, Any] | None = None,
        root: str | Path | None = None,
        quarantine: str | Path | None = None,
        reconcile: bool = True,
        now: dt.datetime | None = None,
    ) -> FileOutcome:
        """Ingest one file (one transaction) and reconcile the dossiers it touched."""
        opts = self._ingest_options(adapter, organisation, medium, options, quarantine, self._pseudonymiser())
        if root:
            opts = attrs.evolve(opts, root=Path(root))
        outcome = ingest_file(self.store, Path(path), opts, now=now)
        if outcome.records:
            KNOWN_BIRTH_DATES.forget()
        if reconcile and outcome.dossier_ids:
            ids = set(outcome.dossier_ids) | set(self.store.live_dossier_ids(dirty_only=True))
            self.reconcile(dossier_ids=sorted(ids), now=now, kind="incremental")
        return outcome

    def ingest(
        self,
        paths: Iterable[str | Path] | str | os.PathLike[str],
        *,
        adapter: str = "auto",
        organisation: str | None = None,
        medium: str | Medium | None = None,
        options: Mapping[str, Any] | None = None,
        quarantine: str | Path | None = None,
        reconcile: bool = True,
        now: dt.datetime | None = None,
        progress: Callable[[FileOutcome], None] | None = None,
        root: str | Path | None = None,
    ) -> IngestSummary:
        """Ingest files and folders (recursively); bad files are quarantined, the rest goes on.

        ``root``: the folder that files referenced by exports must stay inside (default: each
        folder given). Hidden files and ``.toml`` files in folders are not exports and are skipped.
        """
        outcomes: list[FileOutcome] = []
        touched: set[int] = set()
        base = self._ingest_options(adapter, organisation, medium, options, quarantine, self._pseudonymiser())
        if isinstance(paths, str | os.PathLike):  # one path, not the characters of a string
            paths = [Path(paths)]
        own = self._own_files(quarantine)
        for file, file_root in iter_files(paths, root):
            if _is_own(file, own):
                continue  # the store, its side files and the quarantine are never exports
            outcome = ingest_file(self.store, file, attrs.evolve(base, root=file_root), now=now)
            outcomes.append(outcome)
            touched.update(outcome.dossier_ids)
            if progress is not None:
                progress(outcome)
        if any(o.records for o in outcomes):
            KNOWN_BIRTH_DATES.forget()
        if reconcile:
            # Also what an interrupted earlier run stored but never reconciled (still dirty).
            live = {self.store.live_dossier(d) for d in touched}
            live.update(self.store.live_dossier_ids(dirty_only=True))
            if live:
                self.reconcile(dossier_ids=sorted(live), now=now, kind="incremental")
        return IngestSummary(
            files=len(outcomes),
            ingested=sum(o.status == "ingested" for o in outcomes),
            duplicates=sum(o.status == "duplicate" for o in outcomes),
            skipped=sum(o.status == "skipped" for o in outcomes),
            ignored=sum(o.status == "ignored" for o in outcomes),
            quarantined=sum(o.status == "quarantined" for o in outcomes),
            records=sum(o.records for o in outcomes),
            dossiers=len(touched),
            merges=sum(o.merges for o in outcomes),
            outcomes=tuple(outcomes),
        )

    def _own_files(self, quarantine: str | Path | None) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
        """(files, folders) dossierlink itself writes: the store and its side files, the quarantine."""
        store = self.path.resolve()
        files = tuple(
            store.with_name(store.name + suffix)
            for suffix in ("", "-wal", "-shm", "-journal", ".sync-status.json", ".lock", ".sync.lock")
        )
        folders = tuple(Path(q).resolve() for q in (quarantine,) if q)
        return files, folders

    # --- reconcile -------------------------------------------------------------------------

    def reconcile_config(self) -> Any:
        if self._reconcile_config is None:
            cfg = self._configured_reconcile_config()
            if cfg.estimate_person_weights:
                cfg = self.with_estimated_person_weights(cfg)
            self._reconcile_config = cfg
        return self._reconcile_config

    def _configured_reconcile_config(self) -> Any:
        from dossierlink.reconcile import ReconcileConfig

        errors: list[str] = []
        cfg = ReconcileConfig.from_mapping(self.section("reconcile"), errors)
        if errors:
            raise ValueError("The [reconcile] configuration is wrong: " + " ".join(errors))
        return cfg

    def with_estimated_person_weights(self, cfg: Any = None) -> Any:
        """``cfg`` (default: the ``[reconcile]`` configuration) with person weights learnt from this store.

        Name frequencies and EM-estimated m/u probabilities over candidate pairs within and across
        dossiers; the threshold follows the estimated prior at ``person_match_probability``.
        """
        from dossierlink.store.person_weights import estimate_from_store

        base = cfg if cfg is not None else self._configured_reconcile_config()
        weights = estimate_from_store(self.store, base)
        threshold = weights.threshold_for(base.person_match_probability)
        return attrs.evolve(base, person_weights=weights, person_threshold=threshold)

    def reconcile(
        self,
        *,
        all: bool = False,
        dossier_ids: Sequence[int] | None = None,
        now: dt.datetime | None = None,
        kind: str | None = None,
        workers: int | None = None,
    ) -> ReconcileSummary:
        """Reconcile the dossiers that changed (default), the given ones, or ``all``.

        Large runs use ``workers`` processes (default: up to 4 from 5,000 dossiers on).
        """
        now = now or utcnow()
        config = self.reconcile_config()
        if all:
            ids = self.store.live_dossier_ids()
        elif dossier_ids is not None:
            ids = sorted(set(dossier_ids))
        else:
            ids = self.store.live_dossier_ids(dirty_only=True)
        run_id = self.store.start_run(kind or ("full" if all else "incremental"), now=now)
        totals = {"new": 0, "kept": 0, "reopened": 0, "resolved": 0}
        batches = [ids[i : i + RECONCILE_BATCH] for i in range(0, len(ids), RECONCILE_BATCH)]
        if workers is None:
            workers = min(os.cpu_count() or 1, 4) if len(ids) >= PARALLEL_FROM else 1
        # Batches: two reads and one write transaction per batch, not per dossier. With
        # workers, child processes read and reconcile (pure) while this process writes.
        results_iter: Iterator[list[tuple[int, list[Divergence]]]]
        if workers > 1 and len(batches) > 1:
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            pool = ctx.Pool(
                workers, initializer=_reconcile_worker_init, initargs=(str(self.path), config, now)
            )
            results_iter = pool.imap(_reconcile_worker_batch, batches)
        else:
            pool = None
            results_iter = (_reconcile_batch(self.store, batch, config, now) for batch in batches)
        try:
            for results in results_iter:
                counts = self.store.apply_divergences_batch(results, now=now, run_id=run_id)
                for k, v in counts.items():
                    totals[k] += v
        finally:
            if pool is not None:
                pool.close()
                pool.join()
        open_total = self.store.finish_run(run_id, now=now)
        return ReconcileSummary(
            len(ids),
            totals["new"],
            totals["kept"],
            totals["reopened"],
            totals["resolved"],
            open_total,
            run_id,
        )

    # --- queries ---------------------------------------------------------------------------

    def divergences(
        self,
        *,
        organisation: str | None = None,
        kind: str | None = None,
        severity: str | None = None,
        status: str | Sequence[str] | None = None,
        since: dt.datetime | None = None,
        dossier: str | None = None,
    ) -> list[Divergence]:
        dossier_id = None
        if dossier is not None:
            dossier_id = self.store.find_dossier(dossier)
            if dossier_id is None:
                return []
        return self.store.divergences(
            dossier_id=dossier_id,
            organisation=organisation,
            kind=kind,
            severity=severity,
            status=status,
            since=since,
        )

    def acknowledge(self, divergence_id: str, *, note: str, by: str | None = None) -> None:
        """Mark a divergence as seen and being handled; the note and who are kept in history."""
        self.store.acknowledge(divergence_id, note=note, by=by or getpass.getuser())

    def unacknowledge(self, divergence_id: str, *, note: str, by: str | None = None) -> None:
        """Put an acknowledged divergence back on the open list; the note and who are kept in history."""
        self.accounts.unacknowledge(divergence_id, note=note, by=by or getpass.getuser())

    @property
    def accounts(self) -> Any:
        """Users, API tokens, sessions and the web action history (``dossierlink serve``)."""
        from dossierlink.store.accounts import Accounts

        return Accounts(self.store)

    def dossier(self, identifier: str) -> DossierDetail | None:
        """One case across the chain, found by any of its identifiers."""
        dossier_id = self.store.find_dossier(identifier)
        if dossier_id is None:
            return None
        merged = tuple(
            int(r[0])
            for r in self.store.conn.execute(
                "SELECT from_dossier FROM merges WHERE into_dossier = ?", [dossier_id]
            )
        )
        return DossierDetail(
            dossier_id=dossier_id,
            identifiers=self.store.dossier_identifiers(dossier_id),
            records=self.store.dossier_records(dossier_id),
            divergences=tuple(self.store.divergences(dossier_id=dossier_id)),
            merged_from=merged,
        )

    def coversheet(
        self,
        identifiers: Sequence[str],
        output: str | Path,
        *,
        document: str | None = None,
        parties: bool = True,
    ) -> Path:
        """Print one A4 cover sheet (scheidingsblad) per case identifier into the PDF ``output``.

        Each sheet carries a ``DL:`` DataMatrix and Code 128 that the scan adapter reads to split a
        batch scan and file the pages after it under that case (``document``: for one stuk). With
        ``parties``, the names of the dossier's parties in the store are printed too (a
        disclosure, logged); the file is readable by its owner only.
        """
        from dossierlink.paper.coversheet import CoverSheet, render_cover_sheets

        sheets = [CoverSheet.parse(raw, document) for raw in identifiers]
        lines: dict[str, list[str]] = {}
        named = False
        if parties:
            for sheet in sheets:
                dossier_id = self.store.find_dossier(sheet.identifier.value)
                if dossier_id is None:
                    continue
                seen: list[str] = []
                for record in self.store.dossier_records(dossier_id):
                    for person in record.persons:
                        # A name field can hold a BSN or a birth date typed in the wrong column.
                        line = scrub(f"{person.role.value.capitalize()}: {person.display_name}", Sink.REPORT)
                        if person.display_name != "(onbekend)" and line not in seen:
                            seen.append(line)
                lines[sheet.payload] = seen[:6]
                named = named or bool(seen)
        data = render_cover_sheets(sheets, lines)
        target = Path(output)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(target, 0o600)  # also when the file existed with wider rights
        if named:
            self.log_disclosure(
                what="cover sheets " + ", ".join(s.identifier.value for s in sheets),
                level="dossier",
                fmt="pdf",
                revealed=False,
                output=str(target),
            )
        return target

    def sources(self, *, status: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM sources" + (" WHERE status = ?" if status else "") + " ORDER BY id"
        return self.store.query(sql, [status] if status else [])

    def upgrade_store(self) -> int:
        """Rewrite records an earlier version stored in an older payload format; returns how many.

        Old payloads stay readable; the current format loads about twice as fast (reconcile --all).
        """
        return self.store.upgrade_payloads()

    def stats(self) -> dict[str, int]:
        c = self.store.conn
        return {
            "dossiers": c.execute("SELECT count(*) FROM dossiers WHERE merged_into IS NULL").fetchone()[0],
            "records": c.execute("SELECT count(*) FROM records").fetchone()[0],
            "documents": c.execute("SELECT count(*) FROM documents").fetchone()[0],
            "sources": c.execute("SELECT count(*) FROM sources").fetchone()[0],
            "open_divergences": c.execute(
                "SELECT count(*) FROM divergences WHERE status IN ('open','acknowledged')"
            ).fetchone()[0],
        }

    # --- reports ---------------------------------------------------------------------------

    def organisation_names(self) -> dict[str, str]:
        from dossierlink.schema import BUILTIN_ORGANISATIONS

        names = dict(BUILTIN_ORGANISATIONS)
        names.update({str(k): str(v) for k, v in self.section("organisations").items()})
        return names

    def ambition(self, *, on_problem: Callable[[str], None] | None = None) -> Any:
        """The chain's ambition from the ``[chain]`` table.

        A bad value raises ValueError; with ``on_problem``, each problem is passed to it instead
        (one sentence) and the value's default is used, so a report still runs.
        """
        from dossierlink.report import Ambition

        errors: list[str] = []
        ambition = Ambition.from_mapping(self.section("chain"), errors)
        if errors:
            if on_problem is None:
                raise ValueError("The [chain] configuration is wrong: " + " ".join(errors))
            for problem in errors:
                on_problem(problem)
        return ambition

    def report(self, **options: Any) -> str:
        """Render a report and log the disclosure; options as :meth:`report_with_status`."""
        return self.report_with_status(**options)[0]

    def report_with_status(
        self,
        *,
        level: str = "strategic",
        fmt: str = "text",
        lang: str = "nl",
        reveal: bool = False,
        recipient: str | None = None,
        fail_on: str | None = None,
        now: dt.datetime | None = None,
        color: bool = False,
        log: bool = True,
        output: str = "stdout",
        on_problem: Callable[[str], None] | None = None,
        **filters: Any,
    ) -> tuple[str, bool]:
        """The report and whether anything open is at or over ``fail_on``.

        ``filters``: organisation, kind, severity, status (each one value or several) and since.
        ``log=False`` leaves the disclosure to the caller (:meth:`log_report`, once the report
        is written, so a report that failed to be written is not logged as disclosed).
        ``on_problem``: see :meth:`ambition`.
        """
        from dossierlink.report import make_report

        text, over = make_report(
            self.db,
            level=level,
            fmt=fmt,
            lang=lang,
            reveal=reveal,
            recipient=recipient,
            now=now,
            ambition=self.ambition(on_problem=on_problem),
            fail_on=fail_on,
            color=color,
            organisation_names=self.organisation_names(),
            **filters,
        )
        if log:
            self.log_report(
                level=level, fmt=fmt, reveal=reveal, recipient=recipient, output=output, **filters
            )
        return text, over

    def log_report(
        self,
        *,
        level: str,
        fmt: str,
        reveal: bool,
        recipient: str | None = None,
        output: str = "stdout",
        **filters: Any,
    ) -> dict[str, Any]:
        """Record that a report left the store, described by its level and the filters given."""
        from dossierlink.report import describe

        return self.log_disclosure(
            what=describe(level, filters),
            level=level,
            fmt=fmt,
            revealed=reveal,
            recipient=recipient,
            output=output,
        )

    def log_disclosure(
        self,
        *,
        what: str,
        level: str,
        fmt: str,
        revealed: bool,
        recipient: str | None = None,
        output: str = "stdout",
    ) -> dict[str, Any]:
        """Record that data left the store (Wjsg art. 39j): who, when, what, for whom."""
        from dossierlink.report.disclosure import record_disclosure

        return record_disclosure(
            self.db, what=what, level=level, fmt=fmt, recipient=recipient, revealed=revealed, output=output
        )

    def disclosures(self) -> list[dict[str, Any]]:
        """Every report and export that left the store, oldest first."""
        from dossierlink.report.disclosure import list_disclosures

        return list_disclosures(self.db)

    def verify_disclosures(self) -> list[str]:
        """Problems in the disclosure log's hash chain, one sentence each; [] when intact."""
        from dossierlink.report.disclosure import verify_disclosures

        return verify_disclosures(self.db)

    # --- fixity ----------------------------------------------------------------------------

    def verify(self) -> VerifyResult:
        """Recompute sha256 of every ingested source still present: unchanged, changed, missing."""
        from dossierlink.ingest.adapter import sha256_file

        unchanged: list[str] = []
        changed: list[str] = []
        missing: list[str] = []
        for row in self.store.query(
            "SELECT path, sha256 FROM sources WHERE status = 'ingested' ORDER BY path"
        ):
            path = Path(row["path"])
            if not path.is_file():
                missing.append(row["path"])
                continue
            try:
                digest = sha256_file(path)
            except OSError:
                missing.append(row["path"])
                continue
            (unchanged if digest == row["sha256"] else changed).append(row["path"])
        return VerifyResult(tuple(unchanged), tuple(changed), tuple(missing))


# --- reconcile workers (module level so they pickle) -----------------------------------------

_worker_state: dict[str, Any] = {}


def _reconcile_batch(
    store: Store, batch: Sequence[int], config: Any, now: dt.datetime
) -> list[tuple[int, list[Divergence]]]:
    from dossierlink.reconcile import reconcile_dossier

    # Loading and reconciling a batch allocates many short-lived, acyclic objects: the cyclic
    # collector finds nothing in them but costs ~15% of the time, so it waits until the batch is done.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return [
            (dossier_id, reconcile_dossier(view, config, now))
            for dossier_id, view in store.dossier_views(batch).items()
        ]
    finally:
        if enabled:
            gc.enable()


def _reconcile_worker_init(path: str, config: Any, now: dt.datetime) -> None:
    gc.freeze()  # what the worker inherited is never garbage: keep the collector out of it
    _worker_state["store"] = Store(path, create=False, readonly=True)
    _worker_state["config"] = config
    _worker_state["now"] = now


def _reconcile_worker_batch(batch: Sequence[int]) -> list[tuple[int, list[Divergence]]]:
    return _reconcile_batch(_worker_state["store"], batch, _worker_state["config"], _worker_state["now"])


def open(path: str | Path | None = None, *, config: Any = None, create: bool = True) -> Chain:
    """Open (or create) a store. Without a path: the config's store, $DOSSIERLINK_DB, ./dossierlink.db."""
    if path is None:
        cfg_path = getattr(config, "store_path", None)
        path = cfg_path or os.environ.get("DOSSIERLINK_DB") or DEFAULT_DB
    return Chain(path, config=config, create=create)
