"""SQLite: the queue's own writes take turns instead of racing for the write lock.

Regression: the demo's worker, stopping under load, failed in procrastinate's
``unregister_worker`` with ``sqlite3.OperationalError: database is locked``. Each of the
queue's writes is short, but a worker's concurrent jobs finishing, its fetches and its
heartbeat all wanted SQLite's lock at once, and SQLite's busy wait favours newcomers: a
write that had waited long lost every try for 5 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Mapping
from pathlib import Path

import pytest
from sqlalchemy import text

from ember.data import Repo, make_engine
from ember.jobs import JobContext, Jobs
from ember.pubsub import PubSub
from tests.jobs.models import Base

JOBS = 40
CONCURRENCY = 8


async def test_worker_busy_on_sqlite_stops_without_database_is_locked(
    tmp_path: Path, pubsub: PubSub, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "app.db"
    # jobs.start() puts the file in WAL mode, where readers never stand in a writer's way,
    # so a write meets SQLite's lock only through another write; with no busy wait at all
    # (timeout 0) two writes that meet fail at once with "database is locked", however
    # loaded the machine. Nothing else writes meanwhile: the queue's own writes must never
    # meet.
    engine = make_engine(f"sqlite+aiosqlite:///{path}", connect_args={"timeout": 0})
    repo = Repo(engine, Base.metadata)
    jobs = Jobs(repo, pubsub=pubsub, poll_interval=0.05, heartbeat=0.05)
    finished = asyncio.Event()
    outcomes: list[str] = []

    def count(name: str, fields: Mapping[str, object]) -> None:
        if name in ("succeeded", "failed", "retrying"):
            outcomes.append(name)
            if len(outcomes) >= JOBS:
                finished.set()

    jobs.observers.append(count)

    @jobs.task(queue="default")
    async def double(job: JobContext, n: int) -> int:
        await job.progress(1, 1)
        return 2 * n  # a result: one more write of the queue's per job

    try:
        await repo.create_all()
        await jobs.start()
        with contextlib.closing(sqlite3.connect(path)) as probe:
            [mode] = probe.execute("PRAGMA journal_mode").fetchone()
        assert mode == "wal"  # a COMMIT never waits for readers (the demo's shutdown)
        ids = [await double.enqueue(n=n) for n in range(JOBS)]
        worker = jobs.worker({"default": CONCURRENCY})
        await worker.start()
        try:
            # A guard against a hang, not a race: the jobs take well under a second.
            async with asyncio.timeout(45):
                await finished.wait()
        finally:
            await worker.stop()  # raised "database is locked" from unregister_worker
        async with repo.engine.connect() as conn:
            workers = (
                await conn.execute(text("SELECT COUNT(*) FROM procrastinate_workers"))
            ).scalar()
        results = [await jobs.result(job_id) for job_id in ids if job_id is not None]
    finally:
        await jobs.stop()
        await repo.dispose()
    assert outcomes == ["succeeded"] * JOBS
    assert results == [2 * n for n in range(JOBS)]
    assert workers == 0
    assert "database is locked" not in caplog.text
