"""Live navigation in Chromium: links, push_navigate and back/forward between the views of
one live_session switch views over the page's socket, with no document load; everything
else is a page load (tests/browser/navigation_app.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests._server import Server, module_server

from .conftest import OUTPUT

CONNECTED = "[data-ember-root].ember-connected"


class NavigationServer(Server):
    APP = "tests.browser.navigation_app:app"


@pytest.fixture(scope="module")
def module_navigation_server() -> Iterator[Server]:
    yield from module_server(NavigationServer)


@pytest.fixture
def server(module_navigation_server: Server) -> Server:
    """The app served, started once per module: it keeps no state between tests."""
    return module_navigation_server.as_started()


class Watched:
    """What a page did: the websockets it opened and the documents it loaded."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.sockets: list[str] = []
        self.documents: list[str] = []
        page.on("websocket", lambda socket: self.sockets.append(socket.url))
        page.on(
            "request",
            lambda request: (
                self.documents.append(request.url) if request.resource_type == "document" else None
            ),
        )

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.wait_for_selector(CONNECTED)
        self.page.evaluate("window.sameDocument = true")

    def same_document(self) -> bool:
        return bool(self.page.evaluate("window.sameDocument === true"))


@pytest.fixture
def watched(page) -> Watched:
    return Watched(page)


def test_a_link_in_the_live_session_switches_views_over_the_same_socket(watched, server):
    page = watched.page
    watched.open(f"{server.url}/")
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("Count: 1")
    page.click("#to-inbox")
    expect(page.locator("#inbox-title")).to_be_visible()
    expect(page).to_have_url(f"{server.url}/inbox")
    expect(page).to_have_title("inbox")
    expect(page.locator("#home-title")).to_have_count(0)
    assert watched.same_document()
    assert len(watched.sockets) == 1, watched.sockets
    assert len(watched.documents) == 1, watched.documents
    # The new view is live, focus is on its main content, and the old view is gone.
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    expect(page.locator("#count")).to_have_text("Count: 0")
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("Count: 1")
    expect(page.locator("[data-ember-root]")).not_to_have_class(re.compile("ember-navigating"))


def test_a_double_click_on_a_live_link_navigates_once(watched, server):
    # Regression: the second click, made while the first navigation was on its way, was
    # kept and followed once the view arrived: the same view again and a second history
    # entry, so Back stayed on it.
    page = watched.page
    watched.open(f"{server.url}/")
    entries = page.evaluate("history.length")
    page.dblclick("#to-inbox")
    expect(page.locator("#inbox-title")).to_be_visible()
    page.wait_for_timeout(500)  # time for a second navigation to show
    expect(page.locator("[data-ember-root]")).not_to_have_class(re.compile("ember-navigating"))
    assert page.evaluate("history.length") == entries + 1
    page.go_back()
    expect(page.locator("#home-title")).to_be_visible()
    expect(page).to_have_url(f"{server.url}/")
    assert watched.same_document()


def test_back_and_forward_switch_views_and_patches_without_a_load(watched, server):
    page = watched.page
    watched.open(f"{server.url}/")
    page.click("#to-outbox")
    expect(page.locator("#box")).to_have_text("sent")
    page.click("#drafts")  # push_patch within the outbox
    expect(page).to_have_url(f"{server.url}/outbox?box=drafts")
    expect(page.locator("#box")).to_have_text("drafts")
    page.go_back()
    expect(page.locator("#box")).to_have_text("sent")
    page.go_back()
    expect(page.locator("#home-title")).to_be_visible()
    expect(page).to_have_url(f"{server.url}/")
    expect(page).to_have_title("home")
    page.go_forward()
    expect(page.locator("#outbox-title")).to_be_visible()
    expect(page.locator("#box")).to_have_text("sent")
    assert watched.same_document()
    assert len(watched.sockets) == 1, watched.sockets


def test_a_new_view_starts_at_the_top_and_back_returns_to_where_the_page_was(watched, server):
    page = watched.page
    page.set_viewport_size({"width": 800, "height": 600})
    watched.open(f"{server.url}/")
    page.evaluate("window.scrollTo(0, 700)")
    page.evaluate("document.querySelector('#to-inbox').click()")  # without scrolling to it
    expect(page.locator("#inbox-title")).to_be_visible()
    assert page.evaluate("window.scrollY") == 0
    page.go_back()
    expect(page.locator("#home-title")).to_be_attached()
    page.wait_for_function("window.scrollY === 700")
    assert watched.same_document()


def test_push_navigate_switches_views_live_and_carries_the_flash(watched, server):
    page = watched.page
    watched.open(f"{server.url}/inbox")
    page.click("#send")
    expect(page.locator("#flash")).to_have_text("Sent, and shown on the outbox.")
    expect(page).to_have_url(f"{server.url}/outbox?box=sent")
    assert watched.same_document()
    assert len(watched.sockets) == 1, watched.sockets
    page.go_back()
    expect(page.locator("#inbox-title")).to_be_visible()


