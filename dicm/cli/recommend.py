"""CLI command: ``dicm recommend --all --out FILE`` — every supplier's top k, explained, as
CSV or JSONL (by the file's suffix) for nightly supplier digests, with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dicm.settings import load_settings

console = Console(stderr=True)


def recommend(
    every: Annotated[bool, typer.Option("--all", help="Every supplier that has a site")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="File to write: .csv or .jsonl")] = None,
    k: Annotated[int, typer.Option(help="Activities per supplier")] = 10,
    radius_m: Annotated[float, typer.Option("--radius-m", help="Reach of a site, metres")] = (
        25_000.0
    ),
) -> None:
    """Write one row per supplier x recommended activity: rank, score and explanation."""
    from domain.errors import DomainError
    from services.need_indicators import need_indicator
    from services.recommend_batch import digest_format, write_digest
    from services.recommender_cache import RecommenderCache
    from services.recommender_state import state_root
    from store.factory import open_store

    if not every or out is None:
        typer.echo("dicm recommend: give --all and --out FILE (.csv or .jsonl)", err=True)
        raise typer.Exit(2)
    settings = load_settings()
    try:
        digest_format(out)  # a wrong suffix is told before the store is opened
    except DomainError as exc:
        typer.echo(f"dicm recommend: {exc}", err=True)
        raise typer.Exit(2) from None
    store = open_store(settings.store)
    # the nightly digest maps the fitted state the API workers saved (or saves one for them)
    cache = RecommenderCache(state_dir=state_root(settings.store, settings.services.data_dir))
    try:
        with _progress() as bar:
            task = bar.add_task("recommending", total=None)
            report = write_digest(
                store,
                out,
                k=k,
                radius_m=radius_m,
                need_by_area=need_indicator(settings.services, cache=cache),
                cache=cache,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except DomainError as exc:
        typer.echo(f"dicm recommend: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        store.close()
    typer.echo(
        f"wrote {report.rows} rows for {report.suppliers} suppliers to {report.path}"
        + (
            f" ({report.skipped_no_sites} without a site left out)"
            if report.skipped_no_sites
            else ""
        ),
        err=True,
    )


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def register(app: typer.Typer) -> None:
    """Attach this module's command to the root app."""
    app.command("recommend")(recommend)
