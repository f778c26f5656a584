"""Fairness between addresses: a bystander's clicks while 50 sockets from one other address
flood the worker with events.

The counter of tests/live/apps/bounds_app.py in a fresh ``ember server``-like uvicorn
(ember's websocket protocol). 50 flooding sockets connect from 127.0.0.1 and send click
events as fast as the server takes them (reading their updates); the bystander connects
from 127.0.0.2 and clicks sequentially. Its click latency is measured idle and during
the flood, with the per-address budget at its default and with it lifted (each socket
then has only its own 100 events/s, as before), in the same run.

    .venv/bin/python bench/fairness.py --clicks 150 --append-results bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import html
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psutil
from websockets.asyncio.client import ClientConnection, connect

from ember.live import PROTOCOL_VERSION

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._report import publish

ROOT = Path(__file__).resolve().parents[1]
APP = "tests.live.apps.bounds_app:app"
CONFIG = re.compile(r"data-ember-config='([^']*)'")
TARGET = re.compile(r'"target": ?"([^"]+:onClick)"')
FLOODERS = 50
PIN = bool(shutil.which("taskset")) and (os.cpu_count() or 1) > 1


def start(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    command = [sys.executable, "-m", "uvicorn", APP, "--host", "0.0.0.0", "--port", str(port)]  # noqa: S104 - loopback addresses 127.0.0.1 and .2
    command += ["--log-level", "error", "--ws", "ember.live.serving:WebSocketProtocol"]
    if PIN:  # the server alone on core 0, the clients on core 1 (as bench/run.py)
        command = ["taskset", "-c", "0", *command]
    full_env = {**os.environ, "EMBER_SECRET_KEY": "bench-secret-key-0123456789", **env}
    process = subprocess.Popen(command, cwd=ROOT, env=full_env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("the server did not start")


async def open_counter(port: int, source: str) -> tuple[ClientConnection, str]:
    transport = httpx.AsyncHTTPTransport(local_address=source)
    async with httpx.AsyncClient(transport=transport) as client:
        page = (await client.get(f"http://127.0.0.1:{port}/counter")).text
    found = CONFIG.search(page)
    assert found is not None
    config = json.loads(html.unescape(found.group(1)))
    query = urlencode({"path": "/counter", "protocol": PROTOCOL_VERSION})
    url = f"ws://127.0.0.1:{port}{config['pathPrefix']}{config['componentPath']}&{query}"
    sock = socket.socket()
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    ws = await connect(url, sock=sock, max_size=None, ping_interval=None)
    target = TARGET.search(str(await ws.recv()))
    assert target is not None
    event = json.dumps({"type": "layout-event", "target": target.group(1), "data": [{}]})
    return ws, event


async def clicks(ws: ClientConnection, event: str, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        await ws.send(event)
        await ws.recv()
        samples.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.01)
    return samples


async def flood(ws: ClientConnection, event: str, going: asyncio.Event) -> None:
    async def drain() -> None:
        with contextlib.suppress(Exception):
            async for _ in ws:
                pass

    reader = asyncio.create_task(drain())
    with contextlib.suppress(Exception):
        while True:
            await going.wait()
            await ws.send(event)
            await asyncio.sleep(0.01)  # about 100/s: what one socket may send
    reader.cancel()


async def scenario(
    port: int, count: int, rounds: int, server: psutil.Process
) -> tuple[list[float], list[float], float]:
    """Idle and flooded clicks in alternating rounds, so both see the same machine (the
    host is shared: its load moves by the minute)."""
    bystander, event = await open_counter(port, "127.0.0.2")
    await clicks(bystander, event, 20)  # warm up
    # The flooders run in a process of their own, so the bystander's timing is not slowed
    # by this process's work for them; "go" and "stop" on its stdin start and stop them.
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--flood",
        str(port),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdin is not None
    assert child.stdout is not None
    await child.stdout.readline()  # "ready": every flooder is connected
    idle: list[float] = []
    during: list[float] = []
    busy_seconds = flood_seconds = 0.0
    per_round = max(1, count // rounds)
    for _ in range(rounds):
        await asyncio.sleep(1.0)  # the flood's effects are gone
        idle += await clicks(bystander, event, per_round)
        child.stdin.write(b"go\n")
        await child.stdin.drain()
        await asyncio.sleep(1.5)  # past the address's burst: the flood at its steady rate
        started = time.perf_counter()
        cpu = sum(server.cpu_times()[:2])
        during += await clicks(bystander, event, per_round)
        busy_seconds += sum(server.cpu_times()[:2]) - cpu
        flood_seconds += time.perf_counter() - started
        child.stdin.write(b"stop\n")
        await child.stdin.drain()
    child.terminate()
    await child.wait()
    with contextlib.suppress(Exception):
        await bystander.close()
    return idle, during, busy_seconds / flood_seconds


async def flood_process(port: int) -> None:
    flooders = await asyncio.gather(*(open_counter(port, "127.0.0.1") for _ in range(FLOODERS)))
    going = asyncio.Event()
    tasks = [asyncio.create_task(flood(ws, ev, going)) for ws, ev in flooders]
    print("ready", flush=True)
    while line := await asyncio.to_thread(sys.stdin.readline):
        if line.strip() == "go":
            going.set()
        elif line.strip() == "stop":
            going.clear()
    for task in tasks:
        task.cancel()


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clicks", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--per-ip", nargs="*", default=[], help="more per-address budgets to compare (events/s)"
    )
    parser.add_argument("--append-results", type=Path)
    parser.add_argument("--flood", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if PIN:
        os.sched_setaffinity(0, {1})  # the bystander and the flood process
    if args.flood:
        asyncio.run(flood_process(args.flood))
        return
    rows = []
    cases = [
        ("per-address budget lifted (as before)", {"EMBER_EVENTS_PER_SECOND_PER_IP": "1e9"}),
        ("per-address budget (default)", {}),
        *(
            (f"per-address budget {rate}/s", {"EMBER_EVENTS_PER_SECOND_PER_IP": rate})
            for rate in args.per_ip
        ),
    ]
    for name, env in cases:
        process, port = start(env)
        try:
            idle, during, busy = asyncio.run(
                scenario(port, args.clicks, args.rounds, psutil.Process(process.pid))
            )
        finally:
            process.terminate()
            process.wait(15)
        rows.append(
            (
                name,
                quantile(idle, 0.5),
                quantile(during, 0.5),
                quantile(idle, 0.99),
                quantile(during, 0.99),
                busy,
            )
        )
    now = datetime.datetime.now(datetime.UTC)
    lines = [
        f"## fairness: a bystander during a 50-socket flood ({now:%Y-%m-%d %H:%M} UTC)",
        "",
        f"`.venv/bin/python bench/fairness.py --clicks {args.clicks} --rounds {args.rounds} "
        "--append-results bench/RESULTS.md`",
        "",
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores "
        f"(shared); {FLOODERS} flooding sockets from 127.0.0.1 send clicks at about 100/s "
        f"each; the bystander (127.0.0.2) clicks {args.clicks} times idle and as many "
        f"during the flood, in {args.rounds} alternating rounds (the host's load moves); "
        "fresh uvicorn per case" + (", pinned to core 0, the clients to core 1." if PIN else "."),
        "",
        "| case | bystander p50 idle / flood ms | p99 idle ms | p99 during flood ms | p99 ratio "
        "| worker CPU during |",
        "| --- | --- | --- | --- | --- | --- |",
        *(
            f"| {name} | {idle50:.1f} / {during50:.1f} | {idle:.1f} | {during:.1f} | "
            f"{during / idle:.1f}x | {busy:.0%} |"
            for name, idle50, during50, idle, during, busy in rows
        ),
        "",
    ]
    publish("\n".join(lines), args.append_results)


if __name__ == "__main__":
    main()
