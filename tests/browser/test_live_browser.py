"""The live runtime in a real Chromium: first paint, takeover, events, navigation, tokens."""

from __future__ import annotations

import re

from playwright.sync_api import expect

CONNECTED = "[data-ember-root].ember-connected"


def test_first_paint_is_server_rendered_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.url)
    expect(page.locator("#count")).to_have_text("Count: 0")
    context.close()


def test_live_view_takes_over_the_first_paint_without_duplicates(page, server):
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    expect(page.locator("[data-ember-live] #count")).to_have_text("Count: 0")
    expect(page.locator("[data-ember-static]")).to_have_count(0)
    expect(page.locator("#count")).to_have_count(1)


def test_svg_view_box_survives_the_takeover_and_client_built_icons(page, server):
    # The client lower-cased every attribute name: an SVG's viewBox became "viewbox",
    # which SVG ignores, so every icon drew clipped once the page was live.
    page.goto(f"{server.url}/icons")
    page.wait_for_selector(CONNECTED)
    page.click("#more")
    expect(page.locator("svg.tick")).to_have_count(2)
    widths = page.eval_on_selector_all("svg.tick", "ts => ts.map(t => t.viewBox.baseVal.width)")
    assert widths == [24, 24]


def test_snake_case_click_handler_fires_in_the_browser(page, server):
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    page.click("#inc")
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("Count: 2")


def test_form_submit_stays_on_the_page_and_sends_its_fields(page, server):
    page.goto(f"{server.url}/form")
    page.wait_for_selector(CONNECTED)
    page.fill("input[name=title]", "Hello")
    page.check("input[name=agree]")
    page.click("#send")
    expect(page.locator("#submitted")).to_have_text("[('agree', 'on'), ('title', 'Hello')]")
    assert page.url == f"{server.url}/form"


def test_back_forward_and_reload_between_live_pages(page, server):
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("Count: 1")
    page.click("#to-form")
    page.wait_for_selector(f"{CONNECTED} #f")
    page.go_back()
    page.wait_for_selector(f"{CONNECTED} #count")
    page.go_forward()
    page.wait_for_selector(f"{CONNECTED} #f")
    page.reload()
    page.wait_for_selector(f"{CONNECTED} #f")
    assert page.url.endswith("/form")


def test_push_patch_changes_the_url_and_back_restores_params(page, server):
    page.goto(f"{server.url}/patch")
    page.wait_for_selector(CONNECTED)
    page.click("#two")
    expect(page.locator("#tab")).to_have_text("two")
    expect(page).to_have_url(re.compile(r"/patch\?tab=two$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/patch$"))
    expect(page.locator("#tab")).to_have_text("one")


def test_refused_token_makes_the_page_reload_and_go_live_again(page, server):
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("Count: 1")
    # A restart with another secret key: the page's token no longer verifies (4401).
    server.stop()
    server.secret = "rotated-secret-key-0123456789"
    server.start()
    with page.expect_navigation(timeout=15000):
        pass
    page.wait_for_selector(CONNECTED, timeout=15000)
    expect(page.locator("#count")).to_have_text("Count: 0")
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("Count: 1")


def test_disconnected_page_shows_a_banner_and_queued_clicks_land_after_restart(page, server):
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    server.stop()
    page.wait_for_selector("[data-ember-root].ember-disconnected")
    banner = page.evaluate(
        "getComputedStyle(document.querySelector('[data-ember-root]'), '::before').content"
    )
    assert "reconnecting" in banner
    page.click("#inc")  # queued by the client while the server is down, and marked
    expect(page.locator("#inc")).to_have_class(re.compile("ember-click-loading"))
    server.start()
    page.wait_for_selector(CONNECTED, timeout=15000)
    # A fresh mount (the in-process store went with the server) plus the queued click.
    expect(page.locator("#count")).to_have_text("Count: 1")
    expect(page.locator("#inc")).not_to_have_class(re.compile("ember-click-loading"))


