"""A closed session is freed by reference counting at once: no reference cycle outlives it.

A server holding many sessions runs full collections rarely (``ember.live.ops._gc``), so
whatever of a closed session sits in a reference cycle stays in memory until one runs
(bench/RESULTS.md: 13 KiB per session left after open/close cycles). These tests open
sessions through the real websocket endpoint, with views that use what ember offers
(hooks and effects, PubSub subscriptions, streams, a nested live view, live components,
uploads, timers, async work, error boundaries), close them with the collector off, and
check that none of the objects they made is left: not before a collection (reference
counting freed them), and not among what a collection then finds.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import (
    component,
    create_context,
    html,
    use_async_effect,
    use_callback,
    use_context,
    use_effect,
    use_memo,
    use_ref,
    use_state,
)

from ember.live import (
    JS,
    Ember,
    LiveComponent,
    LiveSettings,
    LiveView,
    MemoryRecoveryStore,
    Socket,
    error_boundary,
    live_component,
    live_file_input,
    live_render,
    on_event,
    on_info,
    stream,
    stream_insert,
    use_async,
    use_flash,
    use_page_location,
    use_recoverable_state,
    use_session,
    use_stream,
    use_subscription,
    use_upload,
)
from ember.live.testing import LiveClient, LivePage
from ember.pubsub import message

from ._freed import assert_freed_on_close
from ._freed import collector_off as collector_off

SECRET = "test-secret-key-0123456789"
TOPIC = "garbage:ticks"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@message("test.garbage.tick")
class Tick(BaseModel):
    n: int


class Said(BaseModel):
    text: str


# -- the views ----------------------------------------------------------------------------------


class Chat(LiveView):
    """A nested view: its own session, mailbox and engine on the page's socket."""

    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        socket.assign(sent=0)

    @on_event("send")
    async def send(self, params: Any, socket: Socket) -> None:
        socket.update("sent", lambda sent: sent + 1)
        await socket.send_parent(Said(text=f"message {socket.assigns['sent']}"))

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.section(
            html.p({"id": "sent"}, f"{assigns['sent']} sent"),
            html.button({"id": "send", "onClick": self.on("send")}, "send"),
        )


class Clicker(LiveComponent):
    def mount(self, socket: Any) -> None:
        socket.assign(count=0)

    @on_event("inc")
    async def inc(self, params: Any, socket: Any) -> None:
        socket.update("count", lambda count: count + 1)

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.div(
            html.span({"className": "count"}, str(assigns["count"])),
            html.button({"className": "inc", "onClick": self.on("inc")}, "+"),
        )


class Board(LiveView):
    """A LiveView with a subscription, a stream, a timer, async work, an upload, a live
    component and a nested view."""

    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        stream(socket, "posts", [{"id": i} for i in range(3)])
        socket.allow_upload("avatar", accept=[".png"], max_file_size=10_000)
        socket.assign(count=3, ticks=0, heard="", answer="")
        if socket.connected:
            await socket.subscribe(TOPIC, types=[Tick])
            socket.send_after(0.01, Said(text="timer"))
            socket.start_async("answer", _answer)

    @on_event("post")
    async def post(self, params: Any, socket: Socket) -> None:
        stream_insert(socket, "posts", {"id": socket.assigns["count"]})
        socket.update("count", lambda count: count + 1)

    @on_info(Tick)
    async def ticked(self, tick: Tick, socket: Socket) -> None:
        socket.assign(ticks=tick.n)

    @on_info(Said)
    async def heard(self, said: Said, socket: Socket) -> None:
        socket.assign(heard=said.text)

    async def handle_async(self, name: str, result: Any, socket: Socket) -> None:
        socket.assign(answer=str(result.result))

    def render(self, assigns: Mapping[str, Any]) -> Any:
        upload = assigns["uploads"]["avatar"]
        return html.main(
            html.button({"id": "post", "onClick": self.on("post")}, "post"),
            html.button({"id": "js", "onClick": JS.add_class("seen", to="#ticks").push("post")}),
            html.p({"id": "ticks"}, str(assigns["ticks"])),
            html.p({"id": "heard"}, assigns["heard"]),
            html.p({"id": "answer"}, assigns["answer"]),
            assigns["posts"].render(lambda p: html.p(str(p["id"])), attributes={"id": "posts"}),
            html.form({"id": "f"}, live_file_input(upload, {"id": "avatar"})),
            live_component(Clicker, "a"),
            live_render(Chat, id="chat"),
        )


