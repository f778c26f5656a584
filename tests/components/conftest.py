"""Fixtures for component tests: open any root component as a live page."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest
from fastapi import FastAPI

from ember.components import head, mount_static
from ember.live import Ember, LiveSettings
from ember.live.testing import LiveClient, LivePage

OpenView = Callable[[Callable[[], object]], AbstractAsyncContextManager[LivePage]]


@pytest.fixture
def ember() -> Ember:
    return Ember(LiveSettings(secret_key="components-test-secret-0123456789"))


@pytest.fixture
def open_view(ember: Ember) -> OpenView:
    """``async with open_view(Root) as page``: ``Root`` mounted in a fresh app, live.

    (A context manager rather than an async fixture: the client's task group must be
    entered and left by the test's own task.)
    """

    @contextlib.asynccontextmanager
    async def open_(view: Callable[[], object]) -> AsyncIterator[LivePage]:
        app = FastAPI()
        mount_static(app)
        ember.mount(app, "/view", view, head=head())
        async with LiveClient(app) as client:
            yield await client.live("/view")

    return open_
