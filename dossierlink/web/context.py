"""What every handler is given: the store (one connection per worker thread), settings, key, templates."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attrs
import jinja2
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from dossierlink.api import Chain
from dossierlink.report.messages import kind_label, severity_label
from dossierlink.web.auth import LANG_COOKIE, Principal, principal_from_request
from dossierlink.web.i18n import LANGS, ui
from dossierlink.web.settings import ServeSettings

__all__ = ["HERE", "WebApp", "lang_of", "make_templates"]

HERE = Path(__file__).parent


@attrs.define
class WebApp:
    """What every handler needs: the store (one connection per thread), settings, key, templates."""

    db_path: Path
    config: Any
    settings: ServeSettings
    secret: bytes
    templates: jinja2.Environment
    _local: threading.local = attrs.field(factory=threading.local)

    def chain(self) -> Chain:
        chain: Chain | None = getattr(self._local, "chain", None)
        if chain is None:
            chain = Chain(self.db_path, config=self.config, create=False)
            self._local.chain = chain
        return chain

    def principal(self, request: Request, *, api: bool = False) -> Principal | None:
        return principal_from_request(request, self.chain(), self.settings, self.secret, api=api)

    def render(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        lang = lang_of(request)
        html = self.templates.get_template(template).render(
            request=request,
            lang=lang,
            other_lang="en" if lang == "nl" else "nl",
            _=lambda key: ui(lang, key),
            kind_label=lambda kind: kind_label(lang, kind),
            severity_label=lambda sev: severity_label(lang, sev),
            svg=Markup,  # charts are built by report.render_html, which escapes every value
            **context,
        )
        return HTMLResponse(html, status_code=status_code)

    def secure(self, request: Request) -> bool:
        return self.settings.secure_cookies or request.url.scheme == "https"


def lang_of(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "nl")
    return lang if lang in LANGS else "nl"


def make_templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["quote"] = quote  # an identifier as one path segment: "10/600040-23" -> "10%2F600040-23"
    return env
