"""CLI commands: ``dicm import ...`` (real data in) and ``dicm export ...`` (real data out)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from rich.table import Table

from dicm.settings import load_settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from datasets.mapping import ColumnMapping
    from services.imports import ImportReport

import_app = typer.Typer(
    help="Import your own providers, activities, suppliers, buyers, tenders and indicators.",
    no_args_is_help=True,
)
console = Console()

FileArg = Annotated[Path, typer.Argument(help="CSV, GeoJSON or GeoPackage file", exists=True)]
MapOpt = Annotated[
    list[str] | None,
    typer.Option("--map", help="FIELD=COLUMN, repeatable, e.g. --map name='Activity Name'"),
]
MappingFileOpt = Annotated[
    Path | None, typer.Option("--mapping", help="YAML/JSON file of field: column pairs")
]
SkipOpt = Annotated[
    bool, typer.Option("--skip-invalid", help="Import the good rows even if some are rejected")
]
LayerOpt = Annotated[str | None, typer.Option("--layer", help="GeoPackage layer to read")]
AssumeCrsOpt = Annotated[
    int | None,
    typer.Option(
        "--assume-crs",
        help="Read coordinates as this EPSG code when the file declares none, e.g. 27700 "
        "(British National Grid eastings/northings in lon/lat cells or a GeoJSON without crs)",
    ),
]


def _mapping(options: list[str] | None, mapping_file: Path | None) -> ColumnMapping:
    from datasets.mapping import ColumnMapping, load_mapping_file, merge, parse_map_options

    from_file = load_mapping_file(mapping_file) if mapping_file else ColumnMapping({})
    return merge(from_file, parse_map_options(options or []))


def _run_import(
    kind: str,
    path: Path,
    options: list[str] | None,
    mapping_file: Path | None,
    skip_invalid: bool,
    layer: str | None,
    assume_crs: int | None = None,
) -> None:
    from boundaries.lookup_index import LookupIndex
    from domain.errors import DomainError
    from services.imports import import_entities
    from store.factory import open_store

    settings = load_settings()
    store = open_store(settings.store)
    try:
        mapping = _mapping(options, mapping_file)
        with _progress() as bar:
            task = bar.add_task(f"importing {kind}", total=None)
            report = import_entities(
                store,
                kind,
                path,
                mapping=mapping,
                skip_invalid=skip_invalid,
                layer=layer,
                assume_crs=assume_crs,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                lookup=LookupIndex.open(settings.cache_dir),  # place names, when built
            )
    except DomainError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    finally:
        store.close()
    _print_report(report)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        console=console,
        transient=False,
    )


def _print_report(report: ImportReport) -> None:
    if report.rejected:
        table = Table(title=f"{len(report.rejected)} rejected rows", show_lines=False)
        for column in ("row", "reason", "detail"):
            table.add_column(column)
        for rejection in report.rejected:
            table.add_row(str(rejection.row), rejection.code, rejection.message)
        console.print(table)
    colour = "green" if report.committed and not report.rejected else "red"
    console.print(f"[{colour}]{report.message}[/{colour}]")
    if report.rejected:  # also with --skip-invalid: a script must notice the rows left out
        raise typer.Exit(1)


_LOCATION_HELP = (
    "Location: a point or polygon geometry, lon + lat, or a GB postcode. Needs/offers: "
    "'volunteering:200 hours (coaches); cash:5000 GBP; skills:40 hours @digital'."
)
_KIND_HELP = {
    "buyers": "Kind: police, council, nhs, fire_rescue, criminal_justice, university.",
    "tenders": "One row per tender or per lot (rows sharing id). An area is the row's polygon "
    "(GeoJSON, GeoPackage), a wkt cell, or area_code (a stored council or territory); a row "
    "with lot_id/lot_name is a lot, one without is the delivery area. Import buyers first.",
}


def _kind_command(kind: str) -> None:
    def command(
        path: FileArg,
        map_: MapOpt = None,
        mapping: MappingFileOpt = None,
        skip_invalid: SkipOpt = False,
        layer: LayerOpt = None,
        assume_crs: AssumeCrsOpt = None,
    ) -> None:
        _run_import(kind, path, map_, mapping, skip_invalid, layer, assume_crs)

    from datasets.mapping import FIELDS

    command.__doc__ = (
        f"Import {kind} from FILE in one transaction; every rejected row is listed with its "
        "reason. Columns are dicm field names unless mapped with --map or --mapping.\n\n"
        f"Fields: {', '.join(FIELDS[kind])}.\n\n" + _KIND_HELP.get(kind, _LOCATION_HELP)
    )
    import_app.command(kind)(command)


for _kind in ("providers", "activities", "suppliers", "buyers", "tenders"):
    _kind_command(_kind)


@import_app.command("indicator")
def import_indicator(
    path: FileArg,
    name: Annotated[str, typer.Option(help="Indicator name, e.g. imd2019")],
    code_column: Annotated[str, typer.Option(help="Column of ONS codes, e.g. LAD19CD")],
    value_column: Annotated[
        str | None, typer.Option(help="Column of values, e.g. Score (not with --aggregate count)")
    ] = None,
    level: Annotated[
        str, typer.Option(help="What the codes are: lsoa, msoa, lad or pfa (police force area)")
    ] = "lad",
    aggregate: Annotated[
        str | None,
        typer.Option(
            help="How areas make a local authority's and a territory's value: count (rows), "
            "sum or mean; required for lsoa/msoa, mean by default for lad/pfa"
        ),
    ] = None,
    population_column: Annotated[
        str | None,
        typer.Option(help="Column of populations: --aggregate mean is weighted by it"),
    ] = None,
    weight_column: Annotated[
        str | None,
        typer.Option(
            help="Older name of --population-column (weights for authorities merged since "
            "the file's vintage; without it their values are averaged plainly)"
        ),
    ] = None,
    skip_invalid: SkipOpt = False,
) -> None:
    """Import a need indicator keyed by ONS code (never by name) at any level, carried to
    local authorities and territories through the packaged ONS lookup."""
    from services.imports import import_indicator as run

    settings = load_settings().services
    _run_indicator(
        lambda: run(
            settings,
            path,
            name=name,
            code_column=code_column,
            value_column=value_column,
            level=level,
            aggregate=aggregate,
            population_column=population_column,
            weight_column=weight_column,
            skip_invalid=skip_invalid,
        )
    )


@import_app.command("crime")
def import_crime(
    path: FileArg,
    crime_type: Annotated[
        str | None,
        typer.Option(help='Count only this police.uk crime type, e.g. "Anti-social behaviour"'),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(help="Indicator name (default crime, or crime-<type>)"),
    ] = None,
    skip_invalid: SkipOpt = False,
) -> None:
    """Import a police.uk street-crime CSV as incident counts by LSOA, local authority and
    territory (an indicator)."""
    from services.imports import import_crime as run

    settings = load_settings().services
    _run_indicator(
        lambda: run(settings, path, name=name, crime_type=crime_type, skip_invalid=skip_invalid)
    )


def _run_indicator(run: Callable[[], ImportReport]) -> None:
    from domain.errors import DomainError

    try:
        with console.status("reading the file (the first run also derives the area lookup)"):
            report = run()
    except DomainError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    for key, value in report.extra.items():
        console.print(f"{key}: {value}")
    _print_report(report)


def export(
    layer: Annotated[
        str,
        typer.Argument(
            help="territories, local-authorities, regions, small-areas, "
            "activities, providers, suppliers, tenders, spos"
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", help="geojson, gpkg or csv")] = "geojson",
    out: Annotated[Path | None, typer.Option("--out", help="Output file")] = None,
    simplify: Annotated[
        float, typer.Option("--simplify", help="Simplify geometry by this many metres (valid)")
    ] = 0.0,
    state: Annotated[
        list[str] | None,
        typer.Option("--state", help="spos only: awarded, in_delivery or reviewed (repeatable)"),
    ] = None,
) -> None:
    """Export a layer with ONS codes on every row; ``spos`` are formalised SPO lines in units
    and in £ (tampered SPOs flagged, never counted)."""
    from domain.errors import DomainError
    from services.exports import export_layer
    from store.factory import open_store

    target = out or Path(f"{layer}.{fmt}")
    store = open_store(load_settings().store)
    try:
        with console.status(f"exporting {layer}"):
            rows = export_layer(
                store, layer, fmt=fmt, out=target, simplify_m=simplify, states=state
            )
    except DomainError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    finally:
        store.close()
    console.print(f"[green]wrote {rows} {layer} rows to {target}[/green]")


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    from dicm.cli.plans import import_plan

    # ``dicm import plans FILE --territory CODE`` beside the other imports: the same command
    # as ``dicm plans import`` (one use case, services.plans.publish_plan)
    import_app.command("plans")(import_plan)
    app.add_typer(import_app, name="import")
    app.command("export")(export)
