"""Worker threads for blocking code: sync handlers, sync view callbacks, ``run_in_thread``.

A pool of ember's own (``EMBER_HANDLER_THREADS`` threads, 40 by default, as many as
anyio's default limiter allows) reached through ``loop.run_in_executor``: a hop there and
back costs about half of ``anyio.to_thread.run_sync``'s, which a click pays on every sync
handler (bench/RESULTS.md). The caller's context variables go with the call.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import anyio

T = TypeVar("T")

DEFAULT_THREADS = 40

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_size = DEFAULT_THREADS


def set_handler_threads(count: int) -> None:
    """Run at most ``count`` blocking calls at once (in this process); others wait."""
    global _pool, _size  # one pool per process, like anyio's default limiter
    if count < 1:
        msg = f"Expected at least one handler thread, got {count}."
        raise ValueError(msg)
    with _lock:
        if count == _size:
            return
        old, _pool, _size = _pool, None, count
    if old is not None:
        old.shutdown(wait=False)  # its running calls finish; new ones go to the new pool


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(_size, thread_name_prefix="ember-handler")
        return _pool


async def offload(function: Callable[[], T], *, wait_on_cancel: bool = True) -> T:
    """Run ``function()`` in a worker thread and return what it returns.

    With ``wait_on_cancel`` (handlers), a cancelled caller still waits for the call to
    end, so nothing it does overlaps the session's teardown; without it (``use_async``
    work), the caller leaves at once and the call's result is dropped.
    """
    context = contextvars.copy_context()
    future = asyncio.get_running_loop().run_in_executor(_executor(), context.run, function)
    if not wait_on_cancel:
        return await future
    with anyio.CancelScope(shield=True):
        result = await future
    return result
