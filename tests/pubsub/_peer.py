"""A second OS process for the cross-process tests: ``python -m tests.pubsub._peer``.

Modes:
    echo URL TOPIC      answer every Ping on TOPIC with Ping(n * 10) on TOPIC:reply;
                        Ping(n=-1) ends the process
    presence URL TOPIC  track "peer" in TOPIC and wait to be killed
Prints READY once subscribed.
"""

from __future__ import annotations

import asyncio
import sys

from ember.pubsub import PubSub

from ._models import Ping


async def echo(url: str, topic: str) -> None:
    async with PubSub(url) as pubsub:
        sub = await pubsub.subscribe(topic)
        print("READY", flush=True)
        async for msg in sub:
            if isinstance(msg, Ping):
                if msg.n < 0:
                    return
                await pubsub.broadcast(f"{topic}:reply", Ping(n=msg.n * 10, text=msg.text))


async def presence(url: str, topic: str) -> None:
    from ember.pubsub import Presence

    async with PubSub(url) as pubsub, Presence(pubsub, heartbeat=0.1, timeout=0.5) as tracker:
        await tracker.track(topic, "peer", {"pid": 0})
        print("READY", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    mode, url, topic = sys.argv[1:4]
    asyncio.run(echo(url, topic) if mode == "echo" else presence(url, topic))


if __name__ == "__main__":
    main()
