"""SQLite: a worker that stops while other connections write waits for the write lock.

Regression: the demo shutting down under load failed in procrastinate's
``unregister_worker`` with ``sqlite3.OperationalError: database is locked``.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

from sqlalchemy import text

from ember.data import Repo, make_engine
from ember.jobs import JobContext, Jobs
from ember.pubsub import PubSub
from tests.jobs.conftest import eventually
from tests.jobs.models import Base


def _hold_write_lock(path: Path, seconds: float) -> None:
    """Another process's writer: a write transaction held for ``seconds``."""
    conn = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE IF NOT EXISTS other_writes (n INTEGER)")
        conn.execute("INSERT INTO other_writes VALUES (1)")
        time.sleep(seconds)
        conn.execute("COMMIT")
    finally:
        conn.close()


async def test_worker_stopping_while_others_write_waits_instead_of_locked(
    tmp_path: Path, pubsub: PubSub
) -> None:
    path = tmp_path / "app.db"
    # The app's engine waits 0.1 s for a lock; the queue's writes wait longer (bounded).
    engine = make_engine(f"sqlite+aiosqlite:///{path}", connect_args={"timeout": 0.1})
    repo = Repo(engine, Base.metadata)
    await repo.create_all()
    jobs = Jobs(repo, pubsub=pubsub, poll_interval=0.05, heartbeat=0.05, stalled_after=1.0)
    ran: list[int] = []

    @jobs.task(queue="default")
    async def note(job: JobContext, n: int) -> None:
        ran.append(n)

    try:
        await jobs.start()
        worker = jobs.worker()
        await worker.start()
        for n in range(20):
            await note.enqueue(n=n)
        await eventually(lambda: len(ran) >= 5)
        holder = asyncio.to_thread(_hold_write_lock, path, 0.3)
        other = asyncio.to_thread(_hold_write_lock, path, 0.3)
        holding = asyncio.gather(holder, other)
        await asyncio.sleep(0.05)  # the first holds the lock, the second waits for it
        await worker.stop()
        await holding
        async with repo.engine.connect() as conn:
            workers = (
                await conn.execute(text("SELECT COUNT(*) FROM procrastinate_workers"))
            ).scalar()
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
            wait = (await conn.execute(text("PRAGMA busy_timeout"))).scalar()
        assert workers == 0
        assert mode == "wal"  # the queue's writes wait for other writes only, not readers
        assert wait == 100  # the app's connections wait as its engine says
    finally:
        await jobs.stop()
        await repo.dispose()
