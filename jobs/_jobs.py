"""``Jobs``: a durable job queue in the app's own database, run by procrastinate.

The queue lives where the Repo's data lives, so a job can be enqueued on the same
transaction as a write: PostgreSQL uses procrastinate's own schema (and its LISTEN/NOTIFY
wake-ups), SQLite uses ember's connector over the same file (see ``_sqlite``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import inspect
import json
import logging
import os
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast, overload

import procrastinate
from procrastinate import job_context
from pydantic import JsonValue
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ember.data import Repo
from ember.live import telemetry as live_telemetry

from ._errors import ConfigurationError, NotStartedError, TaskError
from ._messages import JobFinished, JobOutcome, job_topic
from ._postgres import PostgresConnector
from ._sqlite import SQLiteConnector, insert_jobs
from ._state import RESULTS, JobState, read_result, write_result
from ._task import Backoff, JobContext, Task

if TYPE_CHECKING:
    from ember.pubsub import PubSub

    from ._worker import Worker

__all__ = ["Jobs"]

logger = logging.getLogger("ember.jobs")

P = ParamSpec("P")
R = TypeVar("R")
JobFunction = Callable[..., Awaitable[Any]]  # returns a JSON value (or None)
Observer = Callable[[str, Mapping[str, object]], None]

_DEFER_POSTGRES = text(
    "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(CAST(:queue_name AS varchar), "
    "CAST(:task_name AS varchar), CAST(:priority AS integer), CAST(:lock AS text), "
    "CAST(:queueing_lock AS text), CAST(:args AS jsonb), "
    "CAST(:scheduled_at AS timestamptz))::procrastinate_job_to_defer_v1])) AS id"
)


_NO_TURN = contextlib.nullcontext()
"""PostgreSQL's writers wait for row locks, each its own: no turn to take."""


