"""LiveComponent: own state and events inside a view or a hook tree, send_update, send_parent."""

from __future__ import annotations

import logging
from collections import Counter as Tally
from typing import Any

import anyio
import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import component, html, use_state

from ember.live import (
    JS,
    ConfigurationError,
    Ember,
    LiveComponent,
    LiveSettings,
    LiveView,
    error_boundary,
    live_component,
    on_event,
    on_info,
    send_update,
    use_session,
    use_subscription,
)
from ember.live.testing import LiveClient
from ember.pubsub import PubSub, message

SECRET = "test-secret-key-0123456789"
renders: Tally[str] = Tally()


@message("test.component.reset")
class Reset(BaseModel):
    id: str
    to: int


class Told(BaseModel):
    id: str
    count: int


class Clicker(LiveComponent):
    def mount(self, socket):
        socket.assign(count=0)

    @on_event("inc")
    async def inc(self, params, socket):
        socket.update("count", lambda count: count + 1)

    @on_event("tell")
    async def tell(self, params, socket):
        await socket.send_parent(Told(id=socket.id, count=socket.assigns["count"]))

    @on_event("boom")
    def boom(self, params, socket):
        socket.assign(count=-1)
        raise RuntimeError("the row editor broke")

    def render(self, assigns):
        renders[assigns["id"]] += 1
        name = assigns["id"]
        return html.div(
            {"id": f"clicker-{name}"},
            html.span({"className": "label"}, assigns["label"]),
            html.span({"className": "count"}, str(assigns["count"])),
            html.button({"className": "inc", "onClick": self.on("inc")}, "+"),
            html.button({"className": "tell", "onClick": self.on("tell")}, "tell"),
            html.button({"className": "boom", "onClick": self.on("boom")}, "boom"),
        )


class Board(LiveView):
    async def mount(self, params, session, socket):
        socket.assign(title="Board", told="")
        if socket.connected:
            await socket.subscribe("board", types=[Reset])

    @on_event("retitle")
    async def retitle(self, params, socket):
        socket.assign(title="Renamed")

    @on_info(Reset)
    async def reset(self, msg, socket):
        socket.send_update(Clicker, msg.id, count=msg.to)

    @on_info(Told)
    async def told(self, msg, socket):
        socket.assign(told=f"{msg.id}={msg.count}")

    def render(self, assigns):
        renders["board"] += 1
        return html.main(
            html.h1({"id": "title"}, assigns["title"]),
            html.button({"id": "retitle", "onClick": self.on("retitle")}, "rename"),
            html.p({"id": "told"}, assigns["told"]),
            live_component(Clicker, "a", label=f"{assigns['title']} a"),
            live_component(Clicker, "b", label=f"{assigns['title']} b"),
        )


@component
def HookPage() -> Any:
    """A hook tree: a component inside it, updated from a PubSub message."""
    session = use_session()
    shown, set_shown = use_state(True)
    use_subscription("board", lambda m: send_update(session, Clicker, m.id, count=m.to), on=Reset)
    return html.main(
        html.button({"id": "hide", "onClick": lambda e: set_shown(not shown)}, "hide"),
        live_component(Clicker, "h", label="hooked") if shown else html.p("hidden"),
    )


@component
def Guarded() -> Any:
    return html.main(
        error_boundary(
            live_component(Clicker, "g", label="guarded"),
            fallback=lambda error, reset: html.p({"id": "fallback"}, str(error)),
        )
    )


class Card(LiveComponent):
    """Holds a Clicker of its own; its JS.push and its sync handler target the card."""

    def mount(self, socket):
        socket.assign(opened=0)

    def update(self, assigns, socket):
        if assigns["strict"] and assigns["label"] == "bad":
            raise ValueError("the card refuses the label 'bad'")
        socket.assign(**assigns)

    @on_event("open")
    def open(self, params, socket):  # a def: runs in a worker thread
        socket.update("opened", lambda n: n + 1)

    def render(self, assigns):
        return html.section(
            {"id": "card"},
            html.p({"id": "card-label"}, assigns["label"]),
            html.p({"id": "opened"}, str(assigns["opened"])),
            html.button({"id": "open", "onClick": JS.add_class("open").push("open")}, "open"),
            live_component(Clicker, "inner", label="inner"),
        )


class Nest(LiveView):
    async def mount(self, params, session, socket):
        socket.assign(label="fine", told="")

    @on_event("label")
    async def relabel(self, params, socket):
        socket.assign(label=params["value"])

    @on_info(Told)
    async def told(self, msg, socket):
        socket.assign(told=f"{msg.id}={msg.count}")

    def render(self, assigns):
        return html.main(
            html.input({"id": "label", "onChange": self.on("label")}),
            html.p({"id": "told"}, assigns["told"]),
            live_component(Card, "card", label=assigns["label"], strict=True),
        )


@component
def Twins() -> Any:
    return html.main(
        html.p({"id": "before"}, "before"),
        html.div(
            live_component(Clicker, "x", label="one"), live_component(Clicker, "x", label="two")
        ),
    )


@pytest.fixture
async def app():
    async with PubSub("memory://") as pubsub:
        ember = Ember(LiveSettings(secret_key=SECRET), pubsub=pubsub)
        app = FastAPI()
        app.state.pubsub = pubsub
        ember.mount(app, "/board", Board)
        ember.mount(app, "/hooks", HookPage)
        ember.mount(app, "/guarded", Guarded)
        ember.mount(app, "/nest", Nest)
        ember.mount(app, "/twins", Twins)
        yield app


