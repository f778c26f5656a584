"""A broadcast delivery in one process: CPU per delivery to N subscribed sessions.

No network and no uvicorn: N sessions of bench/_apps/ember_app.py's ``Subscribed`` view are
opened through the app's real page and socket route (the page's token, then the socket),
each with an ASGI ``send`` that takes every frame at once (what uvicorn's does below its
high-water mark, without the kernel's send), and the harness broadcasts on the view's topic
through the app's PubSub until every session has sent its patch. The figure is what ember
itself costs per delivery: the PubSub's fan-out, the session's mailbox, the render pass and
``_Sender.send``. The first broadcast of each round warms up; the median of the rest is
reported per round.

    python bench/delivery_path.py --sessions 1000 --broadcasts 15 --rounds 3

For instructions rather than CPU time (a loaded machine moves CPU time, not instructions),
run it under callgrind twice with ``--no-watchdog`` and take the difference: per delivery =
(Ir(12 broadcasts) - Ir(2 broadcasts)) / (10 x sessions), e.g.

    PYTHONHASHSEED=0 valgrind --tool=callgrind python bench/delivery_path.py \\
        --sessions 200 --broadcasts 12 --rounds 1 --no-watchdog
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# As bench/_server.py sets for the served targets: the flood guard is lifted.
os.environ.setdefault("EMBER_SECRET_KEY", "bench-secret-key-0123456789abcdef")
os.environ.setdefault("EMBER_EVENTS_PER_SECOND", "1000000")
os.environ.setdefault("EMBER_EVENTS_PER_SECOND_PER_IP", "1000000")

import ember.live  # noqa: E402
from bench._apps import ember_app  # noqa: E402
from bench._asgi import socket_target, websocket_scope  # noqa: E402


class Deliveries:
    """Counts the patches the sessions send; set once all of them have sent one."""

    def __init__(self) -> None:
        self.count = 0
        self.wanted = 0
        self.done = asyncio.Event()

    def expect(self, wanted: int) -> None:
        self.count, self.wanted, self.done = 0, wanted, asyncio.Event()

    def sent(self) -> None:
        self.count += 1
        if self.count == self.wanted:
            self.done.set()


class Socket:
    """One websocket into the app whose ``send`` takes every frame at once."""

    def __init__(self, path: str, query: str, deliveries: Deliveries) -> None:
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.connected = asyncio.Event()
        self.deliveries = deliveries
        self.scope = websocket_scope(path, query)
        self.task: asyncio.Task[None] | None = None

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] != "websocket.send":
            return
        text = message.get("text") or ""
        if '"ember-patch"' in text[:40]:
            self.deliveries.sent()
        elif '"layout-update"' in text[:40]:
            self.connected.set()

    async def open(self) -> None:
        self.inbox.put_nowait({"type": "websocket.connect"})
        app = ember_app.app
        self.task = asyncio.create_task(app(self.scope, self.inbox.get, self.send))
        await self.connected.wait()

    async def close(self) -> None:
        self.inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
        if self.task is not None:
            await self.task


async def open_session(client: httpx.AsyncClient, deliveries: Deliveries) -> Socket:
    page = (await client.get("http://127.0.0.1:8000/subscribed")).text
    path, query = socket_target(page, "/subscribed")
    socket = Socket(path, query, deliveries)
    await socket.open()
    return socket


async def measure(sessions: int, broadcasts: int, rounds: int) -> list[float]:
    """Median CPU µs per delivery of each round."""
    app = ember_app.app
    deliveries = Deliveries()
    figures: list[float] = []
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport) as client:
            sockets = [await open_session(client, deliveries) for _ in range(sessions)]
            await asyncio.sleep(0.5)  # the subscriptions open in tasks of the sessions
            pubsub = ember.live.default_ember().pubsub
            tick = 0
            for _ in range(rounds):
                spent: list[float] = []
                for _ in range(broadcasts + 1):
                    await asyncio.sleep(0.02)
                    tick += 1  # a new value each time: the same one would render nothing
                    deliveries.expect(sessions)
                    started = time.process_time()
                    await pubsub.broadcast(ember_app.TOPIC, ember_app.Tick(n=tick))
                    await deliveries.done.wait()
                    spent.append((time.process_time() - started) / sessions * 1e6)
                figures.append(statistics.median(spent[1:]))
            for socket in sockets:
                await socket.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--broadcasts", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--no-watchdog",
        action="store_true",
        help="no loop watchdog (it runs by the wall clock, which valgrind slows)",
    )
    args = parser.parse_args()
    if args.no_watchdog:
        from ember.live.ops._watchdog import LoopWatchdog

        LoopWatchdog.acquire = lambda self: None  # type: ignore[method-assign]
        LoopWatchdog.release = lambda self: None  # type: ignore[method-assign]
    figures = asyncio.run(measure(args.sessions, args.broadcasts, args.rounds))
    rounds = ", ".join(f"{figure:.1f}" for figure in figures)
    print(f"CPU per delivery to {args.sessions} sessions, µs (median per round): {rounds}")


if __name__ == "__main__":
    main()
