"""A logged-out browser lands on the login page: on the page load, and when its socket is
refused after the page went live (the server forgot the login), never in a reconnect loop
(issue 25, item 6)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests._server import Server

from .test_live_browser import CONNECTED


class AuthServer(Server):
    APP = "tests.browser.auth_app:app"


class IntegrationServer(Server):
    """docs/examples/integration_app.py, the app docs/integration.md walks through."""

    APP = "tests.browser.integration_server:app"

    def __init__(self, database: Path) -> None:
        super().__init__()
        self.database = database

    def env(self) -> dict[str, str]:
        return {**super().env(), "EMBER_TEST_INTEGRATION_DB": str(self.database)}


@pytest.fixture
def auth_server() -> Iterator[AuthServer]:
    running = AuthServer()
    running.start()
    yield running
    running.stop()


def test_the_integration_apps_logged_out_visitor_lands_on_its_login_page(page, tmp_path):
    running = IntegrationServer(tmp_path / "app.db")
    running.start()
    try:
        page.goto(f"{running.url}/live/items")
        expect(page).to_have_url(f"{running.url}/login?next=/live/items")
        expect(page.locator("#login")).to_be_visible()
        # Logged in through the API (which hands out the cookie too), the page goes live.
        page.request.post(f"{running.url}/api/v1/login/access-token")
        page.goto(f"{running.url}/live/items")
        page.wait_for_selector(CONNECTED)
        expect(page.locator("h1")).to_have_text("ada's items")
    finally:
        running.stop()


def test_a_logged_out_browser_lands_on_the_login_page_and_comes_back(page, auth_server):
    page.goto(f"{auth_server.url}/private")
    expect(page).to_have_url(re.compile(r"/login\?next=/private$"))
    page.click("#log-in")
    expect(page).to_have_url(f"{auth_server.url}/private")
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#who")).to_have_text("Hello ada")


def test_a_socket_refused_after_the_login_expired_sends_the_browser_to_log_in(page, auth_server):
    page.goto(f"{auth_server.url}/login")
    page.click("#log-in")
    page.wait_for_selector(CONNECTED)
    auth_server.stop()
    auth_server.start()  # every login is forgotten; the client reconnects with its cookie
    expect(page).to_have_url(re.compile(r"/login\?next=/private$"), timeout=20_000)
    expect(page.locator("#login")).to_be_visible()


def test_a_log_out_form_keeps_its_redirect_when_the_page_is_told_to_load_again(page, auth_server):
    # Regression: the log out tells the member's open pages to load again (disconnect), and
    # the page posting the form got that message while its own navigation was on the way:
    # the client's load cancelled the log out's redirect, with its flash (the demo's
    # "you are a guest again" toast, missing at random under load). The client now lets a
    # navigation the browser has begun finish; the log out here takes a second to answer.
    page.goto(f"{auth_server.url}/login?next=/members")
    page.click("#log-in")
    page.wait_for_selector(CONNECTED)
    expect(page.locator("#who")).to_have_text("Hello ada")
    page.click("#log-out")
    expect(page).to_have_url(f"{auth_server.url}/bye", timeout=10_000)
    expect(page.locator("#flash")).to_have_text("Logged out.")
