"""The lifespan tunes the garbage collector for many sessions (EMBER_GC_*)."""

from __future__ import annotations

import gc

import pytest
from fastapi import FastAPI

from ember.live import Ember, LiveSettings
from ember.live.testing import LiveClient

from .conftest import Counter

SECRET = "test-secret-key-0123456789"


@pytest.fixture(autouse=True)
def _restore_gc():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def app_with(settings: LiveSettings) -> FastAPI:
    ember = Ember(settings)
    app = FastAPI(lifespan=ember.lifespan)
    ember.mount(app, "/counter", Counter)
    return app


def running(app: FastAPI):
    """The app's lifespan, as a server runs it around serving."""
    return app.router.lifespan_context(app)


async def test_the_lifespan_raises_the_young_threshold_and_freezes_startup_objects():
    gc.set_threshold(700, 10, 10)
    app = app_with(
        LiveSettings(
            secret_key=SECRET, gc_gen0_threshold=12_345, gc_gen1_threshold=25, gc_freeze=True
        )
    )
    async with running(app), LiveClient(app) as client:
        assert gc.get_threshold() == (12_345, 25, 10)
        assert gc.get_freeze_count() > 10_000  # the modules, classes and functions imported
        page = await client.live("/counter")
        await page.click("#inc")
        assert page.find("#count").text() == "Count: 1"


async def test_the_settings_can_leave_the_collector_as_python_has_it(monkeypatch):
    monkeypatch.setenv("EMBER_GC_GEN0_THRESHOLD", "0")
    monkeypatch.setenv("EMBER_GC_FREEZE", "false")
    gc.set_threshold(700, 10, 10)
    app = app_with(LiveSettings(secret_key=SECRET))
    async with running(app), LiveClient(app) as client:
        await client.live("/counter")
        assert gc.get_threshold() == (700, 10, 10)
        assert gc.get_freeze_count() == 0
