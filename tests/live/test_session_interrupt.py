"""The session's cancellation (``Interrupt``, what an anyio cancel scope did around a
socket's session for 0.8 KiB): it cancels the session's wait once, ends at its block, and
never cancels the teardown after ``disarm``; a cancellation from outside still counts."""

from __future__ import annotations

import asyncio

import pytest

from ember.live.server._runner import Interrupt


async def test_interrupt_cancels_the_wait_and_ends_at_its_block():
    interrupt = Interrupt()
    reached = []
    with interrupt:
        asyncio.get_running_loop().call_later(0.01, interrupt.cancel)
        await asyncio.sleep(10)
        reached.append("after the wait")  # never: the wait was cancelled
    task = asyncio.current_task()
    assert task is not None
    assert reached == []
    assert task.cancelling() == 0
    await asyncio.sleep(0)  # nothing is left pending for this task


async def test_interrupt_leaves_the_teardown_after_disarm_alone():
    interrupt = Interrupt()
    torn_down = []
    with interrupt:
        try:
            await asyncio.sleep(0)  # the session ends (its client left)
        finally:
            interrupt.disarm()
            asyncio.get_running_loop().call_soon(interrupt.cancel)  # a failure meanwhile
            await asyncio.sleep(0.02)
            torn_down.append(True)
    assert torn_down == [True]


async def test_interrupt_lets_a_cancellation_from_outside_through():
    started = asyncio.Event()

    async def session() -> None:
        interrupt = Interrupt()
        with interrupt:
            started.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(session())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
