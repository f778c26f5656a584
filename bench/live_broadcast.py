"""One broadcast to 1,000 subscribed live sessions, on memory and Redis PubSub.

The ember app (bench/_apps/ember_app.py, view ``/subscribed``: ``use_subscription`` sets a
counter) runs in a fresh uvicorn process per backend; 1,000 websocket sessions subscribe;
one of them fires a broadcast and the time until the LAST session has its update is
measured. The baseline, in the same run and interleaved with it, is broadcaster's bare
fan-out of one message to 1,000 queues (``bench/pubsub_fanout.py``'s trial): the cost of
the transport alone, without sessions, renders or sockets.

    python bench/live_broadcast.py --append-results bench/RESULTS.md
    python bench/live_broadcast.py --sessions 200 --reps 5      # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from broadcaster import Broadcast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._clients import DRIVERS, Session
from bench._scenarios import close_all, open_many
from bench._server import Server
from bench.pubsub_fanout import broadcaster_trial
from ember.pubsub._backends._redis import RedisBackend


async def fan_out(live: list[Session]) -> float:
    """Fire one broadcast from the first session; seconds until the last one updated."""
    for session in live:
        session.drain()
    start = time.perf_counter()
    await live[0].send("fire")
    arrivals = await asyncio.gather(*(session.update() for session in live))
    return max(arrived for _, arrived in arrivals) - start


async def measure(backend: str, url: str, sessions: int, reps: int) -> dict[str, list[float]]:
    os.environ["EMBER_PUBSUB_URL"] = url
    live_ms: list[float] = []
    bare_ms: list[float] = []
    with Server("ember") as server:
        driver = DRIVERS["ember"](server.port, deflate=False)
        live = await open_many(driver, "subscribed", sessions, 50)
        async with contextlib.AsyncExitStack() as stack:
            broadcast = (
                Broadcast("memory://")
                if backend == "memory"
                else Broadcast(backend=RedisBackend(url))
            )
            bare = await broadcaster_trial(stack, broadcast, sessions)
            await fan_out(live)  # warm up both
            await bare(0)
            for rep in range(reps):  # interleaved
                await asyncio.sleep(0.05)
                live_ms.append(await fan_out(live) * 1e3)
                bare_ms.append(await bare(rep + 1) * 1e3)
        await close_all(live)
        await driver.aclose()
    return {"live": live_ms, "bare": bare_ms}


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--append-results", type=Path)
    args = parser.parse_args()
    rows = [
        "| backend | last session updated, ms | broadcaster bare fan-out, ms | ratio |",
        "| --- | --- | --- | --- |",
    ]
    for backend, url in (("memory", "memory://"), ("redis", args.redis_url)):
        figures = await measure(backend, url, args.sessions, args.reps)
        ratios = [a / b for a, b in zip(figures["live"], figures["bare"], strict=True)]
        rows.append(
            f"| {backend} | {summary(figures['live'])} | {summary(figures['bare'])} | "
            f"{summary(ratios)} |"
        )
    table = "\n".join(rows)
    print(table)
    if args.append_results:
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        command = " ".join(["python", "bench/live_broadcast.py", *sys.argv[1:]])
        with args.append_results.open("a") as results:
            results.write(
                f"\n## live broadcast: one message to {args.sessions} live sessions ({stamp})\n\n"
                f"`{command}`\n\nPython {platform.python_version()}, {platform.machine()}, "
                f"{os.cpu_count()} cores; {args.reps} interleaved repetitions after a warm-up, "
                "median (min-max). The ember server runs in its own process; the baseline is "
                "broadcaster's bare fan-out to the same number of queues, in this process.\n\n"
                f"{table}\n"
            )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
