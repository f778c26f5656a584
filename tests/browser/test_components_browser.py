"""LiveComponent in Chromium: a row editor keeps what was typed into it while its view
re-renders every row from a broadcast (docs/components-and-nesting.md's sample)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests._server import Server

from .test_live_browser import CONNECTED


class RowsServer(Server):
    """conftest's uvicorn server, serving the docs sample instead."""

    APP = "tests.live.docs_src.row_editor:app"


@pytest.fixture
def rows_server() -> Iterator[RowsServer]:
    running = RowsServer()
    running.start()
    yield running
    running.stop()


def test_row_editor_keeps_typed_input_while_the_view_rerenders_from_a_broadcast(
    browser, rows_server
):
    context = browser.new_context()
    first, second = context.new_page(), context.new_page()
    for page in (first, second):
        page.goto(f"{rows_server.url}/rows")
        page.wait_for_selector(CONNECTED)
    first.click("#row-1 .edit")
    first.fill("#row-1 input", "green apples")
    first.click("#saves")  # the input loses focus: from now on the server's value shows
    second.click("#row-2 .edit")
    second.fill("#row-2 input", "pearls")
    second.click("#row-2 button[type=submit]")
    expect(first.locator("#row-2 .name")).to_have_text("pearls")
    expect(second.locator("#saves")).to_have_text("1 saved here")
    # The view re-rendered all rows; row 1's editor kept its own state (draft, editing).
    expect(first.locator("#row-1 input")).to_have_value("green apples")
    expect(first.locator("#saves")).to_have_text("0 saved here")
    first.click("#row-1 button[type=submit]")
    expect(second.locator("#row-1 .name")).to_have_text("green apples")
    expect(first.locator("#row-1 .name")).to_have_text("green apples")
    context.close()
