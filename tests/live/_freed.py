"""Checks that a closed session leaves nothing for the garbage collector: what the tests of
``test_session_freed_without_collector.py`` (and the component kit's) use."""

from __future__ import annotations

import asyncio
import collections
import gc
import logging
import types
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

from ember.live.ops._watchdog import _Activity
from ember.live.testing import LiveClient, LivePage

HARNESS = ("ember.live.api._testing", "ember.live.api._asgi_socket")


def _ours(kind: type) -> bool:
    """A type whose instances belong to a session (ember's, ReactPy's or a test's views;
    not the test client's)."""
    module = kind.__module__
    return (
        isinstance(module, str)
        and module.startswith(("ember.", "reactpy.", "tests."))
        and not module.startswith(HARNESS)
    )


def _census() -> collections.Counter[str]:
    """How many of our objects the collector tracks now (reachable or not), but for the
    watchdog's record of recent activities (the last 256: names, not objects)."""
    return collections.Counter(
        f"{type(obj).__module__}.{type(obj).__qualname__}"
        for obj in gc.get_objects()
        if _ours(type(obj)) and type(obj) is not _Activity
    )


def _collected() -> list[Any]:
    """What a full collection finds unreachable (kept, to be named)."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        found = list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    return found


def _a_cycle(start: Any, among: list[Any]) -> str:
    """The shortest reference cycle from ``start`` through ``among``, as types."""
    inside = {id(obj) for obj in among}
    came_from: dict[int, Any] = {id(start): None}
    queue = collections.deque([start])
    while queue:
        current = queue.popleft()
        for referent in gc.get_referents(current):
            if referent is start:
                path = [current]
                while came_from[id(path[-1])] is not None:
                    path.append(came_from[id(path[-1])])
                return " -> ".join(_name(obj) for obj in [*reversed(path), start])
            if id(referent) in inside and id(referent) not in came_from:
                came_from[id(referent)] = current
                queue.append(referent)
    return f"{_name(start)} (hangs off a cycle of other objects)"


def _name(obj: Any) -> str:
    if isinstance(obj, types.FunctionType | types.MethodType | types.CoroutineType):
        return f"{type(obj).__name__} {obj.__qualname__}"
    return type(obj).__qualname__


@pytest.fixture
def collector_off() -> Iterator[None]:
    """The collector off; ember's log records dropped once made, as a server's handlers
    drop them once written (pytest's capture keeps each, with the frames of its traceback)."""
    ember_logger = logging.getLogger("ember.live")
    ember_logger.disabled = True
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        ember_logger.disabled = False


async def assert_freed_on_close(
    client: LiveClient, scenario: Callable[[LiveClient], Awaitable[LivePage]]
) -> None:
    """Run ``scenario`` (which opens a page and uses it) once to warm up, then again with
    the collector off; close its page and check that the session left nothing behind."""
    page = await scenario(client)
    await page.close()
    del page
    gc.collect()  # what the warm-up made once per process (imports, pools, caches)
    before = _census()
    page = await scenario(client)
    await page.close()
    del page
    left = _census() - before
    for _ in range(20):  # tasks the session cancelled finish their last step (collector off)
        if not left:
            break
        await asyncio.sleep(0.05)
        left = _census() - before
    garbage = _collected()
    ours = [obj for obj in garbage if _ours(type(obj))]
    cycles = sorted({_a_cycle(obj, garbage) for obj in ours[:50]})
    assert not left, (
        f"Expected the closed session's objects to be freed by reference counting, but "
        f"these are still tracked: {dict(left)}; in reference cycles: {cycles}"
    )
    assert not ours, f"Expected no garbage of ours for the collector, got cycles: {cycles}"
