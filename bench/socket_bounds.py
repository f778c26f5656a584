"""What the per-socket bounds cost on the click path.

The same small app (the counter of tests/live/apps/bounds_app.py) served twice by uvicorn in
fresh processes: once with uvicorn's own websockets protocol (the baseline), once as
``ember server`` serves it (``ember.live.serving.WebSocketProtocol``, the frame limit,
the send timeout). One client clicks sequentially and times each click until its patch
arrives; the two servers take turns, several rounds, and the ratio of medians is reported.

    .venv/bin/python bench/socket_bounds.py --clicks 200 --rounds 6 \
        --append-results bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import html
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
from websockets.asyncio.client import connect

from ember.live import PROTOCOL_VERSION

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._report import publish

ROOT = Path(__file__).resolve().parents[1]
APP = "tests.live.apps.bounds_app:app"
CONFIG = re.compile(r"data-ember-config='([^']*)'")
TARGET = re.compile(r'"target": ?"([^"]+:onClick)"')
EMBER_OPTIONS = ["--ws", "ember.live.serving:WebSocketProtocol", "--ws-max-size", "1048576"]


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(bounded: bool) -> tuple[subprocess.Popen[bytes], int]:
    port = _port()
    command = [sys.executable, "-m", "uvicorn", APP, "--port", str(port), "--log-level", "error"]
    command += EMBER_OPTIONS if bounded else ["--ws", "websockets-sansio"]
    env = {**os.environ, "EMBER_SECRET_KEY": "bench-secret-key-0123456789"}
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the server did not start")


async def clicks(port: int, count: int) -> list[float]:
    async with httpx.AsyncClient() as client:
        page = (await client.get(f"http://127.0.0.1:{port}/counter")).text
    found = CONFIG.search(page)
    assert found is not None
    config = json.loads(html.unescape(found.group(1)))
    query = urlencode({"path": "/counter", "protocol": PROTOCOL_VERSION})
    url = f"ws://127.0.0.1:{port}{config['pathPrefix']}{config['componentPath']}&{query}"
    samples: list[float] = []
    async with connect(url, max_size=None, ping_interval=None) as ws:
        first = await ws.recv()
        target = TARGET.search(str(first))
        assert target is not None
        event = json.dumps({"type": "layout-event", "target": target.group(1), "data": [{}]})
        for _ in range(count + 20):  # the first 20 warm up
            started = time.perf_counter()
            await ws.send(event)
            await ws.recv()
            samples.append((time.perf_counter() - started) * 1000)
    return samples[20:]


async def _deadline_cost(n: int = 100_000) -> float:
    """What ember's send deadline adds to one message, in microseconds."""
    from ember.live.server._limits import SendDeadline

    async def bare() -> None:
        pass

    deadline = SendDeadline(30)
    started = time.perf_counter()
    for _ in range(n):
        await bare()
    base = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(n):
        deadline.begin()
        await bare()
        deadline.end()
    deadline.close()
    return (time.perf_counter() - started - base) / n * 1e6


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clicks", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--append-results", type=Path)
    args = parser.parse_args()
    results: dict[bool, list[float]] = {False: [], True: []}
    ratios: list[float] = []
    for round_ in range(args.rounds):
        medians = {}
        order = (False, True) if round_ % 2 == 0 else (True, False)
        for bounded in order:
            process, port = start(bounded)
            try:
                samples = asyncio.run(clicks(port, args.clicks))
            finally:
                process.terminate()
                process.wait(15)
            results[bounded] += samples
            medians[bounded] = statistics.median(samples)
        ratios.append(medians[True] / medians[False])
    deadline_us = asyncio.run(_deadline_cost())
    rows = []
    for bounded, name in ((False, "uvicorn's websockets protocol"), (True, "ember's bounds")):
        values = results[bounded]
        rows.append((name, statistics.median(values), p(values, 0.99)))
    base, bounded_row = rows
    now = datetime.datetime.now(datetime.UTC)
    lines = [
        f"## socket bounds on the click path ({now:%Y-%m-%d %H:%M} UTC)",
        "",
        f"`.venv/bin/python bench/socket_bounds.py --clicks {args.clicks} --rounds {args.rounds}"
        " --append-results bench/RESULTS.md`",
        "",
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores "
        "(shared); one client clicks sequentially (a counter), "
        f"{args.clicks} clicks x {args.rounds} rounds per server, fresh uvicorn processes "
        "taking turns.",
        "",
        "| server | click p50 ms | click p99 ms |",
        "| --- | --- | --- |",
        *(f"| {name} | {p50:.2f} | {p99:.2f} |" for name, p50, p99 in rows),
        f"| ratio bounds/baseline | {bounded_row[1] / base[1]:.2f} | "
        f"{bounded_row[2] / base[2]:.2f} |",
        "",
        f"Per-round ratio of medians: {statistics.median(ratios):.2f} "
        f"({min(ratios):.2f}-{max(ratios):.2f}). The send deadline ember's writer adds to "
        f"every message costs {deadline_us:.2f} us (measured in this run).",
        "",
    ]
    publish("\n".join(lines), args.append_results)


if __name__ == "__main__":
    main()
