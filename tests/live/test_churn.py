"""5,000 connect/disconnect cycles leave tasks, file descriptors and memory where they were."""

from __future__ import annotations

import asyncio
import gc

import psutil
import pytest

from ember.live.testing import LiveClient

CYCLES = 5_000
WARM_UP = 300


async def cycle(client: LiveClient, times: int) -> None:
    for _ in range(times):
        page = await client.live("/counter")
        await page.click("#inc")
        await page.close()


def measure() -> tuple[int, int, int]:
    gc.collect()
    process = psutil.Process()
    return len(asyncio.all_tasks()), process.num_fds(), process.memory_info().rss


@pytest.mark.timeout(240)
async def test_5000_cycles_leave_tasks_fds_and_memory_within_5_percent(counter_app, ember):
    async with LiveClient(counter_app) as client:
        await cycle(client, WARM_UP)  # imports, caches and pools settle first
        tasks_before, fds_before, rss_before = measure()
        await cycle(client, CYCLES)
        await asyncio.sleep(0.1)
        tasks_after, fds_after, rss_after = measure()
        assert ember.sessions == {}
    assert tasks_after <= tasks_before
    assert fds_after <= fds_before * 1.05
    assert rss_after <= rss_before * 1.05, f"RSS {rss_before} -> {rss_after}"
