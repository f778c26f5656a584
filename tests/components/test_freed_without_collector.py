"""The component kit makes no reference cycles: a closed session of a page showing every
story variation (forms bound to changesets, tables, modals, tabs, JS commands) is freed by
reference counting at once (see tests/live/test_session_freed_without_collector.py)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from ember.live import Ember, LiveSettings, MemoryRecoveryStore
from ember.live.testing import LiveClient, LivePage
from tests.live._freed import assert_freed_on_close
from tests.live._freed import collector_off as collector_off

from .gallery_app import Gallery, Widgets

SECRET = "test-secret-key-0123456789"


@pytest.mark.usefixtures("collector_off")
async def test_a_closed_session_of_every_story_is_freed_without_a_collection() -> None:
    ember = Ember(LiveSettings(secret_key=SECRET), recovery=MemoryRecoveryStore())
    app = FastAPI(lifespan=ember.lifespan)
    ember.mount(app, "/gallery", Gallery)
    ember.mount(app, "/widgets", Widgets)

    async def scenario(client: LiveClient) -> LivePage:
        page = await client.live("/gallery")
        await page.close()
        page = await client.live("/widgets")
        await page.change("#signup_email", "ada.example.com")  # validated: errors shown
        await page.wait_for(lambda p: p.has("#signup_email-error"))
        return page

    async with app.router.lifespan_context(app), LiveClient(app) as client:
        await assert_freed_on_close(client, scenario)