async def _answer() -> int:
    return 42


Theme = create_context("light")


@component
def Row(label: str) -> Any:
    """A component inside a stream row: it stays mounted until the container renders."""
    shown, set_shown = use_state("first")
    use_effect(lambda: set_shown("second"), [])
    return html.span(f"{label} {shown}")


@component
def Fragile(fail: bool) -> Any:
    if fail:
        raise RuntimeError("this part failed on purpose")
    return html.p({"id": "fragile"}, "fine")


def hooks_view(ember: Ember) -> Callable[[], Any]:
    @component
    def Panel() -> Any:
        """Effects with cleanups and the context; unmounted while the session runs."""
        theme = use_context(Theme)
        ticks = use_ref(0)

        @use_effect(dependencies=[])
        def count() -> Callable[[], None]:
            ticks.current += 1
            return lambda: None

        @use_async_effect(dependencies=[])
        async def wait() -> None:
            await asyncio.sleep(0)

        return html.p({"id": "panel"}, f"panel {theme}")

    @component
    def Hooks() -> Any:
        """ReactPy's hooks and ember's: the bench's subscribed counter and more."""
        count, set_count = use_state(0)
        shown, set_shown = use_state(True)
        fail, set_fail = use_state(False)
        clicks, set_clicks = use_recoverable_state("clicks", 0)
        session = use_session()
        flash = use_flash()
        location = use_page_location()
        use_subscription(TOPIC, lambda tick: set_count(tick.n), on=Tick)
        doubled = use_memo(lambda: count * 2, [count])
        bump = use_callback(lambda event: set_count(count + 1), [count])
        answer = use_async(_answer)
        rows = use_stream([{"id": 1}, {"id": 2}], name="rows")
        upload = use_upload("doc", accept=[".png"], max_file_size=10_000)

        async def fire(event: Any) -> None:
            await ember.pubsub.broadcast(TOPIC, Tick(n=count + 10))

        return Theme(
            html.div(
                html.p({"id": "count"}, f"{count} {doubled} {session.connected}"),
                html.p({"id": "answer"}, str(answer.result)),
                html.p({"id": "where"}, f"{location.url} {flash.get('info', '')} {clicks}"),
                html.button({"id": "bump", "onClick": bump}, "+"),
                html.button(
                    {
                        "id": "patch",
                        "onClick": lambda event: (
                            set_clicks(clicks + 1),
                            session.put_flash("info", "patched"),
                            session.push_patch("/hooks?page=2"),
                        ),
                    },
                    "patch",
                ),
                html.button({"id": "fire", "onClick": fire}, "fire"),
                html.button(
                    {"id": "toggle", "onClick": lambda event: set_shown(not shown)}, "toggle"
                ),
                html.button({"id": "break", "onClick": lambda event: set_fail(True)}, "break"),
                Panel() if shown else None,
                error_boundary(
                    Fragile(fail),
                    fallback=lambda error, reset: html.p({"id": "fallback"}, str(error)),
                ),
                rows.render(
                    lambda row: html.li(Row(f"row {row['id']}")), attributes={"id": "rows"}
                ),
                html.form({"id": "g"}, live_file_input(upload, {"id": "doc"})),
                live_component(Clicker, "h"),
                live_render(Chat, id="chat", on_message=lambda said: set_count(count + 100)),
            ),
            value="dark",
        )

    return Hooks


class Inbox(LiveView):
    """A view of a live_session whose handlers move on (push_navigate) or fail."""

    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        socket.assign(saved=0)

    @on_event("save")
    async def save(self, params: Any, socket: Socket) -> None:
        socket.update("saved", lambda saved: saved + 1)
        socket.put_flash("info", "Saved.")
        socket.push_patch("/inbox?saved=1")

    @on_event("crash")
    async def crash(self, params: Any, socket: Socket) -> None:
        raise RuntimeError("the handler failed on purpose")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.main(
            html.p({"id": "saved"}, str(assigns["saved"])),
            html.button({"id": "save", "onClick": self.on("save")}, "save"),
            html.button({"id": "crash", "onClick": self.on("crash")}, "crash"),
            live_render(Chat, id="chat", sticky=True),
        )


