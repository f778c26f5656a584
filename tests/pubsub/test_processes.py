"""Two OS processes exchanging messages through Redis and PostgreSQL."""

from __future__ import annotations

import asyncio

from ._models import Ping
from .conftest import MakePubSub, next_message, start_peer


async def test_two_processes_exchange_messages(
    network_url: str,
    topic: str,
    make_pubsub: MakePubSub,
    peers: list[asyncio.subprocess.Process],
) -> None:
    pubsub = await make_pubsub(network_url)
    replies = await pubsub.subscribe(f"{topic}:reply")
    peers.append(proc := await start_peer("echo", network_url, topic))

    for n in range(1, 21):
        await pubsub.broadcast(topic, Ping(n=n, text="héllo"))

    got = [await next_message(replies, within=10) for _ in range(20)]
    assert got == [Ping(n=n * 10, text="héllo") for n in range(1, 21)]
    await pubsub.broadcast(topic, Ping(n=-1))
    assert await asyncio.wait_for(proc.wait(), 10) == 0
