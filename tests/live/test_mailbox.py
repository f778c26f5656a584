"""One mailbox per session: a message never runs while an event handler is suspended.

Regression (issue 21): in a ``LiveView``, an ``@on_info`` for a PubSub message ran while an
``@on_event`` handler was suspended at an ``await``, so a handler that reads ``count``,
awaits and assigns ``count + 1`` overwrote the message's ``+10`` (final 1; Phoenix gives
11). The same for ``start_async`` outcomes and ``send_after`` timers.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import component, html, use_state

from ember.live import Ember, LiveSettings, LiveView, on_async, on_event, on_info
from ember.live.testing import LiveClient
from ember.pubsub import PubSub, message

SECRET = "test-secret-key-0123456789"


@message("test.mailbox.bonus")
class Bonus(BaseModel):
    amount: int


class CounterLive(LiveView):
    async def mount(self, params, session, socket):
        socket.assign(count=0)
        if socket.connected:
            await socket.subscribe("bonus", types=[Bonus])

    async def _slow_increment(self, socket: Any, start_other: Any) -> None:
        count = socket.assigns["count"]
        await start_other()
        await asyncio.sleep(0.1)  # the other work finishes meanwhile, in the old runtime
        socket.assign(count=count + 1)

    @on_event("broadcast")
    async def broadcast(self, params, socket):
        pubsub = socket.session.dependencies["pubsub"]
        await self._slow_increment(socket, lambda: pubsub.broadcast("bonus", Bonus(amount=10)))

    @on_event("async")
    async def start_work(self, params, socket):
        async def start() -> None:
            socket.start_async("bonus", _ten)

        await self._slow_increment(socket, start)

    @on_event("timer")
    async def timer(self, params, socket):
        async def start() -> None:
            socket.send_after(0.0, Bonus(amount=10))

        await self._slow_increment(socket, start)

    @on_info(Bonus)
    async def bonus(self, bonus, socket):
        socket.update("count", lambda count: count + bonus.amount)

    @on_async("bonus")
    async def bonus_done(self, result, socket):
        socket.update("count", lambda count: count + result.result)

    def render(self, assigns):
        return html.main(
            html.p({"id": "count"}, str(assigns["count"])),
            *[
                html.button({"id": name, "onClick": self.on(name)}, name)
                for name in ("broadcast", "async", "timer")
            ],
        )


async def _ten() -> int:
    return 10


def _app(pubsub: PubSub) -> FastAPI:
    ember = Ember(LiveSettings(secret_key=SECRET), pubsub=pubsub)
    app = FastAPI()
    ember.mount(app, "/counter", CounterLive, dependencies={"pubsub": lambda: pubsub})
    return app


@pytest.mark.parametrize("button", ["broadcast", "async", "timer"])
async def test_message_during_a_suspended_handler_waits_for_it(button: str) -> None:
    async with PubSub("memory://") as pubsub, LiveClient(_app(pubsub)) as client:
        page = await client.live("/counter")
        await page.click(f"#{button}")
        await page.wait_for(lambda p: p.find("#count").text() == "11")
        await asyncio.sleep(0.05)
        assert page.find("#count").text() == "11"


async def test_sync_handlers_run_in_worker_threads_and_render_once_each() -> None:
    loop_thread = threading.current_thread().name
    seen: list[str] = []

    @component
    def Page() -> Any:
        count, set_count = use_state(0)

        def add(event: Any) -> None:
            seen.append(threading.current_thread().name)
            set_count(lambda c: c + 1)

        return html.div(
            html.p({"id": "count"}, str(count)), html.button({"id": "add", "onClick": add}, "+")
        )

    async with PubSub("memory://") as pubsub:
        ember = Ember(LiveSettings(secret_key=SECRET), pubsub=pubsub)
        app = FastAPI()
        ember.mount(app, "/sync", Page)
        async with LiveClient(app) as client:
            page = await client.live("/sync")
            for _ in range(3):
                await page.click("#add")
            assert page.find("#count").text() == "3"
    assert seen
    assert all(name != loop_thread for name in seen)


async def test_lambda_handlers_run_on_the_loop_def_handlers_in_threads() -> None:
    loop_thread = threading.current_thread().name
    seen: dict[str, list[str]] = {"lambda": [], "def": []}

    @component
    def Page() -> Any:
        count, set_count = use_state(0)

        def add(event: Any) -> None:
            seen["def"].append(threading.current_thread().name)
            set_count(lambda c: c + 1)

        return html.div(
            html.p({"id": "count"}, str(count)),
            html.button({"id": "def", "onClick": add}, "+"),
            html.button(
                {
                    "id": "lambda",
                    "onClick": lambda event: (
                        seen["lambda"].append(threading.current_thread().name),
                        set_count(count + 1),
                    ),
                },
                "+",
            ),
        )

    async with PubSub("memory://") as pubsub:
        ember = Ember(LiveSettings(secret_key=SECRET), pubsub=pubsub)
        app = FastAPI()
        ember.mount(app, "/both", Page)
        async with LiveClient(app) as client:
            page = await client.live("/both")
            for button in ("#lambda", "#def", "#lambda", "#def"):
                await page.click(button)
            assert page.find("#count").text() == "4"
    assert seen["lambda"] == [loop_thread, loop_thread]
    assert len(seen["def"]) == 2
    assert all(name != loop_thread for name in seen["def"])
