"""Prometheus metrics for jobs: the queue by state (every worker's jobs, read from the
table at each scrape), runs by task and outcome with their durations, and enqueues; on
SQLite and PostgreSQL, through the real /metrics endpoint."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from ember.data import Repo
from ember.jobs import Backoff, JobContext, Jobs
from ember.live import Ember, LiveSettings
from ember.live.metrics import install_metrics
from tests.jobs.conftest import eventually

FAST = Backoff(base=0.05, factor=2, maximum=0.2, jitter=0)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def _scrape(app: FastAPI) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    return samples(response.text)


async def test_metrics_count_jobs_by_state_and_runs_by_outcome(repo: Repo, jobs: Jobs):
    release = asyncio.Event()

    @jobs.task(queue="mail")
    async def send(job: JobContext) -> None:
        await asyncio.sleep(0.05)

    @jobs.task(queue="mail", max_attempts=2, backoff=FAST)
    async def bounce(job: JobContext) -> None:
        raise ValueError("mailbox full")

    @jobs.task(queue="reports")
    async def report(job: JobContext) -> None:
        await release.wait()

    app = FastAPI()
    metrics = install_metrics(
        app, Ember(LiveSettings(secret_key="test-secret-key-0123456789")), jobs=[jobs]
    )
    try:
        for _ in range(3):
            await send.enqueue()
        bounced = await bounce.enqueue()
        queued = await _scrape(app)
        assert queued[("ember_jobs", (("queue", "mail"), ("state", "queued")))] == 4
        assert queued[("ember_jobs_enqueued_total", (("task", send.name),))] == 3

        async with jobs.worker():
            running = await report.enqueue()
            await eventually(lambda: _status_is(jobs, bounced, "failed"))
            await eventually(lambda: _status_is(jobs, running, "doing"))
            busy = await _scrape(app)
            release.set()
            await eventually(lambda: _status_is(jobs, running, "succeeded"))
        done = await _scrape(app)
    finally:
        metrics.close()

    assert busy[("ember_jobs", (("queue", "reports"), ("state", "running")))] == 1
    assert done[("ember_jobs", (("queue", "reports"), ("state", "running")))] == 0
    assert done[("ember_jobs", (("queue", "mail"), ("state", "succeeded")))] == 3
    assert done[("ember_jobs", (("queue", "mail"), ("state", "failed")))] == 1
    assert done[("ember_jobs", (("queue", "mail"), ("state", "queued")))] == 0

    def runs(task: str, outcome: str) -> float:
        return done.get(("ember_job_runs_total", (("outcome", outcome), ("task", task))), 0)

    assert runs(send.name, "succeeded") == 3
    assert runs(bounce.name, "retrying") == 1
    assert runs(bounce.name, "failed") == 1
    assert runs(report.name, "succeeded") == 1
    sent = (("outcome", "succeeded"), ("task", send.name))
    assert done[("ember_job_duration_seconds_count", sent)] == 3
    assert done[("ember_job_duration_seconds_sum", sent)] >= 0.15  # each slept 50 ms


async def test_a_job_retrying_is_its_own_state_in_the_metrics(repo: Repo, jobs: Jobs):
    @jobs.task(max_attempts=3, backoff=Backoff(base=60, jitter=0))
    async def flaky(job: JobContext) -> None:
        raise ValueError("later")

    app = FastAPI()
    metrics = install_metrics(
        app, Ember(LiveSettings(secret_key="test-secret-key-0123456789")), jobs=[jobs]
    )
    try:
        await flaky.enqueue()
        async with jobs.worker():
            await eventually(lambda: jobs.counters["retrying"] == 1)
        found = await _scrape(app)
    finally:
        metrics.close()
    assert found[("ember_jobs", (("queue", "default"), ("state", "retrying")))] == 1
    assert found[("ember_jobs", (("queue", "default"), ("state", "queued")))] == 0


async def _status_is(jobs: Jobs, job_id: int | None, status: str) -> bool:
    assert job_id is not None
    return await jobs.status(job_id) == status
