"""``broadcast_sync``: writes made outside async code (a sync route's thread, an ORM commit
hook on the loop's thread) reach subscribers (issue 25, item 9)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from ember.pubsub import MessageTypeError, NotStartedError, PubSub, PubSubError

from ._models import Ping


async def received(subscription):
    async with asyncio.timeout(5):
        return await anext(subscription)


async def test_broadcast_sync_from_a_thread_returns_once_published(make_pubsub, backend_url):
    pubsub = await make_pubsub(backend_url)
    subscription = await pubsub.subscribe("items")
    await asyncio.to_thread(pubsub.broadcast_sync, "items", Ping(n=1))
    assert await received(subscription) == Ping(n=1)


async def test_broadcast_sync_on_the_loop_thread_is_delivered_once_the_loop_is_free(
    make_pubsub, backend_url
):
    pubsub = await make_pubsub(backend_url)
    subscription = await pubsub.subscribe("items")

    def commit_hook() -> None:  # sync code running on the loop's thread
        pubsub.broadcast_sync("items", Ping(n=2))

    commit_hook()
    assert await received(subscription) == Ping(n=2)


async def test_broadcast_sync_checks_the_message_where_it_is_called(make_pubsub, backend_url):
    pubsub = await make_pubsub(backend_url)

    with pytest.raises(MessageTypeError):
        pubsub.broadcast_sync("items", {"n": 1})  # type: ignore[arg-type]


async def test_broadcast_sync_on_a_stopped_pubsub_says_to_start_it():
    with pytest.raises(NotStartedError, match="Start it in your app's lifespan"):
        PubSub("memory://never-started").broadcast_sync("items", Ping(n=1))


async def test_broadcast_sync_from_another_running_loop_says_to_await_broadcast(
    make_pubsub, backend_url
):
    pubsub = await make_pubsub(backend_url)
    errors: list[BaseException] = []

    def other_loop() -> None:
        async def call() -> None:
            pubsub.broadcast_sync("items", Ping(n=3))

        try:
            asyncio.run(call())
        except PubSubError as error:
            errors.append(error)

    thread = threading.Thread(target=other_loop)
    thread.start()
    await asyncio.to_thread(thread.join, 10)
    assert len(errors) == 1
    assert "use `await pubsub.broadcast(...)`" in str(errors[0])
