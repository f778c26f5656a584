from __future__ import annotations

from fastapi import FastAPI
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode
from reactpy import component, html

from ember.live import Ember, LiveSettings
from ember.live.testing import LiveClient
from ember.live.tracing import install_tracing

from .conftest import Counter


@component
def Fragile():
    def explode(event):
        raise ValueError("no")

    return html.button({"id": "x", "onClick": explode}, "x")


async def test_telemetry_events_become_spans_with_attributes_and_status():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    stop = install_tracing(provider)
    try:
        ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"))
        app = FastAPI()
        ember.mount(app, "/counter", Counter)
        ember.mount(app, "/fragile", Fragile)
        async with LiveClient(app) as client:
            page = await client.live("/counter")
            await page.click("#inc")
            broken = await client.live("/fragile")
            await broken.click("#x")
            await broken.wait_closed()
    finally:
        stop()
    spans = exporter.get_finished_spans()
    names = {span.name for span in spans}
    assert {"ember.live.mount", "ember.live.handle_event", "ember.live.send"} <= names
    handled = [s for s in spans if s.name == "ember.live.handle_event"]
    ok = next(s for s in handled if s.attributes["ember.view"] == "/counter")
    failed = next(s for s in handled if s.attributes["ember.view"] == "/fragile")
    assert ok.attributes["ember.target"].endswith(":onClick")
    assert ok.end_time >= ok.start_time
    assert failed.status.status_code is StatusCode.ERROR
    count = len(exporter.get_finished_spans())
    async with LiveClient(app) as client:
        await client.live("/counter")
    assert len(exporter.get_finished_spans()) == count  # stopped