def test_links_outside_the_live_session_and_modified_clicks_load_pages(watched, server):
    page = watched.page
    watched.open(f"{server.url}/")
    with page.context.expect_page() as opened:
        page.click("#to-inbox", modifiers=["Control"])
    opened.value.wait_for_load_state()
    assert opened.value.url == f"{server.url}/inbox"
    opened.value.close()
    expect(page.locator("#home-title")).to_be_visible()
    page.click("#to-top")  # an anchor on this page: the browser's own jump
    expect(page).to_have_url(f"{server.url}/#end")
    assert watched.same_document()
    page.click("#to-settings")
    expect(page.locator("#settings-title")).to_be_visible()
    page.wait_for_selector(CONNECTED)
    assert not watched.same_document()
    assert len(watched.sockets) == 2, watched.sockets


def test_a_view_that_fails_to_mount_live_is_loaded_as_a_page(watched, server):
    page = watched.page
    watched.open(f"{server.url}/")
    page.click("#to-broken")
    expect(page.locator("#broken-title")).to_be_visible()
    expect(page).to_have_url(f"{server.url}/broken")
    assert not watched.same_document()


def test_after_a_live_navigation_a_reconnect_mounts_the_view_shown(watched, server):
    page = watched.page
    watched.open(f"{server.url}/")
    page.click("#to-inbox")
    expect(page.locator("#inbox-title")).to_be_visible()
    server.stop()
    page.wait_for_selector("[data-ember-root].ember-disconnected")
    server.start()
    page.wait_for_selector(CONNECTED, timeout=15000)
    expect(page.locator("#inbox-title")).to_be_visible()
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("Count: 1")
    assert watched.same_document()
    assert "/inbox/_ember/ws" in watched.sockets[-1]


def test_a_navigation_made_offline_waits_for_the_socket(watched, server):
    page = watched.page
    watched.open(f"{server.url}/")
    server.stop()
    page.wait_for_selector("[data-ember-root].ember-disconnected")
    page.click("#to-inbox")
    expect(page.locator("[data-ember-root]")).to_have_class(re.compile("ember-navigating"))
    expect(page.locator("#home-title")).to_be_visible()
    assert page.url == f"{server.url}/"
    server.start()
    expect(page.locator("#inbox-title")).to_be_visible(timeout=15000)
    expect(page).to_have_url(f"{server.url}/inbox")
    expect(page.locator("[data-ember-root]")).not_to_have_class(re.compile("ember-navigating"))
    assert watched.same_document()


def test_back_while_offline_switches_once_the_socket_is_back(watched, server):
    page = watched.page
    watched.open(f"{server.url}/")
    page.click("#to-inbox")
    expect(page.locator("#inbox-title")).to_be_visible()
    server.stop()
    page.wait_for_selector("[data-ember-root].ember-disconnected")
    page.go_back()
    expect(page).to_have_url(f"{server.url}/")
    server.start()
    expect(page.locator("#home-title")).to_be_visible(timeout=15000)
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("Count: 1")
    assert watched.same_document()


def test_keyboard_only_navigation_moves_focus_to_the_new_view(watched, server):
    page = watched.page
    watched.open(f"{server.url}/")
    page.keyboard.press("Tab")  # Home
    page.keyboard.press("Tab")  # Inbox
    assert page.evaluate("document.activeElement.id") == "to-inbox"
    page.keyboard.press("Enter")
    expect(page.locator("#inbox-title")).to_be_visible()
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    page.keyboard.press("Tab")  # the first control of the new view's main content
    assert page.evaluate("document.activeElement.id") == "inc"
    page.keyboard.press("Enter")
    expect(page.locator("#count")).to_have_text("Count: 1")
    page.go_back()  # Alt+Left in a windowed browser; headless Chromium has no such shortcut
    expect(page.locator("#home-title")).to_be_visible()
    assert watched.same_document()


def test_under_a_path_prefix_every_navigation_url_carries_it(watched, server):
    page = watched.page
    watched.open(f"{server.url}/app/")
    page.click("#to-outbox")
    expect(page.locator("#outbox-title")).to_be_visible()
    expect(page).to_have_url(f"{server.url}/app/outbox?box=sent")
    expect(page.locator("#url")).to_have_text("/outbox?box=sent")  # the app's own path
    page.click("#drafts")
    expect(page).to_have_url(f"{server.url}/app/outbox?box=drafts")
    page.go_back()
    expect(page.locator("#box")).to_have_text("sent")
    page.click("#to-inbox")
    page.click("#send")
    expect(page.locator("#flash")).to_have_text("Sent, and shown on the outbox.")
    expect(page).to_have_url(f"{server.url}/app/outbox?box=sent")
    assert watched.same_document()
    assert len(watched.sockets) == 1, watched.sockets
    assert watched.sockets[0].startswith(f"ws://127.0.0.1:{server.port}/app/_ember/ws")


def test_navigation_on_a_phone_sized_screen(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    watched = Watched(page)
    watched.open(f"{server.url}/")
    page.tap("#to-outbox")
    expect(page.locator("#outbox-title")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "navigation_390px.png"))
    assert watched.same_document()
    context.close()
