"""A project made with ``ember new`` + ``ember gen auth``, served by two processes on
PostgreSQL and Redis: in Chromium a user registers and confirms on one, is logged in on the
other (the session is in the database), stays so across a reload, and logging out on the
first sends the other's tab to the log-in page (through Redis) (issue 15)."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

from playwright.sync_api import expect

from tests._server import Server
from tests.browser.test_demo_browser import postgres
from tests.cli.test_generators import ember

CONNECTED = "[data-ember-root].ember-connected"
PASSWORD = "correct horse battery"


class ProjectServer(Server):
    """The generated project's app under uvicorn, with its settings."""

    QUIET = True

    def __init__(self, project: Path, **settings: str) -> None:
        super().__init__(secret="gen-auth-workers-secret-0123456789")
        self.project = project
        self.settings = settings

    def command(self) -> list[str]:
        port = str(self.port)
        return [sys.executable, "-m", "uvicorn", "shop.app:app", "--port", port]

    def env(self) -> dict[str, str]:
        pythonpath = os.pathsep.join(
            filter(None, [str(self.project), os.environ.get("PYTHONPATH")])
        )
        return {**super().env(), "PYTHONPATH": pythonpath, **self.settings}


def test_a_user_stays_logged_in_across_workers_and_logs_out_everywhere(
    browser, postgres_url, redis_url, tmp_path
):
    assert ember("new", "shop", "--path", str(tmp_path))[0] == 0
    project = tmp_path / "shop"
    assert ember("gen", "auth", "--path", str(project))[0] == 0
    schema = f"ember_auth_{uuid.uuid4().hex[:10]}"
    postgres(postgres_url, f"CREATE SCHEMA {schema}")
    settings = {
        "EMBER_DATABASE_URL": postgres_url,
        "EMBER_DATABASE_SEARCH_PATH": schema,
        "EMBER_PUBSUB_URL": redis_url,
    }
    first, second = ProjectServer(project, **settings), ProjectServer(project, **settings)
    try:
        first.start()  # it migrates the schema before it listens; the second finds it done
        second.start()
        context = browser.new_context()
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(f"{first.url}/users/register")
        page.wait_for_selector(CONNECTED)
        page.fill("#registration_email", "ada@example.com")
        page.fill("#registration_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{first.url}/users/log-in")
        page.goto(f"{first.url}/dev/mailbox")
        page.click("#mail-0-link")
        page.wait_for_selector(CONNECTED)
        page.click("#confirm")
        page.wait_for_url(f"{first.url}/users/log-in")
        page.fill("#login-email", "ADA@example.com")
        page.fill("#login-password", PASSWORD)
        page.click("#log-in")
        page.wait_for_url(f"{first.url}/")

        # The cookie is per host, not per port: the second process sees the same browser.
        other = context.new_page()
        other.goto(f"{second.url}/users/settings")
        other.wait_for_selector(CONNECTED)
        expect(other.locator("#current-user")).to_have_text("ada@example.com")
        other.reload()
        other.wait_for_selector(CONNECTED)
        expect(other.locator("#current-user")).to_have_text("ada@example.com")

        page.wait_for_selector(CONNECTED)
        page.click("#log-out")
        page.wait_for_url(f"{first.url}/")
        other.wait_for_url(lambda url: "/users/log-in?next=" in url)
        expect(other.locator("#log-in-link")).to_be_visible()
        context.close()
    finally:
        first.stop()
        second.stop()
        postgres(postgres_url, f"DROP SCHEMA {schema} CASCADE")
