"""The ``ember`` command: ``ember new``, ``ember gen live``, ``ember demo``, ``ember server``,
``ember storybook``, ``ember worker``, ``ember routes``, ``ember db …``.

The CLI sits above the library packages: it may import ``ember.live``, ``ember.data``,
``ember.storybook`` and ``ember.jobs`` (each only inside the command that needs it, so
``ember --help`` stays quick), and none of them imports it. The demo is the one exception:
it is an example, not the library, so it is reached by name only (``ember.demo._cli``).
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
import uvicorn
from fastapi import FastAPI

from ember.live import uvicorn_log_config

cli = typer.Typer(
    name="ember",
    help="ember: LiveView for Python. Run the demo, serve an app, manage migrations.",
    no_args_is_help=True,
    add_completion=False,
)

gen = typer.Typer(help="Generate code into an ember project.", no_args_is_help=True)
cli.add_typer(gen, name="gen")

ForceOption = Annotated[
    bool, typer.Option("--force", help="Overwrite files that exist (nothing is, without it).")
]
HostOption = Annotated[str, typer.Option(help="The interface to listen on.")]
PortOption = Annotated[int, typer.Option(help="The port to listen on.", min=1, max=65535)]


DEMO_HELP = (
    'Run the demo app ("ember chirp"): a timeline, members and the storybook.\n\n'
    "Data: a SQLite file, .ember/demo.db in a clone or the user's data folder otherwise "
    "(EMBER_DEMO_DATA picks the folder), or the database at EMBER_DATABASE_URL.\n\n"
    "PubSub: in-process, or the one at EMBER_PUBSUB_URL (Redis or PostgreSQL).\n\n"
    "Both are printed at start-up, and the URL once the server listens."
)


@cli.command(help=DEMO_HELP)
def demo(host: HostOption = "127.0.0.1", port: PortOption = 8000) -> None:
    try:  # the demo ships as ember.demo; the library names it only here (see DESIGN.md)
        demo_command = importlib.import_module("ember.demo._cli").demo_command
    except (ImportError, AttributeError) as error:
        typer.echo(f"ember demo is not available in this ember ({error}).", err=True)
        raise typer.Exit(2) from error
    demo_command(host, port)


@cli.command()
def new(
    name: Annotated[str, typer.Argument(help="The project's name: a Python package name.")],
    path: Annotated[
        Path, typer.Option(help="The folder to create the project in.", file_okay=False)
    ] = Path(),
    force: ForceOption = False,
) -> None:
    """Create a project: an app, a context, live pages, stories, tests, migrations."""
    from ._generators import GeneratorError, generate_project

    try:
        written = generate_project(name, path, force=force)
    except GeneratorError as error:
        _refuse(error)
    root = path / name
    _report(written, root)
    typer.echo(
        f"\nember: created {name} in {root}. Next:\n"
        f"  cd {root}\n"
        f"  pip install -e '.[dev]'               # the project, pytest and pytest-asyncio\n"
        f"  pytest                                # its tests pass as they are\n"
        f"  ember server {name}.app:app --reload"
    )


@gen.command("live")
def gen_live(
    context: Annotated[str, typer.Argument(help="The context, in CamelCase (e.g. Blog).")],
    schema: Annotated[str, typer.Argument(help="The schema, in CamelCase (e.g. Post).")],
    table: Annotated[str, typer.Argument(help="The table, in snake_case (e.g. posts).")],
    fields: Annotated[
        list[str],
        typer.Argument(
            help="Fields as name:type[:unique]; types: string, text, integer, float, "
            "boolean, date, datetime."
        ),
    ],
    path: Annotated[
        Path, typer.Option(help="The project's folder (with pyproject.toml).", file_okay=False)
    ] = Path(),
    app: Annotated[
        str | None, typer.Option(help="The app package [default: [tool.ember] app].")
    ] = None,
    force: ForceOption = False,
    scope: Annotated[
        bool,
        typer.Option(help="With accounts (ember gen auth): each row belongs to a user."),
    ] = True,
) -> None:
    """Generate a resource: context, model, changeset, migration, pages, stories, tests."""
    from ._generator_auth import generate_scoped_live, has_accounts
    from ._generators import GeneratorError, Resource, generate_live, parse_fields, project_app

    try:
        package = app or project_app(path)
        resource = Resource.build(package, context, schema, table, parse_fields(fields))
        existing = {p for p in _live_targets(path, package) if p.exists()}
        if scope and has_accounts(path, package):  # scoped to the current user (gen auth)
            written = generate_scoped_live(path, resource, force=force)
        else:
            written = generate_live(path, resource, force=force)
    except GeneratorError as error:
        _refuse(error)
    _report(written, path, existing)
    typer.echo(
        f"\nember: {schema} pages mounted at {resource.values['prefix']} "
        f"(see {package}/app.py). Next:\n"
        f"  pytest tests/test_{table}_context.py tests/test_{table}_live.py"
    )


@gen.command("auth")
def gen_auth(
    path: Annotated[
        Path, typer.Option(help="The project's folder (with pyproject.toml).", file_okay=False)
    ] = Path(),
    force: ForceOption = False,
) -> None:
    """Generate accounts: register, log in/out, confirm, reset, settings, a mailer, tests."""
    from ._generator_auth import run_gen_auth  # its own module: see _generator_auth.py

    run_gen_auth(path, force=force, refuse=_refuse, report=_report)


def _refuse(error: Exception) -> NoReturn:
    typer.secho(f"ember: {error}", err=True, fg=typer.colors.RED)
    raise typer.Exit(2)


def _live_targets(root: Path, package: str) -> list[Path]:
    """Files ``gen live`` edits rather than creates (and any it overwrites with --force)."""
    return [root / package / "app.py"]


def _report(
    written: list[Path], root: Path, existing: set[Path] | frozenset[Path] = frozenset()
) -> None:
    for path in written:
        try:
            shown = path.relative_to(root)
        except ValueError:
            shown = path
        verb = "updated" if path in existing else "created"
        typer.echo(f"  {verb} {shown}")


@cli.command()
def storybook(
    package: Annotated[str, typer.Argument(help="The package with *_stories modules.")],
    host: HostOption = "127.0.0.1",
    port: PortOption = 6006,
) -> None:
    """Browse a package's stories in ember's storybook."""
    from ember.storybook._cli import storybook_command

    storybook_command(package, host, port)


@cli.command()
def worker(
    jobs: Annotated[str, typer.Argument(help="The app's Jobs, as module:attribute.")],
    queue: Annotated[
        list[str] | None,
        typer.Option(help="A queue to run, as NAME or NAME=CONCURRENCY (repeat it)."),
    ] = None,
    drain: Annotated[
        float, typer.Option(help="Seconds running jobs get to finish after SIGTERM.", min=0)
    ] = 30.0,
) -> None:
    """Run an app's background jobs (ember.jobs) in this process until SIGTERM."""
    from ember.jobs import JobsError
    from ember.jobs._cli import worker_command

    try:
        worker_command(jobs, queue or [], drain)
    except JobsError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from error


