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
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from boundaries.levels import Level
from dicm.settings import Settings, load_settings
from geo.errors import GeoError
from services.lookup_source import Source

if TYPE_CHECKING:
    from boundaries.lookup_index import LookupIndex
    from services.locate import Location
    from services.settings import ServiceSettings
    from store.port import Store

if TYPE_CHECKING:
    from services.geography import BoundaryImport

boundaries_app = typer.Typer(help="Import official ONS boundary files.", no_args_is_help=True)
geography_app = typer.Typer(help="The bundled offline UK geography.", no_args_is_help=True)
console = Console()


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
    strict: Annotated[
        bool, typer.Option(help="Import nothing when any feature is rejected")
    ] = False,
) -> None:
    """Import FILE in one transaction and print what was read, repaired and rejected.

    For pfa, lad, csp and lsoa the file replaces its level: stored areas of the nations it
    covers that it lacks move to history (``dicm boundaries history``)."""
    from services.geography import import_boundaries
    from store.factory import open_store

    store = open_store(load_settings().store)
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=console, disable=as_json) as bar:  # fmt: skip
            task = bar.add_task(f"reading {file.name}", total=None)
            outcome = import_boundaries(
                store, file, level, assume_crs=assume_crs, strict=strict,
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
        "unchanged": outcome.unchanged,
        "retired": list(outcome.retired), "placed_again": outcome.replaced,
        "rejected": [{"index": x.index, "code": x.code, "reason": x.reason} for x in r.rejected],
        "notes": [*r.notes, *outcome.notes],
    }  # fmt: skip
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    else:
        _print_boundary_summary(file, outcome)
    if r.rejected:  # a script must notice the features left out
        raise typer.Exit(1)


def _print_boundary_summary(file: Path, outcome: BoundaryImport) -> None:
    r = outcome.report
    console.print(
        f"{r.features_read} features read from {file} ({r.code_field}, {r.source_crs}); "
        f"{r.repaired} repaired, {len(r.rejected)} rejected, {outcome.stored} stored, "
        + (f"{outcome.unchanged} unchanged, " if outcome.unchanged else "")
        + f"{len(outcome.retired)} retired"
    )
    for x in r.rejected:
        console.print(f"  rejected #{x.index} {x.code or '-'}: {x.reason}")
    for note in [*r.notes, *outcome.notes]:
        console.print(f"  note: {note}")


