"""Subscriptions with ``receive=``: messages handed over as they arrive, no queue or task."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from ember.pubsub import SlowConsumerError, SubscriptionError, SubscriptionState

from ._models import Ping
from .conftest import MakePubSub, eventually, next_message


async def test_receive_gets_each_message_in_order_from_this_and_other_processes(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    here = await make_pubsub(backend_url)
    there = await make_pubsub(backend_url)
    local: list[BaseModel] = []
    remote: list[BaseModel] = []
    sub = await here.subscribe(topic, receive=lambda m: local.append(m) is None)
    await there.subscribe(topic, receive=lambda m: remote.append(m) is None)

    for n in range(20):
        await here.broadcast(topic, Ping(n=n))
    # Local subscribers have it when broadcast returns: no task runs in between.
    assert local == [Ping(n=n) for n in range(20)]
    await eventually(lambda: len(remote) == 20)
    assert remote == local
    assert sub.queued == 0


async def test_receive_returning_false_cuts_only_that_subscriber_off(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    pubsub = await make_pubsub(backend_url)
    room = 3
    taken: list[BaseModel] = []
    ended: list[SubscriptionError | None] = []

    def take(message: BaseModel) -> bool:
        if len(taken) == room:
            return False  # the receiver's own queue is full
        taken.append(message)
        return True

    slow = await pubsub.subscribe(topic, receive=take, on_end=ended.append)
    fast = await pubsub.subscribe(topic)

    for n in range(5):
        await pubsub.broadcast(topic, Ping(n=n))

    assert taken == [Ping(n=n) for n in range(room)]
    assert slow.state is SubscriptionState.FAILED
    assert len(ended) == 1
    assert isinstance(ended[0], SlowConsumerError)
    assert "its receiver to take every message" in str(ended[0])
    assert [await next_message(fast) for _ in range(5)] == [Ping(n=n) for n in range(5)]
    # It was unsubscribed; the other one still holds the topic.
    await eventually(lambda: slow.id not in pubsub._topics.get(topic, {}))
    assert set(pubsub._topics[topic]) == {fast.id}


async def test_on_end_is_told_once_when_closed_or_stopped(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    pubsub = await make_pubsub(backend_url)
    ended: list[SubscriptionError | None] = []
    closed = await pubsub.subscribe(topic, receive=lambda m: True, on_end=ended.append)
    stopped = await pubsub.subscribe(topic, receive=lambda m: True, on_end=ended.append)

    await closed.close()
    await closed.close()
    assert ended == [None]
    await pubsub.stop()
    assert ended == [None, None]
    assert stopped.state is SubscriptionState.CLOSED


async def test_a_receiving_subscription_cannot_be_iterated(
    topic: str, make_pubsub: MakePubSub
) -> None:
    pubsub = await make_pubsub("memory://receive-iterate")
    sub = await pubsub.subscribe(topic, receive=lambda m: True)
    with pytest.raises(TypeError, match="subscribe without receive="):
        async for _ in sub:
            pass


async def test_a_receiver_that_raises_is_cut_off_and_the_others_still_get_every_message(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    pubsub = await make_pubsub(backend_url)
    before: list[BaseModel] = []
    after: list[BaseModel] = []
    ended: list[SubscriptionError | None] = []

    def broken(message: BaseModel) -> bool:
        raise RuntimeError("the receiver broke")

    await pubsub.subscribe(topic, receive=lambda m: before.append(m) is None)
    failing = await pubsub.subscribe(topic, receive=broken, on_end=ended.append)
    await pubsub.subscribe(topic, receive=lambda m: after.append(m) is None)

    for n in range(3):
        await pubsub.broadcast(topic, Ping(n=n))

    assert before == after == [Ping(n=n) for n in range(3)]
    assert failing.state is SubscriptionState.FAILED
    assert len(ended) == 1
    assert isinstance(ended[0], SubscriptionError)
    assert "RuntimeError: the receiver broke" in str(ended[0])
    await eventually(lambda: failing.id not in pubsub._topics.get(topic, {}))


async def test_subscribe_now_only_once_the_backend_listens_to_the_topic(
    backend_url: str, topic: str, make_pubsub: MakePubSub
) -> None:
    pubsub = await make_pubsub(backend_url)
    got: list[BaseModel] = []
    assert pubsub._subscribe_now(topic, receive=lambda m: got.append(m) is None) is None
    first = await pubsub.subscribe(topic, receive=lambda m: True, types=[Ping])
    now = pubsub._subscribe_now(topic, receive=lambda m: got.append(m) is None, types=[Ping])
    assert now is not None
    assert now.id != first.id
    await pubsub.broadcast(topic, Ping(n=1))
    await eventually(lambda: got == [Ping(n=1)])
    await now.close()
    await first.close()  # the backend stops listening: a wait again
    assert pubsub._subscribe_now(topic, receive=lambda m: True) is None
