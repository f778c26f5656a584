"""Presence at scale: what one join and one leave cost with 10, 100 and 1,000 entries in a
topic, and what memory is left after they all leave, in one run.

Two nodes on one ``memory://`` PubSub (messages JSON round-tripped as on Redis): node A
tracks, node B replicates, and one subscriber on B receives the diffs. At each size,
``--ops`` keys join one after the other and then leave, and the run waits until B has
applied every change. Figures are per change: CPU of this process (both nodes), the bytes
of A's replication messages, and the ratio to the 10-entry figure of the same run. Then
the Python heap (tracemalloc) and RSS before, at 1,000 entries, and after all left.

    .venv/bin/python bench/presence.py --append-results bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Mapping
from pathlib import Path

import psutil

from ember.pubsub import Presence, PubSub
from ember.pubsub._presence import REPLICATION_TOPIC

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._report import publish

SIZES = (10, 100, 1000)
TOPIC = "online"


async def settle(watcher: Presence, count: int) -> None:
    deadline = time.monotonic() + 60
    while watcher.count(TOPIC) != count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the peer holds {watcher.count(TOPIC)}, expected {count}")
        await asyncio.sleep(0)


async def drain(sub: object) -> None:
    while sub.queued:  # type: ignore[attr-defined]
        await anext(sub)  # type: ignore[call-overload]


async def measure(
    ops: int,
) -> tuple[list[tuple[int, float, float, float, int]], dict[str, float]]:
    sent: list[int] = []

    def observer(name: str, ms: float, meta: Mapping[str, object]) -> None:
        if name == "ember.pubsub.broadcast" and meta.get("topic") == REPLICATION_TOPIC:
            sent.append(int(meta.get("bytes", 0)))  # type: ignore[call-overload]

    rows = []
    async with (
        PubSub("memory://bench-presence") as node_a,
        PubSub("memory://bench-presence") as node_b,
    ):
        node_a.observe(observer)
        tracker = Presence(node_a, heartbeat=30, timeout=120)  # no heartbeat in the window
        watcher = Presence(node_b, heartbeat=30, timeout=120)
        await tracker.start()
        await watcher.start()
        diffs = await node_b.subscribe(TOPIC, max_queue=1_000_000)
        present = 0
        for size in SIZES:
            while present < size:
                await tracker.track(TOPIC, f"tab-{present}", {"name": f"guest-{present}"})
                present += 1
            await settle(watcher, size)
            await drain(diffs)
            # What a change sent before deltas: the node's whole list in the topic.
            whole = len(tracker._state(TOPIC).model_dump_json())
            gc.collect()
            sent.clear()
            started = time.process_time()
            for n in range(ops):
                await tracker.track(TOPIC, f"extra-{n}", {"name": f"extra-{n}"})
            await settle(watcher, size + ops)
            await drain(diffs)
            joined = time.process_time()
            for n in range(ops):
                await tracker.untrack(TOPIC, f"extra-{n}")
            await settle(watcher, size)
            await drain(diffs)
            left = time.process_time()
            per_join = (joined - started) / ops * 1e6
            per_leave = (left - joined) / ops * 1e6
            rows.append((size, per_join, per_leave, sum(sent) / max(1, len(sent)), whole))
        # Memory: from an empty topic to 1,000 entries and back, on a warm process.
        for n in range(present):
            await tracker.untrack(TOPIC, f"tab-{n}")
        await settle(watcher, 0)
        await drain(diffs)
        gc.collect()
        process = psutil.Process()
        tracemalloc.start()
        memory = {"rss_before": process.memory_info().rss / 2**20}
        heap_before = tracemalloc.get_traced_memory()[0]
        for n in range(SIZES[-1]):
            await tracker.track(TOPIC, f"tab-{n}", {"name": f"guest-{n}"})
        await settle(watcher, SIZES[-1])
        await drain(diffs)
        gc.collect()
        memory["heap_full"] = (tracemalloc.get_traced_memory()[0] - heap_before) / 1024
        memory["rss_full"] = process.memory_info().rss / 2**20
        for n in range(SIZES[-1]):
            await tracker.untrack(TOPIC, f"tab-{n}")
        await settle(watcher, 0)
        await drain(diffs)
        gc.collect()
        memory["heap_after"] = (tracemalloc.get_traced_memory()[0] - heap_before) / 1024
        memory["rss_after"] = process.memory_info().rss / 2**20
        tracemalloc.stop()
        await diffs.close()
        await tracker.stop()
        await watcher.stop()
    return rows, memory


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=300)
    parser.add_argument("--append-results", type=Path)
    args = parser.parse_args()
    rows, memory = asyncio.run(measure(args.ops))
    base_join, base_leave = rows[0][1], rows[0][2]
    now = datetime.datetime.now(datetime.UTC)
    lines = [
        "## presence: one join and one leave against the entries present "
        f"({now:%Y-%m-%d %H:%M} UTC)",
        "",
        f"`.venv/bin/python bench/presence.py --ops {args.ops} --append-results bench/RESULTS.md`",
        "",
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores "
        "(shared); two Presence nodes on one `memory://` PubSub (JSON round-tripped), a "
        f"subscriber on the second; {args.ops} joins then {args.ops} leaves per size, timed "
        "until the peer applied them; CPU of the process (both nodes).",
        "",
        "| entries | CPU per join µs | ratio | CPU per leave µs | ratio | bytes per "
        "replication message | the whole list (sent per change before) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *(
            f"| {size:,} | {join:.0f} | {join / base_join:.2f}x | {leave:.0f} | "
            f"{leave / base_leave:.2f}x | {size_bytes:.0f} | {whole:,} |"
            for size, join, leave, size_bytes, whole in rows
        ),
        "",
        f"Memory, empty topic → {SIZES[-1]:,} entries → all left (warm process): Python heap "
        f"+{memory['heap_full']:.0f} KiB at {SIZES[-1]:,} (both nodes and the subscriber's "
        f"diffs read), +{memory['heap_after']:.1f} KiB after they left; RSS "
        f"{memory['rss_before']:.0f} → {memory['rss_full']:.0f} → {memory['rss_after']:.0f} MiB.",
        "",
    ]
    publish("\n".join(lines), args.append_results)


if __name__ == "__main__":
    main()