def test_going_offline_shows_disconnected_at_once_and_online_reconnects_at_once(page, server):
    # Regression: the client ignored the browser's offline and online events. A socket
    # whose network went away can look open for minutes (Chromium's offline mode even
    # keeps it working), so the page said it was live while a click went nowhere; and
    # back online it waited for its next backoff step (up to 15 s) to reconnect.
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    page.context.set_offline(True)
    page.wait_for_selector("[data-ember-root].ember-disconnected", timeout=2000)
    page.click("#inc")  # waits for the next socket, marked
    expect(page.locator("#inc")).to_have_class(re.compile("ember-click-loading"))
    # Attempts at 0.75, 1.9, 3.6 and 6.1 s fail; the next would be at 9.9 s.
    page.wait_for_timeout(7000)
    page.context.set_offline(False)
    page.wait_for_selector(CONNECTED, timeout=2000)
    expect(page.locator("#count")).to_have_text("Count: 1")  # a fresh mount, then the click
    expect(page.locator("#inc")).not_to_have_class(re.compile("ember-click-loading"))


def test_events_leave_the_browser_slim(page, server):
    sent: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.goto(server.url)
    page.wait_for_selector(CONNECTED)
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("Count: 1")
    click = next(frame for frame in sent if '"layout-event"' in frame)
    assert len(click) < 600, click  # ReactPy's client alone sends about 4.9 kB per click
    page.goto(f"{server.url}/form")
    page.wait_for_selector(CONNECTED)
    sent.clear()
    page.fill("input[name=title]", "x" * 50)
    page.click("#send")
    expect(page.locator("#submitted")).to_contain_text("xxxxx")
    submit = next(frame for frame in sent if '"layout-event"' in frame)
    assert len(submit) < 1500, submit


def test_push_patch_with_replace_keeps_the_history_length(page, server):
    page.goto(f"{server.url}/patch")
    page.wait_for_selector(CONNECTED)
    page.click("#two")
    expect(page.locator("#tab")).to_have_text("two")
    length = page.evaluate("history.length")
    page.click("#three")
    expect(page).to_have_url(re.compile(r"/patch\?tab=three$"))
    assert page.evaluate("history.length") == length
    page.go_back()
    expect(page).to_have_url(re.compile(r"/patch$"))
    expect(page.locator("#tab")).to_have_text("one")


def test_a_flash_crosses_push_navigate_and_is_gone_on_reload(page, server):
    page.goto(f"{server.url}/save")
    page.wait_for_selector(CONNECTED)
    page.click("#save")
    page.wait_for_url(re.compile(r"/saved$"))
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#flash")).to_have_text("Saved, and shown on the next page.")
    assert not [c for c in page.context.cookies() if c["name"] == "ember_flash"]
    page.reload()
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#flash")).to_have_text("")


def test_page_goes_live_under_a_csp_of_script_src_self(page, server):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Security Policy" in message.text else 0,
    )

    response = page.goto(server.url)
    assert response is not None
    policy = response.headers["content-security-policy"]  # ember's default policy
    script_src = policy.split("script-src", 1)[1].split(";", 1)[0].split()
    assert "'self'" in script_src
    assert not [source for source in script_src if "unsafe" in source]
    page.wait_for_selector(CONNECTED)
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("Count: 1")
    assert violations == []


def test_click_and_submit_are_marked_loading_until_the_server_answers(page, server):
    page.goto(f"{server.url}/slow")
    page.wait_for_selector(CONNECTED)
    page.click("#slow")
    expect(page.locator("#slow")).to_have_class("ember-click-loading")
    expect(page.locator("#count")).to_have_text("Count: 1")
    expect(page.locator("#slow")).not_to_have_class(re.compile("loading"))
    page.press("input[name=title]", "Enter")  # Enter submits as a click on the button does
    expect(page.locator("#f")).to_have_class("ember-submit-loading")
    expect(page.locator("#send")).to_be_disabled()
    shown = page.evaluate("getComputedStyle(document.querySelector('#send'), '::after').content")
    assert shown == '"Sending…"'
    page.click("#send", force=True)  # a second submit while the first is in flight
    expect(page.locator("#count")).to_have_text("Count: 2")
    expect(page.locator("#send")).to_be_enabled()
    expect(page.locator("#f")).not_to_have_class(re.compile("loading"))
    page.wait_for_timeout(800)
    expect(page.locator("#count")).to_have_text("Count: 2")  # it was not sent
