"""The demo's activity pill in Chromium: a sticky nested view in the top bar that counts
another tab's posts and stays (state and DOM node) across the top bar's live links."""

from __future__ import annotations

from playwright.sync_api import expect

from .test_demo_browser import CONNECTED, demo, post  # noqa: F401 - demo is a fixture


def test_demo_activity_pill_counts_posts_and_survives_live_navigation(browser, demo):  # noqa: F811
    context = browser.new_context()
    watcher, poster = context.new_page(), context.new_page()
    sockets: list[str] = []
    watcher.on("websocket", lambda socket: sockets.append(socket.url))
    watcher.goto(demo.url)
    poster.goto(demo.url)
    watcher.wait_for_selector(CONNECTED)
    poster.wait_for_selector(CONNECTED)
    expect(watcher.locator("#activity")).to_have_text("0 new chirps")
    post(poster, "hello from the other tab")
    expect(watcher.locator("#activity")).to_contain_text("1 new chirp · last by", timeout=10_000)
    watcher.evaluate("document.querySelector('#activity').emberMark = 'kept'")
    watcher.click(".demo-nav a[href='./users']")
    expect(watcher.locator("h1")).to_have_text("Members")
    assert watcher.evaluate("document.querySelector('#activity').emberMark") == "kept"
    expect(watcher.locator("#activity")).to_contain_text("1 new chirp")
    watcher.click("#activity")  # seen
    expect(watcher.locator("#activity")).to_have_text("0 new chirps")
    assert len(sockets) == 1, sockets
    context.close()
