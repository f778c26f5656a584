"""An ASGI app served by uvicorn in the test's own process, with a chosen websocket
protocol class (ember's, or uvicorn's own to compare against)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import uvicorn
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
App = Callable[[dict[str, Any], Receive, Send], Awaitable[None]]


@contextlib.asynccontextmanager
async def serving(app: App, protocol: type[WebSocketsSansIOProtocol]) -> AsyncIterator[int]:
    """``app`` served by uvicorn with ``protocol``, in this process; yields its port."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, http="httptools", ws=protocol, log_level="error"
    )
    server = uvicorn.Server(config)
    served = asyncio.create_task(server.serve())
    try:
        while not server.started:  # uvicorn.Server has no event for it
            await asyncio.sleep(0.01)
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        await served
