"""The demo's online list with 130 real sockets on a real worker (`ember demo`): a join
costs about the same at 130 open timelines as at 20 (every tab gets one shared summary
per moment, not the whole list per join), and the worker gives memory back after they
leave. bench/presence.py measures Presence itself to 1,000 entries."""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psutil
import pytest
from websockets.asyncio.client import ClientConnection, connect

from ember.live import PROTOCOL_VERSION

ROOT = Path(__file__).resolve().parents[2]
CONFIG = re.compile(r"data-ember-config='([^']*)'")
ONLINE = re.compile(r"Online now · (\d+)")
TABS = 130
WINDOW = 20  # joins measured together, at the start and at the end


class Demo:
    def __init__(self, data: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        env = {**os.environ, "EMBER_SECRET_KEY": "scale-secret-key-0123456789"}
        env["EMBER_DEMO_DATA"] = str(data)
        # ember's engine: the runtime from now on (ReactPy's Layout measured 2.7x here).
        env["EMBER_ENGINE"] = "ember"
        env.pop("EMBER_DATABASE_URL", None)
        env.pop("EMBER_PUBSUB_URL", None)
        command = [sys.executable, "-m", "ember.cli", "demo", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 0.2),
            ):
                break
            time.sleep(0.05)
        # `ember demo` may run uvicorn in a child: measure the process that serves.
        self.worker = psutil.Process(self.process.pid)
        children = self.worker.children(recursive=True)
        if children:
            self.worker = children[-1]

    def cpu(self) -> float:
        times = self.worker.cpu_times()
        return float(times.user + times.system)

    def rss_mib(self) -> float:
        return float(self.worker.memory_info().rss) / 2**20

    def sessions(self) -> int:
        """Open websocket connections to the worker."""
        return sum(
            1
            for c in self.worker.net_connections("tcp")
            if c.laddr and c.laddr.port == self.port and c.status == psutil.CONN_ESTABLISHED
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()  # reaped, not left running for Popen.__del__ to warn about


@pytest.fixture
def demo() -> Iterator[Demo]:
    with tempfile.TemporaryDirectory() as folder:
        running = Demo(Path(folder))
        try:
            yield running
        finally:
            running.stop()


class Tab:
    """One open timeline, reading everything it is sent; ``online`` is the count shown."""

    def __init__(self, ws: ClientConnection, first: str) -> None:
        self.ws = ws
        self.online = 0
        self._see(first)
        self.reader = asyncio.create_task(self._read())

    def _see(self, frame: str) -> None:
        for found in ONLINE.findall(frame):
            self.online = int(found)

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            async for frame in self.ws:
                self._see(str(frame))

    async def close(self) -> None:
        await self.ws.close()
        self.reader.cancel()


async def open_tab(client: httpx.AsyncClient, port: int) -> Tab:
    client.cookies.clear()  # a new visitor: the demo names each guest by a cookie
    response = await client.get(f"http://127.0.0.1:{port}/")
    page = response.text
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    found = CONFIG.search(page)
    assert found is not None
    config = json.loads(html.unescape(found.group(1)))
    query = urlencode({"path": "/", "protocol": PROTOCOL_VERSION})
    url = f"ws://127.0.0.1:{port}{config['pathPrefix']}{config['componentPath']}&{query}"
    headers = {"Cookie": cookie} if cookie else None
    ws = await connect(url, max_size=None, ping_interval=None, additional_headers=headers)
    first = await ws.recv()  # the first render: the session is mounted and tracked
    return Tab(ws, str(first))


async def everyone_sees(tabs: list[Tab], count: int, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while any(tab.online != count for tab in tabs):
        shown = sorted({tab.online for tab in tabs})
        assert time.monotonic() < deadline, f"tabs show {shown}, expected {count}"
        await asyncio.sleep(0.05)


async def join(client: httpx.AsyncClient, demo: Demo, tabs: list[Tab], count: int) -> float:
    """Open ``count`` tabs one after the other; the worker's CPU seconds per join, counting
    the updates every open tab receives until all show the new total."""
    started = demo.cpu()
    for _ in range(count):
        tabs.append(await open_tab(client, demo.port))
    await everyone_sees(tabs, len(tabs))
    return (demo.cpu() - started) / count


async def leave(demo: Demo, tabs: list[Tab]) -> None:
    for tab in tabs:
        await tab.close()
    tabs.clear()
    deadline = time.monotonic() + 20
    while demo.sessions() > 0:  # every session ended (and untracked)
        assert time.monotonic() < deadline, f"{demo.sessions()} sessions still open"
        await asyncio.sleep(0.1)


@pytest.mark.timeout(180)
async def test_demo_join_costs_the_same_at_130_tabs_and_memory_is_reused(demo: Demo) -> None:
    tabs: list[Tab] = []
    async with httpx.AsyncClient(timeout=30) as client:
        # Warm up: imports, the database, caches; then the baseline.
        tabs.extend([await open_tab(client, demo.port) for _ in range(WINDOW)])
        await leave(demo, tabs)
        baseline = demo.rss_mib()

        early = await join(client, demo, tabs, WINDOW)
        while len(tabs) < TABS - WINDOW:
            tabs.append(await open_tab(client, demo.port))
        await everyone_sees(tabs, len(tabs))
        late = await join(client, demo, tabs, WINDOW)
        assert len(tabs) == TABS
        first = demo.rss_mib()
        await leave(demo, tabs)
        # Again: what the first 130 left behind is used again, not added to.
        tabs.extend([await open_tab(client, demo.port) for _ in range(TABS)])
        await everyone_sees(tabs, TABS)
        second = demo.rss_mib()
        await leave(demo, tabs)
        after = demo.rss_mib()

    print(
        f"\nCPU per join: {early * 1000:.1f} ms at {WINDOW} tabs, {late * 1000:.1f} ms at "
        f"{TABS} ({late / early:.1f}x); RSS {baseline:.0f} MiB, {first:.0f} at {TABS} tabs, "
        f"{second:.0f} at {TABS} again, {after:.0f} after they left"
    )
    # Before: every join re-rendered the whole list in every tab (about 2.5 s of CPU per
    # join at 130 tabs), and the worker grew to 1,743 MiB.
    assert late < 3 * early, f"a join costs {late / early:.1f}x at {TABS} tabs what at {WINDOW}"
    assert first - baseline < TABS * 1.0, f"{first - baseline:.0f} MiB for {TABS} tabs"
    assert second - first < max(16.0, first - baseline), "the second 130 tabs added as much"
