"""Every component in Chromium, light and dark: the page renders live, looks finished
(screenshots in test-output/components/), and the modal's client behaviour works."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTPUT = ROOT / "test-output" / "components"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "tests.components.gallery_app:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=dict(os.environ),
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), 0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


# Module scope: Playwright's sync API runs its own event loop while it is open, which
# would break the asyncio tests of other modules if it stayed open for the session.
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing; install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_gallery_renders_live_in_both_colour_schemes(browser, server: str, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server + "/")
    page.wait_for_selector("[data-ember-root].ember-connected [data-ember-live] .gallery")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(248, 250, 252)" if scheme == "light" else "rgb(11, 17, 32)")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"gallery-{scheme}.png"), full_page=True)
    assert errors == []
    context.close()


def test_modal_traps_focus_closes_on_escape_and_returns_focus(browser, server: str) -> None:
    context = browser.new_context(viewport={"width": 900, "height": 600})
    page = context.new_page()
    page.goto(server + "/modal")
    page.wait_for_selector("[data-ember-root].ember-connected dialog[data-ember-modal]")
    page.wait_for_function("document.querySelector('dialog[data-ember-modal]').matches(':modal')")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "modal-light.png"))
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Close"
    # Tab cycles through the dialog (and the browser's own UI, where activeElement is the
    # body), never to the page behind it, which is inert.
    for _ in range(8):
        page.keyboard.press("Tab")
        where = page.evaluate(
            "document.activeElement === document.body ? 'body'"
            " : document.activeElement.closest('dialog') ? 'dialog' : 'page'"
        )
        assert where in {"dialog", "body"}
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog[data-ember-modal]", state="detached")
    page.focus("#open")
    page.click("#open")
    page.wait_for_function("document.querySelector('dialog[data-ember-modal]')?.matches(':modal')")
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog[data-ember-modal]", state="detached")
    assert page.evaluate("document.activeElement.id") == "open"
    context.close()
