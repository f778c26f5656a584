"""Nested live views in Chromium: a child that crashes next to a live form, and a sticky
player across live navigation (tests/browser/nested_app.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests._server import Server, module_server

CONNECTED = "[data-ember-root].ember-connected"


class NestedServer(Server):
    APP = "tests.browser.nested_app:app"
    QUIET = True  # the crash is logged on purpose


@pytest.fixture(scope="module")
def module_nested_server() -> Iterator[Server]:
    yield from module_server(NestedServer)


@pytest.fixture
def server(module_nested_server: Server) -> Server:
    """The app served, started once per module: it keeps no state between tests."""
    return module_nested_server.as_started()


def test_a_crashing_child_remounts_while_the_parent_keeps_its_form_and_state(page, server):
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page.goto(f"{server.url}/form")
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#chat #sent")).to_have_text("0 sent")  # in the first paint
    page.click("#click")
    expect(page.locator("#click")).to_have_text("clicks 1")
    page.click("#send")
    expect(page.locator("#sent")).to_have_text("1 sent")
    expect(page.locator("#heard")).to_have_text("heard 1")  # send_parent
    page.click("#name")
    page.keyboard.type("Ada Love", delay=70)
    page.click("#boom")  # the child fails while the user is typing in the parent
    page.focus("#name")
    page.keyboard.type("lace", delay=70)
    expect(page.locator("#echo")).to_have_text("name: Ada Lovelace")
    expect(page.locator("#name")).to_have_value("Ada Lovelace")
    # The child is back (mounted afresh), live, and the parent kept its state and socket.
    expect(page.locator("#sent")).to_have_text("0 sent")
    page.click("#send")
    expect(page.locator("#sent")).to_have_text("1 sent")
    expect(page.locator("#click")).to_have_text("clicks 1")
    expect(page.locator("[data-ember-root]")).to_have_class(re.compile("ember-connected"))
    assert len(sockets) == 1, sockets


def test_a_sticky_player_keeps_its_state_and_dom_across_live_navigation(page, server):
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page.goto(f"{server.url}/one")
    page.wait_for_selector(CONNECTED)
    page.click("#next")
    page.click("#next")
    expect(page.locator("#track")).to_have_text("track 3")
    expect(page.locator("#ticks")).not_to_have_text(re.compile(r"^[01]$"))  # it runs
    page.evaluate("document.querySelector('#player').emberMark = 'kept'")
    page.evaluate("window.sameDocument = true")
    page.click("#to-two")
    expect(page.locator("#title")).to_have_text("two")
    expect(page).to_have_url(f"{server.url}/two")
    # The same DOM node, the same state, still ticking, over the same socket.
    assert page.evaluate("document.querySelector('#player').emberMark") == "kept"
    expect(page.locator("#track")).to_have_text("track 3")
    ticks = int(page.locator("#ticks").text_content() or "0")
    expect(page.locator("#ticks")).not_to_have_text(str(ticks))  # still running
    page.click("#next")
    expect(page.locator("#track")).to_have_text("track 4")
    page.go_back()
    expect(page.locator("#title")).to_have_text("one")
    expect(page.locator("#track")).to_have_text("track 4")
    assert page.evaluate("document.querySelector('#player').emberMark") == "kept"
    assert page.evaluate("window.sameDocument === true")
    assert len(sockets) == 1, sockets
    # A view of the group without it lets it go; coming back mounts it afresh.
    page.click("#to-plain")
    expect(page.locator("#title")).to_have_text("plain")
    expect(page.locator("#player")).to_have_count(0)
    page.click("#to-one")
    expect(page.locator("#title")).to_have_text("one")
    expect(page.locator("#track")).to_have_text("track 1")
    page.click("#next")
    expect(page.locator("#track")).to_have_text("track 2")
    # A full page load mounts it afresh too.
    page.reload()
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#track")).to_have_text("track 1")
