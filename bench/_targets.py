"""Servers the benchmarks start in fresh processes: a raw ASGI echo (the limit) and ember."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from reactpy import component, html, use_state

import ember.live


async def echo_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The physical limit: a websocket echo in bare ASGI, no framework."""
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
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        await send({"type": "websocket.send", "text": message.get("text") or ""})


@component
def Counter() -> Any:
    count, set_count = use_state(0)
    return html.div(
        html.p({"id": "count"}, f"Count: {count}"),
        html.button({"id": "inc", "onClick": lambda event: set_count(count + 1)}, "+"),
    )


ember_app = FastAPI()
ember.live.mount(ember_app, "/counter", Counter)
