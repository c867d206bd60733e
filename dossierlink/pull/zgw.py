"""Pull from the ZGW Zaken and Documenten APIs: zaken since the last pull, their documents, rollen, statussen."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from dossierlink.pull.folder import PullFolder, PullResult
from dossierlink.pull.http import HttpClient, PullError, Response, check_url

__all__ = ["ZgwPull", "ZgwPullConfig"]


@attrs.frozen
class ZgwPullConfig:
    """``[pull.zgw]``: where the Zaken API is, the client credentials, what to fetch, where to keep it."""

    zaken_url: str
    client_id: str
    secret: str = attrs.field(repr=False)
    folder: Path
    zaaktypen: tuple[str, ...] = ()
    organisation: str | None = None
    page_limit: int = 1000  # a safety stop: pages of zaken followed in one run

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, base: Path) -> ZgwPullConfig:
        """From the TOML table; the secret from ``secret`` or the variable ``secret_env`` names."""
        try:
            zaken = check_url(str(data["zaken_url"]), "pull.zgw.zaken_url")
            client_id = str(data["client_id"])
        except KeyError as exc:
            raise PullError(f"pull.zgw needs {exc.args[0]!r}") from None
        secret = data.get("secret")
        env = str(data.get("secret_env") or "DOSSIERLINK_ZGW_SECRET")
        if not secret:
            secret = os.environ.get(env)
        if not secret:
            raise PullError(
                f"pull.zgw needs the client secret: set 'secret' or the environment variable {env}"
            )
        kinds = data.get("zaaktype") or data.get("zaaktypen") or ()
        if isinstance(kinds, str):
            kinds = (kinds,)
        folder = Path(str(data.get("folder") or "pull/zgw")).expanduser()
        return cls(
            zaken_url=zaken,
            client_id=client_id,
            secret=str(secret),
            folder=folder if folder.is_absolute() else base / folder,
            zaaktypen=tuple(str(k) for k in kinds),
            organisation=str(data["organisation"]) if data.get("organisation") else None,
        )

    @property
    def source(self) -> str:
        return f"zgw:{self.zaken_url}"


@attrs.define
class ZgwPull:
    """One pull: ``run(cursor)`` fetches zaken registered after ``cursor`` (a date) and what hangs on them.

    Each response is kept as one file, as a ZGW client saves it (the ``zgw`` adapter joins them
    in the store). The new cursor is the latest ``registratiedatum`` seen; it is only returned
    when the whole run succeeded, so an interrupted pull is repeated from the old cursor (the
    files it already wrote are rewritten unchanged and ingest skips them as duplicates).
    """

    config: ZgwPullConfig
    http: HttpClient = attrs.field(factory=HttpClient)
    now: Any = time.time

    def token(self) -> str:
        """A JWT as the ZGW APIs require: HS256 over the client id, issued now (servers reject old ones)."""
        import jwt

        issued = int(self.now())
        claims = {
            "iss": self.config.client_id,
            "iat": issued,
            "client_id": self.config.client_id,
            "user_id": self.config.client_id,
            "user_representation": "dossierlink",
        }
        return str(jwt.encode(claims, self.config.secret, algorithm="HS256"))

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token()}",
            "Accept": "application/json",
            "Accept-Crs": "EPSG:4326",  # the Zaken API requires it on /zaken (zaakgeometrie)
        }

    def _get(self, url: str, params: Mapping[str, str] | None = None) -> Response:
        return self.http.get(url, params=params, headers=self._headers, refresh=lambda _r: True)

    def _json(self, resp: Response) -> Any:
        try:
            return json.loads(resp.body)
        except ValueError:
            raise PullError(f"{resp.url}: the response is not JSON") from None

    def _pages(self, url: str, params: Mapping[str, str] | None) -> Iterator[tuple[Response, Any]]:
        """A paginated list, following ``next``; a plain array is one page."""
        resp = self._get(url, params)
        for _ in range(self.config.page_limit):
            data = self._json(resp)
            yield resp, data
            nxt = data.get("next") if isinstance(data, dict) else None
            if not nxt:
                return
            resp = self._get(check_url(str(nxt), f"'next' of {resp.url}"))
        raise PullError(f"{url}: more than {self.config.page_limit} pages; narrow the pull (zaaktype)")

    def run(self, cursor: str | None) -> PullResult:
        folder = PullFolder(self.config.folder)
        result = PullResult(cursor=cursor)
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(self.now()))
        seen_docs: set[str] = set()
        latest = cursor
        for zaaktype in self.config.zaaktypen or (None,):
            params = {k: v for k, v in (("zaaktype", zaaktype), ("registratiedatum__gt", cursor)) if v}
            for n, (resp, page) in enumerate(self._pages(f"{self.config.zaken_url}/zaken", params), 1):
                tag = zaaktype.rstrip("/").rsplit("/", 1)[-1] if zaaktype else "alle"
                zaken = page.get("results") if isinstance(page, dict) else page
                if not isinstance(zaken, list):
                    raise PullError(f"{resp.url}: expected a list of zaken")
                if not zaken:
                    continue  # nothing new: an empty page holds nothing to keep or ingest
                result.files.append(
                    folder.write(folder.name("zaken", stamp, tag, f"p{n}", suffix=".json"), resp.body)
                )
                for zaak in zaken:
                    if not isinstance(zaak, dict) or not zaak.get("url"):
                        continue
                    self._zaak(folder, result, zaak, seen_docs)
                    reg = str(zaak.get("registratiedatum") or "")
                    if reg and (latest is None or reg > latest):
                        latest = reg
        result.requests = self.http.requests
        result.cursor = latest
        return result

    def _zaak(self, folder: PullFolder, result: PullResult, zaak: dict[str, Any], seen: set[str]) -> None:
        zurl = str(zaak["url"])
        zid = zurl.rstrip("/").rsplit("/", 1)[-1]
        base = self.config.zaken_url
        resp = self._get(f"{base}/zaakinformatieobjecten", {"zaak": zurl})
        links = self._json(resp)
        if links:  # an empty list holds nothing to keep or ingest
            target = folder.name("zaak", zid, "zaakinformatieobjecten", suffix=".json")
            result.files.append(folder.write(target, resp.body))
        for link in links if isinstance(links, list) else []:
            doc = str(link.get("informatieobject") or "") if isinstance(link, dict) else ""
            if not doc or doc in seen:
                continue
            seen.add(doc)
            got = self._get(check_url(doc, f"informatieobject of {resp.url}"))
            did = doc.rstrip("/").rsplit("/", 1)[-1]
            result.files.append(
                folder.write(folder.name("enkelvoudiginformatieobject", did, suffix=".json"), got.body)
            )
        for what in ("rollen", "statussen"):
            for n, (page_resp, page) in enumerate(self._pages(f"{base}/{what}", {"zaak": zurl}), 1):
                if isinstance(page, dict) and not page.get("results"):
                    continue
                target = folder.name("zaak", zid, what, f"p{n}", suffix=".json")
                result.files.append(folder.write(target, page_resp.body))
