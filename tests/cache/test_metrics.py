"""Prometheus metrics for caches: hits, misses and the rest by cache and operation, read
from the cache's counters at each scrape (memory and Redis)."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families

from ember.cache import Cache
from ember.live import Ember, LiveSettings
from ember.live.metrics import install_metrics


async def test_metrics_count_cache_hits_and_misses(cache: Cache):
    app = FastAPI()
    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"))
    metrics = install_metrics(app, ember, caches=[cache])
    calls: list[int] = []

    @cache.cached(ttl=60)
    async def square(n: int) -> int:
        calls.append(n)
        return n * n

    try:
        await cache.set("a", 1)
        assert await cache.get("a") == 1
        assert await cache.get("b") is None
        assert [await square(3), await square(3)] == [9, 9]
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            text = (await client.get("/metrics")).text
    finally:
        metrics.close()
    found = {
        sample.labels["operation"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "ember_cache_operations_total" and sample.labels["cache"] == cache.name
    }
    assert calls == [3]
    assert found["computed"] == 1
    assert found["hit"] == 2  # get("a") and the second square(3)
    assert found["miss"] == 2  # get("b") and the first square(3)
    assert found["set"] == 2
