"""A PubSub keeps working on whatever event loop uses it: started on one loop, it follows
the next once that loop has ended (pytest runs each async test on a loop of its own;
issue 25: a Redis PubSub started in one test never delivered in the next), and refuses
clearly to serve a loop that runs beside its own."""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
import uuid
import warnings

import pytest

from ember.pubsub import PubSub, PubSubError, Subscription

from ._models import Ping


async def round_trip(pubsub: PubSub, n: int) -> None:
    subscription: Subscription = await pubsub.subscribe("loops")
    await pubsub.broadcast("loops", Ping(n=n))
    async with asyncio.timeout(5):
        received = await anext(subscription)
    assert received == Ping(n=n)
    await subscription.close()


def test_a_pubsub_started_on_one_loop_keeps_working_on_the_next(backend_url):
    pubsub = PubSub(backend_url)

    async def first_loop() -> Subscription:
        await pubsub.start()
        await round_trip(pubsub, 1)
        return await pubsub.subscribe("left-open")  # the loop ends with it open

    left_open = asyncio.run(first_loop())
    assert not pubsub.started  # it disconnected while its loop was ending
    assert left_open.closed

    async def next_loop() -> None:
        await round_trip(pubsub, 2)  # started again on this loop by first use
        assert pubsub.started

    asyncio.run(next_loop())
    asyncio.run(next_loop())  # and a third loop
    asyncio.run(pubsub.stop())


def test_a_pubsub_whose_loop_was_closed_without_ending_its_tasks_starts_afresh(caplog):
    # On the memory backend only: on the others the stranded sockets would warn in
    # whichever later test the garbage collector happens to run.
    pubsub = PubSub(f"memory://stranded-{uuid.uuid4().hex}")
    loop = asyncio.new_event_loop()
    loop.run_until_complete(pubsub.start())
    loop.run_until_complete(round_trip(pubsub, 1))

    async def next_loop() -> None:
        await round_trip(pubsub, 2)
        await pubsub.stop()

    # A bare close() strands the listener and its connections: when collected they warn
    # and their clean-up fails on the closed loop (what the logged advice is about).
    stranded: list[object] = []
    hook, sys.unraisablehook = sys.unraisablehook, stranded.append
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            loop.close()
            asyncio.run(next_loop())
            del loop
            gc.collect()
    finally:
        sys.unraisablehook = hook
    assert "was closed without stopping it" in caplog.text


def test_a_pubsub_refuses_a_loop_running_beside_its_own(backend_url):
    pubsub = PubSub(backend_url)
    ready, done = threading.Event(), threading.Event()
    loop = asyncio.new_event_loop()

    def serve() -> None:
        loop.run_until_complete(pubsub.start())
        ready.set()
        loop.run_until_complete(asyncio.to_thread(done.wait))
        loop.run_until_complete(pubsub.stop())
        loop.close()

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        assert ready.wait(10)

        async def elsewhere() -> None:
            with pytest.raises(PubSubError, match="started on another event loop"):
                await pubsub.broadcast("loops", Ping(n=1))

        asyncio.run(elsewhere())
    finally:
        done.set()
        thread.join(10)
