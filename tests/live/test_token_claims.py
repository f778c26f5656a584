"""One live socket per session token on every worker, and a token redeemable only while its
session is recent (issue 23, case 3: "single live session at a time with bounded replay").

In-process apps check the rules on both claim stores (two ``Ember`` instances on one Redis
are two workers); real uvicorn processes on Redis check them across processes, and that a
killed worker's claims lapse so its tabs reconnect elsewhere.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from html import unescape
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import anyio
import httpx
import pytest
import websockets
from fastapi import FastAPI
from reactpy import component, html

from ember.live import PROTOCOL_VERSION, CloseCode, Ember, LiveSettings, use_session
from ember.live.api._asgi_socket import AsgiWebSocket, SocketClosed
from ember.live.server._claims import Claim, MemoryClaims
from tests._server import stop_process

from .test_restart import inputs

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r"token=([^&\"']+)")
SECRET = "claims-secret-key-0123456789"


@component
def Page() -> Any:
    return html.p({"id": "sid"}, use_session().id)


@pytest.fixture
async def make_app() -> AsyncIterator[Callable[..., FastAPI]]:
    """Apps on their own ``Ember`` (a worker each), whose claim stores close at the end."""
    embers: list[Ember] = []

    def make(recovery_url: str = "memory://", reconnect_seconds: int = 3600) -> FastAPI:
        settings = LiveSettings(
            secret_key=SECRET, recovery_url=recovery_url, token_reconnect_seconds=reconnect_seconds
        )
        embers.append(Ember(settings))
        app = FastAPI()
        embers[-1].mount(app, "/page", Page)
        return app

    yield make
    for ember in embers:
        await ember.claims.close()
        await ember.recovery.close()


async def _page_token(app: FastAPI) -> str:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        page = await client.get("/page")
    return TOKEN.search(unescape(page.text)).group(1)


def _socket(app: FastAPI, token: str) -> AsgiWebSocket:
    url = f"/page/_ember/ws?token={token}&protocol={PROTOCOL_VERSION}"
    return AsgiWebSocket(app, url, {"origin": "http://testserver"})


async def _outcome(app: FastAPI, token: str) -> int | str:
    """The close code the server answers with, or "open" once it renders."""
    ws = _socket(app, token)
    outcome: int | str = "open"
    async with anyio.create_task_group() as group:
        await ws.connect(group)
        try:
            with anyio.fail_after(10):
                await ws.receive_text()
        except SocketClosed as closed:
            outcome = closed.code
        group.cancel_scope.cancel()
    ws.dispose()
    return outcome


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def store_url(request: pytest.FixtureRequest) -> str:
    return "memory://" if request.param == "memory" else request.getfixturevalue("redis_url")


async def test_a_token_never_used_within_the_reconnect_window_is_spent(make_app, store_url, caplog):
    app = make_app(store_url, reconnect_seconds=1)
    token = await _page_token(app)
    await anyio.sleep(2.1)  # token timestamps have whole seconds
    with caplog.at_level(logging.WARNING, logger="ember.live"):
        assert await _outcome(app, token) == CloseCode.BAD_TOKEN
    assert "its token is spent" in caplog.text


async def test_a_closed_session_reconnects_within_the_window_and_not_after(make_app, store_url):
    app = make_app(store_url, reconnect_seconds=3)
    token = await _page_token(app)
    assert await _outcome(app, token) == "open"
    await anyio.sleep(2)
    assert await _outcome(app, token) == "open"  # a reconnect: the window starts again
    await anyio.sleep(2)
    assert await _outcome(app, token) == "open"  # 4 s after rendering, 2 s after closing
    await anyio.sleep(4.5)
    assert await _outcome(app, token) == CloseCode.BAD_TOKEN  # closed too long ago


@pytest.mark.redis
async def test_two_workers_on_one_redis_serve_one_socket_per_token(make_app, redis_url, caplog):
    first_worker, second_worker = make_app(redis_url), make_app(redis_url)
    token = await _page_token(first_worker)
    live = _socket(first_worker, token)
    async with anyio.create_task_group() as group:
        await live.connect(group)
        await live.receive_text()
        with caplog.at_level(logging.WARNING, logger="ember.live"):
            assert await _outcome(second_worker, token) == CloseCode.BAD_TOKEN
        assert "already has a live socket" in caplog.text
        await live.close()
        await anyio.sleep(0.2)  # the first worker releases the claim as the socket ends
        group.cancel_scope.cancel()
    live.dispose()
    assert await _outcome(second_worker, token) == "open"  # the tab reconnects elsewhere


# -- real processes ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Worker:
    """uvicorn serving tests/live/apps/signup.py with the Redis recovery store."""

    def __init__(self, redis_url: str) -> None:
        self.port = _free_port()
        env = {**os.environ, "EMBER_SECRET_KEY": SECRET, "EMBER_RECOVERY_URL": redis_url}
        command = [sys.executable, "-m", "uvicorn", "tests.live.apps.signup:app"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port), "--log-level", "warning"], cwd=ROOT, env=env
        )

    def wait_until_serving(self) -> None:
        """Return once the worker accepts connections (start every worker before waiting)."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()  # not left running when this test fails
        raise RuntimeError("uvicorn did not start")

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def token(self) -> str:
        with urlopen(f"http://127.0.0.1:{self.port}/signup", timeout=10) as response:
            return unescape(TOKEN.search(unescape(response.read().decode())).group(1))

    async def connect(self, token: str) -> websockets.ClientConnection:
        query = f"token={token}&path=/signup&protocol={PROTOCOL_VERSION}"
        return await websockets.connect(
            f"ws://127.0.0.1:{self.port}/signup/_ember/ws?{query}",
            origin=f"http://127.0.0.1:{self.port}",
        )

    def stop(self) -> None:
        stop_process(self.process)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)


