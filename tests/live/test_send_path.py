"""A session's sends through ASGI servers that take a frame at once, that make the send
wait, that never take it, and whose ``send`` returns an awaitable that is no coroutine: every
patch arrives whole and in order, and a client that takes nothing is closed with 4408."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable, Generator
from html import unescape
from typing import Any

import anyio
import httpx
import orjson
import pytest
from fastapi import FastAPI

from ember.live import PROTOCOL_VERSION, CloseCode, Ember, LiveSettings
from ember.live.api._asgi_socket import AsgiWebSocket, SocketClosed

from .conftest import Counter

TOKEN = re.compile(r"token=([^&\"']+)")
Send = Callable[[dict[str, Any]], Awaitable[None]]
CLICKS = 25


def with_send(app: FastAPI, wrap: Callable[[Send], Send]) -> Any:
    """``app`` with its websockets' ASGI ``send`` replaced by ``wrap(send)``."""

    async def serve(scope: dict[str, Any], receive: Any, send: Send) -> None:
        await app(scope, receive, wrap(send) if scope["type"] == "websocket" else send)

    return serve


async def socket_to(app: FastAPI, served: Any) -> AsgiWebSocket:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        page = await client.get("/counter")
    token = TOKEN.search(unescape(page.text)).group(1)  # type: ignore[union-attr]
    url = f"/counter/_ember/ws?token={token}&protocol={PROTOCOL_VERSION}"
    return AsgiWebSocket(served, url, {"origin": "http://testserver"})


def target_of(model: Any) -> str:
    pending = [model]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("attributes", {}).get("id") == "inc":
                return str(node["eventHandlers"]["onClick"]["target"])
            pending.extend(node.get("children", []))
    raise AssertionError("No #inc in the model.")


async def clicked_counts(ember: Ember, wrap: Callable[[Send], Send]) -> list[str]:
    """Click the counter ``CLICKS`` times without waiting; the counts its patches show."""
    app = FastAPI()
    ember.mount(app, "/counter", Counter)
    socket = await socket_to(app, with_send(app, wrap))
    counts: list[str] = []
    async with anyio.create_task_group() as group:
        await socket.connect(group)
        first = orjson.loads(await socket.receive_text())
        assert first["type"] == "layout-update"
        event = orjson.dumps(
            {"type": "layout-event", "target": target_of(first["model"]), "data": [{}]}
        ).decode()
        for _ in range(CLICKS):
            await socket.send(event)
        with anyio.fail_after(10):
            while len(counts) < CLICKS:
                patch = orjson.loads(await socket.receive_text())
                assert patch["type"] == "ember-patch", patch
                counts.extend(op[-1] for op in patch["ops"])
        group.cancel_scope.cancel()
    socket.dispose()
    return counts


EXPECTED = [f"Count: {n}" for n in range(1, CLICKS + 1)]


async def test_patches_arrive_in_order_when_the_server_takes_each_frame_at_once(ember: Ember):
    def at_once(send: Send) -> Send:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        forwarding: list[asyncio.Task[None]] = []

        async def forward() -> None:
            # Until the test's socket closes; its error is not left for the collector to
            # log in whichever test runs when this task is freed.
            with contextlib.suppress(anyio.ClosedResourceError):
                while True:
                    await send(await queue.get())

        async def take(message: dict[str, Any]) -> None:  # never suspends
            if not forwarding:
                forwarding.append(asyncio.get_running_loop().create_task(forward()))
            queue.put_nowait(message)

        return take

    assert await clicked_counts(ember, at_once) == EXPECTED


async def test_patches_arrive_in_order_when_every_send_waits_for_the_socket(ember: Ember):
    def waits(send: Send) -> Send:
        async def slow(message: dict[str, Any]) -> None:
            # A socket over its high-water mark: the send waits for a drain, twice.
            for _ in range(2):
                drained = asyncio.get_running_loop().create_future()
                asyncio.get_running_loop().call_later(0.001, drained.set_result, None)
                await drained
            await send(message)

        return slow

    assert await clicked_counts(ember, waits) == EXPECTED


class _Later:
    """An awaitable that is no coroutine (as some servers' ``send`` returns)."""

    def __init__(self, send: Send, message: dict[str, Any]) -> None:
        self.send, self.message = send, message

    def __await__(self) -> Generator[Any, None, None]:
        yield from asyncio.sleep(0).__await__()
        return (yield from self.send(self.message).__await__())


async def test_patches_arrive_in_order_when_send_returns_an_awaitable_of_another_kind(
    ember: Ember,
):
    def later(send: Send) -> Send:
        return lambda message: _Later(send, message)

    assert await clicked_counts(ember, later) == EXPECTED


class Switch:
    """Turns a test's misbehaving ``send`` on once the first render has arrived."""

    on = False


async def closed_after_a_click(app: FastAPI, wrap: Callable[[Send], Send], switch: Switch) -> int:
    """Open a counter's socket through ``wrap``, turn ``switch`` on, click, and return the
    code the server closes the socket with (within 5 s)."""
    socket = await socket_to(app, with_send(app, wrap))
    async with anyio.create_task_group() as group:
        await socket.connect(group)
        first = orjson.loads(await socket.receive_text())
        switch.on = True
        event = {"type": "layout-event", "target": target_of(first["model"]), "data": [{}]}
        await socket.send(orjson.dumps(event).decode())
        with anyio.fail_after(5), pytest.raises(SocketClosed) as closed:  # noqa: PT012 - until it closes
            while True:
                await socket.receive_text()
        group.cancel_scope.cancel()
    socket.dispose()
    return closed.value.code


async def test_a_client_that_takes_no_update_is_closed_with_4408_after_the_send_timeout(
    caplog: pytest.LogCaptureFixture,
):
    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789", send_timeout_seconds=0.3))
    app = FastAPI()
    ember.mount(app, "/counter", Counter)
    stuck = Switch()

    def stalls(send: Send) -> Send:
        async def maybe_never(message: dict[str, Any]) -> None:
            if stuck.on and message["type"] == "websocket.send":
                await asyncio.get_running_loop().create_future()  # the client reads nothing
            await send(message)

        return maybe_never

    caplog.set_level(logging.WARNING, logger="ember.live")
    code = await closed_after_a_click(app, stalls, stuck)
    assert code == CloseCode.SLOW_CLIENT
    assert "took none of its updates for 0.3 s" in caplog.text


async def test_a_client_gone_during_a_send_ends_its_session_without_an_error_log(
    ember: Ember, caplog: pytest.LogCaptureFixture
):
    # Regression: the storybook's story frame reloads at each keystroke; a patch sent as the
    # old frame left raised the server's ClientDisconnected, logged as a failed session.
    app = FastAPI()
    ember.mount(app, "/counter", Counter)
    gone = Switch()

    def leaves(send: Send) -> Send:
        async def maybe_gone(message: dict[str, Any]) -> None:
            if gone.on and message["type"] == "websocket.send":
                raise ConnectionResetError("ClientDisconnected")  # uvicorn's is an OSError
            await send(message)

        return maybe_gone

    caplog.set_level(logging.DEBUG, logger="ember.live")
    code = await closed_after_a_click(app, leaves, gone)
    assert code == CloseCode.GOING_AWAY
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
