"""Many sessions at once: each keeps its own state."""

from __future__ import annotations

import anyio

from ember.live.testing import LiveClient

SESSIONS = 200
CLICKS = 3


async def test_200_concurrent_sessions_clicking_see_their_own_counts(counter_app, ember):
    async with LiveClient(counter_app) as client:
        pages = []

        async def open_page() -> None:
            pages.append(await client.live("/counter"))

        async with anyio.create_task_group() as group:
            for _ in range(SESSIONS):
                group.start_soon(open_page)
        assert len(ember.sessions) == SESSIONS

        async def click(page, times: int) -> None:
            for _ in range(times):
                await page.click("#inc")

        async with anyio.create_task_group() as group:
            for index, page in enumerate(pages):
                group.start_soon(click, page, 1 + index % CLICKS)

        counts = [page.find("#count").text() for page in pages]
        assert counts == [f"Count: {1 + i % CLICKS}" for i in range(SESSIONS)]
