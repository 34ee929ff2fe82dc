"""CLI commands: ``dicm report social-value`` — the ESG / social value report the API serves
at ``GET /reports/social-value``, from formalised SPOs only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from dicm.settings import load_settings

report_app = typer.Typer(help="Reports buyers and PCC offices publish.", no_args_is_help=True)


@report_app.command("social-value")
def social_value(
    buyer: Annotated[str | None, typer.Option(help="Buyer id")] = None,
    territory: Annotated[str | None, typer.Option(help="Territory ONS code")] = None,
    period: Annotated[str | None, typer.Option(help="A year (2026) or quarter (2026-Q4)")] = None,
    priority: Annotated[str | None, typer.Option(help="Theme code of a priority")] = None,
    fmt: Annotated[str, typer.Option("--format", help="json, csv or geojson")] = "json",
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default stdout)")
    ] = None,
) -> None:
    """Committed vs delivered social value in units and £, with proxies and avoided costs."""
    from domain.errors import DomainError
    from domain.model import Account
    from domain.vocabulary import Role
    from services.spo.reports import render_report, social_value_report
    from store.factory import open_store

    store = open_store(load_settings().store)
    # The command line has the database itself: it acts as an administrator.
    cli = Account("dicm-cli", "dicm command line", Role.ADMIN)
    try:
        report = social_value_report(
            store, cli, buyer_id=buyer, territory_code=territory, period=period, priority=priority
        )
        body = render_report(report, fmt)
    except DomainError as exc:
        typer.echo(f"dicm report: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        store.close()
    text = body if isinstance(body, str) else json.dumps(body, indent=2, ensure_ascii=False)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {len(report.lines)} lines to {out}", err=True)
    for spo_id in report.figures.tampered:
        typer.echo(f"left out: SPO {spo_id} failed its tamper check", err=True)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.add_typer(report_app, name="report")
