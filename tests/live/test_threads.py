"""Sync handlers share a pool of EMBER_HANDLER_THREADS worker threads."""

from __future__ import annotations

import contextvars
import threading

import anyio
import pytest
from fastapi import FastAPI
from reactpy import component, html, use_state

from ember.live import Ember, LiveSettings, run_in_thread
from ember.live.engine._threads import DEFAULT_THREADS, set_handler_threads
from ember.live.testing import LiveClient

CALLER = contextvars.ContextVar("caller", default="")


@pytest.fixture(autouse=True)
def _default_pool():
    yield
    set_handler_threads(DEFAULT_THREADS)


def test_the_thread_count_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("EMBER_HANDLER_THREADS", "3")
    assert LiveSettings(secret_key="test-secret-key-0123456789").handler_threads == 3
    with pytest.raises(ValueError, match="at least one"):
        set_handler_threads(0)


async def test_run_in_thread_carries_the_callers_context_into_a_pool_thread():
    CALLER.set("handler")
    name, seen = await run_in_thread(lambda: (threading.current_thread().name, CALLER.get()))
    assert name.startswith("ember-handler")
    assert seen == "handler"


async def test_sync_handlers_beyond_the_pool_size_wait_for_a_thread():
    running = 0
    most = 0
    lock = threading.Lock()
    release = threading.Event()

    @component
    def Slow():
        count, set_count = use_state(0)

        def handle(event):
            nonlocal running, most
            with lock:
                running += 1
                most = max(most, running)
            release.wait(5)
            with lock:
                running -= 1
            set_count(count + 1)

        return html.button({"id": "b", "onClick": handle}, str(count))

    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789", handler_threads=2))
    app = FastAPI()
    ember.mount(app, "/slow", Slow)
    async with LiveClient(app) as client:
        pages = [await client.live("/slow") for _ in range(4)]
        async with anyio.create_task_group() as group:
            for page in pages:
                group.start_soon(page.click, "#b")
            with anyio.fail_after(5):
                while running < 2:  # the handlers run in threads
                    await anyio.sleep(0.01)
            await anyio.sleep(0.1)  # room for a third one, were the pool bigger
            assert running == 2
            release.set()
        assert [page.find("#b").text() for page in pages] == ["1"] * 4
    assert most == 2
