from __future__ import annotations

import asyncio
import gc
import logging
import time

from fastapi import FastAPI
from reactpy import component, html

from ember.live import Ember, LiveSettings
from ember.live.testing import LiveClient


async def test_watchdog_names_the_handler_that_held_the_loop(caplog):
    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789", loop_lag_threshold_ms=50))

    @component
    def Hog():
        async def hold(event):
            time.sleep(0.25)  # blocks the loop on purpose  # noqa: ASYNC251

        return html.button({"id": "hog", "onClick": hold}, "hog")

    app = FastAPI()
    ember.mount(app, "/hog", Hog)
    caplog.set_level(logging.WARNING, "ember.live.watchdog")
    async with LiveClient(app) as client:
        page = await client.live("/hog")
        await page.click("#hog")
        await page.render()
    assert ember.watchdog.stalls, "no stall was recorded"
    stall = ember.watchdog.stalls[-1]
    assert stall.lag_ms >= 150
    assert any("/hog handler" in culprit for culprit in stall.culprits)
    assert "event loop was held" in caplog.text
    # The sampler caught the loop inside the handler, on the very line that blocks.
    assert stall.stack, "the loop thread's stack was not sampled"
    assert stall.stack[-1].endswith("in hold")
    assert "test_watchdog.py" in stall.stack[-1]
    assert "The loop was at" in caplog.text


async def test_a_handler_awaiting_during_anothers_stall_is_not_where_the_loop_was():
    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789", loop_lag_threshold_ms=50))

    @component
    def Pair():
        async def wait(event):
            await asyncio.sleep(0.4)  # awaits: the loop is free

        async def hold(event):
            time.sleep(0.25)  # blocks the loop on purpose  # noqa: ASYNC251

        return html.main(
            html.button({"id": "wait", "onClick": wait}, "wait"),
            html.button({"id": "hold", "onClick": hold}, "hold"),
        )

    app = FastAPI()
    ember.mount(app, "/pair", Pair)
    async with LiveClient(app) as client:
        waiting = await client.live("/pair")
        holding = await client.live("/pair")
        async with asyncio.TaskGroup() as group:
            group.create_task(waiting.click("#wait"))
            await asyncio.sleep(0.05)
            group.create_task(holding.click("#hold"))
    stall = ember.watchdog.stalls[-1]
    assert any(":onClick" in culprit for culprit in stall.culprits)
    assert stall.stack[-1].endswith("in hold")


async def test_sync_handler_does_not_stall_the_loop():
    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789", loop_lag_threshold_ms=50))

    @component
    def Polite():
        def hold(event):
            time.sleep(0.25)  # a sync handler runs in a worker thread

        return html.button({"id": "b", "onClick": hold}, "b")

    app = FastAPI()
    ember.mount(app, "/polite", Polite)
    async with LiveClient(app) as client:
        page = await client.live("/polite")
        await page.click("#b")
    assert not ember.watchdog.stalls


async def test_a_stall_that_was_the_garbage_collector_says_so(caplog):
    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789", loop_lag_threshold_ms=50))
    # Containers the collector must visit, made before the click with the collector off:
    # the automatic collections their allocation sets off took 2.8 s of the 3 s it cost
    # (and 6.7 s on a loaded machine, past the client's 5 s wait for an answer).
    gc.disable()
    try:
        heap: list[list[int]] = [[] for _ in range(1_500_000)]
    finally:
        gc.enable()

    @component
    def Collector():
        async def collect(event):
            gc.collect()  # a full collection, on the loop, on purpose

        return html.button({"id": "gc", "onClick": collect}, "gc")

    app = FastAPI()
    ember.mount(app, "/gc", Collector)
    caplog.set_level(logging.WARNING, "ember.live.watchdog")
    async with LiveClient(app) as client:
        page = await client.live("/gc")
        await page.click("#gc")
        await page.render()
    heap.clear()
    stall = ember.watchdog.stalls[-1]
    assert stall.gc_ms >= 25, stall
    assert "garbage collector" in caplog.text
    assert not [frame for frame in stall.stack if frame.endswith("in _on_gc")]  # not its own
