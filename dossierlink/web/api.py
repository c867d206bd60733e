"""``/api/v1/``: divergences (ZGW-style pages), dossiers, acknowledge, the JSON report, the OpenAPI document."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dossierlink.report.privacy import mask_divergence
from dossierlink.store.accounts import AccountError
from dossierlink.web.auth import Principal, check_csrf
from dossierlink.web.context import WebApp
from dossierlink.web.openapi import OPENAPI
from dossierlink.web.queries import FilterError, WorkFilter, dossier_labels, report_rows, work_page

__all__ = ["ack", "divergences", "dossier", "openapi", "report", "unack"]

MAX_PAGE_SIZE = 500
NOTE_LIMIT = 500


def _error(status: int, detail: str) -> JSONResponse:
    headers = {"www-authenticate": 'Token realm="dossierlink"'} if status == 401 else None
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def _auth(web: WebApp, request: Request) -> Principal | Response:
    principal = web.principal(request, api=True)
    if principal is None:
        return _error(401, "Credentials are missing or wrong: send Authorization: Token <token>.")
    return principal


def openapi(web: WebApp, request: Request) -> Response:
    return JSONResponse(OPENAPI)


def divergences(web: WebApp, request: Request) -> Response:
    principal = _auth(web, request)
    if isinstance(principal, Response):
        return principal
    q = request.query_params
    try:
        f = WorkFilter.from_query(q)
    except FilterError as exc:
        return _error(400, str(exc))
    if f.organisation is None and not principal.sees_every_organisation:
        f = WorkFilter(**{**f.as_query_fields(), "organisation": principal.organisation})
    if f.organisation is not None and not principal.may_see_organisation(f.organisation):
        return _error(403, f"You may read only the divergences of {principal.organisation}.")
    try:
        page = int(q.get("page", "1"))
        size = int(q.get("page_size", str(web.settings.page_size)))
    except ValueError:
        return _error(400, "page and page_size must be whole numbers.")
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        return _error(400, f"page starts at 1; page_size is 1 to {MAX_PAGE_SIZE}.")
    chain = web.chain()
    result = work_page(chain, f, page=page, page_size=size)
    if page > result.pages and result.count:
        return _error(404, f"There is no page {page}: the last page is {result.pages}.")
    base = str(request.url.replace(query=""))
    query = {**f.as_query(), "page_size": str(size)}
    lang = q.get("lang", "nl") if q.get("lang") in ("nl", "en") else "nl"
    return JSONResponse(
        {
            "count": result.count,
            "next": f"{base}?{urlencode({**query, 'page': page + 1})}" if page < result.pages else None,
            "previous": f"{base}?{urlencode({**query, 'page': page - 1})}" if page > 1 else None,
            "results": report_rows(chain, result.divergences, result.labels, lang),
        }
    )


def dossier(web: WebApp, request: Request) -> Response:
    principal = _auth(web, request)
    if isinstance(principal, Response):
        return principal
    chain = web.chain()
    identifier = request.path_params["identifier"]
    detail = chain.dossier(identifier)
    if detail is None:
        return _error(404, f"No dossier has the identifier {identifier!r}.")
    if not principal.may_see_dossier(chain, detail.dossier_id):
        return _error(
            403, f"{principal.organisation} holds no registration in this dossier and need not act in it."
        )
    data = detail.to_dict(reveal=False)
    labels = dossier_labels(chain, [detail.dossier_id])
    data["label"] = labels.get(detail.dossier_id)
    data["divergences"] = report_rows(chain, [mask_divergence(d) for d in detail.divergences], labels, "nl")
    return JSONResponse(json.loads(json.dumps(data, default=str)))


def _ack(web: WebApp, request: Request, *, undo: bool) -> Response:
    principal = _auth(web, request)
    if isinstance(principal, Response):
        return principal
    if principal.via != "token" and not check_csrf(principal, request.headers.get("x-csrf-token")):
        return _error(403, "A session needs the X-CSRF-Token header for a change; systems use a token.")
    try:
        body: Any = json.loads(getattr(request.state, "body", b"") or b"{}")
    except ValueError:
        return _error(400, 'The body must be JSON: {"note": "..."}.')
    note = body.get("note") if isinstance(body, dict) else None
    if not isinstance(note, str) or not note.strip():
        return _error(400, 'Give a note: {"note": "what your organisation does about it"}.')
    note = " ".join(note.split())[:NOTE_LIMIT]
    chain = web.chain()
    divergence_id = request.path_params["divergence_id"]
    owner = chain.accounts.divergence_organisations([divergence_id]).get(divergence_id)
    if owner is None:
        return _error(404, f"There is no divergence {divergence_id!r}.")
    if not principal.may_acknowledge(owner):
        return _error(403, f"Only {owner} acknowledges this divergence.")
    try:
        if undo:
            chain.unacknowledge(divergence_id, note=note, by=principal.actor)
        else:
            chain.acknowledge(divergence_id, note=note, by=principal.actor)
    except AccountError as exc:
        return _error(409, str(exc))
    chain.accounts.log_action(
        principal.actor,
        principal.organisation,
        "unack" if undo else "ack",
        target=divergence_id,
        note=note,
        remote=request.client.host if request.client else None,
    )
    row = chain.store.query(
        "SELECT id, status, ack_note, ack_by, ack_at FROM divergences WHERE id = ?", [divergence_id]
    )[0]
    return JSONResponse(row)


def ack(web: WebApp, request: Request) -> Response:
    return _ack(web, request, undo=False)


def unack(web: WebApp, request: Request) -> Response:
    return _ack(web, request, undo=True)


def report(web: WebApp, request: Request) -> Response:
    principal = _auth(web, request)
    if isinstance(principal, Response):
        return principal
    level = request.query_params.get("level", "strategic")
    if level not in ("strategic", "tactical", "operational"):
        return _error(400, "level must be strategic, tactical or operational.")
    lang = request.query_params.get("lang", "nl")
    if lang not in ("nl", "en"):
        return _error(400, "lang must be nl or en.")
    organisation = request.query_params.get("organisation") or None
    if organisation is None and not principal.sees_every_organisation:
        organisation = principal.organisation
    if organisation is not None and not principal.may_see_organisation(organisation):
        return _error(403, f"You may read only the report of {principal.organisation}.")
    chain = web.chain()
    filters: dict[str, Any] = {"organisation": organisation} if organisation else {}
    text, _ = chain.report_with_status(
        level=level, fmt="json", lang=lang, log=False, on_problem=lambda _p: None, **filters
    )
    chain.log_report(
        level=level, fmt="json", reveal=False, recipient=principal.actor, output="api", **filters
    )
    return Response(text, media_type="application/json")
