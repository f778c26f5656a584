"""Awaiting a coroutine from where one step left it, and awaiting one out of cancellation's
reach, with no cancel scope when it never suspends."""

from __future__ import annotations

import types
from collections.abc import Coroutine, Generator
from typing import Any

import anyio


@types.coroutine
def resume(coroutine: Coroutine[Any, Any, None], waits_for: Any) -> Generator[Any, Any, None]:
    """Await ``coroutine`` from where one ``send(None)`` left it (``waits_for``: what it
    yielded then), as ``await`` would have: what the task sends or throws in goes to it."""
    while True:
        try:
            value = yield waits_for
        except GeneratorExit:
            coroutine.close()
            raise
        except BaseException as error:  # a cancellation, thrown in by the task
            try:
                waits_for = coroutine.throw(error)
            except StopIteration:
                return
        else:
            try:
                waits_for = coroutine.send(value)
            except StopIteration:
                return


async def shielded(work: Coroutine[Any, Any, None]) -> None:
    """``with anyio.CancelScope(shield=True): await work``, for ember's own teardown steps.

    Cancellation reaches a task only where it suspends, so ``work`` is stepped once first:
    work that finishes without suspending (most teardowns have nothing to wait for) needs
    no shield and gets none. An anyio cancel scope is about 2 µs to enter and leave, and a
    session's end made eight. Work that suspends goes on inside the shield.

    Only for work that opens no anyio cancel scope of its own in this task (it waits on
    asyncio futures and tasks: the engine's close, the claim store's release, the tab's
    close): a scope entered by its first step would be left inside the shield, which
    anyio refuses. A user's cleanups (``LiveSession._close``) keep the plain shield.
    """
    try:
        waits_for = work.send(None)
    except StopIteration:
        return
    with anyio.CancelScope(shield=True):
        await resume(work, waits_for)
