"""A small HTTP client for the connectors: timeouts, retries with backoff on 429/5xx, a rate limit."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping

import attrs

__all__ = ["HttpClient", "PullError", "Response"]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BODY = 64 * 1024 * 1024


class PullError(Exception):
    """A pull that cannot go on: names the URL and what the server or network said."""


@attrs.frozen
class Response:
    url: str
    status: int
    body: bytes
    headers: Mapping[str, str]


@attrs.define
class HttpClient:
    """GET with retries: 429 and 5xx are retried with exponential backoff (``Retry-After`` honoured).

    ``min_interval`` spaces requests (the open-data service asks clients to be gentle);
    ``sleep`` and ``clock`` are injectable so tests do not wait.
    """

    retries: int = 4
    backoff: float = 1.0
    max_backoff: float = 60.0
    timeout: float = 30.0
    min_interval: float = 0.0
    user_agent: str = "dossierlink-pull"
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    requests: int = 0
    _last: float | None = None

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Callable[[], Mapping[str, str]] | None = None,
        refresh: Callable[[Response], bool] | None = None,
    ) -> Response:
        """The response to ``GET url?params``; ``headers`` is called per attempt (a fresh token).

        ``refresh(response)`` may say a 401/403 is worth one more attempt (an expired token).
        """
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"
        refreshed = False
        attempt = 0
        while True:
            self._space()
            req = urllib.request.Request(
                url, headers={"User-Agent": self.user_agent, **(headers() if headers else {})}
            )
            self.requests += 1
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as fh:
                    body = fh.read(MAX_BODY + 1)
                    if len(body) > MAX_BODY:
                        raise PullError(f"{url}: the response is larger than {MAX_BODY} bytes")
                    return Response(url, fh.status, body, dict(fh.headers.items()))
            except urllib.error.HTTPError as exc:
                resp = Response(
                    url, exc.code, exc.read()[:4096], dict(exc.headers.items()) if exc.headers else {}
                )
                if exc.code in (401, 403) and refresh is not None and not refreshed and refresh(resp):
                    refreshed = True
                    continue
                if exc.code in RETRY_STATUSES and attempt < self.retries:
                    self.sleep(self._delay(attempt, resp.headers.get("Retry-After")))
                    attempt += 1
                    continue
                detail = resp.body.decode("utf-8", "replace").strip()[:300]
                raise PullError(
                    f"{url}: HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")
                ) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt < self.retries:
                    self.sleep(self._delay(attempt, None))
                    attempt += 1
                    continue
                reason = getattr(exc, "reason", exc)
                raise PullError(f"{url}: the server cannot be reached ({reason})") from None

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after.strip()), self.max_backoff)
        return float(min(self.backoff * 2.0**attempt, self.max_backoff))

    def _space(self) -> None:
        if self.min_interval > 0 and self._last is not None:
            wait = self._last + self.min_interval - self.clock()
            if wait > 0:
                self.sleep(wait)
        self._last = self.clock()


def check_url(url: str, what: str) -> str:
    """An http(s) URL without a trailing slash; PullError names the setting otherwise."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PullError(f"{what} must be an http(s) URL, not {url!r}")
    return url.rstrip("/")
