"""The physical limit: a websocket echo in bare ASGI, no framework.

A text frame is sent back as it came. A frame starting with ``B`` is a broadcast: it goes to
every open socket, the sender included (the floor for a PubSub fan-out).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

Send = Callable[[dict[str, Any]], Awaitable[None]]
_sockets: set[Send] = set()


async def app(scope: dict[str, Any], receive: Any, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"echo"})
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    _sockets.add(send)
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text") or ""
            if text.startswith("B"):
                for other in list(_sockets):
                    with contextlib.suppress(Exception):  # a socket closing meanwhile
                        await other({"type": "websocket.send", "text": text})
            else:
                await send({"type": "websocket.send", "text": text})
    finally:
        _sockets.discard(send)
