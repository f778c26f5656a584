"""A logged-out browser lands on the login page: on the page load, and when its socket is
refused after the page went live (the server forgot the login), never in a reconnect loop
(issue 25, item 6)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests._server import Server

from .test_live_browser import CONNECTED


class AuthServer(Server):
    APP = "tests.browser.auth_app:app"


@pytest.fixture
def auth_server() -> Iterator[AuthServer]:
    running = AuthServer()
    running.start()
    yield running
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