def count(page, name: str) -> str:
    return page.find(f"#clicker-{name} .count").text()


async def test_component_renders_in_the_first_paint(app):
    async with LiveClient(app) as client:
        response = await client.get("/board")
        assert 'id="clicker-a"' in response.text
        assert "Board b" in response.text


async def test_component_click_rerenders_only_that_component(app):
    async with LiveClient(app) as client:
        page = await client.live("/board")
        await page.render()
        before = renders.copy()
        await page.click("#clicker-a .inc")
        await page.click("#clicker-a .inc")
        assert (count(page, "a"), count(page, "b")) == ("2", "0")
        assert renders["a"] - before["a"] == 2
        assert renders["b"] == before["b"]
        assert renders["board"] == before["board"]


async def test_component_state_survives_the_parent_rerender_and_takes_new_assigns(app):
    async with LiveClient(app) as client:
        page = await client.live("/board")
        await page.click("#clicker-b .inc")
        await page.click("#retitle")
        assert page.find("#clicker-b .label").text() == "Renamed b"
        assert (count(page, "a"), count(page, "b")) == ("0", "1")


async def test_send_update_from_a_pubsub_handler_reaches_the_component_by_id(app):
    async with LiveClient(app) as client:
        page = await client.live("/board")
        await page.click("#clicker-a .inc")
        await app.state.pubsub.broadcast("board", Reset(id="b", to=7))
        await page.wait_for(lambda p: count(p, "b") == "7")
        assert count(page, "a") == "1"


async def test_send_update_from_a_hook_subscription_and_unknown_ids_are_dropped(app, caplog):
    async with LiveClient(app) as client:
        page = await client.live("/hooks")
        await page.render()
        await app.state.pubsub.broadcast("board", Reset(id="h", to=3))
        await page.wait_for(lambda p: count(p, "h") == "3")
        await page.click("#hide")
        with caplog.at_level(logging.WARNING, logger="ember.live"):
            await app.state.pubsub.broadcast("board", Reset(id="h", to=4))
            with anyio.fail_after(5):  # a log line changes nothing on the page: poll
                while "send_update found no Clicker with id 'h'" not in caplog.text:
                    await anyio.sleep(0.01)
        await page.click("#hide")  # shown again: a fresh mount
        assert count(page, "h") == "0"


async def test_send_parent_reaches_the_views_on_info(app):
    async with LiveClient(app) as client:
        page = await client.live("/board")
        await page.click("#clicker-b .inc")
        await page.click("#clicker-b .tell")
        assert page.find("#told").text() == "b=1"


async def test_send_parent_in_a_hook_tree_fails_only_the_component(app):
    async with LiveClient(app) as client:
        page = await client.live("/hooks")
        await page.click("#clicker-h .tell")
        assert page.has(".ember-render-error")
        assert page.close_code is None


async def test_handler_raising_fails_only_the_component_which_remounts_later(app, caplog):
    async with LiveClient(app) as client:
        page = await client.live("/board")
        await page.click("#clicker-a .inc")
        await page.click("#clicker-b .inc")
        with caplog.at_level(logging.ERROR, logger="ember.live"):
            await page.click("#clicker-a .boom")
        # Only its place shows the fallback; the sibling and the view keep their state.
        assert not page.has("#clicker-a")
        assert page.has(".ember-render-error")
        assert count(page, "b") == "1"
        assert page.close_code is None
        failures = [r for r in caplog.records if "the row editor broke" in str(r.exc_info)]
        assert len(failures) == 1  # logged once
        await page.click("#clicker-b .inc")
        assert count(page, "b") == "2"
        await page.click("#retitle")  # the parent renders it again: mounted afresh
        assert (count(page, "a"), count(page, "b")) == ("0", "2")


async def test_handler_raising_inside_an_error_boundary_shows_its_fallback(app):
    async with LiveClient(app) as client:
        page = await client.live("/guarded")
        await page.click("#clicker-g .boom")
        assert "the row editor broke" in page.find("#fallback").text()


def test_async_mount_is_refused_when_the_class_is_defined():
    with pytest.raises(ConfigurationError, match="must be a plain def"):

        class Slow(LiveComponent):
            async def mount(self, socket):
                pass


async def test_nested_component_sends_to_the_view_and_js_push_targets_the_card(app):
    async with LiveClient(app) as client:
        page = await client.live("/nest")
        await page.click("#clicker-inner .inc")
        await page.click("#clicker-inner .tell")
        assert page.find("#told").text() == "inner=1"
        await page.click("#open")
        await page.click("#open")
        assert page.find("#opened").text() == "2"
        assert count(page, "inner") == "1"


async def test_update_raising_on_a_parent_render_fails_the_component_until_it_accepts(app):
    async with LiveClient(app) as client:
        page = await client.live("/nest")
        await page.click("#open")
        await page.change("#label", "bad")
        assert page.has(".ember-render-error")
        assert not page.has("#card")
        assert page.close_code is None
        await page.change("#label", "good")
        assert page.find("#card-label").text() == "good"
        assert page.find("#opened").text() == "0"  # mounted afresh


async def test_two_components_of_one_class_with_one_id_fail_their_parent(app, caplog):
    async with LiveClient(app) as client:
        with caplog.at_level(logging.ERROR, logger="ember.live"):
            page = await client.live("/twins")
        assert page.has(".ember-render-error")
        assert not page.has("#clicker-x")
        assert "'Clicker:x' twice" in caplog.text
