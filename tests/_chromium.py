"""Debian's Chromium for browser tests, driven by Playwright's sync API.

Chromium is never downloaded: Playwright starts /usr/bin/chromium. Without it the tests
skip with the reason, except under CI=true, where .ci/run installs it and a skip fails.
Use :func:`chromium` as a module-scoped fixture: the sync API runs its own event loop while
it is open, which would break other modules' asyncio tests if it stayed open longer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> Iterator[Any]:
    """Yield a launched Chromium browser; close it (and Playwright's loop) afterwards."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing; install Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()
