"""``db_app``: the ``ember db …`` commands (init, migrate, upgrade, downgrade).

The integrator mounts it with ``app.add_typer(db_app, name="db")``. Options default to
the ``EMBER_DATABASE_*`` settings, so ``ember db upgrade`` needs no flags in an app that
sets ``EMBER_DATABASE_URL`` and ``EMBER_DATABASE_METADATA``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from ._errors import DataError
from ._migrations import downgrade_database, init_migrations, make_migration, upgrade_database
from ._settings import DatabaseSettings, load_database_settings, make_engine

__all__ = ["db_app"]

R = TypeVar("R")

db_app = typer.Typer(
    help="Database migrations: Alembic on async engines, batch mode on SQLite.",
    no_args_is_help=True,
)

DirOption = Annotated[
    Path | None,
    typer.Option("--dir", help="The migrations folder [default: EMBER_DATABASE_MIGRATIONS]."),
]
MetadataOption = Annotated[
    str | None,
    typer.Option(help="The models' MetaData, e.g. app.models:Base.metadata."),
]
UrlOption = Annotated[str | None, typer.Option(help="The database URL.")]


def _fail(error: DataError) -> typer.Exit:
    typer.secho(str(error), err=True, fg=typer.colors.RED)
    return typer.Exit(1)


def _run(
    url: str | None,
    metadata: str | None,
    fn: Callable[[AsyncEngine, str], Awaitable[R]],
) -> R:
    settings = _settings()
    target = metadata or settings.metadata
    if not target:
        raise _fail(
            DataError(
                "Expected to know the models' MetaData, but none was given. Pass "
                "--metadata app.models:Base.metadata or set EMBER_DATABASE_METADATA."
            )
        )

    async def main() -> R:
        engine = make_engine(url or settings.url, settings=settings)
        try:
            return await fn(engine, target)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except DataError as error:
        raise _fail(error) from error


def _settings() -> DatabaseSettings:
    try:
        return load_database_settings()
    except DataError as error:
        raise _fail(error) from error


def _folder(directory: Path | None) -> Path:
    return directory or Path(_settings().migrations)


@db_app.command("init")
def init(directory: DirOption = None) -> None:
    """Create the migrations folder from ember's template."""
    try:
        folder = init_migrations(_folder(directory))
    except DataError as error:
        raise _fail(error) from error
    typer.echo(f"Created {folder}. Next: ember db migrate -m 'first tables'")


@db_app.command("migrate")
def migrate(
    message: Annotated[str, typer.Option("-m", "--message", help="What the revision does.")],
    directory: DirOption = None,
    metadata: MetadataOption = None,
    url: UrlOption = None,
) -> None:
    """Write a revision with the differences between the models and the database."""
    folder = _folder(directory)
    path = _run(url, metadata, lambda e, m: make_migration(e, m, message, directory=folder))
    typer.echo(f"Wrote {path}. Review it, then: ember db upgrade")


@db_app.command("upgrade")
def upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    directory: DirOption = None,
    metadata: MetadataOption = None,
    url: UrlOption = None,
) -> None:
    """Apply revisions up to REVISION (default: head)."""
    folder = _folder(directory)
    _run(url, metadata, lambda e, m: upgrade_database(e, m, directory=folder, revision=revision))
    typer.echo(f"Upgraded to {revision}.")


@db_app.command("downgrade")
def downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "-1",
    directory: DirOption = None,
    metadata: MetadataOption = None,
    url: UrlOption = None,
) -> None:
    """Undo revisions down to REVISION (default: the last one)."""
    folder = _folder(directory)
    _run(url, metadata, lambda e, m: downgrade_database(e, m, directory=folder, revision=revision))
    typer.echo(f"Downgraded to {revision}.")
