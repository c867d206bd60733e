"""The Starlette application: routes, one store connection per worker thread, security headers, templates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dossierlink.api import Chain
from dossierlink.web.context import HERE, WebApp, lang_of, make_templates
from dossierlink.web.i18n import ui
from dossierlink.web.settings import ServeSettings, load_secret

__all__ = ["SecurityHeaders", "create_app"]


# No inline script anywhere (there is no script at all); styles from our own file; inline SVG charts.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """Adds the security headers to every answer; case data is never cached by a browser or proxy."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += SECURITY_HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)


def create_app(
    db_path: str | Path, *, config: Any = None, settings: ServeSettings | None = None
) -> Starlette:
    """The web application over the store at ``db_path`` (which must exist)."""
    from dossierlink.web import api, pages

    path = Path(db_path)
    Chain(path, config=config, create=False).close()  # a clear error now, not at the first request
    if settings is None:
        sections = getattr(config, "sections", None) or {}
        settings = ServeSettings.from_mapping(sections.get("serve", {}), getattr(config, "base_dir", None))
    secret_path = settings.secret_file or path.with_name(path.name + ".serve-secret")
    web = WebApp(path, config, settings, load_secret(secret_path), make_templates())

    def bind(handler: Callable[..., Any]) -> Callable[[Request], Any]:
        # The body is read here, on the event loop; the handler (SQLite, templates) runs in a
        # worker thread with that thread's own store connection.
        async def endpoint(request: Request) -> Response:
            if request.method == "POST":
                if request.url.path.startswith("/api/"):
                    request.state.body = await request.body()
                else:
                    form = await request.form(max_files=0, max_fields=20)
                    request.state.form = {k: str(v) for k, v in form.items()}
            result: Response = await run_in_threadpool(handler, web, request)
            return result

        endpoint.__name__ = handler.__name__
        return endpoint

    routes = [
        Route("/", bind(pages.overview)),
        Route("/login", bind(pages.login_form), methods=["GET"]),
        Route("/login", bind(pages.login), methods=["POST"]),
        Route("/logout", bind(pages.logout), methods=["POST"]),
        Route("/lang", bind(pages.switch_lang)),
        Route("/organisations/{organisation}", bind(pages.organisation)),
        Route("/work", bind(pages.work)),
        Route("/work.csv", bind(pages.work_csv)),
        Route("/search", bind(pages.search)),
        Route("/dossiers/{identifier:path}", bind(pages.dossier), methods=["GET"]),
        Route("/reveal/{identifier:path}", bind(pages.reveal), methods=["POST"]),
        Route("/divergences/{divergence_id}/ack", bind(pages.ack), methods=["POST"]),
        Route("/divergences/{divergence_id}/unack", bind(pages.unack), methods=["POST"]),
        Route("/admin/users", bind(pages.admin_users)),
        Route("/admin/users/{name}/disable", bind(pages.admin_disable_user), methods=["POST"]),
        Route("/admin/tokens/{name}/revoke", bind(pages.admin_revoke_token), methods=["POST"]),
        Route("/admin/disclosures", bind(pages.admin_disclosures)),
        Route("/admin/history", bind(pages.admin_history)),
        Route("/api/v1/openapi.json", bind(api.openapi)),
        Route("/api/v1/divergences", bind(api.divergences)),
        Route("/api/v1/divergences/{divergence_id}/ack", bind(api.ack), methods=["POST"]),
        Route("/api/v1/divergences/{divergence_id}/unack", bind(api.unack), methods=["POST"]),
        Route("/api/v1/dossiers/{identifier:path}", bind(api.dossier)),
        Route("/api/v1/report", bind(api.report)),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "not found"}, status_code=404)
        return web.render(
            request, "error.html", 404, principal=None, message=ui(lang_of(request), "notfound")
        )

    async def method_not_allowed(request: Request, exc: Exception) -> Response:
        return JSONResponse({"detail": "method not allowed"}, status_code=405)

    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: method_not_allowed})
    app.add_middleware(SecurityHeaders)
    app.state.web = web
    return app
