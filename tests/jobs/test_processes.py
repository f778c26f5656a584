"""``ember worker`` as a real process: SIGTERM lets the running job finish; a worker killed
with SIGKILL has its running job picked up by another worker. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from ember.data import Repo
from ember.jobs import Jobs
from tests.jobs.conftest import eventually
from tests.jobs.models import Run

ROOT = Path(__file__).resolve().parents[2]
EMBER = Path(sys.executable).with_name("ember")


@pytest.fixture
async def start_worker(
    database: tuple[str, str | None],
) -> AsyncIterator[Callable[..., object]]:
    """Start ``ember worker tests.jobs._worker_app:jobs``; killed at teardown."""
    url, schema = database
    started: list[asyncio.subprocess.Process] = []

    async def start(*args: str) -> asyncio.subprocess.Process:
        env = {
            **os.environ,
            "EMBER_DATABASE_URL": url,
            "TEST_JOBS_SCHEMA": schema or "",
            "PYTHONPATH": str(ROOT),
        }
        proc = await asyncio.create_subprocess_exec(
            str(EMBER),
            "worker",
            "tests.jobs._worker_app:jobs",
            *args,
            cwd=ROOT,
            env=env,
            stderr=asyncio.subprocess.PIPE,
        )
        started.append(proc)  # killed at teardown even when it never says it runs
        assert proc.stderr is not None
        line = await asyncio.wait_for(proc.stderr.readline(), 30)
        assert b"ember worker: running" in line, line
        return proc

    yield start
    for proc in started:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()


async def runs(repo: Repo) -> list[tuple[str, int, int, str]]:
    async with repo.session() as session:
        rows = await session.execute(select(Run.label, Run.attempt, Run.pid, Run.state))
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_sigterm_lets_the_running_job_finish(repo: Repo, jobs: Jobs, start_worker) -> None:
    worker = await start_worker("--drain", "20")
    job_id = await _enqueue(jobs, 1.0, "drained")
    await eventually(lambda: _has(repo, "drained", "started"), within=20)
    worker.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(worker.wait(), 20) == 0
    assert ("drained", 1, worker.pid, "finished") in await runs(repo)
    assert await jobs.status(job_id) == "succeeded"


async def _enqueue(jobs: Jobs, seconds: float, label: str) -> int:
    """Enqueue the worker app's task by name from this (test) process."""
    from ember.jobs import JobContext

    if "tests.process.nap" not in jobs.tasks:

        @jobs.task(name="tests.process.nap", max_attempts=3)
        async def nap(job: JobContext, seconds: float, label: str) -> None:
            raise AssertionError("runs in the worker process only")

    job_id = await jobs.tasks["tests.process.nap"].enqueue(seconds=seconds, label=label)
    assert job_id is not None
    return job_id


async def _has(repo: Repo, label: str, state: str) -> bool:
    return any(row[0] == label and row[3] == state for row in await runs(repo))


async def test_sigkilled_workers_job_is_picked_up_by_another_worker(
    repo: Repo, jobs: Jobs, start_worker
) -> None:
    doomed = await start_worker()
    job_id = await _enqueue(jobs, 2.0, "revived")
    await eventually(lambda: _has(repo, "revived", "started"), within=20)
    doomed.kill()
    await doomed.wait()
    survivor = await start_worker()
    await eventually(lambda: _has(repo, "revived", "finished"), within=30)
    rows = await runs(repo)
    assert ("revived", 1, doomed.pid, "started") in rows
    assert ("revived", 1, doomed.pid, "finished") not in rows
    assert ("revived", 2, survivor.pid, "finished") in rows
    await eventually(lambda: _succeeded(jobs, job_id), within=10)


async def _succeeded(jobs: Jobs, job_id: int) -> bool:
    return await jobs.status(job_id) == "succeeded"
