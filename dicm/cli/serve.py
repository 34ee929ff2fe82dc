"""CLI commands: ``dicm serve`` (the HTTP API with uvicorn) and ``dicm accounts create``."""

from __future__ import annotations

from typing import Annotated

import typer

from dicm.settings import load_settings
from domain.vocabulary import Role

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
    from store.factory import open_store

    store = open_store(load_settings().store)
    try:
        _, token = create(
            store,
            id_=account_id,
            name=name or account_id,
            role=role,
            organisation_id=organisation,
            territory_code=territory,
        )
    finally:
        store.close()
    typer.echo(token)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.command("serve")(serve)
    app.add_typer(accounts_app, name="accounts")
