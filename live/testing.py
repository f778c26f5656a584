"""Test live views without a browser, through the app's real HTTP and websocket endpoints.

Like Phoenix.LiveViewTest: open a mounted view in-process, read its HTML, find elements by
CSS selector, and send the events a browser would send::

    async with LiveClient(app) as client:
        page = await client.live("/counter")
        assert page.find("#count").text() == "Count: 0"
        await page.click("button")
        assert page.find("#count").text() == "Count: 1"

Every action waits until the server has handled the event and sent the renders it caused,
so assertions need no sleeps. Work that finishes later (``use_async``, ``start_async``,
PubSub messages) is awaited with :meth:`LivePage.wait_for`.
"""

from __future__ import annotations

from .api._testing import Element as Element
from .api._testing import LiveChild as LiveChild
from .api._testing import LiveClient as LiveClient
from .api._testing import LivePage as LivePage
from .api._testing import LiveTestError as LiveTestError

__all__ = ["Element", "LiveChild", "LiveClient", "LivePage", "LiveTestError"]
