"""CLI commands: ``dicm map KIND ... --out FILE.html`` writes a map page that opens from disk.

The file carries Leaflet and its plugins inline (installed by ``make assets``), so it needs no
server and no network.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from dicm.settings import load_settings


class MapKind(StrEnum):
    SUPPLIER = "supplier"
    COVERAGE = "coverage"
    HEATMAP = "heatmap"
    SPO = "spo"


#: what the positional id names for each kind
ID_HELP = "supplier id | territory code (coverage, heatmap) | SPO id"


def map_command(
    kind: Annotated[MapKind, typer.Argument(help="supplier, coverage, heatmap or spo")],
    target: Annotated[str, typer.Argument(help=ID_HELP)],
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write")],
    priority: Annotated[
        str | None, typer.Option(help="Theme code of a priority (coverage, heatmap)")
    ] = None,
    period: Annotated[str | None, typer.Option(help='Period prefix, e.g. "2027" (heatmap)')] = None,
    reach_km: Annotated[float, typer.Option(help="Reach around each site (supplier)")] = 25.0,
    need: Annotated[
        str | None, typer.Option(help="Imported need indicator to shade by (coverage)")
    ] = None,
) -> None:
    """Write a map as one self-contained HTML file."""
    from domain.errors import DomainError
    from domain.model import Account
    from domain.vocabulary import Role
    from maps.assets import MapAssetsMissing
    from services import maps as service
    from services.recommender_cache import RecommenderCache
    from store.factory import open_store

    settings = load_settings()
    store = open_store(settings.store)
    # The command line has the database itself: it acts as an administrator.
    cli = Account("dicm-cli", "dicm command line", Role.ADMIN)
    try:
        if kind is MapKind.SUPPLIER:
            page = service.supplier_page(
                store,
                settings.services,
                target,
                reach_m=reach_km * 1000,
                cache=RecommenderCache(),  # this command's own: one page, one fit
                viewer=cli,
                inline=True,
            )
        elif kind is MapKind.COVERAGE:
            page = service.coverage_page(
                store,
                settings.services,
                target,
                priority=priority,
                need=need,
                period=period,
                viewer=cli,
                inline=True,
            )
        elif kind is MapKind.HEATMAP:
            page = service.heatmap_page(
                store,
                settings.services,
                target,
                priority=priority,
                period=period,
                viewer=cli,
                inline=True,
            )
        else:
            page = service.spo_page(store, settings.services, target, viewer=cli, inline=True)
    except (DomainError, MapAssetsMissing) as exc:
        typer.echo(f"dicm map: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        store.close()
    out.write_text(page, encoding="utf-8")
    typer.echo(f"wrote {out} ({out.stat().st_size / 1024:,.0f} KiB)")


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.command("map")(map_command)
