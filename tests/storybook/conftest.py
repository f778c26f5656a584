"""Fixtures for storybook tests: a host app with the storybook mounted, opened live."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from html import unescape
from pathlib import Path

import pytest
from fastapi import FastAPI

from ember.live import Ember, LiveSettings
from ember.live.testing import LiveClient, LivePage
from ember.storybook import Story, Storybook

# The storybook's pytest plugin, for this folder only (a project loads it with
# `-p ember.storybook.pytest_plugin` or `pytest_plugins` in its root conftest).
from ember.storybook.pytest_plugin import pytest_configure as pytest_configure
from ember.storybook.pytest_plugin import pytest_generate_tests as pytest_generate_tests
from ember.storybook.pytest_plugin import story_html_checks as story_html_checks

# docs/storybook.md's sample package `shop` imports as a top-level package, as in an app.
DOCS_SRC = str(Path(__file__).parent / "docs_src")
if DOCS_SRC not in sys.path:
    sys.path.insert(0, DOCS_SRC)

OpenStorybook = Callable[..., AbstractAsyncContextManager[LivePage]]


@pytest.fixture
def ember() -> Ember:
    return Ember(LiveSettings(secret_key="storybook-test-secret-0123456789"))


def host_app(storybook: Storybook) -> FastAPI:
    """A host app with routes of its own and the storybook at /storybook."""
    app = FastAPI()

    @app.get("/api/health")
    def health() -> dict[str, bool]:
        return {"ok": True}

    app.mount("/storybook", storybook)
    return app


@pytest.fixture
def open_storybook(ember: Ember) -> OpenStorybook:
    """``async with open_storybook("?story=button") as page``: the storybook, live.

    ``packages`` defaults to ember's own stories; ``stories`` adds stories declared in the
    test.
    """

    @contextlib.asynccontextmanager
    async def open_(
        query: str = "",
        *,
        packages: Sequence[str] = ("ember.storybook.stories",),
        stories: Sequence[Story] = (),
    ) -> AsyncIterator[LivePage]:
        storybook = Storybook(packages, stories=stories, ember=ember)
        async with LiveClient(host_app(storybook)) as client:
            yield await client.live(f"/storybook/{query}")

    return open_


async def canvas(page: LivePage) -> LivePage:
    """The storybook's canvas: the live page its iframe shows now, opened as a browser
    would open the frame's URL."""
    src = page.find("#sb-iframe").attr("src") or ""
    return await page.client.live(unescape(src))


async def events_logged(page: LivePage, count: int) -> None:
    """Wait until the storybook's events tab counts ``count`` (they arrive from the canvas
    page's session through the PubSub)."""
    label = f"Events ({count})"
    await page.wait_for(lambda p: p.find("#sb-panel_tab_events").text() == label)
