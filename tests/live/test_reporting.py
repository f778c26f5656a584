"""Errors go to Sentry (through a test transport, no network) with ember's context."""

from __future__ import annotations

from typing import Any

import pytest
import sentry_sdk
from fastapi import FastAPI
from reactpy import component, html, use_state
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from ember.live.testing import LiveClient


class CaptureTransport(Transport):
    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        self.events: list[dict[str, Any]] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        for item in envelope.items:
            if item.type == "event":
                self.events.append(item.payload.json)


@pytest.fixture
def sentry():
    transport = CaptureTransport()
    sentry_sdk.init(dsn="https://public@sentry.invalid/1", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)  # back to the inactive client


@component
def Fragile() -> Any:
    broken, set_broken = use_state(False)
    if broken:
        raise LookupError("render broke")

    def explode(event):
        raise ValueError("handler broke")

    return html.main(
        html.button({"id": "boom", "onClick": explode}, "boom"),
        html.button({"id": "break", "onClick": lambda e: set_broken(True)}, "break"),
    )


async def test_handler_and_render_failures_reach_sentry_with_context(ember, sentry):
    app = FastAPI()
    ember.mount(app, "/fragile", Fragile)
    async with LiveClient(app) as client:
        page = await client.live("/fragile")
        await page.click("#break")
        page = await client.live("/fragile")
        await page.click("#boom")
        await page.wait_closed()
    sentry_sdk.flush()
    by_kind = {event["tags"]["ember.kind"]: event for event in sentry.events}
    assert set(by_kind) == {"render", "handler"}
    handler = by_kind["handler"]
    assert handler["tags"]["ember.view"] == "/fragile"
    assert handler["tags"]["ember.session"] in page.session_id
    assert handler["contexts"]["ember"]["target"].endswith(":onClick")
    assert handler["exception"]["values"][-1]["value"] == "handler broke"
    assert by_kind["render"]["contexts"]["ember"]["component"].endswith("Fragile")
    assert len(sentry.events) == 2  # ember's own log lines do not become extra events


async def test_without_sentry_initialised_nothing_is_sent(ember):
    app = FastAPI()
    ember.mount(app, "/fragile", Fragile)
    assert not sentry_sdk.get_client().is_active()
    async with LiveClient(app) as client:
        page = await client.live("/fragile")
        await page.click("#boom")
        assert await page.wait_closed() == 1011
