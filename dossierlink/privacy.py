"""The one privacy filter: BSNs in every spelling, birth dates and control bytes, for every way out.

Every sink (terminal, reports, JSON, logs, sidecars, the status file, quarantine file names, error
messages) passes its text through :func:`scrub` (or :func:`scrub_data` for JSON-able data) with
the :class:`Sink` it writes to. ``tests/hostile/test_privacy_filter.py`` enumerates the sinks.
Keyed pseudonyms (:class:`Pseudonymiser`) let organisations compare without sharing BSNs; the
key comes from the environment (``DOSSIERLINK_PSEUDONYM_KEY``) or a key file, never the store.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import hmac
import io
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import attrs

from dossierlink.identifiers import is_valid_bsn
from dossierlink.schema import Person, Record

__all__ = [
    "KNOWN_BIRTH_DATES",
    "PSEUDONYM_PREFIX",
    "GuardedStream",
    "Pseudonymiser",
    "Sink",
    "guard_streams",
    "load_key",
    "mask_birth_dates",
    "mask_bsns",
    "scrub",
    "scrub_data",
    "strip_controls",
]

PSEUDONYM_PREFIX = "ps:"
ENV_KEY = "DOSSIERLINK_PSEUDONYM_KEY"


class Sink(enum.Enum):
    """Where a text goes out; decides what besides masking happens to it."""

    TERMINAL = "terminal"  # stdout/stderr: control bytes stripped (our own colours kept)
    LOG = "log"  # one log line: control bytes stripped, line breaks shown as \n
    JSON = "json"  # a value in JSON output (status file, --json, sidecars): control bytes stripped
    REPORT = "report"  # a report in any format: control bytes stripped, line breaks kept
    FILE_NAME = "file_name"  # a name we create on disk (quarantine copies): one safe path component
    PATH = "path"  # a file or folder name shown anywhere: one line, dates that could be birth dates masked
    MESSAGE = "message"  # an error or reason sentence stored in the ledger and shown later


# --- BSNs -------------------------------------------------------------------------------------

# Separators people and systems put inside a BSN: space, dot, hyphen, slash, underscore, the
# non-breaking and thin spaces, and zero-width characters (which a terminal does not show).
_SEP = r"[ .\-/_\u00a0\u2007\u2009\u202f\u200b\u200c\u200d\u2060\ufeff]"
_S = rf"{_SEP}{{1,3}}"
# Every pattern below starts with a digit (the lookbehind comes after it), so the regex engine
# skips text without digits at C speed: the filter runs over whole reports.
_BSN_LIKE = re.compile(
    r"\d(?<!\d\d)(?:"
    rf"\d{{2}}{_S}\d{{2}}{_S}\d{{2}}{_S}\d{{2}}"  # 123 45 67 82
    rf"|\d{{3}}{_S}\d{{2}}{_S}\d{{3}}"  # 1234.56.782
    rf"|\d{{2}}{_S}\d{{3}}{_S}\d{{3}}"  # 123-456-782, 999/000/007, 123 456 782
    rf"|\d{_S}\d{{3}}{_S}\d{{3}}"  # 12.345.678 (a BSN without its leading zero)
    r"|\d{7,8})(?!\d)"
)
_HEX = frozenset("0123456789abcdef")
_ID_PREFIX = re.compile(r"(?:^|[^0-9A-Za-z])[A-Z]{1,4}-$")
_JSON_NUMBER_END = re.compile(r"(?:\.\d+)?(?:[eE][-+]?\d+)?\s*(?:[,}\]\r\n]|$)")


def _kept(s: str, start: int, end: int) -> bool:
    """Digit runs that are no BSN: hashes, pseudonyms, divergence ids (``MC-b894b590a9796a01``)
    and JSON number values (sizes, counts: a BSN is always written as a string), so ids stay
    usable and --json stays valid JSON."""
    left, right = start, end
    while left > 0 and s[left - 1].isascii() and s[left - 1].isalnum():
        left -= 1
    while right < len(s) and s[right].isascii() and s[right].isalnum():
        right += 1
    token = s[left:right]
    if token != s[start:end] and set(token) <= _HEX:
        if len(token) >= 32 or (len(token) == 20 and s[max(0, left - 3) : left] == "ps:"):
            return True
        if 12 <= len(token) <= 24 and _ID_PREFIX.search(s[max(0, left - 6) : left]):
            return True
    if token == s[start:end]:
        before = s[max(0, start - 3) : start].rstrip(" ")
        if before.endswith('":') and _JSON_NUMBER_END.match(s, end):
            return True
    return False


def _mask_match(m: re.Match[str]) -> str:
    text = m.group(0)
    digits = "".join(c for c in text if c.isdigit())
    # An 8-digit run is a BSN only when its leading zero was dropped: mask it when the
    # elfproef says so, and leave other 8-digit numbers (an SKN, a date) readable.
    if len(digits) == 8 and not is_valid_bsn("0" + digits):
        return text
    if len(digits) == 8 and len(text) == 8 and _looks_like_date(text):
        return text
    if len(text) == len(digits) and _kept(m.string, m.start(), m.end()):
        return text
    return "*" * 7 + digits[-2:]


def _looks_like_date(digits: str) -> bool:
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:])
    return 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


def mask_bsns(text: str) -> str:
    """Mask every BSN-like number in free text, in every spelling: only the last two digits stay."""
    return _replace_bsns(text, _mask_match)


def _replace_bsns(text: str, replace: Callable[[re.Match[str]], str]) -> str:
    """``_BSN_LIKE.sub`` that looks again one digit further when a candidate is left alone.

    In ``01 900 000 004`` the first candidate, ``01 900 000``, is no BSN; the BSN ``900 000 004``
    overlaps it and must still be found.
    """
    out: list[str] = []
    done = pos = 0
    while (m := _BSN_LIKE.search(text, pos)) is not None:
        new = replace(m)
        if new == m.group(0):
            pos = m.start() + 1
            continue
        out.append(text[done : m.start()])
        out.append(new)
        done = pos = m.end()
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


# --- birth dates ------------------------------------------------------------------------------

_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    "|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
    "|january|february|march|may|june|july|august|october"
)
_DATE = (
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:T[\d:.+Z\-]*)?"
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}"
    rf"|\d{{1,2}}\s+(?:{_MONTHS})\.?\s+\d{{4}}"
    r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
)
# Starts with a digit (see _BSN_LIKE): the same dates as _DATE, the first digit taken first.
_ANY_DATE = re.compile(
    r"\d(?<!\d\d)(?:"
    r"\d{3}[-/.]\d{1,2}[-/.]\d{1,2}(?:T[\d:.+Z\-]*)?"
    r"|\d?[-/.]\d{1,2}[-/.]\d{4}"
    rf"|\d?\s+(?:{_MONTHS})\.?\s+\d{{4}}"
    r"|(?<=1)9\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r"|(?<=2)0\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    r")(?!\d)",
    re.IGNORECASE,
)
# A date right after a word that says it is a birth date, in free text.
_BIRTH_WORDS = (
    r"geb(?:oren)?\b\.?|geboorte(?:datum)?|geb\.?\s*datum|geboren\s+op|born(?:\s+on)?|d\.?o\.?b\.?"
    r"|birth\s*date|date\s+of\s+birth|birthdate|birth_date|geboortedatum"
)
_BIRTH_CONTEXT = re.compile(
    rf"(?P<word>(?:{_BIRTH_WORDS})[\s:=_\-]{{0,3}})(?P<date>{_DATE})(?!\d)", re.IGNORECASE
)
_BIRTH_HINT = re.compile(r"geb|born|birth|dob|d\.o\.b|date of birth")
DATE_MASK = "**-**-****"


def mask_birth_dates(text: str, *, every_date: bool = False) -> str:
    """Mask dates said to be birth dates ("geboren 12-03-1985"), or with ``every_date`` every date."""
    if every_date:
        return _ANY_DATE.sub(DATE_MASK, text)
    # The words are rare: find them in the lowered text first, then match only there.
    out: list[str] = []
    done = 0
    for hint in _BIRTH_HINT.finditer(text.lower()):
        if hint.start() < done:
            continue
        m = _BIRTH_CONTEXT.match(text, hint.start())
        if m is not None:
            out.append(text[done : m.start("date")])
            out.append(DATE_MASK)
            done = m.end()
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


_MONTH_NUMBER = {
    name: n
    for n, names in enumerate(
        (
            ("januari", "jan", "january"),
            ("februari", "feb", "february"),
            ("maart", "mrt", "march"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("augustus", "aug", "august"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "october"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}


def _iso(date_text: str) -> str | None:
    """``date_text`` (any spelling :data:`_ANY_DATE` finds) as ``YYYY-MM-DD``; None when it is no date."""
    if len(date_text) >= 10 and date_text[4] == "-" and date_text[7] == "-" and date_text[:4].isdigit():
        return date_text[:10]  # already ISO: the common case
    text = date_text.split("T")[0].strip().lower()
    parts = re.split(r"[-/.\s]+", text)
    try:
        if len(parts) == 1 and len(text) == 8:
            y, m, d = int(text[:4]), int(text[4:6]), int(text[6:])
        elif len(parts[0]) == 4:
            y, m, d = int(parts[0]), int(parts[1]), int(parts[2])
        elif parts[1].isdigit():
            d, m, y = int(parts[0]), int(parts[1]), int(parts[2])
        else:
            d, m, y = int(parts[0]), _MONTH_NUMBER[parts[1].rstrip(".")], int(parts[2])
    except (ValueError, IndexError, KeyError):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


class _KnownBirthDates:
    """The birth dates the open store holds: masked wherever they appear, in any spelling.

    A birth date typed into a title or a note has no word beside it that says what it is; the
    store knows it is someone's birth date. Loaded on first need from the source a Chain sets.
    """

    def __init__(self) -> None:
        self.source: Callable[[], Iterable[str]] | None = None
        self.dates: frozenset[str] | None = None

    def use(self, source: Callable[[], Iterable[str]] | None) -> None:
        self.source, self.dates = source, None

    def possible(self) -> bool:
        return self.source is not None or bool(self.dates)

    def forget(self) -> None:
        self.dates = None  # new persons arrived: read again on next need

    def get(self) -> frozenset[str]:
        if self.dates is None:
            found: set[str] = set()
            if self.source is not None:
                try:
                    found = {iso for d in self.source() if d and (iso := _iso(str(d)))}
                except Exception:  # a closed or busy store: the patterns above still apply
                    found = set()
            self.dates = frozenset(found)
        return self.dates


KNOWN_BIRTH_DATES = _KnownBirthDates()


def _mask_old_dates(text: str) -> str:
    import datetime as dt

    last_year = dt.date.today().year - 1

    def sub(m: re.Match[str]) -> str:
        iso = _iso(m.group(0))
        return DATE_MASK if iso is not None and int(iso[:4]) < last_year else m.group(0)

    return _ANY_DATE.sub(sub, text)


def _mask_known_birth_dates(text: str) -> str:
    if not any(c.isdigit() for c in text) or not KNOWN_BIRTH_DATES.possible():
        return text
    known = KNOWN_BIRTH_DATES.get()
    if not known:
        return text
    return _ANY_DATE.sub(lambda m: DATE_MASK if _iso(m.group(0)) in known else m.group(0), text)


# Keys of JSON-able data whose value is a birth date or a BSN wherever it appears.
_BIRTH_KEYS = frozenset({"geboortedatum", "birth_date", "birthdate", "date_of_birth", "dob"})
_BSN_KEYS = frozenset({"bsn", "burgerservicenummer"})
# Keys whose values name files or folders (status file, sidecars, log fields).
_PATH_KEYS = frozenset(
    {
        "path",
        "paths",
        "original",
        "copy",
        "sidecar",
        "to",
        "pending_files",
        "in_flight",
        "file",
        "store",
        "config",
    }
)


# --- control bytes ----------------------------------------------------------------------------

# C0 (but tab and newline), DEL, C1, and the bidi overrides and isolates that reorder what a
# reader sees (CVE-2021-42574), plus the line and paragraph separators.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
# The only escape sequences dossierlink writes itself: the colours of the text report and click.
_OUR_SGR = re.compile(r"\x1b\[(?:0|1|2|22|39|1;31|31|32|33)m")
_SGR_TOKEN = "\x00sgr{}\x00"


def strip_controls(text: str, *, newlines: bool = True, colours: bool = False) -> str:
    """Remove control bytes; keep line breaks (``\\r\\n`` too) when ``newlines``; our colours when ``colours``."""
    kept: list[str] = []
    if colours and "\x1b" in text:

        def hold(m: re.Match[str]) -> str:
            kept.append(m.group(0))
            return _SGR_TOKEN.format(len(kept) - 1)

        text = _OUR_SGR.sub(hold, text.replace("\x00", ""))
    if newlines:
        text = text.replace("\r\n", "\n\x00crlf\x00") if "\r\n" in text else text
    else:
        text = text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\r")
    if kept or "\x00crlf\x00" in text:
        parts = re.split("(\x00(?:sgr\\d+|crlf)\x00)", text)
        out = []
        for part in parts:
            if part == "\x00crlf\x00":
                out.append("\r")
            elif part.startswith("\x00sgr"):
                out.append(kept[int(part[4:-1])])
            else:
                out.append(_CONTROLS.sub("", part))
        # "\r\n" was held as "\n" + a marker after it: put the \r back before the \n.
        return "".join(out).replace("\n\r", "\r\n")
    return _CONTROLS.sub("", text)


# --- the filter -------------------------------------------------------------------------------


def scrub(text: str, sink: Sink, *, reveal: bool = False, birth_dates: bool = False) -> str:
    """The one privacy filter: what ``text`` may look like when it goes out through ``sink``.

    BSNs in every spelling and dates said to be birth dates are masked unless ``reveal`` (a
    disclosure logged by the caller); with ``birth_dates`` every date in ``text`` is one (a
    person's data). Control bytes are removed for every sink, whatever ``reveal`` says.
    """
    if not reveal:
        text = _mask_known_birth_dates(mask_birth_dates(mask_bsns(text), every_date=birth_dates))
    if sink is Sink.TERMINAL:
        return strip_controls(text, colours=True)
    if sink in (Sink.LOG, Sink.MESSAGE):
        return strip_controls(text, newlines=False)
    if sink in (Sink.FILE_NAME, Sink.PATH) and not reveal:
        # Before the store knows the person, a name like "aangifte 12-04-1990.csv" may hold a
        # birth date: mask every date in a name older than last year (an export's date stays).
        text = _mask_old_dates(text)
    if sink is Sink.PATH:
        return strip_controls(text, newlines=False)
    if sink is Sink.FILE_NAME:
        text = strip_controls(text, newlines=False).replace("*", "x")
        cleaned = re.sub(r"[^\w.\-+@,=]+", "_", text).strip("._")
        return cleaned[:200] or "file"
    return strip_controls(text)


def scrub_data(value: Any, sink: Sink = Sink.JSON, *, reveal: bool = False, birth_dates: bool = False) -> Any:
    """:func:`scrub` over JSON-able data: every string and key; birth-date and BSN fields in full."""
    if isinstance(value, str):
        return scrub(value, sink, reveal=reveal, birth_dates=birth_dates)
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            key = scrub(k, sink, reveal=reveal) if isinstance(k, str) else k
            lowered = k.lower() if isinstance(k, str) else ""
            if not reveal and v and lowered in _BIRTH_KEYS:
                out[key] = DATE_MASK if isinstance(v, str) else scrub_data(v, sink, birth_dates=True)
            elif (
                not reveal
                and v
                and lowered in _BSN_KEYS
                and isinstance(v, str)
                and not v.startswith(PSEUDONYM_PREFIX)
            ):
                digits = "".join(c for c in v if c.isdigit())
                out[key] = "*" * 7 + digits[-2:] if digits else "*********"
            elif lowered in _PATH_KEYS and sink is Sink.JSON:
                out[key] = scrub_data(v, Sink.PATH, reveal=reveal, birth_dates=birth_dates)
            else:
                out[key] = scrub_data(v, sink, reveal=reveal, birth_dates=birth_dates)
        return out
    if isinstance(value, list | tuple):
        return [scrub_data(v, sink, reveal=reveal, birth_dates=birth_dates) for v in value]
    return value


# --- the terminal -----------------------------------------------------------------------------


class GuardedStream(io.TextIOBase):
    """A text stream that passes every complete line through :func:`scrub` before the real stream.

    Lines are held until their newline so a BSN written in two pieces is still masked.
    """

    def __init__(self, inner: TextIO, *, reveal: bool = False) -> None:
        super().__init__()
        self.inner = inner
        self.reveal = reveal
        self._pending = ""

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.inner, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.inner, "errors", None)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return bool(getattr(self.inner, "isatty", lambda: False)())

    def fileno(self) -> int:
        return self.inner.fileno()

    def write(self, text: Any) -> int:
        if not isinstance(text, str):
            text = bytes(text).decode(self.encoding, "replace")
        data = self._pending + text
        cut = data.rfind("\n") + 1
        self._pending = data[cut:]
        if cut:
            self.inner.write(scrub(data[:cut], Sink.TERMINAL, reveal=self.reveal))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self.inner.write(scrub(self._pending, Sink.TERMINAL, reveal=self.reveal))
            self._pending = ""
        self.inner.flush()


@contextlib.contextmanager
def guard_streams(*, reveal: bool = False) -> Iterator[None]:
    """Route ``sys.stdout`` and ``sys.stderr`` through the filter while the block runs."""
    saved = sys.stdout, sys.stderr
    out, err = GuardedStream(sys.stdout, reveal=reveal), GuardedStream(sys.stderr, reveal=reveal)
    sys.stdout, sys.stderr = out, err
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            out.flush()
            err.flush()
        sys.stdout, sys.stderr = saved


# --- pseudonyms ------------------------------------------------------------------------------


class KeyError_(ValueError):
    pass


def load_key(key_file: str | Path | None = None) -> bytes | None:
    """The pseudonymisation key from the environment or a key file; None when neither is set."""
    env = os.environ.get(ENV_KEY)
    if env:
        key = env.encode("utf-8")
    elif key_file:
        path = Path(key_file)
        try:
            key = path.read_bytes().strip()
        except OSError as exc:
            raise KeyError_(f"The pseudonymisation key file {path} cannot be read: {exc.strerror}.") from exc
    else:
        return None
    if len(key) < 16:
        raise KeyError_("The pseudonymisation key is shorter than 16 bytes; use a long random key.")
    return key


@attrs.frozen
class Pseudonymiser:
    """HMAC-SHA256 of the BSN under a shared key, truncated to 20 hex characters."""

    key: bytes = attrs.field(repr=False)

    def pseudonym(self, value: str) -> str:
        if value.startswith(PSEUDONYM_PREFIX):
            return value
        digest = hmac.new(self.key, value.encode("utf-8"), hashlib.sha256).hexdigest()
        return PSEUDONYM_PREFIX + digest[:20]

    def text(self, text: str | None) -> str | None:
        """Free text with every valid BSN (in any spelling) replaced by its pseudonym."""
        if not text or not any(c.isdigit() for c in text):
            return text

        def sub(m: re.Match[str]) -> str:
            if _kept(m.string, m.start(), m.end()):
                return m.group(0)
            digits = "".join(c for c in m.group(0) if c.isdigit()).zfill(9)
            return self.pseudonym(digits) if is_valid_bsn(digits) else m.group(0)

        return _replace_bsns(text, sub)

    def _free_text(self, obj: Any, fields: tuple[str, ...]) -> Any:
        changes = {f: self.text(getattr(obj, f)) for f in fields}
        changes = {f: v for f, v in changes.items() if v != getattr(obj, f)}
        return attrs.evolve(obj, **changes) if changes else obj

    def person(self, person: Person) -> Person:
        person = self._free_text(person, ("voornamen", "tussenvoegsel", "achternaam"))
        if not person.bsn:
            return person
        return attrs.evolve(person, bsn=self.pseudonym(person.bsn))

    def record(self, record: Record) -> Record:
        """The record with persons' BSNs, and BSNs typed in any free text, as pseudonyms."""
        return attrs.evolve(
            record,
            persons=tuple(self.person(p) for p in record.persons),
            documents=tuple(self._free_text(d, ("title", "source_location")) for d in record.documents),
            events=tuple(self._free_text(e, ("status", "description")) for e in record.events),
            inventory=tuple(self._free_text(i, ("title", "by")) for i in record.inventory),
            warnings=tuple(self.text(w) or w for w in record.warnings),
        )
