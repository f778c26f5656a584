"""Session tokens never reach the logs of a real server (issue 23, case 3), and a server on
the development key says so once at start-up.

Each test starts a real uvicorn process, loads a page, opens its websocket with the page's
token (as the browser does, in the URL) and reads everything the process wrote.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from html import unescape

import httpx
import pytest
import websockets

from ember.live import PROTOCOL_VERSION
from tests._server import ROOT, Server

TOKEN = re.compile(r"token=([^&\"']+)")


class LoggedServer(Server):
    """A server whose output is collected; ``args`` says how it is started."""

    def __init__(self, args: list[str], *, secret: str | None) -> None:
        super().__init__(app="tests.browser.app:app")
        self.args = args
        self.secret_value = secret

    def command(self) -> list[str]:
        return [sys.executable, *self.args, "--port", str(self.port)]

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("EMBER_")}
        if self.secret_value:
            env["EMBER_SECRET_KEY"] = self.secret_value
        return env

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command(),
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        import socket
        import time

        deadline = time.monotonic() + self.START_SECONDS
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return
            except OSError:
                time.sleep(0.05)
        output = self.output()  # stopped, its pipe closed, when this test fails
        raise RuntimeError(f"the server did not start:\n{output[-2000:]}")

    def output(self) -> str:
        assert self.process is not None
        self.process.terminate()
        out, _ = self.process.communicate(timeout=15)
        self.process = None
        return out.decode("utf-8", "replace")


async def _visit(url: str) -> str:
    """Load the page, open its socket with the token, wait for the first frame."""
    async with httpx.AsyncClient(base_url=url) as client:
        page = await client.get("/")
    token = TOKEN.search(unescape(page.text)).group(1)
    ws_url = url.replace("http://", "ws://")
    socket_url = f"{ws_url}/_ember/ws?token={token}&protocol={PROTOCOL_VERSION}"
    async with websockets.connect(socket_url, origin=url) as socket:
        await asyncio.wait_for(socket.recv(), 10)
    return token


SERVERS = {
    # `ember server` gives uvicorn ember's logging config (a redacting filter on its handlers)
    "ember-server": ["-m", "ember.cli", "server", "tests.browser.app:app"],
    # plain uvicorn with its own config: the filter ember installs on the loggers
    "plain-uvicorn": ["-m", "uvicorn", "tests.browser.app:app", "--log-level", "info"],
}


@pytest.mark.parametrize("how", sorted(SERVERS))
async def test_the_token_is_never_logged(how):
    server = LoggedServer(SERVERS[how], secret="token-log-secret-0123456789")
    server.start()
    try:
        token = await _visit(server.url)
    finally:
        output = server.output()
    assert "/_ember/ws" in output  # the handshake was logged ...
    assert "token=[redacted]" in output  # ... with the token redacted
    assert token not in output
    assert token[:20] not in output


async def test_the_development_key_is_announced_once_at_start_up():
    server = LoggedServer(SERVERS["ember-server"], secret=None)
    server.start()
    try:
        await _visit(server.url)
        await _visit(server.url)
    finally:
        output = server.output()
    assert output.count("development secret key") == 1, output
    assert "EMBER_SECRET_KEY" in output
    assert "secrets.token_urlsafe" in output


def test_production_without_a_key_refuses_to_start_and_says_how_to_set_it():
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMBER_")}
    done = subprocess.run(
        [sys.executable, "-c", "from tests.browser import app"],
        cwd=ROOT,
        env={**env, "EMBER_ENV": "production"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "EMBER_SECRET_KEY is not set" in done.stderr
    assert "export EMBER_SECRET_KEY=" in done.stderr