async def _close_code(ws: websockets.ClientConnection) -> int | None:
    with pytest.raises(websockets.ConnectionClosed) as closed:  # noqa: PT012
        with anyio.fail_after(10):
            while True:
                await ws.recv()
    return closed.value.rcvd.code if closed.value.rcvd else None


@pytest.mark.redis
@pytest.mark.timeout(90)
async def test_two_processes_refuse_a_second_socket_and_hand_the_session_over(redis_url):
    with Worker(redis_url) as first, Worker(redis_url) as second:
        first.wait_until_serving()
        second.wait_until_serving()
        token = first.token()
        live = await first.connect(token)
        update = json.loads(await live.recv())
        event = {"type": "change", "target": {"value": "typed on the first"}}
        target = inputs(update["model"])["target:name"]
        frame = {"type": "layout-event", "target": target, "data": [event]}
        await live.send(json.dumps(frame))
        await live.send(json.dumps({"type": "ember-ping", "id": 1}))
        while json.loads(await live.recv()).get("type") != "ember-pong":
            pass
        await anyio.sleep(0.3)  # the snapshot is saved right after the render

        # The same token on the other process while the first socket is live: refused.
        intruder = await second.connect(token)
        assert await _close_code(intruder) == CloseCode.BAD_TOKEN

        # The first socket closes; the tab reconnects to the other process and resumes.
        await live.close()
        await anyio.sleep(0.3)
        resumed = await second.connect(token)
        assert inputs(json.loads(await resumed.recv())["model"])["name"] == "typed on the first"

        # That process is killed: its claim lapses with its liveness, the first one serves.
        second.kill()
        await resumed.close()  # its server is gone: nothing to wait for
        started = time.monotonic()
        back = await first.connect(token)
        assert inputs(json.loads(await back.recv())["model"])["name"] == "typed on the first"
        assert time.monotonic() - started < 5
        await back.close()


async def test_the_memory_store_forgets_the_oldest_closed_sessions_first():
    claims = MemoryClaims(reconnect_seconds=3600, max_released=2)
    for session in ("a", "b", "c"):
        assert await claims.try_claim(session, "socket", fresh=True) is Claim.GRANTED
        await claims.release(session, "socket")
    assert await claims.try_claim("a", "socket", fresh=False) is Claim.SPENT  # forgotten
    assert await claims.try_claim("c", "socket", fresh=False) is Claim.GRANTED
    assert await claims.try_claim("c", "other", fresh=False) is Claim.BUSY
