"""CLI commands: ``dicm plans import FILE --territory CODE`` — publish a new version of a
Police & Crime Plan, the body ``POST /territories/{code}/plans`` takes, from a JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from dicm.settings import load_settings

plans_app = typer.Typer(help="Police & Crime Plans.", no_args_is_help=True)


@plans_app.command("import")
def import_plan(
    path: Annotated[
        Path,
        typer.Argument(
            help="JSON file: title, valid_from, valid_until, "
            "source, priorities [{id, name, weight}]",
            exists=True,
        ),
    ],
    territory: Annotated[str, typer.Option(help="Territory ONS code, e.g. E23000029")],
) -> None:
    """Publish the file's plan as the territory's next version (earlier versions stay)."""
    from pydantic import ValidationError

    from api.schemas.plans import PlanIn
    from domain.errors import DomainError
    from domain.model import Account
    from domain.vocabulary import Role
    from services.plans import publish_plan
    from store.factory import open_store

    try:
        body = PlanIn.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValidationError, json.JSONDecodeError) as exc:
        typer.echo(f"dicm plans import: {path} is not a plan: {exc}", err=True)
        raise typer.Exit(2) from None
    store = open_store(load_settings().store)
    # The command line has the database itself: it acts as an administrator.
    cli = Account("dicm-cli", "dicm command line", Role.ADMIN)
    try:
        plan = publish_plan(store, cli, territory, body.to_draft())
    except DomainError as exc:
        typer.echo(f"dicm plans import: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        store.close()
    until = plan.valid_until.isoformat() if plan.valid_until else "open-ended"
    typer.echo(
        f"published version {plan.version} of {territory}'s plan ({plan.valid_from.isoformat()}"
        f" to {until}, {len(plan.priorities)} priorities)"
    )


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.add_typer(plans_app, name="plans")
