"""Live navigation through the real websocket endpoint: views of one ``live_session`` take
turns on one socket (``ember-live`` → ``ember-view`` + ``layout-update``); anything else is
answered with a page load (``ember-navigate`` ``redirect``)."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, HTTPException
from reactpy import component, html, use_effect

from ember.live import (
    ConfigurationError,
    Ember,
    LiveSettings,
    LiveView,
    on_event,
    use_flash,
    use_page_location,
    use_session,
)
from ember.live.testing import LiveClient, LivePage

SECRET = "navigation-secret-key-0123456789"
DOCS_EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "live_session.py"
cleaned: list[str] = []


class Inbox(LiveView):
    @on_event("save")
    async def save(self, params: Any, socket: Any) -> None:
        socket.put_flash("info", "Saved.")
        socket.push_navigate("/outbox?after=save")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.main(
            html.h1("Inbox"),
            html.button({"id": "save", "onClick": self.on("save")}, "save"),
        )


@component
def Outbox() -> Any:
    session = use_session()
    location = use_page_location()
    flash = use_flash()

    @use_effect(dependencies=[])
    def register() -> Any:
        return lambda: cleaned.append(session.id)

    return html.main(
        html.h1("Outbox"),
        html.p({"id": "where"}, location.url),
        html.p({"id": "flash"}, flash.get("info", "")),
        html.p({"id": "session"}, session.id),
    )


def refuse() -> None:
    raise HTTPException(status_code=403, detail="no")


@component
def Locked() -> Any:
    return html.main(html.h1("Locked"))


@component
def Elsewhere() -> Any:
    return html.main(html.h1("Elsewhere"))


@pytest.fixture
def ember() -> Ember:
    return Ember(LiveSettings(secret_key=SECRET, engine="ember"))


@pytest.fixture
def app(ember: Ember) -> FastAPI:
    app = FastAPI()
    ember.mount(app, "/inbox", Inbox, title="inbox", live_session="mail")
    ember.mount(app, "/outbox", Outbox, title="outbox", live_session="mail")
    ember.mount(app, "/locked", Locked, live_session="mail", dependencies={"no": refuse})
    ember.mount(app, "/elsewhere", Elsewhere, live_session="other")
    return app


def recorded(page: LivePage) -> list[dict[str, Any]]:
    """Every message the page receives from now on (ember-view included, which
    ``LivePage`` itself ignores)."""
    messages: list[dict[str, Any]] = []
    apply = page._apply

    def record(message: dict[str, Any]) -> None:
        messages.append(message)
        apply(message)

    page._apply = record  # type: ignore[method-assign]
    return messages


async def test_a_view_of_the_live_session_takes_over_the_socket(app, ember):
    async with LiveClient(app) as client:
        page = await client.live("/inbox")
        first = page.session_id
        messages = recorded(page)
        await page.send_raw(json.dumps({"type": "ember-live", "path": "/outbox", "qs": "?a=1"}))
        await page.wait_for(lambda p: p.has("#where"))
        assert page.find("#where").text() == "/outbox?a=1"
        kinds = [m["type"] for m in messages]
        assert kinds[:2] == ["ember-view", "layout-update"]
        view = messages[0]
        assert view["title"] == "outbox"
        assert view["config"]["pathPrefix"] == "/outbox/_ember/"
        assert sorted(view["config"]["live"]) == ["/inbox", "/locked", "/outbox"]
        second = page.find("#session").text()
        assert second != first
        assert first not in ember.sessions  # the inbox's session closed with its view
        assert second in ember.sessions
        assert page.close_code is None  # one socket all along


async def test_the_next_view_closes_as_a_socket_would_and_reconnects_with_its_token(app, ember):
    async with LiveClient(app) as client:
        page = await client.live("/outbox")
        messages = recorded(page)
        await page.send_raw(json.dumps({"type": "ember-live", "path": "/inbox", "qs": ""}))
        await page.wait_for(lambda p: p.has("#save"))
        await page.send_raw(json.dumps({"type": "ember-live", "path": "/outbox", "qs": ""}))
        await page.wait_for(lambda p: p.has("#where"))
        outbox = page.find("#session").text()
        await page.send_raw(json.dumps({"type": "ember-live", "path": "/inbox", "qs": ""}))
        await page.wait_for(lambda p: p.has("#save"))
        assert outbox in cleaned  # its effects were cleaned up when it was left
        # The page reconnects with the config of the view it shows.
        config = [m for m in messages if m["type"] == "ember-view"][-1]["config"]
        page._config = config
        page.path = "/inbox"
        await page.reconnect()
        assert page.has("#save")
        await page.click("#save")
        assert page.navigations[-1]["to"] == "/outbox?after=save"


async def test_push_navigate_carries_its_flash_over_the_socket(app):
    async with LiveClient(app) as client:
        page = await client.live("/inbox")
        await page.click("#save")
        signed = client._carried_flash
        assert signed
        frame = {"type": "ember-live", "path": "/outbox", "qs": "after=save", "flash": signed}
        await page.send_raw(json.dumps(frame))
        await page.wait_for(lambda p: p.has("#flash"))
        assert page.find("#flash").text() == "Saved."
        assert page.find("#where").text() == "/outbox?after=save"


async def test_a_forged_flash_is_dropped_and_the_view_still_shows(app):
    async with LiveClient(app) as client:
        page = await client.live("/inbox")
        frame = {"type": "ember-live", "path": "/outbox", "qs": "", "flash": "forged.flash"}
        await page.send_raw(json.dumps(frame))
        await page.wait_for(lambda p: p.has("#flash"))
        assert page.find("#flash").text() == ""


@pytest.mark.parametrize(
    ("path", "why"),
    [("/elsewhere", "another live_session"), ("/nowhere", "no view"), ("/locked", "refused")],
)
async def test_a_view_the_socket_cannot_switch_to_is_a_page_load(app, path, why):
    async with LiveClient(app) as client:
        page = await client.live("/inbox")
        await page.send_raw(json.dumps({"type": "ember-live", "path": path, "qs": "x=1"}))
        await page.wait_for(lambda p: bool(p.navigations))
        assert page.navigations == [{"kind": "redirect", "to": f"{path}?x=1"}], why


async def test_a_view_without_live_session_loads_every_other_page(ember):
    app = FastAPI()
    ember.mount(app, "/inbox", Inbox)
    ember.mount(app, "/outbox", Outbox)
    async with LiveClient(app) as client:
        page = await client.live("/inbox")
        assert page._config["live"] == []
        await page.send_raw(json.dumps({"type": "ember-live", "path": "/outbox", "qs": ""}))
        await page.wait_for(lambda p: bool(p.navigations))
        assert page.navigations == [{"kind": "redirect", "to": "/outbox"}]


async def test_a_malformed_ember_live_frame_closes_the_socket(app):
    async with LiveClient(app) as client:
        page = await client.live("/inbox")
        await page.send_raw(json.dumps({"type": "ember-live", "path": "outbox"}))
        assert await page.wait_closed() == 4400


def test_views_of_one_live_session_must_share_their_head(ember):
    app = FastAPI()
    ember.mount(app, "/inbox", Inbox, live_session="mail", head="<style>a{}</style>")
    with pytest.raises(ConfigurationError, match="share one page head"):
        ember.mount(app, "/outbox", Outbox, live_session="mail")
    ember.mount(FastAPI(), "/outbox", Outbox, live_session="mail")  # another app: its own


async def test_under_a_path_prefix_the_page_and_its_redirects_carry_it(ember):
    inner = FastAPI()
    ember.mount(inner, "/inbox", Inbox, live_session="mail")
    ember.mount(inner, "/outbox", Outbox, live_session="mail")

    class Away(LiveView):
        async def mount(self, params: Any, session: Any, socket: Any) -> None:
            socket.redirect("/inbox")

        def render(self, assigns: Mapping[str, Any]) -> Any:
            return html.p("away")

    ember.mount(inner, "/away", Away)
    outer = FastAPI()
    outer.mount("/app", inner)
    async with LiveClient(outer) as client:
        page = await client.live("/app/outbox")
        assert page._config["root"] == "/app"
        assert page._config["live"] == ["/inbox", "/outbox"]
        assert page.find("#where").text() == "/outbox"  # the app's own path, live too
        response = await client.get("/app/away")
        assert response.status_code == 303
        assert response.headers["location"] == "/app/inbox"


async def test_the_docs_live_session_example_groups_two_views():
    spec = importlib.util.spec_from_file_location("docs_live_session", DOCS_EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    async with LiveClient(module.app) as client:
        page = await client.live("/users")
        assert page._config["live"] == ["/", "/users"]
        assert page.find("h1").text() == "Members"
        admin = await client.live("/admin")
        assert admin._config["live"] == []
