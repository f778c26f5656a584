"""Enqueue on the Repo's transaction, run, retry, give up, time out, cancel: on SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from procrastinate.periodic import PeriodicDeferrer
from sqlalchemy import func, select

from ember.data import Repo
from ember.jobs import Backoff, JobContext, Jobs
from ember.jobs.testing import enqueued
from tests.jobs.conftest import eventually
from tests.jobs.models import Order

FAST = Backoff(base=0.05, factor=2, maximum=0.2, jitter=0)


async def test_job_enqueued_in_committed_transaction_runs(repo: Repo, jobs: Jobs):
    seen: list[str] = []

    @jobs.task
    async def ship(job: JobContext, item: str) -> str:
        seen.append(item)
        return item

    async with repo.transaction() as session:
        session.add(Order(item="book"))
        job_id = await ship.enqueue(item="book")
    assert job_id is not None
    assert await jobs.status(job_id) == "todo"
    async with jobs.worker():
        await eventually(lambda: seen == ["book"])
        await eventually(lambda: _status_is(jobs, job_id, "succeeded"))


async def _status_is(jobs: Jobs, job_id: int, status: str) -> bool:
    return await jobs.status(job_id) == status


async def test_job_enqueued_in_rolled_back_transaction_never_exists(repo: Repo, jobs: Jobs):
    ran: list[str] = []

    @jobs.task
    async def ship(job: JobContext, item: str) -> None:
        ran.append(item)

    async def place_order() -> None:
        async with repo.transaction() as session:
            session.add(Order(item="lamp"))
            await ship.enqueue(item="lamp")
            raise RuntimeError("payment declined")

    with pytest.raises(RuntimeError, match="payment declined"):
        await place_order()
    async with repo.session() as session:
        assert (await session.execute(select(func.count()).select_from(Order))).scalar() == 0
    assert await jobs.counts() == {}
    async with jobs.worker():
        await asyncio.sleep(0.3)
    assert ran == []


async def test_failing_job_retries_with_backoff_then_fails_after_max_attempts(
    repo: Repo, jobs: Jobs
):
    attempts: list[int] = []

    @jobs.task(max_attempts=3, backoff=FAST)
    async def flaky(job: JobContext) -> None:
        attempts.append(job.attempt)
        raise ValueError("upstream down")

    job_id = await flaky.enqueue()
    assert job_id is not None
    async with jobs.worker():
        await eventually(lambda: _status_is(jobs, job_id, "failed"))
    assert attempts == [1, 2, 3]
    assert await jobs.attempts(job_id) == 3
    assert jobs.counters["retrying"] == 2
    assert jobs.counters["failed"] == 1


async def test_job_succeeds_on_a_retry(repo: Repo, jobs: Jobs):
    @jobs.task(max_attempts=5, backoff=FAST)
    async def second_time_lucky(job: JobContext) -> int:
        if job.attempt < 2:
            raise ConnectionError("flaky")
        return job.attempt

    job_id = await second_time_lucky.enqueue()
    assert job_id is not None
    async with jobs.worker():
        await eventually(lambda: _status_is(jobs, job_id, "succeeded"))
    assert await jobs.attempts(job_id) == 2


async def test_unique_key_queues_one_job_until_it_starts(repo: Repo, jobs: Jobs):
    @jobs.task
    async def rebuild(job: JobContext) -> None:
        return None

    first = await rebuild.enqueue(unique_key="rebuild:all")
    second = await rebuild.enqueue(unique_key="rebuild:all")
    assert first is not None
    assert second is None
    async with repo.transaction():  # a duplicate leaves the surrounding transaction usable
        assert await rebuild.enqueue(unique_key="rebuild:all") is None
        other = await rebuild.enqueue(unique_key="rebuild:other")
    assert other is not None
    async with jobs.worker():
        await eventually(lambda: _status_is(jobs, first, "succeeded"))
    assert await rebuild.enqueue(unique_key="rebuild:all") is not None


async def test_scheduled_job_waits_for_its_time(repo: Repo, jobs: Jobs):
    ran = asyncio.Event()

    @jobs.task
    async def later(job: JobContext) -> None:
        ran.set()

    job_id = await later.enqueue(schedule_in=0.6)
    assert job_id is not None
    async with jobs.worker():
        await asyncio.sleep(0.3)
        assert not ran.is_set()
        await asyncio.wait_for(ran.wait(), 3)


async def test_timeout_cancels_a_slow_run_and_counts_as_a_failure(repo: Repo, jobs: Jobs):
    @jobs.task(timeout=0.1, max_attempts=1)
    async def slow(job: JobContext) -> None:
        await asyncio.sleep(10)

    job_id = await slow.enqueue()
    assert job_id is not None
    async with jobs.worker():
        await eventually(lambda: _status_is(jobs, job_id, "failed"))


async def test_cancel_queued_job_never_runs(repo: Repo, jobs: Jobs):
    ran: list[int] = []

    @jobs.task
    async def report(job: JobContext) -> None:
        ran.append(job.job_id)

    job_id = await report.enqueue(schedule_in=0.3)
    assert job_id is not None
    assert await jobs.cancel(job_id)
    async with jobs.worker():
        await asyncio.sleep(0.6)
    assert ran == []
    assert await jobs.status(job_id) == "cancelled"


async def test_cancel_running_job_cancels_its_task(repo: Repo, jobs: Jobs):
    started = asyncio.Event()
    cancelled = asyncio.Event()

    @jobs.task
    async def long(job: JobContext) -> None:
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    job_id = await long.enqueue()
    assert job_id is not None
    async with jobs.worker():
        await asyncio.wait_for(started.wait(), 5)
        assert await jobs.cancel(job_id)
        await asyncio.wait_for(cancelled.wait(), 5)
        await eventually(lambda: _status_is(jobs, job_id, "aborted"))
    assert not await jobs.cancel(job_id)


async def test_queues_run_with_their_own_concurrency(repo: Repo, jobs: Jobs):
    running = {"mail": 0, "reports": 0}
    peak = {"mail": 0, "reports": 0}

    limits = {"mail": 3, "reports": 1}

    async def work(queue: str) -> None:
        running[queue] += 1
        peak[queue] = max(peak[queue], running[queue])
        # Hold the slot until the queue is full (or a while passed), so a slow machine
        # still shows the limit being reached and never passed.
        for _ in range(100):
            if running[queue] >= limits[queue]:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.05)
        running[queue] -= 1

    @jobs.task(queue="mail")
    async def mail(job: JobContext) -> None:
        await work("mail")

    @jobs.task(queue="reports")
    async def report(job: JobContext) -> None:
        await work("reports")

    ids = [await mail.enqueue() for _ in range(4)] + [await report.enqueue() for _ in range(3)]
    async with jobs.worker(limits):
        await eventually(lambda: _all_done(jobs, [i for i in ids if i is not None]), within=10)
    assert peak == {"mail": 3, "reports": 1}


async def _all_done(jobs: Jobs, ids: list[int]) -> bool:
    return all([await jobs.status(i) == "succeeded" for i in ids])


async def test_periodic_job_runs_once_per_due_time(repo: Repo, jobs: Jobs):
    stamps: list[int] = []

    @jobs.periodic("* * * * * *")  # every second
    async def tick(job: JobContext, timestamp: int) -> None:
        stamps.append(timestamp)

    async with jobs.worker(), jobs.worker():  # two workers, still one job per second
        await eventually(lambda: len(stamps) >= 2, within=10)
    assert len(stamps) == len(set(stamps))


async def test_a_worker_that_wakes_late_does_not_defer_a_periodic_due_time_again(
    repo: Repo, jobs: Jobs
):
    """The periodic race under load: a worker whose loop woke late defers the due times it
    missed, oldest first, after another worker deferred newer ones. On SQLite each defer
    deleted every older due time, so the late worker deferred them a second time."""

    @jobs.periodic("* * * * * *")
    async def tick(job: JobContext, timestamp: int) -> None:
        pass

    registry = jobs.app.periodic_registry
    [periodic_task] = registry.periodic_tasks.values()
    on_time, late = PeriodicDeferrer(registry), PeriodicDeferrer(registry)
    due = 1_800_000_000
    await late.defer_jobs([(periodic_task, due)])
    await on_time.defer_jobs([(periodic_task, due + 1), (periodic_task, due + 2)])
    await late.defer_jobs([(periodic_task, due + 1), (periodic_task, due + 2)])  # woke late
    await on_time.defer_jobs([(periodic_task, due + 3)])
    stamps = [job["args"]["timestamp"] for job in await enqueued(jobs, tick)]
    assert stamps == [due, due + 1, due + 2, due + 3]


async def test_queued_job_survives_a_restart(database: tuple[str, str | None], repo: Repo):
    """The embedded default keeps the queue in the app's SQLite file: a new process (here a
    new Repo and Jobs on the same database) runs what the old one queued."""
    url, schema = database
    before = Jobs(repo, search_path=schema)

    @before.task(name="tests.restart.ship")
    async def ship(job: JobContext, item: str) -> None:
        return None

    await before.start()
    async with repo.transaction() as session:
        session.add(Order(item="kettle"))
        job_id = await ship.enqueue(item="kettle")
    await before.stop()
    await repo.dispose()

    from tests.jobs.conftest import make_repo

    again = make_repo(url, schema)
    after = Jobs(again, search_path=schema, poll_interval=0.1)
    seen: list[str] = []

    @after.task(name="tests.restart.ship")
    async def ship_again(job: JobContext, item: str) -> None:
        seen.append(item)

    async with after, after.worker():
        await eventually(lambda: seen == ["kettle"])
        assert job_id is not None
        await eventually(lambda: _status_is(after, job_id, "succeeded"))
    await again.dispose()


async def test_lifespan_runs_a_worker_in_process_unless_told_not_to(
    repo: Repo, jobs: Jobs, monkeypatch: pytest.MonkeyPatch
):
    ran: list[str] = []

    @jobs.task
    async def note(job: JobContext, text: str) -> None:
        ran.append(text)

    monkeypatch.setenv("EMBER_JOBS_IN_PROCESS", "false")
    async with jobs.lifespan():
        await note.enqueue(text="left for ember worker")
        await asyncio.sleep(0.3)
    assert ran == []
    monkeypatch.delenv("EMBER_JOBS_IN_PROCESS")
    async with jobs.lifespan():
        await eventually(lambda: ran == ["left for ember worker"])


async def test_unique_for_refuses_the_key_for_a_period_even_after_the_job_ran(
    repo: Repo, jobs: Jobs
):
    @jobs.task
    async def digest(job: JobContext) -> None:
        return None

    first = await digest.enqueue(unique_key="digest:ada", unique_for=60)
    assert first is not None
    async with jobs.worker():
        await eventually(lambda: _status_is(jobs, first, "succeeded"))
    assert await digest.enqueue(unique_key="digest:ada", unique_for=60) is None
    assert await digest.enqueue(unique_key="digest:bob", unique_for=60) is not None
    # A short period runs out: the key is free again (the job was cancelled, not queued).
    short = await digest.enqueue(unique_key="digest:eve", unique_for=1.5)
    assert short is not None
    assert await jobs.cancel(short)
    assert await digest.enqueue(unique_key="digest:eve", unique_for=1.5) is None
    await asyncio.sleep(1.6)
    assert await digest.enqueue(unique_key="digest:eve", unique_for=1.5) is not None


async def test_jobs_follow_the_repos_schema_and_start_together_without_racing(
    database: tuple[str, str | None], repo: Repo
):
    """No search_path given: the workers use the Repo's (the demo's two-process case), and
    two processes' first start on an empty database does not race on the schema."""
    from tests.jobs.conftest import make_repo

    other_repo = make_repo(*database)
    first, second = Jobs(repo, poll_interval=0.1), Jobs(other_repo, poll_interval=0.1)
    ran: list[int] = []

    @first.task(name="tests.schema.note")
    async def note(job: JobContext, n: int) -> None:
        ran.append(n)

    @second.task(name="tests.schema.note")
    async def note_too(job: JobContext, n: int) -> None:
        ran.append(n)

    await asyncio.gather(first.start(), second.start())
    try:
        await note.enqueue(n=1)
        async with second.worker():
            await eventually(lambda: ran == [1])
    finally:
        await first.stop()
        await second.stop()
        await other_repo.dispose()


async def test_runs_emit_telemetry_with_their_duration(repo: Repo, jobs: Jobs):
    from ember.live import TelemetryEvent, telemetry

    events: list[TelemetryEvent] = []
    stop = telemetry.subscribe("ember.jobs", events.append)

    @jobs.task
    async def nap(job: JobContext) -> None:
        await asyncio.sleep(0.05)

    try:
        job_id = await nap.enqueue()
        async with jobs.worker():
            await eventually(lambda: any(e.name == "ember.jobs.succeeded" for e in events))
    finally:
        stop()
    [done] = [e for e in events if e.name == "ember.jobs.succeeded"]
    assert done.metadata["job_id"] == job_id
    assert done.duration_ms >= 50
    assert {"ember.jobs.enqueued", "ember.jobs.started"} <= {e.name for e in events}
