"""Every table of the store in one place: its name, its columns and the statements that create it.

The migrations create the tables from these definitions, and every other module that reads the
store (the ledger, the report's data, the disclosure log) names tables and columns through them.
A new column goes here and into a new migration that adds it to existing stores (``m001_initial``
creates the tables as defined here, so a later migration must leave a column that exists alone).
"""

from __future__ import annotations

import attrs

__all__ = [
    "API_TOKENS",
    "DISCLOSURES",
    "DIVERGENCES",
    "DIVERGENCE_HISTORY",
    "DOCUMENTS",
    "DOSSIERS",
    "EVENTS",
    "IDENTIFIERS",
    "INVENTORY",
    "LOGIN_ATTEMPTS",
    "MERGES",
    "PERSONS",
    "PULL_CURSORS",
    "RECORDS",
    "RUNS",
    "SOURCES",
    "TABLES",
    "USERS",
    "WEB_ACTIONS",
    "WEB_SESSIONS",
    "Table",
]


@attrs.frozen
class Table:
    """One table: ``columns`` are (name, declaration) in table order; ``indexes`` are (name, on what)."""

    name: str
    columns: tuple[tuple[str, str], ...]
    constraints: tuple[str, ...] = ()
    without_rowid: bool = False
    indexes: tuple[tuple[str, str], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)

    def create_statements(self) -> tuple[str, ...]:
        """``CREATE TABLE IF NOT EXISTS`` and one ``CREATE INDEX IF NOT EXISTS`` per index."""
        body = ",\n".join(f"    {name} {decl}" for name, decl in self.columns)
        for constraint in self.constraints:
            body += f",\n    {constraint}"
        tail = " WITHOUT ROWID" if self.without_rowid else ""
        table = f"CREATE TABLE IF NOT EXISTS {self.name} (\n{body}\n){tail}"
        return (table, *(f"CREATE INDEX IF NOT EXISTS {index} ON {on}" for index, on in self.indexes))


SOURCES = Table(
    "sources",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("path", "TEXT NOT NULL"),
        ("sha256", "TEXT"),
        ("size", "INTEGER"),
        ("mtime", "REAL"),
        ("adapter", "TEXT"),
        ("organisation", "TEXT"),
        ("medium", "TEXT"),
        ("status", "TEXT NOT NULL"),  # ingested | duplicate | quarantined | superseded | ignored
        ("error", "TEXT"),
        ("attempts", "INTEGER NOT NULL DEFAULT 1"),
        ("first_seen", "TEXT NOT NULL"),
        ("ingested_at", "TEXT"),
        ("records", "INTEGER NOT NULL DEFAULT 0"),
        ("duplicate_of", "INTEGER REFERENCES sources(id)"),
    ),
    indexes=(("sources_sha", "sources(sha256)"), ("sources_path", "sources(path)")),
)

DOSSIERS = Table(
    "dossiers",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("created_at", "TEXT NOT NULL"),
        ("merged_into", "INTEGER REFERENCES dossiers(id)"),
        ("dirty", "INTEGER NOT NULL DEFAULT 1"),
        ("anchor", "TEXT"),
        ("reconciled_at", "TEXT"),
    ),
    indexes=(
        ("dossiers_dirty", "dossiers(dirty) WHERE dirty = 1"),
        # Runs count live dossiers after every reconcile: answered from this index.
        ("dossiers_live", "dossiers(id) WHERE merged_into IS NULL"),
    ),
)

IDENTIFIERS = Table(
    "identifiers",
    (
        ("kind", "TEXT NOT NULL"),
        ("value", "TEXT NOT NULL"),
        ("dossier_id", "INTEGER NOT NULL REFERENCES dossiers(id)"),
    ),
    constraints=("PRIMARY KEY (kind, value)",),
    without_rowid=True,
    indexes=(("identifiers_dossier", "identifiers(dossier_id)"),),
)

RECORDS = Table(
    "records",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("source_id", "INTEGER NOT NULL REFERENCES sources(id)"),
        ("dossier_id", "INTEGER NOT NULL REFERENCES dossiers(id)"),
        ("organisation", "TEXT NOT NULL"),
        ("medium", "TEXT NOT NULL"),
        ("locator", "TEXT"),
        ("payload", "TEXT NOT NULL"),  # dossierlink.store.payload
    ),
    indexes=(("records_dossier", "records(dossier_id)"), ("records_source", "records(source_id)")),
)

