"""A slow lookup cached for a minute, dropped everywhere when a price changes."""

from __future__ import annotations

import asyncio
import os

from ember.cache import Cache

# mem:// in one process; redis://… (or mem:// with the app's PubSub) for several.
cache = Cache(os.environ.get("APP_CACHE_URL", "mem://"))
lookups: list[str] = []  # stands in for a slow database or API


@cache.cached(ttl=60, key="price:{sku}", tags=["prices", "sku:{sku}"])
async def price(sku: str) -> int:
    lookups.append(sku)
    await asyncio.sleep(0.05)
    return 1200 if sku == "kettle" else 300


async def change_price(sku: str) -> None:
    # ... write the new price, then drop what every worker cached about it:
    await cache.invalidate_tags(f"sku:{sku}")
