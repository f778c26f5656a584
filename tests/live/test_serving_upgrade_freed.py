"""A websocket served by ``ember.live.serving``'s protocol leaves nothing of its HTTP
upgrade to the collector: uvicorn's httptools protocol, which the socket upgraded from,
is freed by reference counting (bench/RESULTS.md, "memory left after closes")."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from websockets.asyncio.client import connect

from ember.live.serving import WebSocketProtocol

SOCKETS = 20


async def echo(
    scope: dict[str, Any],
    receive: Callable[[], Awaitable[dict[str, Any]]],
    send: Callable[[dict[str, Any]], Awaitable[None]],
) -> None:
    if scope["type"] != "websocket":
        return
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    while (message := await receive())["type"] == "websocket.receive":
        await send({"type": "websocket.send", "text": message["text"]})


def http_protocols() -> int:
    return sum(type(o) is HttpToolsProtocol for o in gc.get_objects())  # no proxy's isinstance


async def test_serving_an_upgraded_socket_frees_its_http_protocol_without_a_collection():
    config = uvicorn.Config(
        echo, host="127.0.0.1", port=0, http="httptools", ws=WebSocketProtocol, log_level="error"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:  # uvicorn.Server has no event for it
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        gc.collect()
        gc.disable()
        try:
            before = http_protocols()
            for _ in range(SOCKETS):
                async with connect(f"ws://127.0.0.1:{port}/") as socket:
                    await socket.send("hello")
                    assert await socket.recv() == "hello"
                    # the socket is open: its HTTP protocol is gone already
                    assert http_protocols() == before
            await asyncio.sleep(0.1)  # the server sees the closes
            assert http_protocols() == before
        finally:
            gc.enable()
    finally:
        server.should_exit = True
        await serving
