"""Fixtures for ember.jobs: every queue test runs on SQLite (the embedded default) and on
PostgreSQL (procrastinate's own schema), each in a database or schema of its own."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from ember.data import Repo, make_engine
from ember.jobs import Jobs
from ember.pubsub import PubSub
from tests.jobs.models import Base

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
async def database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[str, str | None]]:
    """A database URL and the PostgreSQL schema to use (None on SQLite)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'app.db'}", None
        return
    url: str = request.getfixturevalue("postgres_url")
    schema = f"j_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url, schema
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


def make_repo(url: str, schema: str | None) -> Repo:
    options: dict[str, object] = {}
    if schema is not None:
        options["connect_args"] = {"server_settings": {"search_path": schema}}
    return Repo(make_engine(url, **options), Base.metadata)


@pytest.fixture
async def repo(database: tuple[str, str | None]) -> AsyncIterator[Repo]:
    repo = make_repo(*database)
    await repo.create_all()
    yield repo
    await repo.dispose()


@pytest.fixture
async def pubsub() -> AsyncIterator[PubSub]:
    pubsub = PubSub(f"memory://jobs-{uuid.uuid4().hex}")
    await pubsub.start()
    yield pubsub
    await pubsub.stop()


@pytest.fixture
async def jobs(repo: Repo, database: tuple[str, str | None], pubsub: PubSub) -> AsyncIterator[Jobs]:
    """A started Jobs on the test's database, quick to poll and to notice dead workers."""
    jobs = Jobs(
        repo,
        pubsub=pubsub,
        search_path=database[1],
        poll_interval=0.1,
        heartbeat=0.2,
        stalled_after=1.0,
    )
    await jobs.start()
    yield jobs
    await jobs.stop()


async def eventually(check: Callable[[], object], within: float = 5.0) -> None:
    """Wait until ``await check()`` (or ``check()``) is true, failing after ``within`` s."""
    deadline = time.monotonic() + within
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition still false after {within}s")
        await asyncio.sleep(0.02)
