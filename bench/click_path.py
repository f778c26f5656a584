"""The click path in one process: CPU per click through ember's socket route, against a bare
ASGI echo driven the same way.

No network and no uvicorn: each app is called as ASGI with a queue for ``receive`` and one
for ``send``, so the figure is what the app itself costs per click (ember: the route, the
session server and the engine; the echo: the floor of this harness), and the load other
processes put on the machine moves both alike. The README's counter is clicked ``--clicks``
times per round (after 200 warm-up clicks), echo and ember alternating; ``--seq`` sends the
``seq`` a browser sends and waits for its ack.

    python bench/click_path.py --clicks 4000 --rounds 3 [--seq] [--append-results bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# As bench/_server.py sets for the served targets: the flood guard is lifted.
os.environ.setdefault("EMBER_SECRET_KEY", "bench-secret-key-0123456789abcdef")
os.environ.setdefault("EMBER_EVENTS_PER_SECOND", "1000000")
os.environ.setdefault("EMBER_EVENTS_PER_SECOND_PER_IP", "1000000")

from bench._apps import echo  # noqa: E402
from bench._apps.ember_app import app as ember_app  # noqa: E402
from bench._asgi import socket_target, websocket_scope  # noqa: E402
from bench._clients import ECHO_EVENT, _handler_targets  # noqa: E402
from bench._report import publish  # noqa: E402

WARM_UP = 200
App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


class Socket:
    """One websocket into ``app``, as a server would drive it, minus the network."""

    def __init__(self, app: App, path: str, query: str) -> None:
        self.app = app
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.scope = websocket_scope(path, query)
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.inbox.put_nowait({"type": "websocket.connect"})
        self.task = asyncio.create_task(self.app(self.scope, self.inbox.get, self.outbox.put))

    def send(self, text: str) -> None:
        self.inbox.put_nowait({"type": "websocket.receive", "text": text})

    async def recv(self) -> str:
        while True:
            message = await self.outbox.get()
            if message["type"] == "websocket.send":
                return str(message.get("text"))
            if message["type"] == "websocket.close":
                raise RuntimeError(f"The socket closed: {message}")

    async def close(self) -> None:
        self.inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
        if self.task is not None:
            await self.task


async def echo_round(clicks: int) -> float:
    socket = Socket(echo.app, "/", "")
    socket.start()
    await socket.outbox.get()  # websocket.accept
    for _ in range(WARM_UP):
        socket.send(ECHO_EVENT)
        await socket.recv()
    started = time.process_time()
    for _ in range(clicks):
        socket.send(ECHO_EVENT)
        await socket.recv()
    spent = time.process_time() - started
    await socket.close()
    return spent / clicks * 1e6


async def ember_round(client: httpx.AsyncClient, clicks: int, seq: bool) -> float:
    page = (await client.get("http://127.0.0.1:8000/counter")).text
    path, query = socket_target(page, "/counter")
    socket = Socket(ember_app, path, query)
    socket.start()
    while '"layout-update"' not in (text := await socket.recv())[:40]:
        pass
    target = _handler_targets(json.loads(text)["model"])["inc"]
    number = 0

    async def click() -> None:
        nonlocal number
        number += 1
        frame: dict[str, Any] = {"type": "layout-event", "target": target, "data": [{}]}
        if seq:
            frame["seq"] = number
        socket.send(json.dumps(frame))
        while True:  # the patch; with seq, until the event is acked (in it or after it)
            text = await socket.recv()
            if '"ember-patch"' in text[:40] and (not seq or '"ack"' in text):
                return
            if '"ember-ack"' in text[:40]:
                return

    for _ in range(WARM_UP):
        await click()
    started = time.process_time()
    for _ in range(clicks):
        await click()
    spent = time.process_time() - started
    await socket.close()
    return spent / clicks * 1e6


async def measure(clicks: int, rounds: int, seq: bool) -> list[tuple[float, float]]:
    figures = []
    async with ember_app.router.lifespan_context(ember_app):
        transport = httpx.ASGITransport(app=ember_app)
        async with httpx.AsyncClient(transport=transport) as client:
            for _ in range(rounds):
                figures.append((await echo_round(clicks), await ember_round(client, clicks, seq)))
    return figures


def report(figures: list[tuple[float, float]], command: str, seq: bool) -> str:
    def median_range(values: list[float]) -> str:
        return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"

    echoes = [e for e, _ in figures]
    embers = [m for _, m in figures]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    kind = "with seq (a browser's click: the ack is awaited)" if seq else "without seq"
    return "\n".join(
        [
            f"## click path in one process (ASGI, no network) ({now})",
            "",
            f"`{command}`",
            "",
            f"Python {platform.python_version()}, {platform.machine()}; {len(figures)} rounds "
            f"of the README's counter clicked {kind}; process CPU per click, median (min-max).",
            "",
            "| target | CPU per click (us) |",
            "| --- | --- |",
            f"| echo (this harness's floor) | {median_range(echoes)} |",
            f"| ember | {median_range(embers)} |",
            f"| ember minus echo | {median_range([m - e for e, m in figures])} |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seq", action="store_true", help="send seq and wait for the ack")
    parser.add_argument("--append-results", type=Path)
    args = parser.parse_args()
    figures = asyncio.run(measure(args.clicks, args.rounds, args.seq))
    command = "python bench/click_path.py " + " ".join(sys.argv[1:])
    publish(report(figures, command.strip(), args.seq), args.append_results)


if __name__ == "__main__":
    main()
