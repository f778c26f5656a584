from __future__ import annotations

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