@cli.command()
def server(
    app: Annotated[str, typer.Argument(help="The app to serve, as module:attribute.")],
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    reload: Annotated[bool, typer.Option(help="Restart when code changes.")] = False,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes [default: 1; with --production, one per CPU].", min=1),
    ] = None,
    production: Annotated[
        bool,
        typer.Option(
            "--production",
            help="No reload, one worker per CPU, and refuse ember's development secret key.",
        ),
    ] = False,
    drain: Annotated[
        float,
        typer.Option(help="Seconds to let sessions finish on SIGTERM (clients get 1012)."),
    ] = 10.0,
) -> None:
    """Serve an app (a FastAPI app with ember mounts): --reload in development,
    --production (several workers) when it is live."""
    if production:
        if reload:
            _refuse(ValueError("--reload and --production exclude each other; choose one."))
        from ember.live import LiveSettings
        from ember.live._settings import DEVELOPMENT_SECRET_KEY

        if LiveSettings().secret_key == DEVELOPMENT_SECRET_KEY:
            _refuse(
                ValueError(
                    "--production needs a secret key of your own, but EMBER_SECRET_KEY is not "
                    "set. Set it to a long random value shared by every worker."
                )
            )
        workers = workers or os.cpu_count() or 1
    _load(app)  # fail here, with a clear message, rather than inside uvicorn
    _serve(app, host, port, app_dir=Path.cwd(), reload=reload, workers=workers or 1, drain=drain)


@cli.command()
def routes(app: Annotated[str, typer.Argument(help="The app, as module:attribute.")]) -> None:
    """List every route as requests reach it: the app's own, included routers with their
    prefixes, mounted sub-apps, websockets, and ember's views."""
    from ._routes import list_routes

    lines = list(list_routes(_load(app).routes))
    width = max((len(line.path) for line in lines), default=0)
    for line in lines:
        typer.echo(f"{line.methods:<12} {line.path:<{width}}  {line.name}".rstrip())


def _load(target: str) -> FastAPI:
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        typer.echo(f"Expected an app as module:attribute (e.g. myapp.main:app), got {target!r}.")
        raise typer.Exit(2)
    sys.path.insert(0, str(Path.cwd()))
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        typer.echo(f"Cannot import {module_name!r}: {error}.", err=True)
        raise typer.Exit(2) from error
    if not hasattr(module, attribute):
        typer.echo(f"Module {module_name!r} has no attribute {attribute!r}.", err=True)
        raise typer.Exit(2)
    return getattr(module, attribute)  # type: ignore[no-any-return]


def _serve(
    app: str,
    host: str,
    port: int,
    *,
    app_dir: Path,
    reload: bool = False,
    workers: int = 1,
    drain: float = 10.0,
) -> None:
    from ember.live import load_settings
    from ember.live.serving import uvicorn_options

    typer.echo(f"ember: serving {app} at http://{host}:{port}/")
    uvicorn.run(
        app,
        host=host,
        port=port,
        app_dir=str(app_dir),
        reload=reload,
        workers=None if reload else workers,
        log_level="info",
        log_config=uvicorn_log_config(),  # no session token in the access log
        # On SIGTERM uvicorn stops accepting, closes websockets with 1012 (clients
        # reconnect, to another worker if there is one) and waits this long for the rest.
        timeout_graceful_shutdown=max(1, round(drain)),
        # Per-socket bounds (ember.live.serving): frame size before inflation, pings
        # from a client that never reads, keepalive.
        **uvicorn_options(load_settings()),
    )


def _add_database_commands() -> None:
    from ember.data._cli import db_app

    cli.add_typer(db_app, name="db", help="Database migrations (Alembic).")


_add_database_commands()


def main() -> None:
    """Entry point of the ``ember`` console script."""
    cli()
