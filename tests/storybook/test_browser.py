"""The storybook in Chromium, mounted under /storybook in a host app served by uvicorn.

Screenshots go to test-output/storybook/ (a CI artifact).
"""

from __future__ import annotations

# bypass_csp: Playwright evaluates wait_for_function strings with eval, which the pages'
# Content-Security-Policy forbids; the policy itself is tested in
# tests/browser/test_headers_browser.py.
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from tests._chromium import chromium
from tests._server import Server

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "storybook"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    running = Server(
        secret="storybook-browser-secret-0123456789", app="tests.storybook.browser_app:app"
    )
    running.start()
    try:
        yield running.url
    finally:
        running.stop()


browser = pytest.fixture(scope="module", name="browser")(chromium)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def live(page: Any) -> None:
    """Wait until the live view has replaced the first paint."""
    page.wait_for_selector("[data-ember-live] .sb", timeout=10_000)


def test_storybook_browse_edit_click_and_reopen_in_chromium(server: str, page: Any) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.goto(f"{server}/storybook")  # redirected to /storybook/
    live(page)
    assert page.title() == "ember storybook"

    # Navigate: a story in the sidebar, then one of its variations.
    page.click('.sb-item-story[data-story="button"]')
    page.click('.sb-item[data-story="button"][data-variation="primary"]')
    page.wait_for_url(re.compile(r"story=button&variation=primary"))

    # Edit controls: the canvas re-renders live.
    page.fill("#control-children", "Ship it")
    page.wait_for_function("document.querySelector('#sb-story button')?.textContent === 'Ship it'")
    page.select_option("#control-size", "lg")
    page.wait_for_selector("#sb-story button.ember-button-lg")
    page.check("#control-loading")
    page.wait_for_selector("#sb-story button[aria-busy=true]")
    page.uncheck("#control-loading")
    page.wait_for_selector("#sb-story button:not([disabled])")
    page.screenshot(path=str(OUTPUT / "storybook-controls.png"))

    # Click the story's button: the event panel logs it.
    page.click("#sb-story button")
    page.wait_for_selector("#sb-panel_tab_events:has-text('Events (1)')")
    page.click("#sb-panel_tab_events")
    page.wait_for_selector("#sb-events li[data-handler=on_click]")
    page.screenshot(path=str(OUTPUT / "storybook-events.png"))

    # The URL names the story and its arguments: reloading reopens the same state.
    assert "args=" in page.url
    page.reload()
    live(page)
    assert page.text_content("#sb-story button") == "Ship it"
    assert "ember-button-lg" in (page.get_attribute("#sb-story button", "class") or "")

    # Back goes to the previous arguments (push_patch made history entries).
    page.go_back()  # to the step before unchecking "loading"
    page.wait_for_selector("#sb-story button[aria-busy=true]")
    assert '"loading":true' in unquote(page.url)


def test_storybook_dark_theme_and_narrow_canvas_in_chromium(server: str, page: Any) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.goto(f"{server}/storybook/?story=table&variation=clickable+rows")
    live(page)
    page.select_option("#sb-theme", "dark")
    page.wait_for_selector('.sb[data-theme="dark"]')
    page.select_option("#sb-width", "768")
    page.wait_for_selector('#sb-story[data-width="768"]')
    page.click("#sb-story tbody tr:first-child")
    page.wait_for_selector("#sb-panel_tab_events:has-text('Events (1)')")
    page.click("#sb-panel_tab_docs")
    page.wait_for_selector("#sb-docs")
    page.evaluate("document.querySelector('.sb-main').scrollTop = 0")
    background = page.evaluate("getComputedStyle(document.querySelector('.sb')).backgroundColor")
    assert background == "rgb(11, 17, 32)"  # the dark theme's --ember-bg
    page.screenshot(path=str(OUTPUT / "storybook-dark.png"))
