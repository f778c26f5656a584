"""The demo's "Trending words" report: a background job with live progress, its result
cached for a while so the next click (in any tab) answers at once.

The job runs on the demo's own database (``ember.jobs``, in the web process); its progress
and result reach the timeline through the PubSub, the result is kept in ``ember.cache``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
from collections import Counter
from collections.abc import AsyncIterator

from ember.cache import Cache
from ember.data import Repo
from ember.jobs import JobContext, Jobs
from ember.pubsub import PubSub

from . import chirps

__all__ = ["CACHE_KEY", "TTL", "cached_trending", "running", "start_trending"]

CACHE_KEY = "trending"
TTL = 30.0
STEP_DELAY = 0.25
"""Seconds per tenth of the chirps: stands for real work, so the progress bar shows."""

jobs: Jobs | None = None
cache: Cache | None = None


@contextlib.asynccontextmanager
async def running(repo: Repo, pubsub: PubSub) -> AsyncIterator[None]:
    """Jobs (with a worker in this process) and the cache, for the app's lifespan."""
    global jobs, cache
    jobs = Jobs(repo, pubsub=pubsub, poll_interval=0.5)
    cache = store = Cache(os.environ.get("EMBER_CACHE_URL", "mem://"), pubsub=pubsub, name="demo")

    @jobs.task(name="demo.trending_words", queue="reports", timeout=60, max_attempts=2)
    async def trending_words(job: JobContext, limit: int = 5) -> list[list[str | int]]:
        recent = await chirps.list_chirps(limit=200)
        words: Counter[str] = Counter()
        step = max(1, len(recent) // 10)
        for index, chirp in enumerate(recent, 1):
            words.update(re.findall(r"[a-zà-ÿ0-9']{4,}", chirp.body.lower()))
            if index % step == 0 or index == len(recent):
                await job.progress(index, len(recent))
                await asyncio.sleep(STEP_DELAY)
        top: list[list[str | int]] = [[word, count] for word, count in words.most_common(limit)]
        await store.set(CACHE_KEY, top, ttl=TTL)
        return top

    try:
        async with store, jobs.lifespan({"reports": 1}):
            yield
    finally:
        jobs = cache = None


async def cached_trending() -> list[list[str | int]] | None:
    """The last report, if it is younger than ``TTL`` seconds."""
    return None if cache is None else await cache.get(CACHE_KEY)


async def start_trending() -> int | None:
    """Queue a report; its id (for the job's topic), or None when jobs are not running."""
    if jobs is None:
        return None
    return await jobs.tasks["demo.trending_words"].enqueue()
