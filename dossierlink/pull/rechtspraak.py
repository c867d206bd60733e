"""Pull criminal judgments from the Rechtspraak open-data service: the ECLI index feed, then each document."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from dossierlink.pull.folder import PullFolder, PullResult
from dossierlink.pull.http import HttpClient, PullError, check_url

__all__ = ["CRIMINAL_SUBJECT", "RechtspraakPull", "RechtspraakPullConfig"]

CRIMINAL_SUBJECT = "http://psi.rechtspraak.nl/rechtsgebied#strafrecht"
ATOM = "{http://www.w3.org/2005/Atom}"


@attrs.frozen
class RechtspraakPullConfig:
    """``[pull.rechtspraak]``: the service, the pull folder, page size and the gap between requests."""

    folder: Path
    base_url: str = "https://data.rechtspraak.nl"
    page_size: int = 1000
    min_interval: float = 0.2  # seconds between requests: the service asks clients to be gentle

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, base: Path) -> RechtspraakPullConfig:
        folder = Path(str(data.get("folder") or "pull/rechtspraak")).expanduser()
        size = data.get("page_size", 1000)
        gap = data.get("min_interval", 0.2)
        if not isinstance(size, int) or not 1 <= size <= 1000:
            raise PullError("pull.rechtspraak.page_size must be a whole number from 1 to 1000")
        if not isinstance(gap, int | float) or gap < 0:
            raise PullError("pull.rechtspraak.min_interval must be zero or more seconds")
        return cls(
            folder=folder if folder.is_absolute() else base / folder,
            base_url=check_url(
                str(data.get("base_url") or "https://data.rechtspraak.nl"), "pull.rechtspraak.base_url"
            ),
            page_size=size,
            min_interval=float(gap),
        )

    @property
    def source(self) -> str:
        return f"rechtspraak:{self.base_url}"


@attrs.define
class RechtspraakPull:
    """``run(since, instantie)``: the feed of criminal judgments modified since ``since``, page by page
    (``from``/``max``, oldest first), and each document's XML as ``ECLI.NL.<COURT>.<YEAR>.<NR>.xml``.

    A document already in the pull folder and not changed since the cursor is not fetched again,
    and the cursor (the latest ``updated`` of a stored document) advances as documents are
    stored: an interrupted pull resumes where it stopped; a document changed later is fetched anew.
    """

    config: RechtspraakPullConfig
    http: HttpClient = attrs.field(factory=HttpClient)

    def run(self, since: str, instantie: str | None = None, on_cursor: Any = None) -> PullResult:
        import defusedxml.ElementTree as DET

        folder = PullFolder(self.config.folder)
        result = PullResult(cursor=since)
        feed = f"{self.config.base_url}/uitspraken/zoeken"
        start = 0
        while True:
            params = {
                "subject": CRIMINAL_SUBJECT,
                "modified": since,
                "return": "DOC",
                "sort": "ASC",
                "max": str(self.config.page_size),
                "from": str(start),
            }
            if instantie:
                params["creator"] = instantie
            resp = self.http.get(feed, params=params)
            try:
                root = DET.fromstring(resp.body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
            except Exception as exc:
                raise PullError(f"{resp.url}: the feed is not readable Atom XML ({exc})") from None
            entries = root.findall(f"{ATOM}entry")
            for entry in entries:
                ecli = (entry.findtext(f"{ATOM}id") or "").strip()
                updated = (entry.findtext(f"{ATOM}updated") or "").strip()
                if not ecli.upper().startswith("ECLI:"):
                    continue
                target = folder.name(ecli.replace(":", "."), suffix=".xml")
                if target.exists() and updated <= since:
                    result.skipped += 1  # stored by the run that set the cursor; a later change is fetched
                else:
                    doc = self.http.get(f"{self.config.base_url}/uitspraken/content", params={"id": ecli})
                    result.files.append(folder.write(target, doc.body))
                if updated and (result.cursor is None or updated > result.cursor):
                    result.cursor = updated
                    if on_cursor is not None:
                        on_cursor(updated)
            if len(entries) < self.config.page_size:
                break
            start += len(entries)
        result.requests = self.http.requests
        return result
