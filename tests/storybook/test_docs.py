"""docs/storybook.md: its samples are the files in tests/storybook/docs_src, and they run."""

from __future__ import annotations

from pathlib import Path

import pytest

from ember.live.testing import LiveClient

from .conftest import canvas, events_logged

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ["shop/price_tag_stories.py", "shop/components.py", "app.py", "test_shop_stories.py"]


@pytest.mark.parametrize("sample", SAMPLES)
def test_docs_quote_the_sample_verbatim(sample: str) -> None:
    document = (ROOT / "docs" / "storybook.md").read_text()
    assert (ROOT / "tests" / "storybook" / "docs_src" / sample).read_text().strip() in document


async def test_docs_app_serves_the_shop_storybook() -> None:
    from tests.storybook.docs_src.app import app

    async with LiveClient(app) as client:
        assert (await client.get("/api/health")).json() == {"ok": True}
        redirect = await client.get("/storybook")
        assert redirect.headers["location"].endswith("/storybook/")
        page = await client.live("/storybook/?story=price-tag&variation=euro")
        story = await canvas(page)
        assert story.find("#sb-story .price").text() == "€24.50"
        assert story.find("#sb-story > div > div").attr("style") == "max-width:20rem"
        assert [e.text() for e in page.find_all(".sb-vgroup")] == ["Currencies", "Promotions"]
        await story.click("#sb-story .ember-button")
        await events_logged(page, 1)
        await page.click("#sb-panel_tab_events")
        assert page.find("#sb-events li").attr("data-handler") == "on_add"
        await page.click("#sb-panel_tab_controls")
        await page.change("#control-currency", "USD")
        assert (await canvas(page)).find("#sb-story .price").text() == "$24.50"
