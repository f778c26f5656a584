from counter import app

from ember.live.testing import LiveClient


async def test_counter_increments():
    async with LiveClient(app) as client:
        page = await client.live("/counter")
        assert "Count: 0" in page.static_html  # the server-rendered first paint
        await page.click("#inc")
        assert page.find("#count").text() == "Count: 1"
