"""JS commands and client hooks in a real Chromium (tests/browser/js_app.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests._server import Server

CONNECTED = "[data-ember-root].ember-connected"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server(app="tests.browser.js_app:app")
    running.start()
    yield running
    running.stop()


def test_js_toggle_runs_without_a_round_trip_and_survives_a_server_patch(page, server):
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: frames.append(payload)))
    menu = page.locator("#menu")
    expect(menu).to_be_visible()
    page.click("#toggle")
    expect(menu).to_be_hidden()
    page.click("#inc")  # the server re-renders the menu's parent and the menu's class
    expect(page.locator("#count")).to_have_text("Count: 1")
    expect(menu).to_have_class("menu rendered-1")
    expect(menu).to_be_hidden()
    expect(menu).to_have_attribute("style", "color: red; display: none;")
    page.click("#toggle")
    expect(menu).to_be_visible()
    assert not [f for f in frames if "layout-event" in f and "toggle" in f]
    assert not [url for url in scripts if "ember-uploads" in url]  # no upload input here


def test_js_push_sends_the_event_with_its_value_after_the_commands(page, server):
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    page.click("#toggle-push")
    expect(page.locator("#menu")).to_be_hidden()
    expect(page.locator("#pushed")).to_have_text("opened 7")
    # the server re-rendered #main's class: the class the command added stays
    expect(page.locator("#main")).to_have_class("count-0 open")


def test_js_focus_first_attributes_dispatch_and_transition(page, server):
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    page.click("#toggle")
    page.click("#focus")
    expect(page.locator("#menu")).to_be_visible()
    expect(page.locator("#first-link")).to_be_focused()
    page.evaluate(
        "document.querySelector('#menu').addEventListener('menu:poke',"
        " (e) => { window.poked = e.detail.n; })"
    )
    page.click("#dispatch")
    assert page.evaluate("window.poked") == 1
    page.click("#attrs")
    menu = page.locator("#menu")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(menu).to_have_attribute("data-state", "on")
    expect(menu).to_have_class("rendered-0")
    page.click("#attrs")
    expect(menu).to_have_attribute("data-state", "off")
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("Count: 1")
    expect(menu).to_have_attribute("data-state", "off")
    expect(menu).to_have_class("rendered-1")
    page.click("#fade")
    expect(menu).to_have_class("rendered-1 fading fade-end")
    expect(menu).to_have_class("rendered-1")


def test_js_push_by_name_reaches_the_live_views_on_event(page, server):
    page.goto(f"{server.url}/named")
    page.wait_for_selector(CONNECTED)
    page.click("#named")
    expect(page.locator("#gone")).to_be_hidden()
    expect(page.locator("#said")).to_have_text("opened 3")


def test_hook_mounts_updates_pushes_handles_events_and_is_destroyed(page, server):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{server.url}/hooks")
    page.wait_for_selector(CONNECTED)
    chart = page.locator("#chart")
    expect(chart).to_have_attribute("data-drawn", "5")
    page.click("#add")
    expect(chart).to_have_attribute("data-drawn", "6")
    chart.click()
    expect(page.locator("#clicked")).to_have_text("bar:1")
    page.click("#ping")
    expect(chart).to_have_attribute("data-highlighted", "2")
    page.click("#remove")
    expect(page.locator("#no-chart")).to_be_visible()
    log = page.evaluate("window.hookLog")
    assert log[0] == "mounted"
    assert "updated" in log
    assert log[-1] == "destroyed"
    # The throwing hook and the unknown one are reported; the page carries on.
    expect(page.locator("#broken")).to_have_attribute("data-ember-hook-failed", "mounted")
    expect(page.locator("#unknown")).to_have_attribute("data-ember-hook-failed", "mounted")
    assert any("this hook is broken" in e or "Broken.mounted" in e for e in errors)
    page.click("#remove")
    expect(chart).to_have_attribute("data-drawn", "6")
    assert page.evaluate("window.hookLog").count("mounted") == 2


def test_hook_is_told_when_the_connection_drops_and_returns(page, server):
    page.goto(f"{server.url}/hooks")
    page.wait_for_selector(CONNECTED)
    page.context.set_offline(True)
    page.evaluate("() => undefined")
    server.stop()
    page.wait_for_selector("[data-ember-root].ember-disconnected")
    server.start()
    page.context.set_offline(False)
    page.wait_for_selector(CONNECTED, timeout=20000)
    log = page.evaluate("window.hookLog")
    assert log.index("disconnected") < log.index("reconnected")


def test_kit_client_tabs_switch_without_a_round_trip_and_keep_it_across_renders(page, server):
    page.goto(f"{server.url}/kit")
    page.wait_for_selector(CONNECTED)
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: frames.append(payload)))
    expect(page.locator("#kit-tabs_panel_a")).to_be_visible()
    expect(page.locator("#kit-tabs_panel_b")).to_be_hidden()
    page.click("#kit-tabs_tab_b")
    expect(page.locator("#kit-tabs_panel_b")).to_be_visible()
    expect(page.locator("#kit-tabs_panel_a")).to_be_hidden()
    expect(page.locator("#kit-tabs_tab_b")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#kit-tabs_tab_a")).to_have_attribute("aria-selected", "false")
    assert frames == []
    page.keyboard.press("ArrowRight")
    expect(page.locator("#kit-tabs_tab_c")).to_be_focused()
    expect(page.locator("#kit-tabs_panel_c")).to_be_visible()
    page.click("#inc")  # the server re-renders the tabs (panel a's text changes)
    expect(page.locator("#inc")).to_have_text("1")
    expect(page.locator("#kit-tabs_panel_a")).to_have_text("alpha 1")
    expect(page.locator("#kit-tabs_panel_a")).to_be_hidden()
    expect(page.locator("#kit-tabs_panel_c")).to_be_visible()


def test_kit_client_modal_opens_and_closes_in_the_browser(page, server):
    page.goto(f"{server.url}/kit")
    page.wait_for_selector(CONNECTED)
    dialog = page.locator("#kit-modal")
    expect(dialog).to_be_hidden()
    page.click("#open-modal")
    expect(dialog).to_be_visible()
    assert page.evaluate("document.querySelector('#kit-modal').matches(':modal')")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#open-modal")).to_be_focused()
    page.click("#open-modal")
    page.click("#kit-modal .ember-modal-close")
    expect(dialog).to_be_hidden()