class Jobs:
    """Declare tasks, enqueue them (on the Repo's transaction) and run workers.

    Args:
        repo: the app's Repo; the queue's tables live in its database.
        pubsub: where progress and outcomes are broadcast (optional).
        search_path: PostgreSQL schema(s) the queue lives in (default: the server's).
        poll_interval: how often an idle worker looks for due jobs (seconds); with
            PostgreSQL a new job wakes workers at once, this catches scheduled ones.
        heartbeat: how often a worker tells it is alive (seconds).
        stalled_after: a worker silent this long is dead; its running jobs run again.
    """

    def __init__(
        self,
        repo: Repo,
        *,
        pubsub: PubSub | None = None,
        search_path: str | None = None,
        poll_interval: float = 1.0,
        heartbeat: float = 5.0,
        stalled_after: float = 30.0,
    ) -> None:
        self.repo = repo
        self.pubsub = pubsub
        self.poll_interval = poll_interval
        self.heartbeat = heartbeat
        self.stalled_after = stalled_after
        self.tasks: dict[str, Task[Any]] = {}
        self.counters: Counter[str] = Counter()
        self.observers: list[Observer] = []
        self._started = False
        self.inline = False
        """Set by ``ember.jobs.testing.inline``: enqueue runs the task at once."""
        backend = repo.engine.url.get_backend_name()
        self.backend = backend
        if backend == "sqlite":
            self._sqlite: SQLiteConnector | None = SQLiteConnector(repo.engine)
            connector: procrastinate.BaseConnector = self._sqlite
        elif backend == "postgresql":
            self._sqlite = None
            url = repo.engine.url.set(drivername="postgresql")
            # The connection options are filled in at start(): by default the workers use
            # the Repo's own search_path, read from one of its connections.
            self._search_path = search_path
            self._pg_options: dict[str, str] = {}
            connector = PostgresConnector(
                conninfo=url.render_as_string(hide_password=False),
                kwargs=self._pg_options,
                min_size=1,
                max_size=4,
            )
        else:
            raise ConfigurationError(
                f"Expected the Repo on SQLite or PostgreSQL, but it is on {backend!r}. "
                f"Jobs keep their queue in the app's database; use one of those two."
            )
        self.app = procrastinate.App(connector=connector)

    # -- declaring --------------------------------------------------------------------

    @overload
    def task(self, function: JobFunction, /) -> Task[Any]: ...

    @overload
    def task(
        self,
        *,
        name: str | None = None,
        queue: str = "default",
        max_attempts: int = 3,
        backoff: Backoff | None = None,
        timeout: float | None = None,
        priority: int = 0,
    ) -> Callable[[JobFunction], Task[Any]]: ...

    def task(
        self,
        function: JobFunction | None = None,
        *,
        name: str | None = None,
        queue: str = "default",
        max_attempts: int = 3,
        backoff: Backoff | None = None,
        timeout: float | None = None,
        priority: int = 0,
    ) -> Task[Any] | Callable[[JobFunction], Task[Any]]:
        """Declare ``async def f(job: JobContext, **kwargs)`` as a task (a decorator).

        Args:
            name: the name stored with each job (default ``module.function``); keep it
                stable, queued jobs find their task by it.
            queue: the queue its jobs go to; workers run queues with their own concurrency.
            max_attempts: runs in all, the first one included; after the last failure
                the job stays ``failed``.
            backoff: the wait before each retry (default: 1 s doubling, capped at 5 min).
            timeout: seconds one run may take; a run past it is cancelled and fails
                (and is retried if attempts are left).
            priority: higher runs first in its queue.
        """

        def declare(fn: JobFunction) -> Task[Any]:
            if not inspect.iscoroutinefunction(fn):
                raise TaskError(
                    f"Expected an async function as a task, but {fn.__qualname__} is "
                    f"synchronous. Write `async def` (use asyncio.to_thread inside for "
                    f"blocking work)."
                )
            if max_attempts < 1:
                raise TaskError(f"Expected max_attempts >= 1, but got {max_attempts}.")
            task_name = name or f"{fn.__module__}.{fn.__qualname__}"
            if task_name in self.tasks:
                raise TaskError(
                    f"Expected a new task name, but {task_name!r} is already declared. "
                    f"Pass name=… to tell the two apart."
                )
            task: Task[Any] = Task(
                self,
                fn,
                name=task_name,
                queue=queue,
                max_attempts=max_attempts,
                backoff=backoff or Backoff(),
                timeout=timeout,
                priority=priority,
            )
            self.tasks[task_name] = task
            self.app.task(
                name=task_name, queue=queue, retry=task.retry, pass_context=True, priority=priority
            )(self._runner(task))
            return task

        return declare(function) if function is not None else declare

    def periodic(
        self, cron: str, *, name: str | None = None, **options: Any
    ) -> Callable[[JobFunction], Task[Any]]:
        """Declare a task and run it on a cron schedule (``"*/5 * * * *"``; a sixth field
        counts seconds). One job per due time, however many workers run.

        The function receives ``timestamp`` (the due time, epoch seconds).
        """

        def declare(fn: JobFunction) -> Task[Any]:
            task = self.task(name=name, **options)(fn)
            procrastinate_task = self.app.tasks[task.name]
            self.app.periodic(cron=cron)(procrastinate_task)
            return task

        return declare

    def _runner(self, task: Task[Any]) -> Callable[..., Awaitable[JsonValue]]:
        async def run(context: job_context.JobContext, **kwargs: JsonValue) -> JsonValue:
            job = context.job
            job_id = cast(int, job.id)
            attempt = job.attempts + 1
            ctx = JobContext(self, job_id, attempt, task.name)
            began = time.perf_counter()
            self.telemetry("started", job_id=job_id, task=task.name, attempt=attempt)
            try:
                if task.timeout is None:
                    result = await task.function(ctx, **kwargs)
                else:
                    async with asyncio.timeout(task.timeout):
                        result = await task.function(ctx, **kwargs)
            except asyncio.CancelledError:
                shutdown = context.abort_reason() == job_context.AbortReason.SHUTDOWN
                if shutdown:
                    raise
                await self._finished(ctx, JobOutcome.CANCELLED, began, error="cancelled")
                # procrastinate retries a plain CancelledError; JobAborted ends the job.
                raise procrastinate.exceptions.JobAborted from None
            except Exception as error:
                retrying = task.retry.get_retry_decision(exception=error, job=job) is not None
                outcome = JobOutcome.RETRYING if retrying else JobOutcome.FAILED
                reason = f"{type(error).__name__}: {error}"
                await self._finished(ctx, outcome, began, error=reason)
                raise
            await self._finished(ctx, JobOutcome.SUCCEEDED, began, result=result)
            return result

        run.__name__ = task.name
        return run

    async def _finished(
        self,
        ctx: JobContext,
        outcome: JobOutcome,
        began: float,
        *,
        result: JsonValue = None,
        error: str = "",
    ) -> None:
        job_id, attempt = ctx.job_id, ctx.attempt
        duration_ms = (time.perf_counter() - began) * 1000
        self.telemetry(
            outcome.value,
            duration_ms,
            job_id=job_id,
            task=ctx.task_name,
            attempt=attempt,
            error=error,
        )
        if outcome is JobOutcome.SUCCEEDED and result is not None:
            # On SQLite the result is one of the queue's writes: it takes its turn with
            # them (see _sqlite), instead of racing them for SQLite's lock.
            turn = self._sqlite.write_turn() if self._sqlite is not None else _NO_TURN
            async with turn, self.repo.session(write=True) as session:
                await write_result(session, job_id, result)
        if self.pubsub is None:
            return
        message = JobFinished(
            job_id=job_id, outcome=outcome, result=result, error=error, attempt=attempt
        )
        try:
            await self.pubsub.broadcast(job_topic(job_id), message)
        except Exception:
            # The job's outcome is in the database either way; views refetch on reconnect.
            logger.exception("could not broadcast the outcome of job %s", job_id)

    # -- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        """Open the queue and create its tables when they are missing."""
        if self._started:
            return
        if self._sqlite is not None:
            await self.app.open_async()
            async with self.repo.session(write=True) as session:
                await (await session.connection()).run_sync(RESULTS.metadata.create_all)
            self._started = True
            return
        async with self.repo.session(write=True) as session:
            # One process at a time checks and creates the schema (several workers
            # starting together would otherwise race to create procrastinate's types).
            await session.execute(text("SELECT pg_advisory_xact_lock(7206091638)"))
            path = (
                self._search_path
                or (await session.execute(text("SELECT current_setting('search_path')"))).scalar()
            )
            # libpq's options are split on spaces: escape them ('"$user", public').
            escaped = str(path).replace("\\", "\\\\").replace(" ", "\\ ")
            self._pg_options["options"] = f"-c search_path={escaped}"
            await self.app.open_async()
            exists = (
                await session.execute(text("SELECT to_regclass('procrastinate_jobs')"))
            ).scalar()
            if exists is None:
                await self.app.schema_manager.apply_schema_async()
            await (await session.connection()).run_sync(RESULTS.metadata.create_all)
        self._started = True

    async def stop(self) -> None:
        """Close the queue's connections."""
        if self._started:
            self._started = False
            await self.app.close_async()

    async def __aenter__(self) -> Jobs:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @contextlib.asynccontextmanager
    async def lifespan(
        self, queues: Mapping[str, int] | None = None, *, in_process: bool | None = None
    ) -> AsyncIterator[Jobs]:
        """Start the queue for an app's lifespan, with a worker in this process by default.

        ``in_process=False`` (or ``EMBER_JOBS_IN_PROCESS=false``) leaves the jobs to
        ``ember worker`` processes; the app still enqueues them.
        """
        if in_process is None:
            in_process = os.environ.get("EMBER_JOBS_IN_PROCESS", "true").lower() != "false"
        async with self:
            if not in_process:
                yield self
                return
            async with self.worker(queues):
                yield self

    def worker(
        self,
        queues: Mapping[str, int] | None = None,
        *,
        drain: float | None = 30.0,
    ) -> Worker:
        """A worker for ``queues`` (name -> concurrency; default every queue, 4 at a time).

        Use ``async with jobs.worker(): …`` in a lifespan (it runs beside the app), or
        ``await worker.run()`` to block until SIGTERM/SIGINT. Stopping lets running jobs
        finish for up to ``drain`` seconds; jobs still running then are put back.
        """
        from ._worker import Worker

        return Worker(self, queues or {}, drain=drain)

    # -- enqueueing and managing ------------------------------------------------------

    def _require_started(self) -> None:
        if not self._started:
            raise NotStartedError(
                "Expected a started Jobs, but start() was not called (or stop() was). Use "
                "`async with jobs:` or `await jobs.start()` in the app's lifespan."
            )

    async def enqueue(
        self,
        task: Task[Any],
        kwargs: Mapping[str, JsonValue],
        *,
        unique_key: str | None,
        schedule_in: datetime.timedelta | float | None,
        schedule_at: datetime.datetime | None,
        priority: int,
        queue: str,
        unique_for: float | None = None,
    ) -> int | None:
        """Write one job on the Repo's current transaction (or a new one); see Task.enqueue."""
        if self.inline:
            await task.function(JobContext(self, 0, 1, task.name), **kwargs)
            return 0
        self._require_started()
        if schedule_in is not None:
            delta = (
                schedule_in
                if isinstance(schedule_in, datetime.timedelta)
                else datetime.timedelta(seconds=schedule_in)
            )
            schedule_at = datetime.datetime.now(datetime.UTC) + delta
        values = {
            "queue_name": queue,
            "task_name": task.name,
            "priority": priority,
            "lock": None,
            "queueing_lock": unique_key,
            "args": dict(kwargs),
            "scheduled_at": schedule_at,
        }
        json.dumps(values["args"])  # refuse what is not JSON now, not in the worker
        async with self.repo.session(write=True) as session:
            if unique_key is None:
                # Nothing expected can fail: no SAVEPOINT (two round trips fewer).
                job_id = await self._insert(session, values)
            else:
                if unique_for is not None and await self._recently(session, unique_key, unique_for):
                    self.telemetry("duplicate", task=task.name, unique_key=unique_key)
                    return None
                inserted = await self._insert_unique(session, values, task, unique_key)
                if inserted is None:
                    return None
                job_id = inserted
            if self._sqlite is not None:
                sqlite = self._sqlite
                event.listen(
                    session.sync_session,
                    "after_commit",
                    lambda _session: sqlite.notify_inserted(queue),
                    once=True,
                )
        self.telemetry("enqueued", job_id=job_id, task=task.name, queue=queue)
        return job_id

    async def _recently(self, session: AsyncSession, unique_key: str, period: float) -> bool:
        """A job with ``unique_key`` was enqueued less than ``period`` seconds ago."""
        since: object = time.time() - period
        if self._sqlite is None:
            since = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=period)
        found = await session.execute(
            text(
                "SELECT 1 FROM procrastinate_jobs AS job JOIN procrastinate_events AS event "
                "ON event.job_id = job.id WHERE job.queueing_lock = :key "
                "AND event.type = 'deferred' AND event.at > :since LIMIT 1"
            ),
            {"key": unique_key, "since": since},
        )
        return found.first() is not None

    async def _insert_unique(
        self, session: AsyncSession, values: dict[str, Any], task: Task[Any], unique_key: str
    ) -> int | None:
        """Insert in a SAVEPOINT, so a duplicate leaves the caller's transaction usable."""
        try:
            async with session.begin_nested():
                return await self._insert(session, values)
        except (IntegrityError, procrastinate.exceptions.UniqueViolation) as error:
            duplicate = isinstance(error, procrastinate.exceptions.UniqueViolation) or (
                "queueing_lock" in str(error)
            )
            if not duplicate:
                raise
            self.telemetry("duplicate", task=task.name, unique_key=unique_key)
            return None

    async def _insert(self, session: AsyncSession, values: dict[str, Any]) -> int:
        if self._sqlite is not None:
            conn = await session.connection()
            from procrastinate import types

            [job_id] = await insert_jobs(conn, [types.JobToDefer(**values)])
            return job_id
        params = {**values, "args": json.dumps(values["args"])}
        return int((await session.execute(_DEFER_POSTGRES, params)).scalar_one())

    async def cancel(self, job_id: int) -> bool:
        """Cancel a job: a queued one never runs, a running one is cancelled (its task
        sees ``asyncio.CancelledError``). False when the job had already ended."""
        self._require_started()
        cancelled = await self.app.job_manager.cancel_job_by_id_async(job_id, abort=True)
        if cancelled:
            self.telemetry("cancel_requested", job_id=job_id)
        return bool(cancelled)

    async def retry(self, job_id: int) -> None:
        """Queue a failed job again, to run now."""
        self._require_started()
        await self.app.job_manager.retry_job_by_id_async(
            job_id, retry_at=datetime.datetime.now(datetime.UTC)
        )
        if self._sqlite is not None:
            self._sqlite.notify_inserted(await self._queue_of(job_id))

    async def _queue_of(self, job_id: int) -> str:
        async with self.repo.session() as session:
            found = await session.execute(
                text("SELECT queue_name FROM procrastinate_jobs WHERE id = :id"), {"id": job_id}
            )
            return str(found.scalar_one())

    async def status(self, job_id: int) -> str:
        """The job's state: todo, doing, succeeded, failed, cancelled or aborted."""
        async with self.repo.session() as session:
            found = await session.execute(
                text("SELECT status FROM procrastinate_jobs WHERE id = :id"), {"id": job_id}
            )
            return str(found.scalar_one())

    async def state(self, job_id: int) -> JobState:
        """The job as a view shows it: status and, once it succeeded, its result."""
        async with self.repo.session() as session:
            found = await session.execute(
                text("SELECT CAST(status AS text) FROM procrastinate_jobs WHERE id = :id"),
                {"id": job_id},
            )
            status = found.scalar()
            result = await read_result(session, job_id)
        return JobState.from_database(job_id, status or "", result)

    async def result(self, job_id: int) -> JsonValue:
        """What the job's task returned (None until it succeeded)."""
        async with self.repo.session() as session:
            return await read_result(session, job_id)

    async def attempts(self, job_id: int) -> int:
        """How many runs of the job have ended."""
        async with self.repo.session() as session:
            found = await session.execute(
                text("SELECT attempts FROM procrastinate_jobs WHERE id = :id"), {"id": job_id}
            )
            return int(found.scalar_one())

    async def counts(self) -> dict[str, dict[str, int]]:
        """Jobs per queue per state, e.g. ``{"default": {"todo": 3, "failed": 1}}``; a
        queued job that already failed counts as ``retrying``."""
        async with self.repo.session() as session:
            rows = await session.execute(
                text(
                    "SELECT queue_name, CAST(status AS text) AS status, attempts > 0, "
                    "COUNT(*) FROM procrastinate_jobs GROUP BY queue_name, status, attempts > 0"
                )
            )
            counts: dict[str, dict[str, int]] = {}
            for queue, status, retried, number in rows:
                state = "retrying" if status == "todo" and retried else status
                by_state = counts.setdefault(queue, {})
                by_state[state] = by_state.get(state, 0) + int(number)
            return counts

    async def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest jobs, newest first: ``{"id", "task", "queue", "status", "attempts"}``
        (``status`` ``retrying`` for a queued job that already failed)."""
        async with self.repo.session() as session:
            rows = await session.execute(
                text(
                    "SELECT id, task_name, queue_name, CAST(status AS text), attempts "
                    "FROM procrastinate_jobs ORDER BY id DESC LIMIT :limit"
                ),
                {"limit": limit},
            )
            return [
                {
                    "id": int(job_id),
                    "task": task,
                    "queue": queue,
                    "status": "retrying" if status == "todo" and attempts else status,
                    "attempts": int(attempts),
                }
                for job_id, task, queue, status, attempts in rows
            ]

    # -- telemetry --------------------------------------------------------------------

    def telemetry(self, name: str, duration_ms: float = 0.0, **fields: object) -> None:
        """Count ``name``, emit ``ember.jobs.<name>`` on ``ember.live.telemetry`` (run
        durations in ``duration_ms``) and hand it to every observer."""
        self.counters[name] += 1
        live_telemetry.emit(f"ember.jobs.{name}", duration_ms, **fields)
        for observer in self.observers:
            try:
                observer(name, fields)
            except Exception:
                logger.exception("a jobs observer failed on %s", name)