@boundaries_app.command("history")
def history(
    level: Annotated[Level | None, typer.Option(help="Only this level")] = None,
    code: Annotated[str | None, typer.Option(help="Only this code")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """List the boundaries imports replaced, newest first, with the dates they were valid."""
    from services.geography import boundary_history
    from store.factory import open_store

    store = open_store(load_settings().store)
    try:
        rows = boundary_history(store, level, code)
    finally:
        store.close()
    listed = [
        {"level": r.level, "code": r.code, "name": r.name,
         "valid_from": r.valid_from.isoformat() if r.valid_from else None,
         "valid_to": r.valid_to.isoformat(), "replaced_by_import": r.replaced_by_import}
        for r in rows
    ]  # fmt: skip
    if as_json:
        typer.echo(json.dumps(listed, indent=2))
        return
    table = Table("level", "code", "name", "valid from", "valid to", "replaced by")
    columns = ("level", "code", "name", "valid_from", "valid_to", "replaced_by_import")
    for row in listed:
        table.add_row(*(str(row[k] or "-") for k in columns))
    console.print(table if listed else "no replaced boundaries")


@geography_app.command("build")
def build(
    force: Annotated[bool, typer.Option(help="Rebuild even when a cached copy exists")] = False,
) -> None:
    """Build (or reuse) the offline geography (45 territories, 12 regions, 350 LAs) and the
    postcode lookup index (make install)."""
    from boundaries.bundled import load_bundled_geography
    from boundaries.lookup_index import build_lookup_index, index_dir
    from boundaries.version import cache_key

    settings = load_settings()
    cached = settings.cache_dir / f"uk-geography-{cache_key()}.pickle"
    folder = index_dir(settings.cache_dir)
    if force and cached.exists():
        cached.unlink()
    started = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as bar:  # fmt: skip
        task = bar.add_task("geography", total=9)
        geo = load_bundled_geography(
            settings.cache_dir, lambda msg: bar.update(task, description=msg, advance=1)
        )
        bar.update(task, completed=5)
        if force or not (folder / "meta.json").exists():
            build_lookup_index(
                geo, settings.cache_dir,
                lambda msg, done, _total: bar.update(task, description=msg, completed=5 + done),
            )  # fmt: skip
        bar.update(task, description="done", completed=9)
    console.print(f"{len(geo.territories)} territories, {len(geo.regions)} regions, "
                  f"{len(geo.local_authorities)} local authorities in "
                  f"{time.perf_counter() - started:.1f} s (cache: {cached}; "
                  f"lookup index: {folder})")  # fmt: skip


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
        str | None,
        typer.Argument(help='A postcode ("RG1 1AA"), "lat,lon" (51.454,-0.973) or a UK place'),
    ] = None,
    source: Annotated[
        Source, typer.Option(help="store, bundled, or auto (store if loaded)")
    ] = Source.AUTO,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    file: Annotated[
        Path | None, typer.Option("--file", help="CSV file: locate one column of every row")
    ] = None,
    column: Annotated[str, typer.Option(help="The --file column to locate")] = "postcode",
    out: Annotated[Path | None, typer.Option(help="Where --file writes its rows")] = None,
) -> None:
    """Print the local authority, territory, PCC area, region and H3 cell of a place."""
    settings = load_settings()
    if (file is None) == (query is None):
        console.print("[red]usage[/red]: give a QUERY, or --file IN.csv --out OUT.csv")
        raise typer.Exit(code=2)
    store = _open_store_with_data(settings) if source is not Source.BUNDLED else None
    try:
        index = _index(settings.services)
        if file is not None:
            _locate_file(index, file, column, out, store, source)
            return
        from services.locate import locate_query

        assert query is not None
        answer = locate_query(index, query, store=store, source=source)
    except GeoError as exc:
        raise _fail(exc) from exc
    finally:
        if store is not None:
            store.close()
    if as_json:
        typer.echo(json.dumps(answer.to_dict(), indent=2))
        return
    _print_location(query, answer)


def _index(settings: ServiceSettings) -> LookupIndex:
    """The lookup index, built with a progress bar on a machine that never built it."""
    from boundaries.lookup_index import LookupIndex
    from services.locate import lookup_index

    opened = LookupIndex.open(settings.cache_dir)
    if opened is not None:
        return opened
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:  # fmt: skip
        task = bar.add_task("opening the lookup index", total=4)
        return lookup_index(
            settings, lambda msg, done, total: bar.update(task, description=msg, completed=done)
        )


def _locate_file(
    index: LookupIndex,
    file: Path,
    column: str,
    out: Path | None,
    store: Store | None,
    source: Source,
) -> None:
    from services.locate_batch import locate_file

    if out is None:
        console.print("[red]usage[/red]: --file needs --out OUT.csv")
        raise typer.Exit(code=2)
    started = time.perf_counter()
    summary = locate_file(index, file, column, out, store=store, source=source)
    took = time.perf_counter() - started
    refused = ", ".join(f"{n} {code}" for code, n in sorted(summary.refused.items()))
    refused = f", refused: {refused}" if refused else ""
    console.print(
        f"{summary.rows} rows, {summary.located} located{refused} in {took:.1f} s -> {out}"
    )


def _print_location(query: str | None, answer: Location) -> None:
    table = Table(
        show_header=False, title=f"{query} -> {answer.lat:.5f}, {answer.lon:.5f} (lat, lon)"
    )
    c = answer.chain
    if answer.place:
        table.add_row("place", answer.place)
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
    url = settings.database_url
    if not url.startswith("sqlite"):
        return False
    database = url.split(":///", 1)[1] if ":///" in url else ""
    database = database.split("?", 1)[0]
    return database in ("", ":memory:") or not Path(database).exists()


def _open_store_with_data(settings: Settings) -> Store | None:
    """The store, opened once, when it may hold boundaries; ``None`` when there is no database
    file (no import of SQLAlchemy then, and no empty database created)."""
    if _sqlite_file_missing(settings):
        return None
    from store.factory import open_store

    opened: Store = open_store(settings.store, migrate=False)  # a lookup only reads
    return opened


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.add_typer(boundaries_app, name="boundaries")
    app.add_typer(geography_app, name="geography")
    app.command("locate")(locate_command)