@component
def Outbox() -> Any:
    return html.main(html.h1({"id": "outbox"}, "Outbox"), live_render(Chat, id="chat", sticky=True))


# -- the tests ----------------------------------------------------------------------------------


@pytest.fixture
def ember() -> Ember:
    return Ember(LiveSettings(secret_key=SECRET), recovery=MemoryRecoveryStore())


async def test_a_closed_hook_session_is_freed_without_a_collection(
    ember: Ember, collector_off: None
) -> None:
    app = FastAPI(lifespan=ember.lifespan)
    ember.mount(app, "/hooks", hooks_view(ember))

    async def scenario(client: LiveClient) -> LivePage:
        page = await client.live("/hooks")
        await page.click("#bump")
        await page.click("#patch")
        await page.wait_for(lambda p: p.find("#where").text() == "/hooks?page=2 patched 1")
        await page.click("#fire")
        await page.wait_for(lambda p: p.find("#count").text().startswith("11 "))
        await page.wait_for(lambda p: p.find("#answer").text() == "42")
        files = [{"name": "me.png", "type": "image/png", "size": len(PNG)}]
        await page.fire("#doc", "onChange", {"target": {"files": files}})
        await page.click("#toggle")  # the panel unmounts: its effects clean up
        assert not page.has("#panel")
        await page.click("#break")  # the boundary's fallback
        await page.wait_for(lambda p: p.has("#fallback"))
        await page.click(".inc")
        await page.child("chat").click("#send")
        return page

    async with app.router.lifespan_context(app), LiveClient(app) as client:
        await assert_freed_on_close(client, scenario)


async def test_a_closed_live_view_session_is_freed_without_a_collection(
    ember: Ember, collector_off: None
) -> None:
    app = FastAPI(lifespan=ember.lifespan)
    ember.mount(app, "/board", Board)

    async def scenario(client: LiveClient) -> LivePage:
        page = await client.live("/board")
        await page.click("#post")
        await page.click("#js")  # JS commands, then the push to @on_event("post")
        await ember.pubsub.broadcast(TOPIC, Tick(n=7))
        await page.wait_for(lambda p: p.find("#ticks").text() == "7")
        await page.wait_for(lambda p: p.find("#answer").text() == "42")
        files = [{"name": "me.png", "type": "image/png", "size": len(PNG)}]
        await page.fire("#avatar", "onChange", {"target": {"files": files}})
        await page.click(".inc")
        await page.child("chat").click("#send")
        await page.wait_for(lambda p: p.find("#heard").text() == "message 1")
        return page

    async with app.router.lifespan_context(app), LiveClient(app) as client:
        await assert_freed_on_close(client, scenario)


async def test_a_failed_session_is_freed_without_a_collection(
    ember: Ember, collector_off: None
) -> None:
    app = FastAPI(lifespan=ember.lifespan)
    ember.mount(app, "/inbox", Inbox)

    async def scenario(client: LiveClient) -> LivePage:
        page = await client.live("/inbox")
        await page.click("#save")
        await page.click("#crash")  # logged, and the socket closes with 1011
        assert await page.wait_closed() == 1011
        return page

    async with app.router.lifespan_context(app), LiveClient(app) as client:
        await assert_freed_on_close(client, scenario)


async def test_views_left_by_live_navigation_are_freed_without_a_collection(
    ember: Ember, collector_off: None
) -> None:
    app = FastAPI(lifespan=ember.lifespan)
    ember.mount(app, "/inbox", Inbox, live_session="mail")
    ember.mount(app, "/outbox", Outbox, live_session="mail")

    async def scenario(client: LiveClient) -> LivePage:
        page = await client.live("/inbox")
        await page.click("#save")
        await page.child("chat").click("#send")
        for path in ("/outbox", "/inbox", "/outbox"):  # the sticky chat goes along
            await page.send_raw(json.dumps({"type": "ember-live", "path": path, "qs": ""}))
            await page.wait_for(
                lambda p, path=path: p.has("#outbox" if path == "/outbox" else "#save")
            )
        return page

    async with app.router.lifespan_context(app), LiveClient(app) as client:
        await assert_freed_on_close(client, scenario)
