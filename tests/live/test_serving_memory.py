"""What a websocket served by ``ember.live.serving``'s protocol costs in memory: nothing
of its HTTP upgrade is left to the collector (uvicorn's httptools protocol, which the
socket upgraded from, is freed by reference counting), nor of a closed socket's websockets
connection, and an open socket keeps no asyncio queue or event (bench/RESULTS.md, issue
21's memory sections)."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
from collections.abc import Awaitable, Callable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.asyncio.client import connect
from websockets.datastructures import Headers
from websockets.server import ServerProtocol

from ember.live.serving import WebSocketProtocol

from ._uvicorn import serving

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
        if message["text"] == "close":  # the server closes
            await send({"type": "websocket.close", "code": 1000})
            return
        await send({"type": "websocket.send", "text": message["text"]})


def http_protocols() -> int:
    return sum(type(o) is HttpToolsProtocol for o in gc.get_objects())  # no proxy's isinstance


async def test_serving_an_upgraded_socket_frees_its_http_protocol_without_a_collection():
    async with serving(echo, WebSocketProtocol) as port:
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


def websocket_connections() -> int:
    return sum(type(o) is ServerProtocol for o in gc.get_objects())


async def connections_left_by_closes(protocol: type[WebSocketsSansIOProtocol]) -> int:
    """How many closed sockets' websockets connections wait for the collector, of
    ``SOCKETS`` closed by the client and as many closed by the server."""
    async with serving(echo, protocol) as port:
        gc.collect()
        gc.disable()
        try:
            before = websocket_connections()
            for closer in ("client", "server"):
                for _ in range(SOCKETS):
                    async with connect(f"ws://127.0.0.1:{port}/") as socket:
                        await socket.send("hello")
                        assert await socket.recv() == "hello"
                        if closer == "server":
                            await socket.send("close")
                            await socket.wait_closed()
            await asyncio.sleep(0.1)  # the server sees the last closes
            return websocket_connections() - before
        finally:
            gc.enable()


async def test_serving_a_closed_socket_frees_its_websockets_connection_without_a_collection():
    # uvicorn's own protocol leaves each to the collector (the parser, a generator of the
    # connection's, refers back to it); a process with raised thresholds collects rarely
    assert await connections_left_by_closes(WebSocketsSansIOProtocol) == 2 * SOCKETS
    assert await connections_left_by_closes(WebSocketProtocol) == 0


def deques() -> int:
    return sum(type(o) is collections.deque for o in gc.get_objects())


def header_fields() -> int:
    return sum(len(o) for o in gc.get_objects() if type(o) is Headers)


async def per_open_socket(
    protocol: type[WebSocketsSansIOProtocol], count: Callable[[], int]
) -> float:
    """What ``count`` grows by per socket open on the server (and its client here)."""
    async with serving(echo, protocol) as port, contextlib.AsyncExitStack() as sockets:
        before = count()
        for _ in range(SOCKETS):
            socket = await sockets.enter_async_context(connect(f"ws://127.0.0.1:{port}/"))
            await socket.send("hello")
            assert await socket.recv() == "hello"
        return (count() - before) / SOCKETS


async def test_serving_an_open_socket_keeps_no_asyncio_queue_or_event():
    uvicorns = await per_open_socket(WebSocketsSansIOProtocol, deques)
    embers = await per_open_socket(WebSocketProtocol, deques)
    # uvicorn's: an asyncio.Queue (three deques and an Event's) and the writable Event
    assert embers <= uvicorns - 5, (uvicorns, embers)


async def test_serving_an_open_socket_keeps_no_handshake_headers():
    uvicorns = await per_open_socket(WebSocketsSansIOProtocol, header_fields)
    embers = await per_open_socket(WebSocketProtocol, header_fields)
    # the request's (host, upgrade, key, version, …) and the response's, on the server
    assert embers <= uvicorns - 8, (uvicorns, embers)