DOCUMENTS = Table(
    "documents",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("record_id", "INTEGER NOT NULL REFERENCES records(id)"),
        ("dossier_id", "INTEGER NOT NULL"),
        ("organisation", "TEXT NOT NULL"),
        ("medium", "TEXT NOT NULL"),
        ("key", "TEXT NOT NULL"),
        ("type", "TEXT"),
        ("title", "TEXT"),
        ("date", "TEXT"),
        ("page_count", "INTEGER"),
        ("sha256", "TEXT"),
        ("fingerprint", "TEXT"),
        ("modified", "TEXT"),
    ),
    indexes=(("documents_dossier", "documents(dossier_id)"), ("documents_record", "documents(record_id)")),
)

PERSONS = Table(
    "persons",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("record_id", "INTEGER NOT NULL REFERENCES records(id)"),
        ("dossier_id", "INTEGER NOT NULL"),
        ("organisation", "TEXT NOT NULL"),
        ("role", "TEXT"),
        ("voornamen", "TEXT"),
        ("tussenvoegsel", "TEXT"),
        ("achternaam", "TEXT"),
        ("geboortedatum", "TEXT"),
        ("skn", "TEXT"),
        ("bsn", "TEXT"),
    ),
    # The web view's search box finds a person's cases by SKN.
    indexes=(("persons_record", "persons(record_id)"), ("persons_skn", "persons(skn) WHERE skn IS NOT NULL")),
)

EVENTS = Table(
    "events",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("record_id", "INTEGER NOT NULL REFERENCES records(id)"),
        ("dossier_id", "INTEGER NOT NULL"),
        ("organisation", "TEXT NOT NULL"),
        ("kind", "TEXT NOT NULL"),
        ("date", "TEXT NOT NULL"),
        ("sender", "TEXT"),
        ("receiver", "TEXT"),
        ("status", "TEXT"),
    ),
    indexes=(("events_record", "events(record_id)"),),
)

INVENTORY = Table(
    "inventory",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("record_id", "INTEGER NOT NULL REFERENCES records(id)"),
        ("dossier_id", "INTEGER NOT NULL"),
        ("organisation", "TEXT NOT NULL"),
        ("action", "TEXT NOT NULL"),
        ("at", "TEXT NOT NULL"),
        ("document_key", "TEXT NOT NULL"),
        ("type", "TEXT"),
        ("title", "TEXT"),
        ("page_count", "INTEGER"),
    ),
    indexes=(("inventory_record", "inventory(record_id)"),),
)

DIVERGENCES = Table(
    "divergences",
    (
        ("id", "TEXT PRIMARY KEY"),
        ("dossier_id", "INTEGER NOT NULL"),
        ("kind", "TEXT NOT NULL"),
        ("severity", "TEXT NOT NULL"),
        ("organisation", "TEXT NOT NULL"),
        ("organisations", "TEXT NOT NULL"),
        ("identifiers", "TEXT NOT NULL"),
        ("subject", "TEXT NOT NULL"),
        ("expected", "TEXT"),
        ("found", "TEXT"),
        ("message", "TEXT NOT NULL"),
        ("why", "TEXT"),
        ("status", "TEXT NOT NULL"),
        ("first_seen", "TEXT NOT NULL"),
        ("last_seen", "TEXT NOT NULL"),
        ("resolved_at", "TEXT"),
        ("ack_note", "TEXT"),
        ("ack_by", "TEXT"),
        ("ack_at", "TEXT"),
        ("details", "TEXT"),
    ),
    indexes=(
        ("divergences_dossier", "divergences(dossier_id)"),
        ("divergences_status", "divergences(status, organisation)"),
        # Runs count open divergences after every reconcile: answered from this index.
        ("divergences_open", "divergences(status, dossier_id)"),
    ),
)

DIVERGENCE_HISTORY = Table(
    "divergence_history",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("divergence_id", "TEXT NOT NULL"),
        ("at", "TEXT NOT NULL"),
        ("status_from", "TEXT"),
        ("status_to", "TEXT NOT NULL"),
        ("note", "TEXT"),
        ("by", "TEXT"),
        ("run_id", "INTEGER"),
    ),
    indexes=(("history_divergence", "divergence_history(divergence_id)"),),
)

RUNS = Table(
    "runs",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("started_at", "TEXT NOT NULL"),
        ("finished_at", "TEXT"),
        ("kind", "TEXT NOT NULL"),
        ("dossiers_total", "INTEGER"),
        ("dossiers_consistent", "INTEGER"),
        ("open_divergences", "INTEGER"),
        ("files", "INTEGER"),
        ("records", "INTEGER"),
    ),
)

