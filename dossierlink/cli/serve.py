"""``dossierlink serve``, ``users`` and ``tokens``: the live view and API, and who may use them."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from typing import Any

import click

from dossierlink.cli.output import BadInput, emit_json, json_option

__all__ = ["commands"]


def _chain(ctx: click.Context) -> Any:
    return ctx.obj["chain"](create=False)


def _fail(exc: Exception) -> click.ClickException:
    return BadInput(str(exc))


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@click.command("serve")
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1, or [serve] host).")
@click.option("--port", type=int, default=None, help="Port (default 8250, or [serve] port).")
@click.pass_context
def serve_cmd(ctx: click.Context, host: str | None, port: int | None) -> None:
    """The chain's live view and API per organisation, behind a login (stops cleanly on SIGTERM)."""
    try:
        import uvicorn

        from dossierlink.web.app import create_app
        from dossierlink.web.settings import ServeSettings
    except ImportError as exc:
        raise _fail(
            ValueError(
                f"serve needs the serve extra ({exc.name} is missing): pip install 'dossierlink[serve]'."
            )
        ) from None
    chain = _chain(ctx)
    config = chain.config
    try:
        settings = ServeSettings.from_mapping(chain.section("serve"), getattr(config, "base_dir", None))
    except ValueError as exc:
        raise _fail(exc) from None
    app = create_app(chain.path, config=config, settings=settings)
    bind_host = host or settings.host
    bind_port = port or settings.port
    click.echo(f"dossierlink serve: http://{bind_host}:{bind_port}/ over {chain.path}", err=True)
    server = _make_server(
        uvicorn.Config(
            app,
            host=bind_host,
            port=bind_port,
            log_level="warning",
            access_log=False,  # URLs hold case identifiers: no access log with them
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=10,
        )
    )
    server.run()
    click.echo("dossierlink serve: stopped.", err=True)


def _server_class() -> Any:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, but a SIGTERM or SIGINT ends in exit code 0 once requests are drained
        (uvicorn re-raises the signal after its graceful shutdown)."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return Server


def _make_server(config: Any) -> Any:
    return _server_class()(config)


@click.group("users")
def users_group() -> None:
    """Accounts for `dossierlink serve`: medewerker, ketenregisseur or beheerder of one organisation."""


@users_group.command("add")
@click.argument("name")
@click.option("--organisation", required=True, help="The organisation code (om, politie, rechtspraak, …).")
@click.option(
    "--role",
    type=click.Choice(["medewerker", "ketenregisseur", "beheerder"]),
    default="medewerker",
    show_default=True,
)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@json_option()
@click.pass_context
def users_add(
    ctx: click.Context, name: str, organisation: str, role: str, password_stdin: bool, as_json: bool
) -> None:
    """Add a user (the password is hashed with argon2id)."""
    try:
        user = _chain(ctx).accounts.add_user(
            name, organisation=organisation, role=role, password=_password(password_stdin)
        )
    except ValueError as exc:
        raise _fail(exc) from None
    if as_json:
        emit_json({"name": user.name, "organisation": user.organisation, "role": user.role, "added": True})
        return
    click.echo(f"User {user.name} added: {user.role} of {user.organisation}.")


@users_group.command("list")
@json_option()
@click.pass_context
def users_list(ctx: click.Context, as_json: bool) -> None:
    """Every user with organisation, role and whether disabled."""
    users = list(_chain(ctx).accounts.users())
    if as_json:
        emit_json(
            [
                {"name": u.name, "organisation": u.organisation, "role": u.role, "disabled": bool(u.disabled)}
                for u in users
            ]
        )
        return
    for u in users:
        click.echo(f"{u.name:<24} {u.organisation:<14} {u.role:<15} {'disabled' if u.disabled else 'active'}")


@users_group.command("disable")
@click.argument("name")
@json_option()
@click.pass_context
def users_disable(ctx: click.Context, name: str, as_json: bool) -> None:
    """Disable a user; their sessions end at once."""
    try:
        _chain(ctx).accounts.disable_user(name)
    except ValueError as exc:
        raise _fail(exc) from None
    if as_json:
        emit_json({"name": name, "disabled": True})
        return
    click.echo(f"User {name} disabled.")


@users_group.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@json_option()
@click.pass_context
def users_passwd(ctx: click.Context, name: str, password_stdin: bool, as_json: bool) -> None:
    """Set a user's password; their sessions end."""
    try:
        _chain(ctx).accounts.set_password(name, _password(password_stdin))
    except ValueError as exc:
        raise _fail(exc) from None
    if as_json:
        emit_json({"name": name, "password_changed": True})
        return
    click.echo(f"Password of {name} changed.")


@click.group("tokens")
def tokens_group() -> None:
    """API tokens for an organisation's own system (header `Authorization: Token …`)."""


@tokens_group.command("add")
@click.argument("name")
@click.option("--organisation", required=True, help="The organisation whose work list the token reads.")
@json_option()
@click.pass_context
def tokens_add(ctx: click.Context, name: str, organisation: str, as_json: bool) -> None:
    """Make a token; it is printed once (the last line) and stored only as a hash."""
    try:
        token = _chain(ctx).accounts.add_token(name, organisation=organisation)
    except ValueError as exc:
        raise _fail(exc) from None
    click.echo(f"Token {name} for {organisation}; keep it now, it is not shown again:", err=True)
    if as_json:
        emit_json({"name": name, "organisation": organisation, "token": token})
        return
    click.echo(token)


@tokens_group.command("list")
@json_option()
@click.pass_context
def tokens_list(ctx: click.Context, as_json: bool) -> None:
    """Every token: name, organisation, prefix, created, revoked, last used."""
    tokens = list(_chain(ctx).accounts.tokens())
    if as_json:
        emit_json(
            [
                {
                    "name": t.name,
                    "organisation": t.organisation,
                    "prefix": t.prefix,
                    "created_at": t.created_at,
                    "revoked_at": t.revoked_at,
                    "last_used": t.last_used,
                }
                for t in tokens
            ]
        )
        return
    for t in tokens:
        state = f"revoked {t.revoked_at}" if t.revoked_at else f"last used {t.last_used or 'never'}"
        click.echo(f"{t.name:<24} {t.organisation:<14} {t.prefix}…  created {t.created_at}  {state}")


@tokens_group.command("revoke")
@click.argument("name")
@json_option()
@click.pass_context
def tokens_revoke(ctx: click.Context, name: str, as_json: bool) -> None:
    """Revoke a token at once."""
    try:
        _chain(ctx).accounts.revoke_token(name)
    except ValueError as exc:
        raise _fail(exc) from None
    if as_json:
        emit_json({"name": name, "revoked": True})
        return
    click.echo(f"Token {name} revoked.")


commands = [serve_cmd, users_group, tokens_group]
