"""CLI commands: ``dicm serve`` (the HTTP API with uvicorn) and ``dicm accounts create|list|
deactivate|rotate``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from dicm.settings import load_settings
from domain.errors import Conflict, NotFound
from domain.model import Account
from domain.vocabulary import Role
from store.port import Store

#: what the HTTP parser buffers before giving up (the app's own limits are lower)
SERVER_EVENT_LIMIT_BYTES = 1_048_576

accounts_app = typer.Typer(help="Manage API accounts (tokens are shown once, stored hashed).")


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default: settings)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: settings)")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (one per core)")] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request")] = True,
) -> None:
    """Serve the dicm HTTP API (REST, GeoJSON, OGC API Features, map pages)."""
    import uvicorn

    settings = load_settings()
    uvicorn.run(
        "dicm.asgi:create_app_from_environment",
        factory=True,
        host=host or settings.api.host,
        port=port or settings.api.port,
        workers=workers,
        log_level="info",
        access_log=access_log,
        server_header=False,
        # h11 with a 1 MB event limit lets an over-long request line or header block reach the
        # app, which answers problem+json 414/431 (httptools cuts at 64 KB with a plain 400)
        http="h11",
        h11_max_incomplete_event_size=SERVER_EVENT_LIMIT_BYTES,
    )


@accounts_app.command("create")
def create_account(
    account_id: Annotated[str, typer.Argument(help="Account id, e.g. tvp-buyer-1")],
    role: Annotated[Role, typer.Option(help="supplier, provider, validator, buyer, ...")],
    name: Annotated[str, typer.Option(help="Display name")] = "",
    organisation: Annotated[
        str | None, typer.Option(help="Supplier / provider / buyer id the account acts for")
    ] = None,
    territory: Annotated[
        str | None, typer.Option(help="Territory code (validator, PCC office)")
    ] = None,
) -> None:
    """Create an account and print its bearer token (the only time it is shown)."""
    from services.accounts import create_account as create

    with _store() as store:
        try:
            store.get(Account, account_id)
        except NotFound:
            pass
        else:
            raise Conflict(f"account {account_id!r} already exists")
        _, token = create(
            store,
            id_=account_id,
            name=name or account_id,
            role=role,
            organisation_id=organisation,
            territory_code=territory,
        )
    typer.echo(token)


@accounts_app.command("list")
def list_accounts() -> None:
    """List accounts: id, role, organisation, territory, active (never tokens or hashes)."""
    from services.accounts import list_accounts as every

    with _store() as store:
        for a in every(store):
            state = "active" if a.active else "inactive"
            org, territory = a.organisation_id or "-", a.territory_code or "-"
            typer.echo(f"{a.id}\t{a.role.value}\t{org}\t{territory}\t{state}")


@accounts_app.command("deactivate")
def deactivate_account(
    account_id: Annotated[str, typer.Argument(help="Account id")],
) -> None:
    """Deactivate an account: its token stops working at once, in every server process."""
    from services.accounts import deactivate_account as deactivate

    with _store() as store:
        deactivate(store, account_id)
    typer.echo(f"account {account_id} deactivated")


@accounts_app.command("rotate")
def rotate_token(
    account_id: Annotated[str, typer.Argument(help="Account id")],
) -> None:
    """Give an account a new token (printed once); the old token stops working at once."""
    from services.accounts import rotate_token as rotate

    with _store() as store:
        _, token = rotate(store, account_id)
    typer.echo(token)


@accounts_app.command("set-password")
def set_password(
    account_id: Annotated[str, typer.Argument(help="Account id")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="DICM_NEW_PASSWORD",
            help="The new web password (asked for when not given; at least 8 characters)",
        ),
    ],
) -> None:
    """Give an account a password to sign in to the web pages (stored as its argon2 hash)."""
    from services.accounts import set_password as set_

    with _store() as store:
        set_(store, account_id, password)
    typer.echo(f"password of {account_id} set")


@contextmanager
def _store() -> Iterator[Store]:
    from store.factory import open_store

    store = open_store(load_settings().store)
    try:
        yield store
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.command("serve")(serve)
    app.add_typer(accounts_app, name="accounts")
