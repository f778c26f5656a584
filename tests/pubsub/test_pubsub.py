"""PubSub behaviour, the same on every backend (memory, Redis, PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest

from ember.pubsub import (
    MessagesMayBeLost,
    NotStartedError,
    PubSub,
    SlowConsumerError,
    Subscription,
    SubscriptionState,
)

from ._models import Ping, Posted
from .conftest import MakePubSub, next_message


async def test_broadcast_subscriber_receives_typed_message(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    pubsub = await make_pubsub(backend_url)
    sub = await pubsub.subscribe(topic)

    await pubsub.broadcast(topic, Posted(room="r", body="hello"))

    received = await next_message(sub)
    assert received == Posted(room="r", body="hello")
    assert type(received) is Posted


async def test_broadcast_other_node_receives_once_in_order(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    sender = await make_pubsub(backend_url)
    receiver = await make_pubsub(backend_url)
    own = await sender.subscribe(topic)
    remote = await receiver.subscribe(topic)

    for n in range(50):
        await sender.broadcast(topic, Ping(n=n))

    assert [(await next_message(remote)).n for _ in range(50)] == list(range(50))  # type: ignore[attr-defined]
    assert [(await next_message(own)).n for _ in range(50)] == list(range(50))  # type: ignore[attr-defined]
    await asyncio.sleep(0.1)
    assert own.queued == 0  # the backend's echo of our own broadcast is not delivered twice
    assert remote.queued == 0


async def test_broadcast_local_subscribers_served_before_round_trip(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    pubsub = await make_pubsub(backend_url)
    sub = await pubsub.subscribe(topic)

    await pubsub.broadcast(topic, Ping(n=1))

    assert sub.queued == 1  # queued synchronously, no backend round trip needed


async def test_broadcast_from_skips_sender_only(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    node_a = await make_pubsub(backend_url)
    node_b = await make_pubsub(backend_url)
    sender = await node_a.subscribe(topic)
    neighbour = await node_a.subscribe(topic)
    remote = await node_b.subscribe(topic)

    await node_a.broadcast_from(sender.id, topic, Ping(n=7))
    await node_a.broadcast(topic, Ping(n=8))

    assert await next_message(neighbour) == Ping(n=7)
    assert await next_message(remote) == Ping(n=7)
    assert await next_message(sender) == Ping(n=8)


async def test_local_broadcast_stays_in_process(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    node_a = await make_pubsub(backend_url)
    node_b = await make_pubsub(backend_url)
    local = await node_a.subscribe(topic)
    remote = await node_b.subscribe(topic)

    node_a.local_broadcast(topic, Ping(n=1))
    await node_a.broadcast(topic, Ping(n=2))

    assert await next_message(local) == Ping(n=1)
    assert await next_message(remote) == Ping(n=2)  # n=1 never left node_a


async def test_subscription_close_ends_iteration_and_unsubscribes(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    pubsub = await make_pubsub(backend_url)
    sub = await pubsub.subscribe(topic)
    other = await pubsub.subscribe(topic)
    received: list[object] = []

    async def consume() -> None:
        async for msg in sub:
            received.append(msg)

    task = asyncio.create_task(consume())
    await pubsub.broadcast(topic, Ping(n=1))
    await asyncio.sleep(0.01)
    await sub.close()
    await asyncio.wait_for(task, 2)
    await sub.close()  # twice is harmless

    assert received == [Ping(n=1)]
    assert sub.state is SubscriptionState.CLOSED
    assert topic in pubsub._backend_topics  # `other` still listens
    await other.close()
    assert topic not in pubsub._backend_topics
    assert topic not in pubsub._topics


async def test_stop_closes_subscriptions_and_ends_iteration(backend_url: str, topic: str) -> None:
    pubsub = PubSub(backend_url)
    await pubsub.start()
    sub = await pubsub.subscribe(topic)
    waiting = asyncio.create_task(anext(sub))
    await asyncio.sleep(0.01)

    await pubsub.stop()

    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(waiting, 2)
    assert sub.closed
    await pubsub.stop()  # idempotent


async def test_pubsub_restart_after_stop_delivers_again(backend_url: str, topic: str) -> None:
    pubsub = PubSub(backend_url)
    async with pubsub:
        pass
    async with pubsub:
        sub = await pubsub.subscribe(topic)
        await pubsub.broadcast(topic, Ping(n=1))
        assert await next_message(sub) == Ping(n=1)


async def test_subscribe_concurrently_1000_one_backend_subscription_all_receive(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    receiver = await make_pubsub(backend_url)
    sender = await make_pubsub(backend_url)
    calls: list[str] = []
    backend = receiver._backend
    assert backend is not None
    original = backend.subscribe

    async def counting_subscribe(channel: str) -> None:
        calls.append(channel)
        await original(channel)

    backend.subscribe = counting_subscribe  # type: ignore[method-assign]

    subs: list[Subscription] = await asyncio.gather(
        *(receiver.subscribe(topic) for _ in range(1000))
    )
    await sender.broadcast(topic, Ping(n=42))

    received = await asyncio.gather(*(next_message(sub) for sub in subs))
    assert received == [Ping(n=42)] * 1000
    assert calls == [topic]
    assert len({sub.id for sub in subs}) == 1000


async def test_slow_consumer_cut_off_others_receive_all_in_order(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    sender = await make_pubsub(backend_url)
    receiver = await make_pubsub(backend_url)
    slow = await receiver.subscribe(topic, max_queue=5)
    fast = [await receiver.subscribe(topic, max_queue=200) for _ in range(3)]
    local_slow = await sender.subscribe(topic, max_queue=5)

    for n in range(100):
        await sender.broadcast(topic, Ping(n=n))

    for sub in fast:
        got = [await next_message(sub) for _ in range(100)]
        assert got == [Ping(n=n) for n in range(100)]
    for cut in (slow, local_slow):
        with pytest.raises(SlowConsumerError, match="max_queue=5"):
            await next_message(cut)
        assert cut.state is SubscriptionState.FAILED
        with pytest.raises(SlowConsumerError):  # stays failed
            await next_message(cut)
    await sender.broadcast(topic, Ping(n=100))
    assert all([await next_message(sub) == Ping(n=100) for sub in fast])


async def test_slow_consumer_last_on_topic_releases_backend_subscription(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    pubsub = await make_pubsub(backend_url)
    sub = await pubsub.subscribe(topic, max_queue=1)

    await pubsub.broadcast(topic, Ping(n=1))
    await pubsub.broadcast(topic, Ping(n=2))
    for _ in range(100):
        if topic not in pubsub._backend_topics:
            break
        await asyncio.sleep(0.01)

    assert sub.state is SubscriptionState.FAILED
    assert topic not in pubsub._backend_topics


async def test_subscribe_types_registers_models_for_decoding(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    from pydantic import BaseModel

    from ember.pubsub import registry

    class Declared(BaseModel):
        x: int

    pubsub = await make_pubsub(backend_url)
    sub = await pubsub.subscribe(topic, types=[Declared])

    assert registry.lookup(f"{Declared.__module__}.{Declared.__qualname__}") is Declared
    await pubsub.broadcast(topic, Declared(x=1))
    assert await next_message(sub) == Declared(x=1)


async def test_messages_may_be_lost_is_a_model_not_broadcastable(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    from ember.pubsub import MessageTypeError

    pubsub = await make_pubsub(backend_url)

    with pytest.raises(MessageTypeError, match="delivered by ember"):
        await pubsub.broadcast(topic, MessagesMayBeLost(topic=topic, reason="x"))


async def test_use_before_start_raises_not_started(backend_url: str, topic: str) -> None:
    pubsub = PubSub(backend_url)

    with pytest.raises(NotStartedError, match=r"await pubsub.start\(\)"):
        await pubsub.subscribe(topic)
    with pytest.raises(NotStartedError):
        await pubsub.broadcast(topic, Ping(n=1))


@pytest.mark.parametrize(("topic_arg", "max_queue"), [("", 10), ("ok", 0)])
async def test_subscribe_bad_arguments_raise_invalid_argument(
    backend_url: str, make_pubsub: MakePubSub, topic_arg: str, max_queue: int
) -> None:
    from ember.pubsub import InvalidArgumentError

    pubsub = await make_pubsub(backend_url)

    with pytest.raises(InvalidArgumentError, match="Expected"):
        await pubsub.subscribe(topic_arg, max_queue=max_queue)
    assert pubsub._topics == {}


async def test_subscribe_backend_refuses_raises_and_registers_nothing(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    from ember.pubsub import PubSubError

    pubsub = await make_pubsub(backend_url)
    assert pubsub._backend is not None

    async def refuse(channel: str) -> None:
        raise RuntimeError("no more channels")

    pubsub._backend.subscribe = refuse  # type: ignore[method-assign]

    with pytest.raises(PubSubError, match=r"to accept a subscription.*no more channels"):
        await pubsub.subscribe(topic)
    assert pubsub._topics == {}


async def test_broadcast_model_not_surviving_json_round_trip_raises(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    from pydantic import BaseModel, field_serializer

    from ember.pubsub import MessageTypeError

    class Lossy(BaseModel):
        count: int

        @field_serializer("count")
        def _as_words(self, value: int) -> str:
            return f"{value} items"

    pubsub = await make_pubsub(backend_url)
    sub = await pubsub.subscribe(topic)

    with pytest.raises(MessageTypeError, match="survive a JSON round trip"):
        await pubsub.broadcast(topic, Lossy(count=2))
    assert sub.queued == 0


async def test_memory_bus_reaches_pubsub_on_another_threads_loop(topic: str) -> None:
    import threading

    url = f"memory://threads-{topic}"
    ready = threading.Event()
    done = threading.Event()

    async def other_thread_main() -> None:
        async with PubSub(url) as other:
            ready.set()
            while not done.is_set():
                await asyncio.sleep(0.01)
            await other.broadcast(topic, Ping(n=2))

    thread = threading.Thread(target=asyncio.run, args=(other_thread_main(),))
    async with PubSub(url) as here:
        sub = await here.subscribe(topic)
        thread.start()
        await asyncio.to_thread(ready.wait, 5)
        done.set()
        assert await next_message(sub) == Ping(n=2)
    await asyncio.to_thread(thread.join, 5)


async def test_subscription_as_context_manager_closes_on_exit(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    pubsub = await make_pubsub(backend_url)

    async with await pubsub.subscribe(topic) as sub:
        await pubsub.broadcast(topic, Ping(n=1))
        assert await next_message(sub) == Ping(n=1)

    assert sub.state is SubscriptionState.CLOSED
    assert topic not in pubsub._backend_topics


async def test_subscribe_close_churn_during_broadcasts_leaves_nothing_behind(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    pubsub = await make_pubsub(backend_url)
    sender = await make_pubsub(backend_url)
    pumping = True

    async def pump() -> None:
        n = 0
        while pumping:
            await sender.broadcast(topic, Ping(n=n))
            n += 1
            await asyncio.sleep(0)

    async def churn() -> None:
        for _ in range(20):
            sub = await pubsub.subscribe(topic, max_queue=3)
            await asyncio.sleep(0)
            await sub.close()

    pump_task = asyncio.create_task(pump())
    await asyncio.wait_for(asyncio.gather(*(churn() for _ in range(20))), 30)
    pumping = False
    await pump_task
    await asyncio.sleep(0.05)

    assert pubsub._topics == {}
    assert pubsub._backend_topics == set()
    backend = pubsub._backend
    leftovers = getattr(backend, "_channels", None) or getattr(backend, "_topics", None)
    assert not leftovers
    sub = await pubsub.subscribe(topic)
    await sender.broadcast(topic, Ping(n=-1))
    assert await next_message(sub) == Ping(n=-1)
