"""ember.cache: a cache with TTLs, tags and stampede protection, on cashews (memory or Redis).

::

    cache = Cache("mem://", pubsub=pubsub)          # or Cache("redis://…/0")

    @cache.cached(ttl=60, key="report:{day}", tags=["reports"])
    async def daily_report(day: str) -> dict: ...

    await cache.invalidate_tags("reports")          # in this process and every other

See docs/cache.md.
"""

from __future__ import annotations

from ._cache import Cache as Cache
from ._cache import CacheInvalidated as CacheInvalidated

__all__ = ["Cache", "CacheInvalidated"]
