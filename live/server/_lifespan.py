"""Combining ember's lifespan with an app's own (FastAPI takes one ``lifespan``)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from typing import Any

from fastapi import FastAPI

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[Mapping[str, Any] | None]]


def combine_lifespans(*lifespans: Lifespan) -> Lifespan:
    """One lifespan that runs ``lifespans`` in order at start-up and in reverse at shutdown.

    ``FastAPI(lifespan=combine_lifespans(ember.live.lifespan, app_lifespan))``: ember's
    PubSub is up before your start-up code runs (so it may broadcast) and stops after
    yours has finished. State the lifespans yield (``yield {"db": engine}``) is merged,
    later ones winning, and reaches ``request.state``.
    """

    @contextlib.asynccontextmanager
    async def combined(app: FastAPI) -> AsyncIterator[Mapping[str, Any] | None]:
        state: dict[str, Any] = {}
        async with AsyncExitStack() as stack:
            for lifespan in lifespans:
                value = await stack.enter_async_context(lifespan(app))
                if value:
                    state.update(value)
            # None when nothing was yielded: a server without lifespan state still works.
            yield state or None

    return combined
