"""Test helpers for ember.jobs, like Oban.Testing: drain queues now, assert what is queued,
or run jobs inline as they are enqueued.

::

    await place_order("ada@example.com")
    await assert_enqueued(jobs, send_confirmation, email="ada@example.com")
    result = await drain(jobs)                  # runs them here, now
    assert result.succeeded == 1
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import JsonValue
from sqlalchemy import text

from ._jobs import Jobs
from ._task import Task

__all__ = ["DrainResult", "assert_enqueued", "drain", "enqueued", "inline", "refute_enqueued"]


@dataclass(frozen=True)
class DrainResult:
    """What one :func:`drain` ran."""

    succeeded: int
    failed: int
    """Runs that raised (a retried job counts once per failed run)."""


async def drain(
    jobs: Jobs, *, queue: str | None = None, with_scheduled: bool = False
) -> DrainResult:
    """Run every due job (of ``queue``, or all) in this task until none is left.

    Retries come due after their backoff, so a failing job runs once per drain unless
    ``with_scheduled=True``, which also runs scheduled jobs and retries at once (until
    they succeed or use up their attempts).
    """
    await jobs.start()
    before = dict(jobs.counters)
    while True:
        if with_scheduled:
            async with jobs.repo.session(write=True) as session:
                await session.execute(
                    text(
                        "UPDATE procrastinate_jobs SET scheduled_at = NULL "
                        "WHERE status = 'todo' AND (CAST(:q AS TEXT) IS NULL OR queue_name = :q)"
                    ),
                    {"q": queue},
                )
        await jobs.app.run_worker_async(
            queues=[queue] if queue else None,  # type: ignore[arg-type]  # None: every queue
            wait=False,
            install_signal_handlers=False,
            listen_notify=False,
            concurrency=1,
        )
        if not with_scheduled or not await _due_left(jobs, queue):
            break
    ran = {key: jobs.counters[key] - before.get(key, 0) for key in jobs.counters}
    return DrainResult(
        succeeded=ran.get("succeeded", 0),
        failed=ran.get("failed", 0) + ran.get("retrying", 0),
    )


async def _due_left(jobs: Jobs, queue: str | None) -> bool:
    async with jobs.repo.session() as session:
        found = await session.execute(
            text(
                "SELECT COUNT(*) FROM procrastinate_jobs WHERE status = 'todo' "
                "AND (CAST(:q AS TEXT) IS NULL OR queue_name = :q)"
            ),
            {"q": queue},
        )
        return bool(found.scalar())


async def enqueued(
    jobs: Jobs, task: Task[Any] | None = None, **args: JsonValue
) -> list[dict[str, Any]]:
    """The queued (not yet started) jobs, oldest first, of ``task`` whose arguments
    include ``args``; each as ``{"id", "task", "queue", "args", "priority"}``."""
    async with jobs.repo.session() as session:
        rows = await session.execute(
            text(
                "SELECT id, task_name, queue_name, CAST(args AS text), priority "
                "FROM procrastinate_jobs WHERE status = 'todo' ORDER BY id"
            )
        )
        found = [
            {"id": i, "task": name, "queue": queue, "args": json.loads(raw), "priority": prio}
            for i, name, queue, raw, prio in rows
        ]
    return [
        job
        for job in found
        if (task is None or job["task"] == task.name)
        and all(job["args"].get(key) == value for key, value in args.items())
    ]


async def assert_enqueued(jobs: Jobs, task: Task[Any], **args: JsonValue) -> dict[str, Any]:
    """Fail unless a queued job of ``task`` has ``args``; return the oldest such job."""
    matching = await enqueued(jobs, task, **args)
    if not matching:
        queued = await enqueued(jobs)
        raise AssertionError(
            f"Expected a queued {task.name} job with {args}, but none is queued. "
            f"Queued: {[(job['task'], job['args']) for job in queued] or 'nothing'}."
        )
    return matching[0]


async def refute_enqueued(jobs: Jobs, task: Task[Any], **args: JsonValue) -> None:
    """Fail if a queued job of ``task`` has ``args``."""
    matching = await enqueued(jobs, task, **args)
    if matching:
        raise AssertionError(
            f"Expected no queued {task.name} job with {args}, but found {matching}."
        )


@contextlib.contextmanager
def inline(jobs: Jobs) -> Iterator[Jobs]:
    """Within the block, ``enqueue`` runs the task at once, in the caller's task, and
    writes no job (Oban's inline mode). The task gets job id 0; an error propagates."""
    jobs.inline = True
    try:
        yield jobs
    finally:
        jobs.inline = False
