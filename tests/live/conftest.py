from __future__ import annotations

import pytest
from fastapi import FastAPI
from reactpy import component, html, use_state

from ember.live import Ember, LiveSettings


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
