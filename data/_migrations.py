"""Alembic, programmatically: a migrations folder from ember's template, and the commands.

The commands are async and take an engine: they open one connection, hand it to the
template's ``env.py`` through ``config.attributes`` and run Alembic on it, so the same
code works on SQLite (batch mode) and PostgreSQL.
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import Script
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from ._errors import MigrationError

__all__ = [
    "downgrade_database",
    "init_migrations",
    "load_metadata",
    "make_migration",
    "upgrade_database",
]

# The template's env.py is stored as env.py.tmpl so linters and type checkers of this
# package leave it alone; it is checked by running it in the tests.
_TEMPLATE_FILES = {"env.py.tmpl": "env.py", "script.py.mako": "script.py.mako", "README": "README"}


def load_metadata(path: str) -> MetaData:
    """Import a MetaData from ``"package.module:attribute"`` (e.g. ``"app.models:Base.metadata"``).

    Raises:
        MigrationError: the path is malformed, cannot be imported, or is not a MetaData.
    """
    module_name, _, attribute = path.partition(":")
    if not module_name or not attribute:
        raise MigrationError(
            f"Expected the models' MetaData as 'package.module:attribute', but got {path!r}. "
            f"Pass e.g. --metadata app.models:Base.metadata or set EMBER_DATABASE_METADATA."
        )
    try:
        value: object = importlib.import_module(module_name)
        for part in attribute.split("."):
            value = getattr(value, part)
    except (ImportError, AttributeError) as exc:
        raise MigrationError(
            f"Expected to import the MetaData {path!r}, but that failed: {exc}. Check the "
            f"module path and that the app is importable from the current directory."
        ) from exc
    if not isinstance(value, MetaData):
        raise MigrationError(
            f"Expected {path!r} to be a sqlalchemy MetaData, but it is a {type(value).__name__}. "
            f"Point at the declarative base's metadata, e.g. 'app.models:Base.metadata'."
        )
    return value


def init_migrations(directory: str | Path = "migrations") -> Path:
    """Create a migrations folder (env.py, script template, versions/) from ember's template.

    Raises:
        MigrationError: the folder exists and is not empty.
    """
    target = Path(directory)
    if target.exists() and any(target.iterdir()):
        raise MigrationError(
            f"Expected {str(target)!r} to be a new or empty folder, but it has files. Choose "
            f"another folder, or keep the migrations that are already there."
        )
    template = resources.files("ember.data") / "_templates" / "migrations"
    (target / "versions").mkdir(parents=True, exist_ok=True)
    for name, copy in _TEMPLATE_FILES.items():
        with resources.as_file(template / name) as source:
            shutil.copyfile(source, target / copy)
    return target


def _config(directory: str | Path, metadata: MetaData | str) -> Config:
    folder = Path(directory)
    if not (folder / "env.py").is_file():
        raise MigrationError(
            f"Expected a migrations folder at {str(folder)!r}, but it has no env.py. Create "
            f"one with `ember db init` (or ember.data.init_migrations) first."
        )
    config = Config()
    config.set_main_option("script_location", str(folder))
    config.attributes["target_metadata"] = (
        load_metadata(metadata) if isinstance(metadata, str) else metadata
    )
    return config


async def _run(engine: AsyncEngine, config: Config, fn: Callable[[Config], object]) -> object:
    def run(connection: Connection) -> object:
        config.attributes["connection"] = connection
        return fn(config)

    async with engine.begin() as connection:
        return await connection.run_sync(run)


async def upgrade_database(
    engine: AsyncEngine,
    metadata: MetaData | str,
    *,
    directory: str | Path = "migrations",
    revision: str = "head",
) -> None:
    """Apply revisions up to ``revision`` (default: every one)."""
    config = _config(directory, metadata)
    await _run(engine, config, lambda c: command.upgrade(c, revision))


async def downgrade_database(
    engine: AsyncEngine,
    metadata: MetaData | str,
    *,
    directory: str | Path = "migrations",
    revision: str = "-1",
) -> None:
    """Undo revisions down to ``revision`` (default: the last one; ``"base"``: all)."""
    config = _config(directory, metadata)
    await _run(engine, config, lambda c: command.downgrade(c, revision))


async def make_migration(
    engine: AsyncEngine,
    metadata: MetaData | str,
    message: str,
    *,
    directory: str | Path = "migrations",
    autogenerate: bool = True,
) -> Path:
    """Write a new revision; with ``autogenerate`` it holds the models' differences.

    Returns:
        The path of the revision file, to review before upgrading.
    """
    config = _config(directory, metadata)
    script = await _run(
        engine,
        config,
        lambda c: command.revision(c, message=message, autogenerate=autogenerate),
    )
    if not isinstance(script, Script):
        raise MigrationError(
            f"Expected Alembic to write one revision, but it returned {script!r}. Check the "
            f"migrations folder for several heads and merge them with `alembic merge`."
        )
    return Path(script.path)
