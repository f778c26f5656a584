"""Every cache test runs on the memory backend and on Redis (a db of its own per run)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from ember.cache import Cache


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def cache_url(request: pytest.FixtureRequest) -> str:
    if request.param == "memory":
        return "mem://"
    return str(request.getfixturevalue("redis_url"))


@pytest.fixture
async def cache(cache_url: str) -> AsyncIterator[Cache]:
    cache = Cache(cache_url, name=f"test-{uuid.uuid4().hex}")
    async with cache:
        yield cache
        await cache.clear()
