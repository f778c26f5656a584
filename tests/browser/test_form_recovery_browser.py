"""Form recovery without declaration, in Chromium: the worker under a tab is killed with
SIGKILL while its fields are typed, a fresh process starts on the same port, and the
fields come back and are validated by the new session (LiveView's auto-recover)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests._server import Server
from tests.browser.test_demo_browser import CONNECTED, DemoServer

DISCONNECTED = "[data-ember-root].ember-disconnected"


def crash(server: Server) -> None:
    """SIGKILL: no shutdown, no snapshot flushed, no close frame."""
    assert server.process is not None
    server.process.kill()
    server.process.wait(10)
    server.process = None


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    with tempfile.TemporaryDirectory() as folder:
        running = DemoServer(Path(folder))
        running.start()
        yield running
        running.stop()


@pytest.fixture
def forms() -> Iterator[Server]:
    running = Server(app="tests.browser.recovery_app:app")
    running.QUIET = True
    running.start()
    yield running
    running.stop()


def test_demo_members_form_typed_before_a_crash_comes_back_validated(browser, demo):
    page = browser.new_page()
    page.goto(f"{demo.url}/users")
    page.wait_for_selector(CONNECTED)
    page.locator("#register_name").press_sequentially("A", delay=20)
    page.locator("#register_email").press_sequentially("ada@", delay=20)
    expect(page.locator("#register_email-error")).to_contain_text("must look like a@b.c")
    page.locator("#register_name").focus()  # the name's error shows once it was left
    crash(demo)
    page.wait_for_selector(DISCONNECTED)
    # Typed while no server runs: not sent anywhere yet.
    page.locator("#register_name").press_sequentially("d", delay=20)
    demo.start()
    page.wait_for_selector(CONNECTED, timeout=20000)
    expect(page.locator("#register_name")).to_have_value("Ad")
    expect(page.locator("#register_email")).to_have_value("ada@")
    # The new process never saw these values before: its errors prove it validated them.
    expect(page.locator("#register_email-error")).to_contain_text("must look like a@b.c")
    page.locator("#register_email").fill("ada@example.com")
    page.locator("#register_email").blur()
    expect(page.locator("#register_email-error")).to_have_count(0)
    page.click("#register-card button[type=submit]")
    expect(page.locator("#members")).to_contain_text("ada@example.com")
    expect(page.locator("#members")).to_contain_text("Ad")
    page.close()


def test_form_fields_come_back_through_its_onchange_and_an_ignored_form_stays_as_rendered(
    browser, forms
):
    page = browser.new_page()
    page.goto(forms.url)
    page.wait_for_selector(CONNECTED)
    page.fill("#title", "half typed")
    page.check("#agree")
    page.select_option("#size", "l")
    page.fill("#note", "not this")
    expect(page.locator("#noted")).to_have_text("not this")
    crash(forms)
    page.wait_for_selector(DISCONNECTED)
    forms.start()
    page.wait_for_selector(CONNECTED, timeout=20000)
    # One change on the form, carrying every field: the new session's state has them all.
    expect(page.locator("#seen")).to_have_text(
        "[('agree', 'on'), ('size', 'l'), ('title', 'half typed'), ('token', 'server')]"
    )
    expect(page.locator("#title")).to_have_value("half typed")
    expect(page.locator("#agree")).to_be_checked()
    expect(page.locator("#size")).to_have_value("l")
    # The opted-out form sent nothing: the new session never heard of its note.
    page.wait_for_timeout(500)
    expect(page.locator("#noted")).to_have_text("")
    page.close()


def test_form_reached_by_live_navigation_comes_back_after_a_crash(browser, forms):
    # The client compared the URL before the navigation's pushState with the one after a
    # reconnect: a form on a page reached by a link (the demo's Members) came back empty.
    page = browser.new_page()
    page.goto(f"{forms.url}/start")
    page.wait_for_selector(CONNECTED)
    page.click("#to-forms")
    page.locator("#title").press_sequentially("half typed", delay=20)
    expect(page.locator("#seen")).to_contain_text("half typed")
    page.locator("#agree").focus()  # the title's typing ends: the server's value may show
    crash(forms)
    page.wait_for_selector(DISCONNECTED)
    forms.start()
    page.wait_for_selector(CONNECTED, timeout=20000)
    expect(page.locator("#seen")).to_contain_text("('title', 'half typed')")
    expect(page.locator("#title")).to_have_value("half typed")
    page.close()


def test_form_onchange_hears_each_keystroke_of_its_text_field(browser, forms):
    # ember's client fired a form's onChange for a text field only when the field lost the
    # focus (React fires it at each keystroke, as it did under ReactPy's client).
    page = browser.new_page()
    page.goto(forms.url)
    page.wait_for_selector(CONNECTED)
    page.locator("#title").press_sequentially("ab", delay=50)
    expect(page.locator("#seen")).to_contain_text("('title', 'ab')")
    assert page.evaluate("document.activeElement.id") == "title"
    page.close()
