"""Memory per idle live session: ember against a raw ASGI websocket echo, in one run.

Each target runs in a fresh uvicorn process (server pinned to core 0, this client to core 1
when taskset is there); the client opens N websocket sessions, waits until each has its
first message, lets them idle, and reads the server's RSS. Then it closes them all and reads
what is left. Figures: KiB per session and the ratio ember / echo.

    python bench/live_sessions.py                 # 1,000 sessions, 3 repetitions
    python bench/live_sessions.py --sessions 200 --repeat 1   # a quick smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from html import unescape
from pathlib import Path
from urllib.request import urlopen

import psutil
import websockets

from ember.live import PROTOCOL_VERSION

ROOT = Path(__file__).resolve().parents[1]
TOKEN = re.compile(r"componentPath&quot;: &quot;ws\?token=([^&]+)&quot;")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(app: str, port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--app-dir",
        str(ROOT),
    ]
    if shutil.which("taskset") and os.cpu_count() and os.cpu_count() > 1:
        command = ["taskset", "-c", "0", *command]
    process = subprocess.Popen(command, cwd=ROOT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return process
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{app} did not start within 20 s")


def rss(process: subprocess.Popen[bytes]) -> int:
    # With taskset the server is taskset's child after exec: same pid.
    return int(psutil.Process(process.pid).memory_info().rss)


async def open_echo(port: int) -> websockets.ClientConnection:
    ws = await websockets.connect(f"ws://127.0.0.1:{port}/", max_size=None)
    await ws.send("hello")
    await ws.recv()
    return ws


def page_token(port: int) -> str:
    with urlopen(f"http://127.0.0.1:{port}/counter", timeout=10) as response:
        found = TOKEN.search(response.read().decode())
    if found is None:
        raise RuntimeError("the ember page carried no session token")
    return unescape(found.group(1))


async def open_ember(port: int) -> websockets.ClientConnection:
    token = await asyncio.to_thread(page_token, port)
    url = (
        f"ws://127.0.0.1:{port}/counter/_ember/ws?token={token}&path=/counter"
        f"&protocol={PROTOCOL_VERSION}"
    )
    ws = await websockets.connect(url, origin=f"http://127.0.0.1:{port}", max_size=None)
    await ws.recv()  # the first render
    return ws


async def measure(target: str, sessions: int) -> dict[str, float]:
    app, opener = {
        "echo": ("bench._apps.echo:app", open_echo),
        "ember": ("bench._apps.ember_app:app", open_ember),
    }[target]
    port = free_port()
    server = start_server(app, port)
    try:
        warm = [await opener(port) for _ in range(5)]
        for ws in warm:
            await ws.close()
        await asyncio.sleep(0.5)
        before = rss(server)
        started = time.perf_counter()
        sockets = []
        for start in range(0, sessions, 50):
            batch = min(50, sessions - start)
            sockets += await asyncio.gather(*(opener(port) for _ in range(batch)))
        opened_s = time.perf_counter() - started
        await asyncio.sleep(1.0)
        during = rss(server)
        await asyncio.gather(*(ws.close() for ws in sockets))
        await asyncio.sleep(1.0)
        after = rss(server)
    finally:
        server.terminate()
        server.wait(10)
    return {
        "kib_per_session": (during - before) / sessions / 1024,
        "kib_left_per_session": max(0, after - before) / sessions / 1024,
        "sessions_per_second": sessions / opened_s,
    }


def summarise(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--append-results", type=Path, help="append a section to this file")
    parser.add_argument("--json", type=Path, help="write the raw figures here")
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"echo": [], "ember": []}
    for _ in range(args.repeat):  # interleaved: echo, ember, echo, ember, …
        for target in runs:
            runs[target].append(await measure(target, args.sessions))
    ratios = [
        e["kib_per_session"] / max(b["kib_per_session"], 0.01)
        for e, b in zip(runs["ember"], runs["echo"], strict=True)
    ]
    rows = [
        "| target | KiB per idle session | KiB left per session after close | sessions opened/s |",
        "| --- | --- | --- | --- |",
    ]
    for target, figures in runs.items():
        rows.append(
            f"| {target} | {summarise([f['kib_per_session'] for f in figures])} | "
            f"{summarise([f['kib_left_per_session'] for f in figures])} | "
            f"{summarise([f['sessions_per_second'] for f in figures])} |"
        )
    table = "\n".join(rows)
    ratio = f"ember / echo, memory per session: {summarise(ratios)}"
    print(table)
    print(ratio)
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2))
    if args.append_results:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        command = " ".join(["python", "bench/live_sessions.py", *sys.argv[1:]])
        section = (
            f"\n## live sessions: memory per idle session ({stamp})\n\n`{command}`\n\n"
            f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores; "
            f"{args.sessions} sessions, {args.repeat} interleaved repetitions, median (min-max). "
            "Fresh uvicorn process per target and repetition; RSS read with psutil.\n\n"
            f"{table}\n\n{ratio}\n"
        )
        with args.append_results.open("a") as results:
            results.write(section)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
