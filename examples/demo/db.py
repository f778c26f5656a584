"""The demo's database: one MetaData, one Repo, created on first start.

``EMBER_DATABASE_URL`` picks the database (PostgreSQL to share it between processes);
without it the demo keeps a SQLite file in ``EMBER_DEMO_DATA`` (default: ``ember-demo``
in the system's temporary folder), never in the repository.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from sqlalchemy import MetaData
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase

from ember.data import NAMING_CONVENTION, Repo, make_engine


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def database_url() -> str:
    """``EMBER_DATABASE_URL``, or a SQLite file in the demo's data folder."""
    configured = os.environ.get("EMBER_DATABASE_URL")
    if configured:
        return configured
    folder = Path(os.environ.get("EMBER_DEMO_DATA") or Path(tempfile.gettempdir()) / "ember-demo")
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
