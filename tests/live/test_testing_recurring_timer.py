"""``LiveClient`` on a page with a recurring timer.

Regression: on a page refreshing itself every 50 ms (``send_after`` re-armed in
``handle_info``, as the jobs dashboard does), every click waited the full 5 s for timers,
since a timer was always due. A click now waits for the timers pending once it is handled
(its own ``send_after(0.1)`` included), not for those they re-arm.
"""

from __future__ import annotations

import time

from fastapi import FastAPI

from ember.live import Ember, LiveSettings, LiveView, on_event, on_info
from ember.live.testing import LiveClient
from ember.pubsub import PubSub

SECRET = "test-secret-key-0123456789"


class TickingLive(LiveView):
    async def mount(self, params, session, socket):
        socket.assign(ticks=0, clicks=0, later="no")
        if socket.connected:
            socket.send_after(0.05, "tick")

    @on_info(str)
    async def tick_or_later(self, message, socket):
        if message == "tick":
            socket.update("ticks", lambda ticks: ticks + 1)
            socket.send_after(0.05, "tick")
        else:
            socket.assign(later="yes")

    @on_event("click")
    async def click(self, params, socket):
        socket.update("clicks", lambda clicks: clicks + 1)

    @on_event("later")
    async def later(self, params, socket):
        socket.send_after(0.1, "later")

    def render(self, assigns):
        from reactpy import html

        return html.main(
            html.p({"id": "ticks"}, str(assigns["ticks"])),
            html.p({"id": "clicks"}, str(assigns["clicks"])),
            html.p({"id": "later"}, assigns["later"]),
            html.button({"id": "click", "onClick": self.on("click")}, "click"),
            html.button({"id": "later-button", "onClick": self.on("later")}, "later"),
        )


async def test_click_on_a_page_with_a_recurring_timer_returns_with_its_render() -> None:
    async with PubSub("memory://") as pubsub:
        ember = Ember(LiveSettings(secret_key=SECRET), pubsub=pubsub)
        app = FastAPI()
        ember.mount(app, "/ticking", TickingLive)
        async with LiveClient(app) as client:
            page = await client.live("/ticking")
            await page.wait_for(lambda p: int(p.find("#ticks").text()) >= 2)

            started = time.monotonic()
            await page.click("#click")
            assert time.monotonic() - started < 1.0
            assert page.find("#clicks").text() == "1"

            started = time.monotonic()
            await page.click("#later-button")
            assert time.monotonic() - started < 1.0
            assert page.find("#later").text() == "yes"  # the click's own timer was awaited
