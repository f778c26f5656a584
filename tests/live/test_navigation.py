"""``redirect``, ``push_navigate`` and ``push_patch`` take effect when called, like
``assign``: a forgotten ``await`` loses nothing (issue 25: ``socket.redirect`` without
``await`` served the protected page, with only a RuntimeWarning)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from fastapi import FastAPI
from reactpy import component, html

from ember.live import Ember, LiveView, Navigation, on_event, use_session
from ember.live.testing import LiveClient


class Guarded(LiveView):
    """Sends everyone to /login, forgetting the await."""

    async def mount(self, params: Mapping[str, str], session: Any, socket: Any) -> None:
        socket.redirect("/login")
        socket.assign(secret="the protected page")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.p({"id": "secret"}, assigns["secret"])


class Tabs(LiveView):
    async def mount(self, params: Mapping[str, str], session: Any, socket: Any) -> None:
        socket.assign(tab="one", seen=[])

    async def handle_params(self, params: Mapping[str, str], url: str, socket: Any) -> None:
        socket.assign(tab=params.get("tab", "one"), seen=[*socket.assigns["seen"], url])

    @on_event("two")
    async def two(self, params: Any, socket: Any) -> None:
        socket.push_patch("/tabs?tab=two")  # no await: handle_params still runs

    @on_event("three")
    def three(self, params: Any, socket: Any) -> None:  # a sync handler, in a worker thread
        socket.push_patch("/tabs?tab=three", replace=True)

    @on_event("awaited")
    async def awaited(self, params: Any, socket: Any) -> None:
        await socket.push_patch("/tabs?tab=four")
        assert socket.assigns["tab"] == "four"  # handle_params ran before the await returned

    @on_event("leave")
    async def leave(self, params: Any, socket: Any) -> None:
        navigation = socket.push_navigate("/elsewhere")
        assert isinstance(navigation, Navigation)

    def render(self, assigns: Mapping[str, Any]) -> Any:
        def button(name: str) -> Any:
            return html.button({"id": name, "onClick": self.on(name)}, name)

        return html.div(
            html.p({"id": "tab"}, assigns["tab"]),
            html.p({"id": "seen"}, " ".join(assigns["seen"])),
            *(button(name) for name in ("two", "three", "awaited", "leave")),
        )


@component
def HookRedirect() -> Any:
    session = use_session()
    return html.button({"id": "go", "onClick": lambda event: session.redirect("/done")}, "go")


@pytest.fixture
def app(ember: Ember) -> FastAPI:
    app = FastAPI()
    ember.mount(app, "/guarded", Guarded)
    ember.mount(app, "/tabs", Tabs)
    ember.mount(app, "/hook", HookRedirect)
    return app


async def test_a_redirect_without_await_in_mount_never_serves_the_page(app):
    async with LiveClient(app) as client:
        response = await client.get("/guarded")
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert "protected" not in response.text


async def test_push_patch_without_await_runs_handle_params_after_the_handler(app):
    async with LiveClient(app) as client:
        page = await client.live("/tabs")
        await page.click("#two")
        assert page.find("#tab").text() == "two"
        await page.click("#three")
        assert page.find("#tab").text() == "three"
        await page.click("#awaited")
        assert page.find("#tab").text() == "four"
        assert page.find("#seen").text().split() == [
            "/tabs",
            "/tabs?tab=two",
            "/tabs?tab=three",
            "/tabs?tab=four",
        ]
        assert page.navigations == [
            {"kind": "patch", "to": "/tabs?tab=two"},
            {"kind": "patch", "to": "/tabs?tab=three", "replace": "true"},
            {"kind": "patch", "to": "/tabs?tab=four"},
        ]


async def test_push_navigate_and_a_hook_redirect_without_await_reach_the_browser(app):
    async with LiveClient(app) as client:
        page = await client.live("/tabs")
        await page.click("#leave")
        assert page.navigations == [{"kind": "navigate", "to": "/elsewhere"}]
        hook = await client.live("/hook")
        await hook.click("#go")
        assert hook.navigations == [{"kind": "redirect", "to": "/done"}]
