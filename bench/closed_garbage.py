"""What closed sessions leave to the garbage collector: objects in reference cycles, which
only a full collection frees (a server holding many sessions runs one rarely).

The bench's ember app (or the echo) is served by uvicorn in this process, with the
collector off; a client process (bench/_clients.py's driver) opens ``--sessions`` sessions
of the subscribed counter, broadcasts three times, and closes them. Then one collection
runs with ``gc.DEBUG_SAVEALL``: the figure is the unreachable objects per closed session,
with the commonest types (a plain websocket leaves uvicorn's own, about 30).

    python bench/closed_garbage.py --target ember --sessions 100
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import importlib
import logging
import sys

import uvicorn

from bench._clients import DRIVERS
from bench._server import APPS


async def _client(port: int, target: str, sessions: int) -> None:
    """In the client process: open, broadcast, close."""
    driver = DRIVERS[target](port, deflate=False)
    try:
        opened = [await driver.open("subscribed") for _ in range(sessions)]
        for _ in range(3):
            for session in opened:
                session.drain()
            await opened[0].send("fire")
            await asyncio.gather(*(session.update() for session in opened))
        for session in opened:
            await session.close()
    finally:
        await driver.aclose()


async def _serve(target: str, sessions: int, top: int) -> None:
    module, _, name = APPS[target].partition(":")
    app = getattr(importlib.import_module(module), name)
    logging.getLogger("ember.live.watchdog").disabled = True  # a broadcast holds the loop
    # As bench/_server.py serves it: ember with ember's websocket protocol (`ember server`'s)
    ws = "ember.live.serving:WebSocketProtocol" if target == "ember" else "auto"
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", ws=ws)
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn.Server has no event for it
        await asyncio.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]

    async def clients(count: int) -> None:
        command = [sys.executable, "-m", "bench.closed_garbage", "--client", str(port)]
        process = await asyncio.create_subprocess_exec(
            *command, "--target", target, "--sessions", str(count)
        )
        if await process.wait():
            raise RuntimeError(f"The client process failed ({process.returncode}).")

    await clients(3)  # imports, pools and caches settle first
    await asyncio.sleep(0.5)
    gc.collect()
    gc.disable()
    try:
        await clients(sessions)
        await asyncio.sleep(0.5)  # the sessions' last tasks finish
        gc.set_debug(gc.DEBUG_SAVEALL)
        found = gc.collect()
        kinds = collections.Counter(
            f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.garbage
        )
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    print(
        f"{target}: {found} unreachable objects after {sessions} sessions closed, "
        f"{found / sessions:.1f} per session; the commonest, per session:"
    )
    for kind, count in kinds.most_common(top):
        print(f"  {count / sessions:7.2f} {kind}")
    server.should_exit = True
    await serving


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--target", choices=("echo", "ember"), default="ember")
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--client", type=int, help=argparse.SUPPRESS)  # the server's port
    args = parser.parse_args()
    if args.client:
        asyncio.run(_client(args.client, args.target, args.sessions))
    else:
        asyncio.run(_serve(args.target, args.sessions, args.top))


if __name__ == "__main__":
    main()