MERGES = Table(
    "merges",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("at", "TEXT NOT NULL"),
        ("from_dossier", "INTEGER NOT NULL"),
        ("into_dossier", "INTEGER NOT NULL"),
        ("via", "TEXT"),
        ("source_id", "INTEGER"),
    ),
)

# The disclosure log (Wjsg art. 39j, dossierlink.report.disclosure): a hash chain over these rows.
DISCLOSURES = Table(
    "disclosures",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("at", "TEXT NOT NULL"),
        ("user", "TEXT NOT NULL"),
        ("what", "TEXT NOT NULL"),
        ("level", "TEXT"),
        ("format", "TEXT"),
        ("recipient", "TEXT"),
        ("revealed", "INTEGER NOT NULL DEFAULT 0"),
        ("output", "TEXT"),
        ("prev_hash", "TEXT"),
        ("hash", "TEXT NOT NULL"),
    ),
)

# Where each pull connector stopped (dossierlink.pull): the next run fetches only what changed.
PULL_CURSORS = Table(
    "pull_cursors",
    (
        ("source", "TEXT PRIMARY KEY"),
        ("value", "TEXT NOT NULL"),
        ("updated_at", "TEXT NOT NULL"),
    ),
)

# `dossierlink serve`: accounts (argon2 password hashes), API tokens (sha256 of a 256-bit random
# token), server-side sessions (sha256 of the cookie's id), login attempts for the rate limit, and
# every action a person or system took through the web view or API (dossierlink.store.accounts).
USERS = Table(
    "users",
    (
        ("name", "TEXT PRIMARY KEY"),
        ("organisation", "TEXT NOT NULL"),
        ("role", "TEXT NOT NULL"),  # medewerker | ketenregisseur | beheerder
        ("password_hash", "TEXT NOT NULL"),
        ("disabled", "INTEGER NOT NULL DEFAULT 0"),
        ("created_at", "TEXT NOT NULL"),
        ("password_changed_at", "TEXT"),
    ),
)

API_TOKENS = Table(
    "api_tokens",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("name", "TEXT NOT NULL UNIQUE"),
        ("organisation", "TEXT NOT NULL"),
        ("token_hash", "TEXT NOT NULL UNIQUE"),
        ("prefix", "TEXT NOT NULL"),
        ("created_at", "TEXT NOT NULL"),
        ("revoked_at", "TEXT"),
        ("last_used", "TEXT"),
    ),
)

WEB_SESSIONS = Table(
    "web_sessions",
    (
        ("id_hash", "TEXT PRIMARY KEY"),
        ("user", "TEXT NOT NULL"),
        ("csrf", "TEXT NOT NULL"),
        ("created_at", "TEXT NOT NULL"),
        ("last_seen", "TEXT NOT NULL"),
    ),
    without_rowid=True,
)

LOGIN_ATTEMPTS = Table(
    "login_attempts",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("at", "TEXT NOT NULL"),
        ("user", "TEXT NOT NULL"),
        ("remote", "TEXT"),
        ("ok", "INTEGER NOT NULL"),
    ),
    indexes=(
        ("login_attempts_user", "login_attempts(user, at)"),
        ("login_attempts_remote", "login_attempts(remote, at)"),
    ),
)

WEB_ACTIONS = Table(
    "web_actions",
    (
        ("id", "INTEGER PRIMARY KEY"),
        ("at", "TEXT NOT NULL"),
        ("user", "TEXT NOT NULL"),  # a user's name, or token:<name>
        ("organisation", "TEXT"),
        ("action", "TEXT NOT NULL"),  # login | login_failed | logout | ack | unack | reveal | export
        ("target", "TEXT"),
        ("note", "TEXT"),
        ("remote", "TEXT"),
    ),
    indexes=(("web_actions_at", "web_actions(at)"),),
)

TABLES: tuple[Table, ...] = (
    SOURCES,
    DOSSIERS,
    IDENTIFIERS,
    RECORDS,
    DOCUMENTS,
    PERSONS,
    EVENTS,
    INVENTORY,
    DIVERGENCES,
    DIVERGENCE_HISTORY,
    RUNS,
    MERGES,
    DISCLOSURES,
    PULL_CURSORS,
    USERS,
    API_TOKENS,
    WEB_SESSIONS,
    LOGIN_ATTEMPTS,
    WEB_ACTIONS,
)
