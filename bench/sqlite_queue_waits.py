"""How long the SQLite job queue's writes wait for SQLite's write lock, on a busy worker.

Each run: a fresh SQLite file, a worker of ``--concurrency`` jobs, ``--jobs`` short jobs
that report progress and return a result, then the worker stops. Every BEGIN IMMEDIATE
on the app's engine while the worker runs (the queue's writes and the job results; the
jobs are enqueued before) is timed: the time a write waited for SQLite's lock (plus one
thread round trip). Prints the
percentiles, how many stops failed (a worker left registered, or an error) and the wall
time of all runs.

    python bench/sqlite_queue_waits.py --runs 4 --concurrency 16 --jobs 100

Compare trees with PYTHONPATH pointing at a folder holding an ``ember`` symlink to each.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio.engine import AsyncTransaction

from ember.data import Repo, make_engine
from ember.jobs import JobContext, Jobs
from ember.pubsub import PubSub

WAITS: list[float] = []
counting = asyncio.Event()  # set while the worker runs: its writes are the ones timed
_start = AsyncTransaction.start


async def _timed_start(self: AsyncTransaction, is_ctxmanager: bool = False) -> Any:
    began = time.monotonic()
    try:
        return await _start(self, is_ctxmanager)
    finally:
        options = self.connection.sync_connection.get_execution_options()
        if counting.is_set() and options.get("ember_write"):
            WAITS.append(time.monotonic() - began)


AsyncTransaction.start = _timed_start  # type: ignore[method-assign]


async def run_once(folder: Path, concurrency: int, count: int) -> str | None:
    repo = Repo(make_engine(f"sqlite+aiosqlite:///{folder / 'app.db'}"), MetaData())
    pubsub = PubSub(f"memory://waits-{uuid.uuid4().hex}")
    await pubsub.start()
    jobs = Jobs(repo, pubsub=pubsub, poll_interval=0.01, heartbeat=0.02)
    ran = 0
    busy = asyncio.Event()

    @jobs.task(queue="default")
    async def note(job: JobContext, n: int) -> int:
        nonlocal ran
        ran += 1
        if ran >= count // 4:  # a quarter done: stop while the others run
            busy.set()
        await job.progress(1, 2)
        await asyncio.sleep(0.05)
        return n

    failure = None
    try:
        await jobs.start()
        for n in range(count):  # before the worker: only the queue's own writes meet
            await note.enqueue(n=n)
        counting.set()
        worker = jobs.worker({"default": concurrency})
        await worker.start()
        try:
            await busy.wait()
        finally:
            try:
                await worker.stop()
            except Exception as error:
                failure = repr(error)[:200]
            counting.clear()
        async with repo.engine.connect() as conn:
            left = (await conn.execute(text("SELECT COUNT(*) FROM procrastinate_workers"))).scalar()
        if failure is None and left:
            failure = f"{left} worker(s) left registered"
    finally:
        await jobs.stop()
        await repo.dispose()
        await pubsub.stop()
    return failure


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--jobs", type=int, default=100)
    args = parser.parse_args()
    began = time.monotonic()
    failures = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            failure = await run_once(Path(folder), args.concurrency, args.jobs)
        if failure:
            failures.append(failure)
    WAITS.sort()
    pick = WAITS.__getitem__
    print(
        f"writes {len(WAITS)}: wait p50 {pick(len(WAITS) // 2) * 1000:.1f} ms, "
        f"p99 {pick(int(len(WAITS) * 0.99)) * 1000:.0f} ms, max {WAITS[-1] * 1000:.0f} ms; "
        f"failed stops {len(failures)} of {args.runs} {failures[:2]}; "
        f"{time.monotonic() - began:.1f} s in all"
    )


if __name__ == "__main__":
    asyncio.run(main())
