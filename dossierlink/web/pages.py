"""The server-rendered pages: chain overview, organisation, work list, dossier, search, administration, login."""

from __future__ import annotations

import csv
import hmac
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dossierlink.api import DossierDetail
from dossierlink.identifiers import mask_bsn
from dossierlink.report.matrix import dossier_matrix
from dossierlink.report.privacy import mask_divergence
from dossierlink.report.render_csv import neutralise
from dossierlink.report.render_html import chart_indicators, chart_kinds, chart_trend, chart_weeks
from dossierlink.store import utcnow
from dossierlink.store.accounts import AccountError, LoginLimits
from dossierlink.web.auth import (
    LANG_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Principal,
    check_csrf,
    new_login_csrf,
    signer,
)
from dossierlink.web.context import WebApp, lang_of
from dossierlink.web.i18n import ui
from dossierlink.web.queries import (
    KINDS,
    SEVERITIES,
    STATUSES,
    FilterError,
    WorkFilter,
    action_text,
    cached_analysis,
    dossier_labels,
    find_dossiers,
    work_page,
)

__all__ = ["ack", "dossier", "login", "overview", "unack", "work"]

NOTE_LIMIT = 500


def _safe_next(value: str | None) -> str:
    """Only a path on this site: never //host or a scheme (no open redirect)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _form(request: Request) -> dict[str, str]:
    """The posted form, read on the event loop before the handler ran (see app.create_app)."""
    form: dict[str, str] = getattr(request.state, "form", {})
    return form


class _Stop(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _who(web: WebApp, request: Request) -> Principal:
    principal = web.principal(request)
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise _Stop(RedirectResponse("/login?" + urlencode({"next": target}), status_code=303))
    return principal


def _forbidden(web: WebApp, request: Request, principal: Principal | None) -> Response:
    return web.render(
        request, "error.html", 403, principal=principal, message=ui(lang_of(request), "forbidden")
    )


def _page(handler: Callable[..., Response]) -> Callable[..., Response]:
    def run(web: WebApp, request: Request, *args: Any) -> Response:
        try:
            return handler(web, request, *args)
        except _Stop as stop:
            return stop.response

    run.__name__ = handler.__name__
    return run


def _remote(request: Request) -> str | None:
    return request.client.host if request.client else None


# --- login ---------------------------------------------------------------------------------


@_page
def login_form(web: WebApp, request: Request, error: str | None = None, status: int = 200) -> Response:
    token = new_login_csrf()
    response = web.render(
        request,
        "login.html",
        status,
        principal=None,
        csrf=token,
        next=_safe_next(request.query_params.get("next")),
        error=error,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=web.secure(request), path="/login"
    )
    return response


@_page
def login(web: WebApp, request: Request) -> Response:
    form = _form(request)
    lang = lang_of(request)
    sent, expected = form.get("csrf", ""), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not sent or not hmac.compare_digest(sent, expected):
        return login_form(web, request, ui(lang, "csrf"), 400)
    name = form.get("user", "").strip()[:64]
    password = form.get("password", "")
    accounts = web.chain().accounts
    limits = LoginLimits(per_user=web.settings.login_attempts, window=web.settings.lockout)
    remote = _remote(request)
    if accounts.locked_out(name, remote, limits, utcnow()):
        accounts.log_action(name, None, "login_locked", remote=remote)
        return login_form(web, request, ui(lang, "login.locked"), 429)
    user = accounts.check_password(name, password) if name and password else None
    accounts.record_login(name, remote, user is not None)
    if user is None:
        return login_form(web, request, ui(lang, "login.failed"), 401)
    session_id = accounts.open_session(user)
    response = RedirectResponse(_safe_next(form.get("next")), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signer(web.secret).sign(session_id).decode("ascii"),
        httponly=True,
        samesite="strict",
        secure=web.secure(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@_page
def logout(web: WebApp, request: Request) -> Response:
    principal = _who(web, request)
    if not check_csrf(principal, _form(request).get("csrf")):
        return _forbidden(web, request, principal)
    if principal.session_id:
        web.chain().accounts.close_session(principal.session_id)
    web.chain().accounts.log_action(
        principal.actor, principal.organisation, "logout", remote=_remote(request)
    )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def switch_lang(web: WebApp, request: Request) -> Response:
    to = request.query_params.get("to", "nl")
    response = RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    response.set_cookie(LANG_COOKIE, to if to in ("nl", "en") else "nl", samesite="strict", httponly=True)
    return response


# --- the chain, an organisation ------------------------------------------------------------


@_page
def overview(web: WebApp, request: Request) -> Response:
    principal = _who(web, request)
    lang = lang_of(request)
    a = cached_analysis(web.chain())
    return web.render(
        request,
        "overview.html",
        principal=principal,
        a=a,
        chart_indicators=chart_indicators(a, lang),
        chart_trend=chart_trend(a, lang),
    )


@_page
def organisation(web: WebApp, request: Request) -> Response:
    principal = _who(web, request)
    code = request.path_params["organisation"]
    if not principal.may_see_organisation(code):
        return _forbidden(web, request, principal)
    lang = lang_of(request)
    a = cached_analysis(web.chain(), code)
    tactics = next((t for t in a.tactics if t.organisation == code), None)
    return web.render(
        request,
        "organisation.html",
        principal=principal,
        code=code,
        name=web.chain().organisation_names().get(code, code),
        tactics=tactics,
        indicator=next((i for i in a.indicators if i.organisation == code), None),
        chart_kinds=chart_kinds(a, lang),
        chart_weeks=chart_weeks(tactics, lang) if tactics else "",
    )


# --- the work list -------------------------------------------------------------------------


def _work_filter(web: WebApp, request: Request, principal: Principal) -> WorkFilter:
    try:
        f = WorkFilter.from_query(request.query_params)
    except FilterError as exc:
        raise _Stop(web.render(request, "error.html", 400, principal=principal, message=str(exc))) from None
    if f.organisation is None and not principal.sees_every_organisation:
        f = WorkFilter(**{**f.as_query_fields(), "organisation": principal.organisation})
    if f.organisation is not None and not principal.may_see_organisation(f.organisation):
        raise _Stop(_forbidden(web, request, principal))
    return f


@_page
def work(web: WebApp, request: Request) -> Response:
    principal = _who(web, request)
    f = _work_filter(web, request, principal)
    page = _int(request.query_params.get("page"), 1)
    chain = web.chain()
    result = work_page(chain, f, page=page, page_size=web.settings.page_size)
    lang = lang_of(request)
    query = f.as_query()
    return web.render(
        request,
        "work.html",
        principal=principal,
        f=f,
        result=result,
        rows=[(d, action_text(chain, d, result.labels, lang)) for d in result.divergences],
        kinds=KINDS,
        severities=SEVERITIES,
        statuses=STATUSES,
        organisations=sorted(chain.organisation_names()) if principal.sees_every_organisation else [],
        names=chain.organisation_names(),
        query=urlencode(query),
        prev_url="/work?" + urlencode({**query, "page": page - 1}) if page > 1 else None,
        next_url="/work?" + urlencode({**query, "page": page + 1}) if page < result.pages else None,
    )


@_page
def work_csv(web: WebApp, request: Request) -> Response:
    principal = _who(web, request)
    f = _work_filter(web, request, principal)
    chain = web.chain()
    lang = lang_of(request)
    result = work_page(chain, f, page=1, page_size=1_000_000)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "dossier", "kind", "severity", "status", "organisation", "first_seen", "action"])
    for d in result.divergences:
        label = result.labels.get(d.dossier_id, "") if d.dossier_id is not None else ""
        writer.writerow(
            [
                neutralise(str(v))
                for v in (
                    d.id,
                    label,
                    d.kind.value,
                    d.severity.value,
                    d.status.value,
                    d.organisation,
                    d.first_seen.isoformat() if d.first_seen else "",
                    action_text(chain, d, result.labels, lang),
                )
            ]
        )
    chain.log_disclosure(
        what="work list " + ", ".join(f"{k}={v}" for k, v in sorted(f.as_query().items())),
        level="operational",
        fmt="csv",
        revealed=False,
        recipient=principal.actor,
        output="web",
    )
    chain.accounts.log_action(
        principal.actor, principal.organisation, "export", target="work.csv", remote=_remote(request)
    )
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="werklijst.csv"'},
    )


def _int(raw: str | None, default: int) -> int:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 10**7 else default


# --- a dossier -----------------------------------------------------------------------------


@_page
def search(web: WebApp, request: Request) -> Response:
    principal = _who(web, request)
    q = (request.query_params.get("q") or "").strip()[:80]
    chain = web.chain()
    found = find_dossiers(chain, q) if q else []
    if len(found) == 1:
        target = q if chain.store.find_dossier(q) is not None else str(found[0])
        return RedirectResponse("/dossiers/" + quote(target, safe=""), status_code=303)
    visible = [d for d in found if principal.may_see_dossier(chain, d)]
    if visible:  # a person (SKN) in several cases: the ones this user may open
        labels = dossier_labels(chain, visible)
        return web.render(
            request,
            "search.html",
            principal=principal,
            q=q,
            hits=[(d, labels.get(d, f"#{d}")) for d in visible],
        )
    return web.render(
        request,
        "error.html",
        404,
        principal=principal,
        message=f"{ui(lang_of(request), 'search.none')} {q!r}.",
    )


def _dossier_page(
    web: WebApp, request: Request, principal: Principal, identifier: str, *, revealed: bool
) -> Response:
    chain = web.chain()
    detail = chain.dossier(identifier)
    if detail is None:
        return web.render(
            request,
            "error.html",
            404,
            principal=principal,
            message=f"{ui(lang_of(request), 'search.none')} {identifier!r}.",
        )
    if not principal.may_see_dossier(chain, detail.dossier_id):
        return _forbidden(web, request, principal)
    return web.render(
        request,
        "dossier.html",
        principal=principal,
        identifier=identifier,
        revealed=revealed,
        **_dossier_view(web, request, detail, revealed),
    )


def _dossier_view(web: WebApp, request: Request, detail: DossierDetail, revealed: bool) -> dict[str, Any]:
    chain = web.chain()
    lang = lang_of(request)
    labels = dossier_labels(chain, [detail.dossier_id])
    orgs = sorted({r.organisation for r in detail.records})
    matrix = dossier_matrix(detail.records)
    columns = [
        (o, m) for o in orgs for m in ("digital", "paper") if any((o, m) in row["cells"] for row in matrix)
    ]
    events = sorted(
        (
            (e.date, e.kind.value, r.organisation, e.sender, e.receiver)
            for r in detail.records
            for e in r.events
        ),
        key=lambda x: (str(x[0]), x[1]),
    )
    persons = []
    for r in detail.records:
        for p in r.persons:
            name = " ".join(x for x in (p.voornamen, p.tussenvoegsel, p.achternaam) if x)
            persons.append(
                {
                    "organisation": r.organisation,
                    "role": p.role.value if p.role else "",
                    "name": name,
                    "born": (str(p.geboortedatum) if revealed else "**-**-****") if p.geboortedatum else "",
                    "bsn": (p.bsn if revealed else mask_bsn(p.bsn)) if p.bsn else "",
                    "skn": p.skn or "",
                }
            )
    divs = [d if revealed else mask_divergence(d) for d in detail.divergences]
    divs.sort(key=lambda d: (d.status.value == "resolved", -d.severity.rank, d.id))
    return {
        "detail": detail,
        "label": labels.get(detail.dossier_id, str(detail.dossier_id)),
        "columns": columns,
        "matrix": matrix,
        "events": events,
        "persons": persons,
        "divergences": [(d, action_text(chain, d, labels, lang)) for d in divs],
        "names": chain.organisation_names(),
    }


@_page
def dossier(web: WebApp, request: Request) -> Response:
    principal = _who(web, request)
    return _dossier_page(web, request, principal, request.path_params["identifier"], revealed=False)


@_page
def reveal(web: WebApp, request: Request) -> Response:
    principal = _who(web, request)
    form = _form(request)
    if not check_csrf(principal, form.get("csrf")):
        return web.render(
            request, "error.html", 403, principal=principal, message=ui(lang_of(request), "csrf")
        )
    if not principal.may_reveal:
        return _forbidden(web, request, principal)
    reason = " ".join(form.get("reason", "").split())[:NOTE_LIMIT]
    identifier = request.path_params["identifier"]
    if len(reason) < 5:
        return web.render(
            request, "error.html", 400, principal=principal, message=ui(lang_of(request), "reason")
        )
    chain = web.chain()
    detail = chain.dossier(identifier)
    if detail is None or not principal.may_see_dossier(chain, detail.dossier_id):
        return _forbidden(web, request, principal)
    chain.log_disclosure(
        what=f"dossier {detail.dossier_id} (reden: {reason})",
        level="dossier",
        fmt="html",
        revealed=True,
        recipient=principal.actor,
        output="web",
    )
    chain.accounts.log_action(
        principal.actor,
        principal.organisation,
        "reveal",
        target=f"dossier {detail.dossier_id}",
        note=reason,
        remote=_remote(request),
    )
    return _dossier_page(web, request, principal, identifier, revealed=True)


# --- acknowledge ---------------------------------------------------------------------------


def _ack_common(web: WebApp, request: Request, *, undo: bool) -> Response:
    principal = _who(web, request)
    form = _form(request)
    if not check_csrf(principal, form.get("csrf")):
        return web.render(
            request, "error.html", 403, principal=principal, message=ui(lang_of(request), "csrf")
        )
    divergence_id = request.path_params["divergence_id"]
    chain = web.chain()
    owner = chain.accounts.divergence_organisations([divergence_id]).get(divergence_id)
    if owner is None:
        return web.render(
            request, "error.html", 404, principal=principal, message=ui(lang_of(request), "notfound")
        )
    if not principal.may_acknowledge(owner):
        return _forbidden(web, request, principal)
    note = " ".join(form.get("note", "").split())[:NOTE_LIMIT]
    try:
        if undo:
            chain.unacknowledge(divergence_id, note=note, by=principal.actor)
        else:
            chain.acknowledge(divergence_id, note=note, by=principal.actor)
    except AccountError as exc:
        return web.render(request, "error.html", 409, principal=principal, message=str(exc))
    chain.accounts.log_action(
        principal.actor,
        principal.organisation,
        "unack" if undo else "ack",
        target=divergence_id,
        note=note,
        remote=_remote(request),
    )
    return RedirectResponse(_safe_next(form.get("next")), status_code=303)


@_page
def ack(web: WebApp, request: Request) -> Response:
    return _ack_common(web, request, undo=False)


@_page
def unack(web: WebApp, request: Request) -> Response:
    return _ack_common(web, request, undo=True)


# --- administration ------------------------------------------------------------------------


def _admin(web: WebApp, request: Request) -> Principal:
    principal = _who(web, request)
    if not principal.is_admin:
        raise _Stop(_forbidden(web, request, principal))
    return principal


@_page
def admin_users(web: WebApp, request: Request) -> Response:
    principal = _admin(web, request)
    accounts = web.chain().accounts
    return web.render(
        request, "admin_users.html", principal=principal, users=accounts.users(), tokens=accounts.tokens()
    )


@_page
def admin_disclosures(web: WebApp, request: Request) -> Response:
    principal = _admin(web, request)
    chain = web.chain()
    return web.render(
        request,
        "admin_disclosures.html",
        principal=principal,
        rows=list(reversed(chain.disclosures()))[:500],
        problems=chain.verify_disclosures(),
    )


@_page
def admin_history(web: WebApp, request: Request) -> Response:
    principal = _admin(web, request)
    return web.render(
        request, "admin_history.html", principal=principal, rows=web.chain().accounts.actions(limit=500)
    )


def _admin_change(web: WebApp, request: Request, action: str, change: Callable[[str], None]) -> Response:
    principal = _admin(web, request)
    if not check_csrf(principal, _form(request).get("csrf")):
        return web.render(
            request, "error.html", 403, principal=principal, message=ui(lang_of(request), "csrf")
        )
    name = request.path_params["name"]
    try:
        change(name)
    except AccountError as exc:
        return web.render(request, "error.html", 404, principal=principal, message=str(exc))
    web.chain().accounts.log_action(
        principal.actor, principal.organisation, action, target=name, remote=_remote(request)
    )
    return RedirectResponse("/admin/users", status_code=303)


@_page
def admin_disable_user(web: WebApp, request: Request) -> Response:
    return _admin_change(web, request, "disable_user", web.chain().accounts.disable_user)


@_page
def admin_revoke_token(web: WebApp, request: Request) -> Response:
    return _admin_change(web, request, "revoke_token", web.chain().accounts.revoke_token)
