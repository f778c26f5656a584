from __future__ import annotations

import asyncio
import uuid

from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from pydantic import BaseModel

from ember.live import Ember, LiveSettings, telemetry
from ember.live.metrics import install_metrics
from ember.live.testing import LiveClient
from ember.pubsub import message

from .conftest import Counter


@message("test.metrics.note")
class Note(BaseModel):
    text: str


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_metrics_endpoint_reports_sessions_events_and_bytes():
    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"))
    app = FastAPI()
    ember.mount(app, "/counter", Counter)
    metrics = install_metrics(app, ember)
    try:
        async with LiveClient(app) as client:
            page = await client.live("/counter")
            await page.click("#inc")
            await page.click("#inc")
            response = await client.get("/metrics")
            assert response.status_code == 200
            live = samples(response.text)
            view = (("view", "/counter"),)
            assert live[("ember_sessions_connected", view)] == 1
            assert live[("ember_events_total", (("outcome", "ok"), ("view", "/counter")))] == 2
            assert live[("ember_handler_duration_seconds_count", view)] == 2
            assert live[("ember_sent_bytes_count", view)] >= 3  # first render + 2 updates
            assert live[("ember_sent_bytes_sum", view)] > 0
            assert live[("ember_render_duration_seconds_count", ())] >= 3
            await page.close()
            after = samples((await client.get("/metrics")).text)
            assert after[("ember_sessions_connected", view)] == 0
    finally:
        metrics.close()


async def test_metrics_measure_queries_and_the_pool_of_given_engines(tmp_path):
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"))
    app = FastAPI()
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}")
    metrics = install_metrics(app, ember, engines=[engine])
    try:
        async with LiveClient(app) as client:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
                await conn.execute(text("SELECT 2"))
                held = samples((await client.get("/metrics")).text)
            released = samples((await client.get("/metrics")).text)
        assert held[("ember_db_query_duration_seconds_count", ())] == 2
        pool = [k for k in held if k[0] == "ember_db_pool_checked_out"]
        assert held[pool[0]] == 1
        assert released[pool[0]] == 0
        assert "sqlite+aiosqlite" in dict(pool[0][1])["engine"]
    finally:
        metrics.close()
        await engine.dispose()


async def test_metrics_count_broadcasts_and_measure_lag_by_topic_prefix(two_workers):
    here, elsewhere = two_workers
    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"), pubsub=here)
    app = FastAPI()
    metrics = install_metrics(app, ember)
    room = f"room:{uuid.uuid4().hex}"
    try:
        sub = await here.subscribe(room, types=[Note])
        await here.broadcast(room, Note(text="from here"))
        await here.broadcast(f"{room}:typing", Note(text="served locally only"))
        await elsewhere.broadcast(room, Note(text="from another worker"))
        received = [await asyncio.wait_for(anext(sub), 5) for _ in range(2)]
        assert [n.text for n in received] == ["from here", "from another worker"]
        async with LiveClient(app) as client:
            text = (await client.get("/metrics")).text
    finally:
        metrics.close()
    found = samples(text)
    assert found[("ember_pubsub_broadcasts_total", (("outcome", "ok"), ("topic", "room")))] == 2
    lag = (("topic", "room"),)
    assert found[("ember_pubsub_lag_seconds_count", lag)] == 1  # local deliveries have none
    assert 0 <= found[("ember_pubsub_lag_seconds_sum", lag)] < 5
    assert found[("ember_pubsub_lag_seconds_bucket", (("le", "+Inf"), *lag))] == 1
    assert not any(room in value for _, labels in found for _, value in labels)


async def test_metrics_topic_label_is_configurable(two_workers):
    here, _ = two_workers
    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"), pubsub=here)
    metrics = install_metrics(FastAPI(), ember, topic_label=lambda topic: "all")
    try:
        await here.broadcast("room:1", Note(text="x"))
        telemetry.emit("ember.live.deliver", 2.0, session="s", topic="room:1", message="Note")
        found = samples(metrics.render().decode())
    finally:
        metrics.close()
    assert found[("ember_pubsub_broadcasts_total", (("outcome", "ok"), ("topic", "all")))] == 1
    assert found[("ember_delivery_duration_seconds_count", (("topic", "all"),))] == 1
