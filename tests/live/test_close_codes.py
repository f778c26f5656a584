"""Close codes: each failure kind closes the real websocket endpoint with the code that
docs/errors.md documents, and the documented table matches ``CloseCode``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from reactpy import component, html, use_effect

from ember.live import CloseCode, Ember, LiveSession, LiveSettings, LiveView, Socket, on_event
from ember.live.testing import LiveClient, LiveTestError

SECRET = "test-secret-key-0123456789"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "errors.md"


class Terminating(LiveView):
    """A view whose teardown awaits (as the demo's does: it leaves a Presence)."""

    async def mount(self, params: Mapping[str, str], session: LiveSession, socket: Socket) -> None:
        socket.assign(n=0)

    async def terminate(self, reason: str, socket: Socket) -> None:
        await anyio.sleep(0.01)

    @on_event("boom")
    async def boom(self, params: Mapping[str, Any], socket: Socket) -> None:
        raise RuntimeError("the handler failed on purpose")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.button({"id": "boom", "onClick": self.on("boom")}, "boom")


@component
def FailingTask() -> Any:
    from ember.live import use_session

    session = use_session()

    def start() -> None:
        async def fail() -> None:
            await anyio.sleep(0.01)
            raise RuntimeError("the task failed on purpose")

        if session.connected:
            session.start_task(fail, name="fail")

    use_effect(start, [session.connected])
    return html.p("task")


@component
def Plain() -> Any:
    return html.button({"id": "boom", "onClick": lambda event: None}, "ok")


def make_app(**settings: Any) -> tuple[FastAPI, Ember]:
    ember = Ember(LiveSettings(secret_key=SECRET, **settings))
    app = FastAPI()
    ember.mount(app, "/terminating", Terminating)
    ember.mount(app, "/task", FailingTask)
    ember.mount(app, "/plain", Plain)
    return app, ember


async def test_close_code_handler_failure_in_a_view_with_async_teardown_is_1011():
    # The demo's own regression test is tests/examples/test_demo.py (its teardown
    # swallowed the failure and its pages closed with 1000).
    app, _ = make_app()
    async with LiveClient(app) as client:
        page = await client.live("/terminating")
        await page.fire("#boom", "onClick", {})
        assert await page.wait_closed() == CloseCode.INTERNAL_ERROR


async def test_close_code_failing_session_task_is_1011():
    app, _ = make_app()
    async with LiveClient(app) as client:
        page = await client.live("/task")
        assert await page.wait_closed() == CloseCode.INTERNAL_ERROR


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (b"\x00binary", CloseCode.BAD_FRAME),
        ("not json", CloseCode.BAD_FRAME),
        ('{"type": "layout-event", "target": 5}', CloseCode.BAD_FRAME),
        ('{"type": "x", "pad": "' + "a" * 2048 + '"}', CloseCode.MESSAGE_TOO_BIG),
    ],
)
async def test_close_code_bad_frames(frame: str | bytes, code: int):
    app, _ = make_app(max_frame_bytes=1024)
    async with LiveClient(app) as client:
        page = await client.live("/plain")
        await page.send_raw(frame)
        assert await page.wait_closed() == code


async def test_close_code_refusals():
    app, _ = make_app(max_sessions_per_ip=1)
    async with LiveClient(app) as client:
        await client.live("/plain")
        with pytest.raises(LiveTestError, match=str(int(CloseCode.TOO_MANY))):
            await client.live("/plain")
    app, _ = make_app()
    async with LiveClient(app) as client:
        with pytest.raises(LiveTestError, match=str(int(CloseCode.FORBIDDEN_ORIGIN))):
            await client.live("/plain", origin="https://evil.example")
    # A token signed for another mount is refused as a bad token.
    app, _ = make_app()
    async with LiveClient(app) as client:
        page = await client.live("/plain")
        page._config["pathPrefix"] = "/terminating/_ember/"
        with pytest.raises(LiveTestError, match=str(int(CloseCode.BAD_TOKEN))):
            await page.reconnect()


def test_close_codes_table_in_errors_md_matches_close_code():
    table = DOCS.read_text().split("## Close codes", 1)[1]
    documented = {int(code) for code in re.findall(r"^\| (\d{4}) \|", table, re.M)}
    assert documented == {int(code) for code in CloseCode}
