"""CLI commands: ``dicm boundaries import``, ``dicm geography build|load`` and ``dicm locate``.

``dicm locate`` takes what a person types: a postcode ("RG1 1AA") or "latitude,longitude"
("51.454,-0.973", latitude FIRST, as on a map app; the rest of dicm is lon, lat). A pair that
only makes sense the other way round is refused with the swapped form to type. Start a
negative first number after ``--`` (``dicm locate -- -0.97,51.45``) so it is not read as an
option.
"""

from __future__ import annotations

import json
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from boundaries.levels import Level
from dicm.settings import Settings, load_settings
from geo.errors import GeoError

boundaries_app = typer.Typer(help="Import official ONS boundary files.", no_args_is_help=True)
geography_app = typer.Typer(help="The bundled offline UK geography.", no_args_is_help=True)
console = Console()


class Source(StrEnum):
    """Where ``dicm locate`` looks: the database, the bundled geography, or auto."""

    AUTO = "auto"
    STORE = "store"
    BUNDLED = "bundled"


def _fail(exc: Exception) -> typer.Exit:
    code = getattr(exc, "code", "error")
    console.print(f"[red]{code}[/red]: {exc}")
    return typer.Exit(code=2)


@boundaries_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="GeoJSON, Shapefile, GeoPackage or .zip of one")],
    level: Annotated[Level, typer.Option(help="Boundary level of the file")],
    assume_crs: Annotated[
        str | None, typer.Option(help="CRS to assume when the file declares none, e.g. 27700")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
) -> None:
    """Import FILE in one transaction and print what was read, repaired and rejected."""
    from services.geography import import_boundaries
    from store.factory import open_store

    store = open_store(load_settings().store)
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, disable=as_json) as bar:  # fmt: skip
            task = bar.add_task(f"reading {file.name}", total=None)
            outcome = import_boundaries(
                store, file, level, assume_crs=assume_crs,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip
    except GeoError as exc:
        raise _fail(exc) from exc
    finally:
        store.close()
    r = outcome.report
    summary = {
        "file": str(file), "level": r.level.value, "code_field": r.code_field,
        "name_field": r.name_field, "source_crs": r.source_crs, "features_read": r.features_read,
        "repaired": r.repaired, "kept": r.kept, "stored": outcome.stored,
        "rejected": [{"index": x.index, "code": x.code, "reason": x.reason} for x in r.rejected],
        "notes": [*r.notes, *outcome.notes],
    }  # fmt: skip
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    console.print(
        f"{r.features_read} features read from {file} ({r.code_field}, {r.source_crs}); "
        f"{r.repaired} repaired, {len(r.rejected)} rejected, {outcome.stored} stored"
    )
    for x in r.rejected:
        console.print(f"  rejected #{x.index} {x.code or '-'}: {x.reason}")
    for note in [*r.notes, *outcome.notes]:
        console.print(f"  note: {note}")


@geography_app.command("build")
def build(
    force: Annotated[bool, typer.Option(help="Rebuild even when a cached copy exists")] = False,
) -> None:
    """Build (or reuse) the cached offline geography: 45 territories, 12 regions, 380 LAs."""
    from boundaries.bundled import cache_key, load_bundled_geography

    settings = load_settings()
    cached = settings.cache_dir / f"uk-geography-{cache_key()}.pickle"
    if force and cached.exists():
        cached.unlink()
    started = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=console) as bar:  # fmt: skip
        task = bar.add_task("loading", total=5)
        geo = load_bundled_geography(
            settings.cache_dir, lambda msg: bar.update(task, description=msg, advance=1)
        )
        bar.update(task, completed=5)
    console.print(f"{len(geo.territories)} territories, {len(geo.regions)} regions, "
                  f"{len(geo.local_authorities)} local authorities in "
                  f"{time.perf_counter() - started:.1f} s (cache: {cached})")  # fmt: skip


@geography_app.command("load")
def load() -> None:
    """Put the bundled geography into the database (skipped when already there)."""
    from services.geography import ensure_geography
    from store.factory import open_store

    settings = load_settings()
    store = open_store(settings.store)
    try:
        with console.status("loading the bundled geography"):
            written = ensure_geography(store, settings.services)
    finally:
        store.close()
    console.print(f"{written} areas written" if written else "geography already loaded")


def locate_command(
    query: Annotated[
        str, typer.Argument(help='A postcode ("RG1 1AA") or "lat,lon" (51.454,-0.973)')
    ],
    source: Annotated[
        Source, typer.Option(help="store, bundled, or auto (store if loaded)")
    ] = Source.AUTO,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Print the local authority, territory, PCC area, region and H3 cell of a place."""
    from services.geography import bundled_geography, locate

    settings = load_settings()
    try:
        if source is Source.BUNDLED or (
            source is Source.AUTO and not _store_has_geography(settings)
        ):
            answer = locate(bundled_geography(settings.services), query)
        else:
            from store.factory import open_store

            store = open_store(settings.store)
            try:
                answer = locate(store, query)
            finally:
                store.close()
    except GeoError as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(json.dumps(answer.to_dict(), indent=2))
        return
    table = Table(
        show_header=False, title=f"{query} -> {answer.lat:.5f}, {answer.lon:.5f} (lat, lon)"
    )
    c = answer.chain
    table.add_row(
        "local authority", f"{answer.local_authority_name or '-'} ({c.local_authority_code or '-'})"
    )
    table.add_row("territory", f"{answer.force_name or '-'} ({c.territory_code or '-'})")
    table.add_row("PCC area", answer.pcc_name or "-")
    table.add_row("region", f"{answer.region_name or '-'} ({c.region_code or '-'})")
    table.add_row("H3 cell", answer.h3_cell)
    table.add_row("placement", answer.placement.value)
    for note in answer.notes:
        table.add_row("note", note)
    console.print(table)


def _sqlite_file_missing(settings: Settings) -> bool:
    """True when the database is a SQLite file that does not exist (or is in memory): opening
    it would create an empty database just to answer a question the bundled data answers."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        return False
    database = url.database or ""
    return database in ("", ":memory:") or not Path(database).exists()


def _store_has_geography(settings: Settings) -> bool:
    from domain.model import Territory
    from store.factory import open_store

    if _sqlite_file_missing(settings):
        return False
    store = open_store(settings.store)
    try:
        return store.count(Territory) > 0
    finally:
        store.close()


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.add_typer(boundaries_app, name="boundaries")
    app.add_typer(geography_app, name="geography")
    app.command("locate")(locate_command)
