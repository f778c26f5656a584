"""The demo's database: one MetaData, one Repo, created on first start.

``EMBER_DATABASE_URL`` picks the database (PostgreSQL to share it between processes);
without it the demo keeps a SQLite file ``demo.db`` in ``EMBER_DEMO_DATA``, by default
``.ember/`` in the clone it runs from (ignored by git), or the user's data folder when ember
is installed from a wheel: never in the shared temporary folder.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sqlalchemy import MetaData
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase

from ember.data import NAMING_CONVENTION, Repo, make_engine


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def data_folder() -> Path:
    """Where the demo's SQLite file lives: ``EMBER_DEMO_DATA``, else ``.ember/`` in the clone
    (examples/demo sits two folders below it), else the user's data folder."""
    configured = os.environ.get("EMBER_DEMO_DATA")
    if configured:
        return Path(configured)
    clone = Path(__file__).resolve().parents[2]
    if (clone / "pyproject.toml").is_file() and (clone / "examples" / "demo").is_dir():
        return clone / ".ember"
    return user_data_folder() / "ember"


def user_data_folder() -> Path:
    """The platform's folder for a user's application data."""
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def database_url() -> str:
    """``EMBER_DATABASE_URL``, or a SQLite file in the demo's data folder."""
    configured = os.environ.get("EMBER_DATABASE_URL")
    if configured:
        return configured
    folder = data_folder()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite+aiosqlite:///{folder / 'demo.db'}"


def connect(url: str | None = None) -> Repo:
    """Point the demo at a database (tests give each run its own)."""
    global repo
    repo = Repo(make_engine(url or database_url()), Base.metadata)
    return repo


async def create_tables() -> None:
    """Create the tables that are missing. Two processes starting together on one
    PostgreSQL can both see a table missing and race to create it: the loser tries again.
    """
    try:
        await repo.create_all()
    except DBAPIError:
        await asyncio.sleep(0.5)
        await repo.create_all()


repo: Repo = connect()
