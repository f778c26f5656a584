"""Security headers (issue 23, case 6): every page ember serves sends a Content-Security-
Policy, ``nosniff``, a Referrer-Policy and frame protection, and ember's live pages work
under that policy in Chromium with no violation reported: the counter, the demo (its two
live pages) and the storybook."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ember.live._settings import DEFAULT_CONTENT_SECURITY_POLICY
from tests._server import Server

from .test_demo_browser import DemoServer
from .test_live_browser import CONNECTED

# Every violation the page sees, from the event and from Chromium's console.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", e =>
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    with tempfile.TemporaryDirectory() as folder:
        running = DemoServer(Path(folder))
        running.start()
        yield running
        running.stop()


@pytest.fixture(scope="module")
def counter() -> Iterator[Server]:
    running = Server()
    running.start()
    yield running
    running.stop()


@pytest.fixture
def watched(browser):
    context = browser.new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page, console
    context.close()


def _violations(page, console: list[str]) -> list[str]:
    return [*page.evaluate("window.__violations"), *console]


def _assert_headers(response) -> None:
    headers = response.headers
    policy = headers["content-security-policy"]
    for directive in DEFAULT_CONTENT_SECURITY_POLICY.split("; "):
        name = directive.split()[0]
        assert name in policy, (name, policy)
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "SAMEORIGIN"


def test_counter_works_under_the_policy(counter, watched):
    page, console = watched
    response = page.goto(counter.url)
    _assert_headers(response)
    page.wait_for_selector(CONNECTED)
    page.click("#inc")
    page.click("#inc")
    expect(page.locator("#count")).to_have_text("Count: 2")
    assert _violations(page, console) == []


def test_static_files_are_not_sniffed(counter, watched):
    page, _ = watched
    response = page.goto(f"{counter.url}/_ember/static/ember.js")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_demo_timeline_members_and_storybook_work_under_the_policy(demo, watched):
    page, console = watched
    _assert_headers(page.goto(demo.url))
    page.wait_for_selector(CONNECTED)
    page.fill("#compose_body", "Under a content security policy.")
    page.click("#compose-card button[type=submit]")
    expect(page.locator(".chirp").first).to_contain_text("content security policy")

    _assert_headers(page.goto(f"{demo.url}/users"))
    page.wait_for_selector(CONNECTED)

    _assert_headers(page.goto(f"{demo.url}/storybook/?story=button"))
    page.wait_for_selector("[data-ember-live] .sb", timeout=10_000)
    page.click("[data-variation]:nth-child(2)")
    expect(page.locator(".sb-crumbs")).to_contain_text("secondary")
    page.click("[data-variation]:nth-child(1)")  # primary: its on_click is logged
    # The story's frame is a page of its own under the same policy: live, and its event
    # reaches the storybook's panel.
    story = page.frame_locator("#sb-iframe")
    story.locator(CONNECTED).wait_for()
    story.locator("#sb-story button").click()
    expect(page.locator("#sb-panel_tab_events")).to_have_text("Events (1)")
    # The storybook's own head script (it keeps the keyboard on the controls) ran.
    expect(page.locator("#sb-iframe")).to_have_attribute("data-watched", "")
    page.click("#sb-panel_tab_docs")
    expect(page.locator("#sb-panel_tab_docs")).to_have_attribute("aria-selected", "true")
    assert _violations(page, console) == []
    frame = page.query_selector("#sb-iframe").content_frame()
    assert frame.evaluate("window.__violations") == []


def test_the_policy_blocks_an_inline_script_the_page_did_not_send(counter, watched):
    # The policy is live, not decoration: a script injected without the nonce does not run.
    page, console = watched
    page.goto(counter.url)
    page.wait_for_selector(CONNECTED)
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__ran = true"; document.body.append(s); }"""
    )
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in v for v in _violations(page, console))
