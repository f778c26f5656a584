"""Behind a reverse proxy that strips a path prefix (tests/browser/_proxy.py in front of
``uvicorn --root-path /app``), every URL ember writes into a page carries ``/app``: the
socket, the client script and the mount's head, live navigation, the flash, the storybook
and the dashboard. Any request the browser makes without the prefix is a 404 at the proxy,
so the test collects every response >= 400 and expects none."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests._server import Server

CONNECTED = "[data-ember-root].ember-connected"


class PrefixedApp(Server):
    APP = "tests.browser.prefix_app:app"

    def command(self) -> list[str]:
        return [*super().command(), "--root-path", "/app"]


class PrefixedDemo(PrefixedApp):
    """The demo (ember.demo.app), its SQLite file in a folder of its own."""

    APP = "ember.demo.app:app"

    def __init__(self, data: Path) -> None:
        super().__init__()
        self.data = data

    def env(self) -> dict[str, str]:
        env = {**super().env(), "EMBER_DEMO_DATA": str(self.data)}
        env.pop("EMBER_DATABASE_URL", None)
        env.pop("EMBER_PUBSUB_URL", None)
        return env


class Proxy(Server):
    APP = "tests.browser._proxy:app"

    def __init__(self, upstream: Server) -> None:
        super().__init__()
        self.upstream = upstream

    def env(self) -> dict[str, str]:
        return {**super().env(), "EMBER_PROXY_UPSTREAM": f"127.0.0.1:{self.upstream.port}"}


@pytest.fixture(scope="module")
def proxy() -> Iterator[Proxy]:
    yield from _behind_a_proxy(PrefixedApp())


@pytest.fixture(scope="module")
def demo_proxy() -> Iterator[Proxy]:
    with tempfile.TemporaryDirectory() as folder:
        yield from _behind_a_proxy(PrefixedDemo(Path(folder)))


def _behind_a_proxy(app: Server) -> Iterator[Proxy]:
    app.start()
    running = Proxy(app)
    try:
        running.start()
        yield running
        running.stop()
    finally:
        app.stop()


class Watched:
    """The websockets a page opened, its document loads and its failed responses."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.sockets: list[str] = []
        self.documents: list[str] = []
        self.failed: list[str] = []
        page.on("websocket", lambda socket: self.sockets.append(socket.url))
        page.on("request", self._request)
        page.on("response", self._response)

    def _request(self, request: Any) -> None:
        if request.resource_type == "document" and request.frame.parent_frame is None:
            self.documents.append(request.url)

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_selector(CONNECTED)
        self.page.evaluate("window.sameDocument = true")

    def same_document(self) -> bool:
        return bool(self.page.evaluate("window.sameDocument === true"))


@pytest.fixture
def watched(page) -> Watched:
    return Watched(page)


@pytest.mark.parametrize("mount", ["", "/sub"], ids=["app", "sub-app"])
def test_behind_a_prefix_stripping_proxy_the_live_pages_work(watched, proxy, mount):
    page = watched.page
    base = f"{proxy.url}/app{mount}"
    watched.open(f"{base}/")
    # The mount's head (the components' stylesheet and script) loaded through the proxy.
    expect(page.locator("link[data-ember-components]")).to_have_count(1)
    assert page.evaluate(
        "document.querySelector('link[data-ember-components]').sheet.cssRules.length > 0"
    )
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("Count: 1")
    page.click("#to-inbox")
    expect(page.locator("#inbox-title")).to_be_visible()
    expect(page).to_have_url(f"{base}/inbox")
    page.click("#send")  # push_navigate("/outbox?box=sent") with a flash
    expect(page.locator("#flash")).to_have_text("Sent, and shown on the outbox.")
    expect(page).to_have_url(f"{base}/outbox?box=sent")
    page.click("#to-settings")  # outside the live_session: a page load, live again
    expect(page.locator("#settings-title")).to_be_visible()
    page.wait_for_selector(CONNECTED)
    expect(page).to_have_url(f"{base}/settings")
    page.goto(f"{base}/gone")  # a 303 with the flash in a cookie, shown once
    expect(page).to_have_url(f"{base}/outbox?box=moved")
    expect(page.locator("#flash")).to_have_text("Moved to the outbox.")
    page.wait_for_selector(CONNECTED)
    page.reload()
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#flash")).to_have_text("")
    assert [c for c in page.context.cookies() if c["name"] == "ember_flash"] == []
    assert watched.documents == [
        f"{base}/",
        f"{base}/settings",
        f"{base}/gone",
        f"{base}/outbox?box=moved",
        f"{base}/outbox?box=moved",
    ], watched.documents
    assert len(watched.sockets) == 4, watched.sockets
    assert all(url.startswith(f"ws://127.0.0.1:{proxy.port}/app/") for url in watched.sockets)
    assert watched.failed == [], watched.failed


def test_behind_a_prefix_stripping_proxy_the_storybook_and_dashboard_work(watched, proxy):
    page = watched.page
    page.goto(f"{proxy.url}/app/storybook")  # redirected to /app/storybook/
    expect(page).to_have_url(f"{proxy.url}/app/storybook/")
    page.wait_for_selector(f"[data-ember-live] .sb, {CONNECTED}")
    page.click('.sb-item-story[data-story="button"]')
    page.click('.sb-item[data-story="button"][data-variation="primary"]')
    expect(page).to_have_url(re.compile(r"/app/storybook/\?story=button&variation=primary"))
    story = page.frame_locator("#sb-iframe")  # the canvas: a live page of its own
    story.locator("[data-ember-live] #sb-canvas-page").wait_for(timeout=10_000)
    page.fill("#control-children", "Ship it")
    expect(story.locator("#sb-story button")).to_have_text("Ship it")
    story.locator("#sb-story button").click()
    page.wait_for_selector("#sb-panel_tab_events:has-text('Events (1)')")
    watched.open(f"{proxy.url}/app/dashboard")
    expect(page.get_by_text("Sessions").first).to_be_visible()
    assert watched.failed == [], watched.failed
    assert all(url.startswith(f"ws://127.0.0.1:{proxy.port}/app/") for url in watched.sockets)


def test_the_proxy_refuses_paths_without_the_prefix(proxy):
    assert httpx.get(f"{proxy.url}/inbox", trust_env=False).status_code == 404
    assert httpx.get(f"{proxy.url}/app/inbox", trust_env=False).status_code == 200


def test_the_demo_behind_a_prefix_stripping_proxy(watched, demo_proxy):
    page = watched.page
    base = f"{demo_proxy.url}/app"
    watched.open(f"{base}/")
    page.fill("#compose_body", "Hello from behind a proxy")
    page.click("#compose-card button[type=submit]")
    expect(page.get_by_text("Hello from behind a proxy").first).to_be_visible()
    page.click("nav >> text=Members")  # a live navigation over the same socket
    page.wait_for_selector(f"{CONNECTED} #register")
    expect(page).to_have_url(f"{base}/users")
    assert watched.same_document()
    page.click("nav >> text=Storybook")
    expect(page).to_have_url(f"{base}/storybook/")
    page.frame_locator("#sb-iframe").locator("[data-ember-live] #sb-canvas-page").wait_for()
    assert watched.documents == [f"{base}/", f"{base}/storybook/"], watched.documents
    assert watched.failed == [], watched.failed
    assert all(url.startswith(f"ws://127.0.0.1:{demo_proxy.port}/app/") for url in watched.sockets)
