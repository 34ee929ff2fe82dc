"""CLI command: ``dicm demo`` — the whole product on a realistic UK dataset in one command."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn

from dicm.settings import load_settings

if TYPE_CHECKING:
    from demo.driver import DemoSummary
    from store.port import Store

console = Console()


def demo(
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same dataset")] = 42,
    scale: Annotated[
        float, typer.Option(min=0.05, max=20.0, help="Multiply how many of everything")
    ] = 1.0,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the API after")] = True,
    host: Annotated[str | None, typer.Option(help="Bind address (default: settings)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: settings)")] = None,
) -> None:
    """Build (or reuse) the demo database, print where to look and the demo logins, serve."""
    from demo.driver import build_demo
    from domain.errors import DomainError
    from store.factory import open_store

    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    console.print(f"dicm demo: database [bold]{settings.database_url}[/bold]")
    store = open_store(settings.store)
    try:
        with _Bars() as bars:
            summary = build_demo(
                store, settings.services, seed=seed, scale=scale, progress=bars.update
            )
    except DomainError as exc:
        store.close()
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    try:
        base = f"http://{host or settings.api.host}:{port or settings.api.port}"
        _print_summary(summary, base, store)
    finally:
        store.close()
    if serve:
        import uvicorn

        from api.app import create_app

        uvicorn.run(
            create_app(settings),
            host=host or settings.api.host,
            port=port or settings.api.port,
            server_header=False,
            http="h11",
            h11_max_incomplete_event_size=1_048_576,
        )


class _Bars:
    """One rich progress bar per build step."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("{task.description:<14}"),
            BarColumn(),
            TaskProgressColumn(),
            console=console,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self) -> _Bars:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def update(self, step: str, done: int, total: int) -> None:
        if step not in self.tasks:
            self.tasks[step] = self.progress.add_task(step, total=total or None)
        self.progress.update(self.tasks[step], completed=done, total=total or None)


def _print_summary(summary: DemoSummary, base: str, store: Store) -> None:
    from demo.driver import demo_urls

    verb = "reused the existing demo" if summary.reused else "built the demo"
    console.print(f"[green]{verb}[/green] (seed {summary.seed}, scale {summary.scale})")
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in summary.counts.items())
    console.print(counts)
    console.print("SPOs by state: " + ", ".join(f"{k} {v}" for k, v in summary.spo_states.items()))
    console.print("\n[bold]Open these pages[/bold] (sign in as the demo account named)")
    for who, url in demo_urls(base, summary, store):
        console.print(f"  {who}:\n    {url}", soft_wrap=True)
    if summary.accounts:
        console.print(
            f"\n[bold]Demo accounts[/bold]: sign in at {base}/app/sign-in with the account id "
            "and password; machines send the token as 'Authorization: Bearer TOKEN'",
            soft_wrap=True,
        )
        for account in summary.accounts:
            acts_for = account.organisation_id or account.territory_code or "all"
            console.print(
                f"  {account.id} ({account.role}, {acts_for}):\n"
                f"    password {account.password or '(set one: dicm accounts set-password)'}\n"
                f"    token    {account.token}",
                soft_wrap=True,
            )


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.command("demo")(demo)
