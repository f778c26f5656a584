"""Fan-out of one broadcast to 1,000 subscribers: ember.pubsub against bare broadcaster.

For each backend (memory, Redis) the same run measures, in interleaved repetitions, the
time from a broadcast until the last of N subscribers has received it:

* ember: N ``PubSub.subscribe`` subscriptions, each read by its own task. On memory the
  broadcasting PubSub is the subscribers' own (local-first delivery); on Redis a second
  PubSub broadcasts, so the message goes through the server, the listener, the decoder
  and the bounded queues.
* baseline: broadcaster's ``Broadcast`` with N ``subscribe()`` queues, each read by its own
  task, on the same backend. broadcaster's stock Redis backend delivers nothing with
  redis-py 8 (checked and reported below), so the Redis baseline is ``Broadcast`` over
  ember's Redis backend, i.e. broadcaster's own fan-out.

Figures are medians and ranges in milliseconds, and the ratio ember / baseline per
repetition (median and range). Usage::

    .venv/bin/python bench/pubsub_fanout.py [--subscribers 1000] [--reps 51]
        [--redis-url redis://127.0.0.1:6379/0] [--append-results bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import gc
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from broadcaster import Broadcast
from pydantic import BaseModel

from ember.pubsub import PubSub, message
from ember.pubsub._backends._redis import RedisBackend


@message("bench.tick")
class Tick(BaseModel):
    n: int
    body: str = "x" * 64


class Finish:
    """Counts receptions of one repetition; set when the last subscriber got it."""

    def __init__(self, expected: int) -> None:
        self.expected = expected
        self.count = 0
        self.done = asyncio.Event()
        self.last = 0.0

    def hit(self) -> None:
        self.count += 1
        if self.count == self.expected:
            self.last = time.perf_counter()
            self.done.set()


Trial = Callable[[int], Awaitable[float]]

STOCK_OK = "broadcaster's stock Redis backend delivered the check message."
STOCK_BROKEN = (
    "broadcaster's stock Redis backend delivered nothing within 1 s (redis-py 8), so the "
    "Redis baseline is broadcaster's Broadcast over ember's RedisBackend."
)
HEADER = (
    "# Benchmark results\n\n"
    "Each section is appended by the benchmark it names, with the exact command.\n"
)


async def ember_trial(
    stack: contextlib.AsyncExitStack, url: str, n: int, remote_sender: bool
) -> Trial:
    topic = f"bench:{uuid.uuid4().hex}"
    receiver = await stack.enter_async_context(PubSub(url))
    sender = await stack.enter_async_context(PubSub(url)) if remote_sender else receiver
    subs = await asyncio.gather(*(receiver.subscribe(topic) for _ in range(n)))
    state = {"finish": Finish(n)}

    async def read(sub: object) -> None:
        async for _ in sub:  # type: ignore[attr-defined]
            state["finish"].hit()

    tasks = [asyncio.create_task(read(sub)) for sub in subs]
    stack.push_async_callback(_cancel, tasks)

    async def trial(rep: int) -> float:
        finish = state["finish"] = Finish(n)
        start = time.perf_counter()
        await sender.broadcast(topic, Tick(n=rep))
        await asyncio.wait_for(finish.done.wait(), 10)
        return finish.last - start

    return trial


async def broadcaster_trial(
    stack: contextlib.AsyncExitStack, broadcast: Broadcast, n: int
) -> Trial:
    channel = f"bench:{uuid.uuid4().hex}"
    await stack.enter_async_context(broadcast)
    subscribers = [await stack.enter_async_context(broadcast.subscribe(channel)) for _ in range(n)]
    state = {"finish": Finish(n)}

    async def read(subscriber: object) -> None:
        while True:
            await subscriber.get()  # type: ignore[attr-defined]
            state["finish"].hit()

    tasks = [asyncio.create_task(read(s)) for s in subscribers]
    stack.push_async_callback(_cancel, tasks)
    payload = Tick(n=0).model_dump_json()

    async def trial(rep: int) -> float:
        finish = state["finish"] = Finish(n)
        start = time.perf_counter()
        await broadcast.publish(channel, payload)
        await asyncio.wait_for(finish.done.wait(), 10)
        return finish.last - start

    return trial


async def _cancel(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def stock_redis_delivers(url: str) -> bool:
    """Whether broadcaster's own Redis backend delivers a message within one second."""
    channel = f"bench:{uuid.uuid4().hex}"
    async with Broadcast(url) as broadcast, broadcast.subscribe(channel) as subscriber:
        await asyncio.sleep(0.1)
        await broadcast.publish(channel, "ping")
        try:
            await asyncio.wait_for(subscriber.get(), 1)
        except TimeoutError:
            return False
        return True


async def measure(name: str, ember: Trial, baseline: Trial, reps: int) -> dict[str, object]:
    for rep in range(3):  # warm-up, discarded
        await ember(rep)
        await baseline(rep)
    ours: list[float] = []
    theirs: list[float] = []
    for rep in range(reps):
        pair = [(ember, ours), (baseline, theirs)]
        for trial, into in pair if rep % 2 == 0 else reversed(pair):
            gc.collect()  # outside the timed part, so no trial pays for another's garbage
            into.append(await trial(rep))
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    return {"backend": name, "ember": ours, "baseline": theirs, "ratio": ratios}


def fmt_ms(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{statistics.median(ms):.2f} ({min(ms):.2f}-{max(ms):.2f})"


def fmt_ratio(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


async def run(args: argparse.Namespace) -> str:
    rows = []
    notes = []
    async with contextlib.AsyncExitStack() as stack:
        ember = await ember_trial(stack, "memory://bench", args.subscribers, remote_sender=False)
        baseline = await broadcaster_trial(stack, Broadcast("memory://"), args.subscribers)
        rows.append(await measure("memory", ember, baseline, args.reps))
    try:
        async with contextlib.AsyncExitStack() as stack:
            ember = await ember_trial(stack, args.redis_url, args.subscribers, remote_sender=True)
            baseline = await broadcaster_trial(
                stack, Broadcast(backend=RedisBackend(args.redis_url)), args.subscribers
            )
            rows.append(await measure("redis", ember, baseline, args.reps))
        stock = await stock_redis_delivers(args.redis_url)
        notes.append(STOCK_OK if stock else STOCK_BROKEN)
    except OSError as exc:
        notes.append(f"Redis skipped: {args.redis_url} does not answer ({exc}).")
    lines = [
        f"{args.subscribers} subscribers, {args.reps} interleaved repetitions (+3 warm-up), "
        "time from broadcast until the last subscriber received it, median (min-max):",
        "",
        "| backend | ember.pubsub ms | broadcaster ms | ratio ember/broadcaster |",
        "| --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row['backend']} | {fmt_ms(row['ember'])} | {fmt_ms(row['baseline'])} "  # type: ignore[arg-type]
            f"| {fmt_ratio(row['ratio'])} |"  # type: ignore[arg-type]
        )
    lines += ["", *notes]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=51)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--append-results", type=Path, default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    table = asyncio.run(run(args))
    print(table)
    print(f"\n(ran in {time.perf_counter() - started:.1f} s)")
    if args.append_results is not None:
        path: Path = args.append_results
        if not path.exists():
            path.write_text(HEADER)
        command = " ".join(["python", *sys.argv]).replace("python bench", ".venv/bin/python bench")
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        with path.open("a") as out:
            out.write(
                f"\n## pubsub fan-out ({stamp})\n\n`{command}`\n\n"
                f"Python {platform.python_version()}, {platform.machine()}.\n\n{table}\n"
            )


if __name__ == "__main__":
    main()
