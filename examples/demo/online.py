"""Who is online: one Presence on the app's PubSub, one entry per open timeline tab.

A tab does not list everyone and does not re-render per join: one watcher per process
turns the Presence diffs of a moment (``BATCH_SECONDS``) into one summary (how many, and
the first ``SHOWN`` names), and every tab receives that, so the cost to each tab is the
same with ten tabs open or a thousand, and a burst of arrivals is one render per tab.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
from collections.abc import AsyncIterator

from pydantic import BaseModel, ConfigDict

from ember.pubsub import Presence, PresenceDiff, Subscription, message

TOPIC = "online"
SUMMARY_TOPIC = "online:summary"
SHOWN = 12
BATCH_SECONDS = 1.0  # as Phoenix.Tracker, which broadcasts its deltas every 1.5 s


@message("demo.online_now")
class OnlineNow(BaseModel):
    """How many tabs are open, and the first ``SHOWN`` names, sorted."""

    model_config = ConfigDict(frozen=True)

    count: int
    names: list[str]


_presence: Presence | None = None
_now = OnlineNow(count=0, names=[])


def now() -> OnlineNow:
    """The latest summary (at most ``BATCH_SECONDS`` old)."""
    return _now


async def arrive(tab: str, name: str) -> None:
    if _presence is not None:
        await _presence.track(TOPIC, tab, {"name": name})


async def rename(tab: str, name: str) -> None:
    if _presence is not None:
        await _presence.update(TOPIC, tab, {"name": name})


async def leave(tab: str) -> None:
    if _presence is not None:
        await _presence.untrack(TOPIC, tab)


@contextlib.asynccontextmanager
async def watching(presence: Presence) -> AsyncIterator[None]:
    """Track tabs with ``presence`` and keep the summary while the app runs."""
    global _presence, _now
    _presence = presence
    diffs = await presence.pubsub.subscribe(TOPIC, types=[PresenceDiff], max_queue=100_000)
    watcher = asyncio.create_task(_watch(presence, diffs), name="demo online watcher")
    try:
        yield
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await diffs.close()
        _presence, _now = None, OnlineNow(count=0, names=[])


async def _watch(presence: Presence, diffs: Subscription) -> None:
    global _now
    async for _ in diffs:
        await asyncio.sleep(BATCH_SECONDS)  # the arrivals of this moment: one summary
        for _ in range(diffs.queued):
            await anext(diffs)
        listed = presence.list(TOPIC)
        names = (str(meta.meta.get("name", "?")) for metas in listed.values() for meta in metas)
        _now = OnlineNow(count=presence.count(TOPIC), names=heapq.nsmallest(SHOWN, names))
        presence.pubsub.local_broadcast(SUMMARY_TOPIC, _now)
