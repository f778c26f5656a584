"""``Task``: an async function declared as a job, and ``JobContext``, what it receives.

A task is enqueued with keyword arguments (JSON values); inside a ``repo.transaction()``
the job row is written on that transaction, so it commits or rolls back with the data.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, ParamSpec, TypeVar

from procrastinate import BaseRetryStrategy, RetryDecision
from procrastinate import jobs as pjobs
from pydantic import JsonValue

from ._messages import JobProgress, job_topic

if TYPE_CHECKING:
    from ._jobs import Jobs

__all__ = ["Backoff", "JobContext", "Task"]

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Backoff:
    """How long to wait before attempt ``n + 1``: ``base * factor ** (n - 1)``, capped.

    ``jitter`` spreads retries of many failed jobs (0.1: up to 10% either way).
    """

    base: float = 1.0
    factor: float = 2.0
    maximum: float = 300.0
    jitter: float = 0.1

    def delay(self, attempt: int) -> float:
        """The wait after the ``attempt``-th run failed (1 for the first run)."""
        wait = min(self.maximum, self.base * self.factor ** max(0, attempt - 1))
        spread = wait * self.jitter
        return max(0.0, wait + random.uniform(-spread, spread))  # noqa: S311


class _Retry(BaseRetryStrategy):
    """procrastinate's retry hook: ``max_attempts`` counts every run, the first one too."""

    def __init__(self, max_attempts: int, backoff: Backoff) -> None:
        self.max_attempts = max_attempts
        self.backoff = backoff

    def get_retry_decision(
        self, *, exception: BaseException, job: pjobs.Job
    ) -> RetryDecision | None:
        ran = job.attempts + 1
        if ran >= self.max_attempts:
            return None
        wait = datetime.timedelta(seconds=self.backoff.delay(ran))
        return RetryDecision(retry_at=datetime.datetime.now(datetime.UTC) + wait)


class JobContext:
    """What a running job knows about itself, and how it reports progress."""

    def __init__(self, jobs: Jobs, job_id: int, attempt: int, task_name: str) -> None:
        self.jobs = jobs
        self.job_id = job_id
        self.attempt = attempt
        """Which run this is: 1 for the first, 2 for the first retry, …"""
        self.task_name = task_name

    async def progress(self, done: float, total: float | None = None, note: str = "") -> None:
        """Tell subscribed views how far the job is (through the PubSub, when there is one)."""
        self.jobs.telemetry("progress", job_id=self.job_id, done=done, total=total)
        if self.jobs.pubsub is not None:
            message = JobProgress(job_id=self.job_id, done=done, total=total, note=note)
            await self.jobs.pubsub.broadcast(job_topic(self.job_id), message)


class Task(Generic[P]):
    """A declared job: call ``await task.enqueue(**kwargs)`` to queue a run.

    Made by :meth:`Jobs.task`; calling the task object runs the function directly
    (with a context you give), which is what unit tests of the function itself want.
    """

    def __init__(
        self,
        jobs: Jobs,
        function: Callable[..., Awaitable[JsonValue]],
        *,
        name: str,
        queue: str,
        max_attempts: int,
        backoff: Backoff,
        timeout: float | None,
        priority: int,
    ) -> None:
        self.jobs = jobs
        self.function = function
        self.name = name
        self.queue = queue
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.timeout = timeout
        self.priority = priority
        self.retry = _Retry(max_attempts, backoff)

    async def enqueue(
        self,
        *,
        unique_key: str | None = None,
        schedule_in: datetime.timedelta | float | None = None,
        schedule_at: datetime.datetime | None = None,
        priority: int | None = None,
        queue: str | None = None,
        **kwargs: JsonValue,
    ) -> int | None:
        """Queue one run with ``kwargs`` (JSON values) and return the job's id.

        Inside ``repo.transaction()`` the job is written on that transaction: it exists
        if and only if the transaction commits.

        Args:
            unique_key: at most one queued (not yet started) job per key; a second
                enqueue with the same key returns None and queues nothing.
            schedule_in: run no sooner than this (seconds or a timedelta) from now.
            schedule_at: run no sooner than this moment (timezone-aware).
            priority: higher runs first within the queue.
            queue: another queue than the task's own.
        """
        return await self.jobs.enqueue(
            self,
            kwargs,
            unique_key=unique_key,
            schedule_in=schedule_in,
            schedule_at=schedule_at,
            priority=self.priority if priority is None else priority,
            queue=queue or self.queue,
        )

    def __repr__(self) -> str:
        return f"<Task {self.name} queue={self.queue!r} max_attempts={self.max_attempts}>"
