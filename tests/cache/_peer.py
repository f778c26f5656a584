"""Another worker process with its own Cache: reads commands from stdin, one per line.

``set KEY VALUE TAG`` stores a value; ``get KEY`` prints it as JSON (``null`` on a miss).
Started as ``python -m tests.cache._peer CACHE_URL PUBSUB_URL NAME``; prints READY.
"""

from __future__ import annotations

import asyncio
import json
import sys

from ember.cache import Cache
from ember.pubsub import PubSub


async def main(cache_url: str, pubsub_url: str, name: str) -> None:
    pubsub = PubSub(pubsub_url) if pubsub_url != "-" else None
    if pubsub is not None:
        await pubsub.start()
    cache = Cache(cache_url, pubsub=pubsub, name=name)
    await cache.start()
    print("READY", flush=True)
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        command, *args = line.split()
        if command == "set":
            key, value, tag = args
            await cache.set(key, value, tags=[tag])
            print("OK", flush=True)
        elif command == "get":
            print(json.dumps(await cache.get(args[0])), flush=True)
    await cache.stop()
    if pubsub is not None:
        await pubsub.stop()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
