"""What opening one session costs ember, in process: CPU per ``GET /view`` and per
``GET`` + websocket until the first ``layout-update``, without uvicorn or a client.

The bench's own ember app (``bench/_apps/ember_app.py``) is driven straight through ASGI, in
one process, one session after another, and timed in process CPU (``time.process_time``),
which a loaded machine moves far less than wall-clock rates. The engine's renders (the
first paint's and the socket's ``Engine.mount``) are timed on their own, so the rest, the
session server's share (routing, token, shell, headers, dependencies, claims, the socket's
setup), is a figure of its own. ``--profile FILE`` writes a cProfile of the open loop.
Figures are medians over ``--reps`` repetitions of ``--sessions`` sessions. Usage::

    .venv/bin/python bench/open_cost.py [--view subscribed] [--sessions 300] [--reps 5]
        [--profile /tmp/open.prof] [--append-results bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import html
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("EMBER_SECRET_KEY", "bench-secret-key-0123456789abcdef")

from bench._apps.ember_app import app
from bench._report import publish
from ember.live import PROTOCOL_VERSION
from ember.live.engine._engine import Engine

CONFIG = re.compile(r"data-ember-config='([^']*)'")
HOST = [(b"host", b"127.0.0.1:8000")]
_rendering = [0.0]


def _timed_mount(mount: Any) -> Any:
    def timed(self: Engine, *args: Any) -> Any:
        started = time.process_time()
        try:
            return mount(self, *args)
        finally:
            _rendering[0] += time.process_time() - started

    return timed


Engine.mount = _timed_mount(Engine.mount)  # type: ignore[method-assign]
if hasattr(Engine, "adopt"):  # the socket's render of an adopted first paint
    Engine.adopt = _timed_mount(Engine.adopt)  # type: ignore[method-assign]


def _scope(kind: str, path: str, query: str = "") -> dict[str, Any]:
    headers = HOST + ([(b"origin", b"http://127.0.0.1:8000")] if kind == "websocket" else [])
    return {
        "type": kind,
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http" if kind == "http" else "ws",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
        "subprotocols": [],
    }


async def get(path: str) -> str:
    body: list[bytes] = []
    asked = False

    async def receive() -> dict[str, Any]:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()
        raise AssertionError  # never reached

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    await app(_scope("http", path), receive, send)
    return b"".join(body).decode()


Socket = tuple["asyncio.Task[None]", "asyncio.Queue[dict[str, Any]]"]


async def open_session(view: str) -> Socket:
    """GET the page, open its socket, return once the first update has arrived."""
    found = CONFIG.search(await get(f"/{view}"))
    assert found is not None
    config = json.loads(html.unescape(found.group(1)))
    params = urlencode({"path": f"/{view}", "qs": "", "protocol": PROTOCOL_VERSION})
    path, _, query = f"{config['pathPrefix']}{config['componentPath']}&{params}".partition("?")
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    inbox.put_nowait({"type": "websocket.connect"})
    first: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def send(message: dict[str, Any]) -> None:
        if not first.done() and message["type"] in ("websocket.send", "websocket.close"):
            if '"layout-update"' in (message.get("text") or "")[:40]:
                first.set_result(None)
            else:
                first.set_exception(RuntimeError(f"expected the first update, got {message}"))

    task = asyncio.create_task(app(_scope("websocket", path, query), inbox.get, send))
    await first
    return task, inbox


async def close(sockets: list[Socket]) -> None:
    for _, inbox in sockets:
        inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
    await asyncio.gather(*(task for task, _ in sockets))


async def measure(view: str, sessions: int, reps: int, profile: Path | None) -> dict[str, Any]:
    figures: dict[str, list[float]] = {"get": [], "open": [], "render": []}
    async with app.router.lifespan_context(app):
        await close([await open_session(view) for _ in range(20)])  # warm up
        for _ in range(reps):
            started = time.process_time()
            for _ in range(sessions):
                await get(f"/{view}")
            figures["get"].append((time.process_time() - started) / sessions * 1e6)
            profiler = cProfile.Profile() if profile else None
            _rendering[0] = 0.0
            started = time.process_time()
            if profiler is not None:
                profiler.enable()
            opened = [await open_session(view) for _ in range(sessions)]
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(profile)  # type: ignore[arg-type]
                profile = None
            figures["open"].append((time.process_time() - started) / sessions * 1e6)
            figures["render"].append(_rendering[0] / sessions * 1e6)
            await close(opened)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--view", default="subscribed")
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--append-results", type=Path)
    args = parser.parse_args()
    figures = asyncio.run(measure(args.view, args.sessions, args.reps, args.profile))
    get_us, open_us = statistics.median(figures["get"]), statistics.median(figures["open"])
    render_us = statistics.median(figures["render"])
    spread = f"{min(figures['open']):.0f}-{max(figures['open']):.0f}"
    text = (
        f"## Opening a session, in process ({time.strftime('%Y-%m-%d')}, view {args.view})\n\n"
        f"`python bench/open_cost.py --view {args.view} --sessions {args.sessions} "
        f"--reps {args.reps}`: process CPU per session, medians of {args.reps} repetitions, "
        "no uvicorn and no client.\n\n"
        "| figure | us |\n| --- | --- |\n"
        f"| GET /{args.view} (first paint) | {get_us:.0f} |\n"
        f"| GET + websocket to the first update | {open_us:.0f} ({spread}) |\n"
        f"| of which the engine's renders (Engine.mount, Engine.adopt) | {render_us:.0f} |\n"
        f"| of which the session server | {open_us - render_us:.0f} |\n"
    )
    publish(text, args.append_results)


if __name__ == "__main__":
    main()
