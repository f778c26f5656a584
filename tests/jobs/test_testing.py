"""ember.jobs.testing: drain, assert/refute enqueued, inline mode."""

from __future__ import annotations

import pytest

from ember.data import Repo
from ember.jobs import Backoff, JobContext, Jobs
from ember.jobs.testing import assert_enqueued, drain, enqueued, inline, refute_enqueued


async def test_assert_enqueued_then_drain_runs_them_here(repo: Repo, jobs: Jobs):
    sent: list[str] = []

    @jobs.task(queue="mail")
    async def send(job: JobContext, to: str) -> None:
        sent.append(to)

    await send.enqueue(to="ada@example.com")
    found = await assert_enqueued(jobs, send, to="ada@example.com")
    assert found["queue"] == "mail"
    await refute_enqueued(jobs, send, to="bob@example.com")
    with pytest.raises(AssertionError, match=r"Expected a queued .*send job"):
        await assert_enqueued(jobs, send, to="bob@example.com")
    result = await drain(jobs)
    assert result.succeeded == 1
    assert sent == ["ada@example.com"]
    assert await enqueued(jobs) == []


async def test_drain_with_scheduled_runs_retries_until_attempts_run_out(repo: Repo, jobs: Jobs):
    @jobs.task(max_attempts=3, backoff=Backoff(base=60))
    async def broken(job: JobContext) -> None:
        raise RuntimeError("no")

    job_id = await broken.enqueue()
    assert (await drain(jobs)).failed == 1  # the retry waits a minute
    result = await drain(jobs, with_scheduled=True)
    assert result.failed == 2
    assert job_id is not None
    assert await jobs.status(job_id) == "failed"


async def test_inline_runs_the_task_at_enqueue(repo: Repo, jobs: Jobs):
    ran: list[int] = []

    @jobs.task
    async def double(job: JobContext, n: int) -> int:
        ran.append(n * 2)
        return n * 2

    with inline(jobs):
        assert await double.enqueue(n=21) == 0
    assert ran == [42]
    assert await enqueued(jobs) == []
