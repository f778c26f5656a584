"""A real server killed with SIGKILL and started again: the session resumes or remounts.

uvicorn serves tests/live/apps/signup.py in a subprocess; a websockets client plays the
browser: it fills half of a 6-field form, the server is killed and restarted, and the
client reconnects with the same session token, as ReactPy's client does.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import anyio
import pytest
import websockets

from ember.live import PROTOCOL_VERSION
from tests._server import stop_process

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r"componentPath&quot;: &quot;ws\?token=([^&]+)&quot;")
FIELDS = ["name", "email", "city", "street", "zip", "phone"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self, recovery_url: str) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            "EMBER_SECRET_KEY": "restart-secret-key-0123456789",
            "EMBER_RECOVERY_URL": recovery_url,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start uvicorn; return the moment it accepts connections."""
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "tests.live.apps.signup:app",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return time.monotonic()
            except OSError:
                time.sleep(0.02)
        self.stop()  # not left running when this test fails
        raise RuntimeError("uvicorn did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)


def inputs(model: Any, found: dict[str, str] | None = None) -> dict[str, str]:
    found = {} if found is None else found
    if isinstance(model, dict):
        attributes = model.get("attributes", {})
        if model.get("tagName") == "input":
            found[attributes["name"]] = attributes.get("value", "")
            found["target:" + attributes["name"]] = model["eventHandlers"]["onChange"]["target"]
        for child in model.get("children", []):
            inputs(child, found)
    return found


class Browser:
    """Plays ReactPy's client over a real websocket: first render in, events out."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.ws: websockets.ClientConnection | None = None
        with urlopen(f"http://127.0.0.1:{port}/signup", timeout=10) as response:
            self.token = unescape(TOKEN.search(response.read().decode()).group(1))

    async def connect(self) -> dict[str, str]:
        query = f"token={self.token}&path=/signup&protocol={PROTOCOL_VERSION}"
        url = f"ws://127.0.0.1:{self.port}/signup/_ember/ws?{query}"
        await self.close()  # a tab has one socket: the last server's, if any, is closed
        self.ws = await websockets.connect(url, origin=f"http://127.0.0.1:{self.port}")
        update = json.loads(await self.ws.recv())
        return inputs(update["model"])

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def type_into(self, fields: dict[str, str], field: str, value: str) -> None:
        event = {"type": "change", "target": {"value": value}}
        frame = {"type": "layout-event", "target": fields["target:" + field], "data": [event]}
        assert self.ws is not None
        await self.ws.send(json.dumps(frame))

    async def sync(self) -> None:
        assert self.ws is not None
        await self.ws.send(json.dumps({"type": "ember-ping", "id": 1}))
        while json.loads(await self.ws.recv()).get("type") != "ember-pong":
            pass


@pytest.fixture(params=["memory", "sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def server(request, tmp_path):
    if request.param == "memory":
        url = "memory://"
    elif request.param == "sqlite":  # a file next to the app, as `ember demo` keeps one
        url = f"sqlite:///{tmp_path / 'recovery.db'}"
    else:
        url = request.getfixturevalue("redis_url")
    running = Server(url)
    try:
        running.start()
        yield request.param, running
    finally:
        running.stop()


@pytest.mark.timeout(90)
async def test_server_killed_and_restarted_the_session_resumes_or_remounts(server):
    store, running = server
    browser = Browser(running.port)
    try:
        fields = await browser.connect()
        typed = {field: f"{field}-typed" for field in FIELDS[:3]}
        for field, value in typed.items():
            await browser.type_into(fields, field, value)
        await browser.sync()
        await anyio.sleep(0.3)  # the snapshot is written right after the render

        running.kill()
        back = running.start()
        restored = None
        with anyio.fail_after(5):  # within 5 s of the server being back
            while restored is None:
                try:
                    restored = await browser.connect()
                except OSError:
                    await anyio.sleep(0.05)
        elapsed = time.monotonic() - back
    finally:
        await browser.close()

    values = [restored[field] for field in FIELDS]
    if store in ("redis", "sqlite"):  # the store outlived the process
        assert values == [*typed.values(), "", "", ""]
    else:  # the in-process store died with the process: a clean, fresh mount
        assert values == [""] * 6
    assert elapsed < 5


@pytest.mark.timeout(60)
async def test_sigterm_tells_clients_to_reconnect_and_the_server_exits():
    running = Server("memory://")
    try:
        running.start()
        browser = Browser(running.port)
        fields = await browser.connect()
        await browser.type_into(fields, "name", "before shutdown")
        await browser.sync()
        started = time.monotonic()
        running.process.send_signal(signal.SIGTERM)
        assert browser.ws is not None
        with pytest.raises(websockets.ConnectionClosed) as closed:  # noqa: PT012
            with anyio.fail_after(5):
                while True:
                    await browser.ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1012  # "service restart": the client reconnects
        assert running.process.wait(10) in (0, -signal.SIGTERM)  # uvicorn re-raises it
        assert time.monotonic() - started < 10
    finally:
        running.stop()
