from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from reactpy import component, html, use_state

from ember.live import Ember, LiveSettings
from ember.pubsub import PubSub


@pytest.fixture
def ember() -> Ember:
    return Ember(LiveSettings(secret_key="test-secret-key-0123456789"))


@component
def Counter():
    count, set_count = use_state(0)
    return html.div(
        html.p({"id": "count"}, f"Count: {count}"),
        html.button({"id": "inc", "onClick": lambda event: set_count(lambda c: c + 1)}, "+"),
    )


@pytest.fixture
def counter_app(ember: Ember) -> FastAPI:
    app = FastAPI()

    @app.get("/api/health")
    def health() -> dict[str, bool]:
        return {"ok": True}

    ember.mount(app, "/counter", Counter)
    return app


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def two_workers(request: pytest.FixtureRequest) -> AsyncIterator[tuple[PubSub, PubSub]]:
    """The PubSubs of two workers: on one memory bus, or on one Redis."""
    if request.param == "memory":
        url = f"memory://workers-{uuid.uuid4().hex}"
    else:
        url = str(request.getfixturevalue("redis_url"))
    async with PubSub(url) as first, PubSub(url) as second:
        yield first, second
