"""docs/streams.md: its sample is tests/live/docs_src/feed.py, and it runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ember.live.testing import LiveClient
from tests.live.docs_src import feed

ROOT = Path(__file__).resolve().parents[2]


def test_docs_quote_the_sample_verbatim() -> None:
    document = (ROOT / "docs" / "streams.md").read_text()
    sample = (ROOT / "tests" / "live" / "docs_src" / "feed.py").read_text()
    assert sample.strip() in document


@pytest.mark.parametrize("path", ["/feed", "/feed-class"])
async def test_docs_sample_publishes_at_the_top_and_hides_rows(path, monkeypatch) -> None:
    monkeypatch.setattr(feed, "POSTS", [{"id": n, "text": f"post {n}"} for n in range(1, 4)])
    async with LiveClient(feed.app) as client:
        page = await client.live(path)
        await page.click("#publish")
        assert [li.text() for li in page.find_all("#posts li")] == [
            "post 4hide",
            "post 1hide",
            "post 2hide",
            "post 3hide",
        ]
        await page.click("#posts-2 button")
        assert [li.attr("id") for li in page.find_all("#posts li")] == [
            "posts-4",
            "posts-1",
            "posts-3",
        ]
