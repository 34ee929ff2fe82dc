"""The ``dicm`` command line: one Typer app, each command group in its own module."""

from __future__ import annotations

import typer

from dicm.cli import (
    data,
    db,
    demo,
    evaluation,
    geography,
    maps,
    plans,
    recommend,
    reports,
    serve,
)

app = typer.Typer(
    name="dicm",
    help="dicm: HOW and WHERE contract social value reaches local dual-impact activities.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _every_command() -> None:
    """Before any command: the collector tuned for a process that reads many rows."""
    from api import heap

    heap.collect_rarely()


@app.command()
def version() -> None:
    """Print the dicm version."""
    from dicm import __version__

    typer.echo(__version__)


for module in (db, geography, evaluation, serve, maps, data, reports, plans, demo, recommend):
    module.register(app)


def main() -> None:
    """Console-script entry point: a user mistake anywhere is one clean line and exit 2, never
    a traceback (domain and geo errors are ``ValueError``/``LookupError`` subclasses; files
    that are missing or unreadable are ``OSError``). Anything else is a bug and shows it."""
    from domain.errors import DomainError

    try:
        app(standalone_mode=True)
    except (DomainError, ValueError, LookupError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
