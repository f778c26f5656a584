"""Live views on a PubSub that outlives the event loop it started on, as a module-level app
does across pytest's loop-per-test (issue 25: on Redis a view that subscribes in mount
never rendered in the second test, and nothing was logged)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import html

from ember.live import Ember, LiveSettings, LiveView, on_info
from ember.live.testing import LiveClient
from ember.pubsub import PubSub, message


@message("test.live.loops.item_added")
class ItemAdded(BaseModel):
    name: str


class ItemsLive(LiveView):
    async def mount(self, params: Mapping[str, str], session: Any, socket: Any) -> None:
        if socket.connected:
            await socket.subscribe("items")
        socket.assign(items=())

    @on_info(ItemAdded)
    async def added(self, item: ItemAdded, socket: Any) -> None:
        socket.assign(items=(*socket.assigns["items"], item.name))

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.ul({"id": "items"}, [html.li({"key": n}, n) for n in assigns["items"]])


@pytest.fixture(
    params=[
        "memory",
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def pubsub_url(request: pytest.FixtureRequest) -> str:
    if request.param == "memory":
        return f"memory://loops-{uuid.uuid4().hex}"
    if request.param == "redis":
        return str(request.getfixturevalue("redis_url"))
    url = str(request.getfixturevalue("postgres_url"))
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def test_a_view_subscribing_in_mount_renders_on_every_loop(pubsub_url):
    # One app for the whole module, no lifespan: the PubSub starts on first use.
    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"), pubsub=PubSub(pubsub_url))
    app = FastAPI()
    ember.mount(app, "/items", ItemsLive)

    async def one_test(name: str) -> None:
        async with LiveClient(app) as client:
            page = await client.live("/items")
            await ember.pubsub.broadcast("items", ItemAdded(name=name))
            await page.wait_for("li:nth-child(1)", timeout=5)
            assert page.find("#items").text() == name

    for name in ("first loop", "second loop", "third loop"):
        asyncio.run(one_test(name))
    asyncio.run(ember.pubsub.stop())
