"""get/set/delete, TTL, tags, patterns, the decorator and its stampede protection, and
hit/miss counts: on memory and Redis."""

from __future__ import annotations

import asyncio

import pytest

from ember.cache import Cache


async def test_set_get_delete(cache: Cache):
    assert await cache.get("greeting") is None
    assert await cache.get("greeting", "none") == "none"
    await cache.set("greeting", {"text": "hello", "n": [1, 2]})
    assert await cache.get("greeting") == {"text": "hello", "n": [1, 2]}
    await cache.delete("greeting")
    assert await cache.get("greeting") is None


async def test_ttl_expires_the_value(cache: Cache):
    await cache.set("short", 1, ttl=0.3)
    assert await cache.get("short") == 1
    await asyncio.sleep(1.1)  # Redis expiries are counted in milliseconds, checked lazily
    assert await cache.get("short") is None


async def test_invalidate_tags_drops_every_tagged_key_and_only_those(cache: Cache):
    await cache.set("user:7:profile", "p", tags=["user:7"])
    await cache.set("user:7:posts", "q", tags=["user:7", "posts"])
    await cache.set("user:8:profile", "r", tags=["user:8"])
    await cache.invalidate_tags("user:7")
    assert await cache.get("user:7:profile") is None
    assert await cache.get("user:7:posts") is None
    assert await cache.get("user:8:profile") == "r"


async def test_delete_match_drops_keys_by_pattern(cache: Cache):
    await cache.set("report:2026-01-01", 1)
    await cache.set("report:2026-01-02", 2)
    await cache.set("other", 3)
    await cache.delete_match("report:*")
    assert await cache.get("report:2026-01-01") is None
    assert await cache.get("report:2026-01-02") is None
    assert await cache.get("other") == 3


async def test_cached_decorator_computes_once_per_key_and_counts_hits(cache: Cache):
    calls: list[str] = []

    @cache.cached(ttl=60, key="words:{day}", tags=["words"])
    async def trending(day: str) -> list[str]:
        calls.append(day)
        return ["ember", day]

    assert await trending("mon") == ["ember", "mon"]
    assert await trending("mon") == ["ember", "mon"]
    assert await trending(day="tue") == ["ember", "tue"]
    assert calls == ["mon", "tue"]
    assert cache.counters["hit"] == 1
    assert cache.counters["miss"] == 2
    await cache.invalidate_tags("words")
    await trending("mon")
    assert calls == ["mon", "tue", "mon"]


async def test_stampede_one_caller_computes_the_others_wait(cache: Cache):
    calls = 0

    @cache.cached(ttl=60)
    async def slow(n: int) -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.2)
        return n * 2

    results = await asyncio.gather(*(slow(21) for _ in range(20)))
    assert results == [42] * 20
    assert calls == 1


async def test_a_failed_computation_reaches_every_waiter_and_is_not_cached(cache: Cache):
    calls = 0

    @cache.cached(ttl=60, key="fragile")
    async def fragile() -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        raise ValueError("backend down")

    results = await asyncio.gather(fragile(), fragile(), return_exceptions=True)
    assert [type(r) for r in results] == [ValueError, ValueError]
    assert calls == 1
    with pytest.raises(ValueError, match="backend down"):
        await fragile()
    assert calls == 2


async def test_observers_see_hits_and_misses(cache: Cache):
    seen: list[tuple[str, object]] = []
    cache.observers.append(lambda name, fields: seen.append((name, fields["key"])))
    await cache.get("k")
    await cache.set("k", 1)
    await cache.get("k")
    assert seen == [("miss", "k"), ("hit", "k")]
