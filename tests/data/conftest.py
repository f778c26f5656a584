"""The ``repo`` fixture: every database test runs on SQLite and on PostgreSQL.

PostgreSQL tests get a fresh schema each (dropped afterwards), so they never collide.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from ember.data import Repo, make_engine
from tests.data.models import Base

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[str, dict[str, object]]]:
    """A database URL and engine keyword arguments, isolated for one test."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}", {}
        return
    url: str = request.getfixturevalue("postgres_url")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url, {"connect_args": {"server_settings": {"search_path": schema}}}
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
async def repo(database_url: tuple[str, dict[str, object]]) -> AsyncIterator[Repo]:
    """A repo over the test models, tables created."""
    url, options = database_url
    engine = make_engine(url, **options)
    repo = Repo(engine, Base.metadata)
    await repo.create_all()
    try:
        yield repo
    finally:
        await repo.dispose()
