"""Browser tests: Debian's Chromium driven by Playwright, against a real uvicorn server.

Chromium is never downloaded: Playwright starts /usr/bin/chromium. Without it these tests
skip with the reason, except under CI=true, where .ci/run installs it and a skip fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._chromium import chromium
from tests._server import Server, module_server

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def module_app_server() -> Iterator[Server]:
    yield from module_server(Server)


@pytest.fixture
def server(module_app_server: Server) -> Server:
    """tests/browser/app.py served, started once per module (the app keeps no state
    between tests: each test opens its own pages, so its own sessions)."""
    return module_app_server.as_started()


browser = pytest.fixture(scope="module", name="browser")(chromium)


@pytest.fixture
def page(browser, request):
    context = browser.new_context()
    page = context.new_page()
    yield page
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{request.node.name}.png"))
    context.close()
