from __future__ import annotations

from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from ember.live import Ember, LiveSettings
from ember.live.metrics import install_metrics
from ember.live.testing import LiveClient

from .conftest import Counter


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
