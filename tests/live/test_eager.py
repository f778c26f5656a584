"""run_eagerly: a coroutine runs on the caller's stack until it first suspends, then in a
task that goes on from there (results, errors and cancellation pass through)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import pytest

from ember.live.server._eager import run_eagerly


class Tasks:
    def __init__(self) -> None:
        self.started: list[asyncio.Task[None]] = []

    def start(self, work: Coroutine[Any, Any, None], name: str) -> None:
        self.started.append(asyncio.get_running_loop().create_task(work, name=name))


async def test_work_that_never_suspends_runs_here_and_starts_no_task() -> None:
    steps: list[str] = []
    tasks = Tasks()

    async def work() -> None:
        steps.append("ran")

    run_eagerly(work(), tasks.start, "work")
    assert steps == ["ran"]
    assert tasks.started == []


async def test_work_that_suspends_goes_on_in_a_task_with_what_it_awaited() -> None:
    steps: list[Any] = []
    tasks = Tasks()
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def work() -> None:
        steps.append("before")
        steps.append(await future)
        await asyncio.sleep(0)
        steps.append("after")

    run_eagerly(work(), tasks.start, "work")
    assert steps == ["before"]
    assert len(tasks.started) == 1
    future.set_result(7)
    await tasks.started[0]
    assert steps == ["before", 7, "after"]


async def test_an_error_before_suspending_is_raised_here_and_after_it_by_the_task() -> None:
    tasks = Tasks()

    async def fails_at_once() -> None:
        raise ValueError("at once")

    with pytest.raises(ValueError, match="at once"):
        run_eagerly(fails_at_once(), tasks.start, "work")

    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def fails_later() -> None:
        await future

    run_eagerly(fails_later(), tasks.start, "work")
    future.set_exception(KeyError("later"))
    with pytest.raises(KeyError, match="later"):
        await tasks.started[0]


async def test_cancelling_the_task_cancels_the_work_where_it_waits() -> None:
    tasks = Tasks()
    cleaned: list[str] = []

    async def work() -> None:
        try:
            await asyncio.sleep(60)
        finally:
            cleaned.append("finally")

    run_eagerly(work(), tasks.start, "work")
    await asyncio.sleep(0)
    tasks.started[0].cancel()
    with pytest.raises(asyncio.CancelledError):
        await tasks.started[0]
    assert cleaned == ["finally"]
