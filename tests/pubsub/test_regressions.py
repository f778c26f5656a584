"""One test per defect of the stock broadcaster stack that ember.pubsub fixes.

Each is named after what broke with broadcaster 0.3.1 (and redis-py 8); the tests that
exercise the same behaviour more broadly live in test_pubsub.py and test_resilience.py.
"""

from __future__ import annotations

import asyncio

import pytest

from ember.pubsub import MessagesMayBeLost

from ._models import Ping
from .conftest import MakePubSub, next_message


async def test_redis_message_right_after_subscribe_is_delivered(
    redis_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    """broadcaster marked the channel ready before SUBSCRIBE completed: nothing arrived."""
    receiver = await make_pubsub(redis_url)
    sender = await make_pubsub(redis_url)

    for n in range(20):
        sub = await receiver.subscribe(f"{topic}:{n}")
        await sender.broadcast(f"{topic}:{n}", Ping(n=n))  # no sleep between the two
        assert await next_message(sub, within=2) == Ping(n=n)


async def test_redis_non_utf8_payload_does_not_kill_listener(
    redis_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    """broadcaster's listener called .decode() on every payload and died on the first bad one."""
    import redis.asyncio as aioredis

    receiver = await make_pubsub(redis_url)
    sub = await receiver.subscribe(topic)
    raw = aioredis.Redis.from_url(redis_url)
    try:
        for _ in range(3):
            await raw.publish(topic, b"\x80\x81\xfe\xff")
    finally:
        await raw.aclose()
    sender = await make_pubsub(redis_url)
    await sender.broadcast(topic, Ping(n=1))

    assert await next_message(sub) == Ping(n=1)
    assert receiver.dropped_messages == 3


async def test_postgres_publish_works_while_listen_connection_is_down(
    postgres_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    """broadcaster published and listened on one connection: losing one lost both."""
    import asyncpg

    url = postgres_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    node = await make_pubsub(url)
    other = await make_pubsub(url)
    sub = await other.subscribe(topic)
    await node.subscribe(topic)
    listen = node._backend._listen  # type: ignore[union-attr]
    admin = await asyncpg.connect(url)
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", listen.get_server_pid())
    finally:
        await admin.close()

    await node.broadcast(topic, Ping(n=1))  # does not raise: publishing has its own pool

    assert await next_message(sub) == Ping(n=1)


async def test_listener_survives_server_restart_and_says_so(
    own_redis, topic: str, make_pubsub: MakePubSub
) -> None:
    """broadcaster's listener task died silently on a restart; subscribers waited forever."""
    receiver = await make_pubsub(own_redis.url)
    sub = await receiver.subscribe(topic)

    own_redis.stop()
    await asyncio.sleep(0.2)
    own_redis.start()

    assert isinstance(await next_message(sub, within=15), MessagesMayBeLost)
    assert receiver._listener is not None
    assert not receiver._listener.done()


@pytest.mark.parametrize("n", [200])
async def test_concurrent_subscribes_to_one_channel_one_backend_subscription(
    backend_url: str, topic: str, make_pubsub: MakePubSub, n: int
) -> None:
    """broadcaster raced: two first subscribers both subscribed, the first leave dropped both."""
    pubsub = await make_pubsub(backend_url)
    subs = await asyncio.gather(*(pubsub.subscribe(topic) for _ in range(n)))
    await asyncio.gather(*(sub.close() for sub in subs[: n // 2]))
    other = await make_pubsub(backend_url)

    await other.broadcast(topic, Ping(n=1))

    for sub in subs[n // 2 :]:
        assert await next_message(sub) == Ping(n=1)


async def test_ember_backends_work_inside_stock_broadcaster_broadcast(
    backend_url: str, topic: str
) -> None:
    """ember's backends honour broadcaster's BroadcastBackend contract: Broadcast runs on them."""
    from broadcaster import Broadcast, BroadcastBackend, Event

    from ember.pubsub._settings import create_backend

    backend = create_backend(backend_url)
    assert isinstance(backend, BroadcastBackend)
    async with Broadcast(backend=backend) as broadcast, broadcast.subscribe(topic) as subscriber:
        await broadcast.publish(topic, "hello")
        event = await asyncio.wait_for(subscriber.get(), 5)

    assert isinstance(event, Event)
    assert event.channel == topic
    assert event.message in ("hello", b"hello")  # Redis hands over the raw bytes
