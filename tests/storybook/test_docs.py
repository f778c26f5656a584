"""docs/storybook.md: its samples are the files in tests/storybook/docs_src, and they run."""

from __future__ import annotations

from pathlib import Path

import pytest

from ember.live.testing import LiveClient

from .conftest import canvas, events_logged

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = [
    "shop/price_tag_stories.py",
    "shop/components.py",
    "shop/quantity_stories.py",
    "app.py",
    "test_shop_stories.py",
]


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


async def test_docs_live_component_story_keeps_its_count_and_logs_on_change() -> None:
    from tests.storybook.docs_src.app import app

    async with LiveClient(app) as client:
        page = await client.live("/storybook/?story=quantity-picker&variation=a%20dozen")
        story = await canvas(page)
        assert story.find("#sb-story .count").text() == "12"
        await story.click("#sb-story button[data-step='1']")
        await story.click("#sb-story button[data-step='1']")
        assert story.find("#sb-story .count").text() == "14"
        await events_logged(page, 2)
        await page.click("#sb-panel_tab_events")
        handlers = [e.attr("data-handler") for e in page.find_all("#sb-events li")]
        assert handlers == ["on_change", "on_change"]
        await page.click("#sb-panel_tab_controls")
        assert page.find("#control-least").attr("type") == "number"
        for _ in range(9):
            await story.click("#sb-story button[data-step='-1']")
        assert story.find("#sb-story .count").text() == "6"  # its `least` assign
        assert story.has("#sb-story .ember-badge", text="Minimum reached")
