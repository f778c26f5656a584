"""``combine_lifespans``: ember's lifespan beside an app's own, in order, state merged."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request

from ember.live import Ember, LiveSettings, combine_lifespans
from ember.live.testing import LiveClient
from ember.pubsub import PubSub


async def test_ember_and_the_app_lifespan_run_in_order_and_share_state():
    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"), pubsub=PubSub())
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def app_lifespan(app: FastAPI) -> AsyncIterator[dict[str, str]]:
        events.append(f"app up, pubsub started={ember.pubsub.started}")
        yield {"greeting": "hello"}
        events.append(f"app down, pubsub started={ember.pubsub.started}")

    app = FastAPI(lifespan=combine_lifespans(ember.lifespan, app_lifespan))

    @app.get("/greeting")
    def greeting(request: Request) -> str:
        return str(request.state.greeting)

    async with app.router.lifespan_context(app) as state:
        assert state == {"greeting": "hello"}
        assert ember.pubsub.started
    assert events == ["app up, pubsub started=True", "app down, pubsub started=True"]
    assert not ember.pubsub.started


async def test_lifespans_that_yield_nothing_combine_to_none():
    @contextlib.asynccontextmanager
    async def quiet(app: FastAPI) -> AsyncIterator[None]:
        yield

    app = FastAPI(lifespan=combine_lifespans(quiet, quiet))
    async with app.router.lifespan_context(app) as state:
        assert state is None
    async with LiveClient(app) as client:
        assert (await client.get("/openapi.json")).status_code == 200
