"""Which allocator holds what a burst of closes leaves: RSS, glibc's heap and pymalloc's
arenas after each cycle of opens and closes of the bench's ember target.

The ember app is served as bench/run.py serves it (bench/_server.py, ember's uvicorn
options, ``BENCH_MALLOC_TRIM=1`` for its heap endpoints); each cycle opens ``--sessions``
sessions of the subscribed counter, then closes them all at once. After each open and each
close it prints RSS per session over the pre-cycle baseline, glibc's heap (``mallinfo2``:
arena, in use, free, top chunk, mmapped) and pymalloc's arenas (``sys._debugmallocstats``).
``--trim`` calls glibc's ``malloc_trim(0)`` after each close and prints what RSS comes back
and how long the call took; ``--collect`` runs a full collection before each reading (which
also empties CPython's free lists).

    python -m bench.heap_cycles --sessions 1000 --cycles 3 --trim
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os

from bench._clients import DRIVERS, Driver
from bench._scenarios import close_all, open_many
from bench._server import Server

KIB = 1024
MIB = 1024 * 1024


async def _reading(driver: Driver, server: Server, base: int, sessions: int, label: str) -> float:
    heap = json.loads(await driver.http.get("/_bench/heap"))
    glibc, pymalloc = heap["glibc"], heap["pymalloc"]
    rss = (server.rss() - base) / sessions / KIB
    print(
        f"{label:24s} RSS {rss:5.1f} KiB/session | glibc arena {glibc['arena'] / MIB:5.1f} MiB,"
        f" in use {glibc['uordblks'] / MIB:5.1f}, free {glibc['fordblks'] / MIB:4.1f},"
        f" top {glibc['keepcost'] / MIB:4.2f} | pymalloc arenas"
        f" {pymalloc.get('arenas allocated current', 0)} (reclaimed"
        f" {pymalloc.get('arenas reclaimed', 0)}), blocks in use"
        f" {pymalloc.get('bytes in allocated blocks', 0) / MIB:5.1f} MiB, free blocks"
        f" {pymalloc.get('bytes in available blocks', 0) / MIB:4.1f}, empty pools"
        f" {pymalloc.get('bytes in unused pools', 0) / MIB:4.1f}",
        flush=True,
    )
    return rss


async def _cycles(sessions: int, cycles: int, trim: bool, collect: bool) -> None:
    with Server("ember") as server:
        driver = DRIVERS["ember"](server.port, deflate=False)
        await close_all(await open_many(driver, "subscribed", 5, 5))
        await asyncio.sleep(1)
        base = server.rss()
        closed: list[float] = []
        for cycle in range(1, cycles + 1):
            live = await open_many(driver, "subscribed", sessions, 50)
            await asyncio.sleep(0.5)
            await _reading(driver, server, base, sessions, f"cycle {cycle}, open")
            await close_all(live)
            await asyncio.sleep(1)
            if collect:
                await driver.http.get("/_bench/collect")
            after = await _reading(driver, server, base, sessions, f"cycle {cycle}, closed")
            if trim:
                took = json.loads(await driver.http.get("/_bench/trim"))
                await asyncio.sleep(0.3)
                label = f"cycle {cycle}, trim {took['ms']:.1f} ms"
                after = await _reading(driver, server, base, sessions, label)
            closed.append(after)
        print(f"left (last close minus first, per session): {closed[-1] - closed[0]:.2f} KiB")
        await driver.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--trim", action="store_true", help="malloc_trim(0) after each close")
    parser.add_argument("--collect", action="store_true", help="gc.collect() before readings")
    args = parser.parse_args()
    os.environ["BENCH_MALLOC_TRIM"] = "1"  # the server inherits it: its heap endpoints
    asyncio.run(_cycles(args.sessions, args.cycles, args.trim, args.collect))


if __name__ == "__main__":
    main()
