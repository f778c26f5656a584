"""Nested live views (``live_render``) and sticky views, through the real websocket endpoint."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import component, html, use_state

from ember.live import (
    ConfigurationError,
    Ember,
    LiveSettings,
    LiveView,
    MemoryRecoveryStore,
    live_render,
    on_event,
    on_info,
    send_child,
    send_parent,
)
from ember.live.testing import LiveClient, LiveTestError

SECRET = "test-secret-key-0123456789"


class Said(BaseModel):
    text: str


class Chat(LiveView):
    class Recovered(BaseModel):
        sent: int = 0

    recoverable = Recovered

    async def mount(self, params, session, socket):
        socket.assign(sent=socket.assigns.get("sent", 0), room=socket.assigns.get("room", "?"))

    @on_event("send")
    async def send(self, params, socket):
        socket.update("sent", lambda sent: sent + 1)
        await socket.send_parent(Said(text=f"message {socket.assigns['sent']}"))

    @on_event("boom")
    async def boom(self, params, socket):
        raise RuntimeError("the chat broke")

    @on_info(Said)
    async def told(self, message, socket):
        socket.assign(room=message.text)

    def render(self, assigns):
        return html.section(
            {"id": "chat"},
            html.p({"id": "room"}, f"room {assigns['room']}"),
            html.p({"id": "sent"}, f"{assigns['sent']} sent"),
            html.button({"id": "send", "onClick": self.on("send")}, "send"),
            html.button({"id": "boom", "onClick": self.on("boom")}, "boom"),
        )


class Page(LiveView):
    async def mount(self, params, session, socket):
        socket.assign(name="", heard=[], clicks=0)

    @on_event("type")
    async def type(self, params, socket):
        socket.assign(name=params["value"])

    @on_event("click")
    async def click(self, params, socket):
        socket.update("clicks", lambda clicks: clicks + 1)

    @on_event("crash")
    async def crash(self, params, socket):
        raise RuntimeError("the page broke")

    @on_event("tell")
    async def tell(self, params, socket):
        await send_child(socket, "chat", Said(text="kitchen"))

    @on_info(Said)
    async def heard(self, message, socket):
        socket.update("heard", lambda heard: [*heard, message.text])

    def render(self, assigns):
        return html.main(
            html.input({"id": "name", "value": assigns["name"], "onChange": self.on("type")}),
            html.button({"id": "click", "onClick": self.on("click")}, f"{assigns['clicks']}"),
            html.button({"id": "crash", "onClick": self.on("crash")}, "crash"),
            html.button({"id": "tell", "onClick": self.on("tell")}, "tell"),
            html.p({"id": "heard"}, ", ".join(assigns["heard"])),
            live_render(Chat, id="chat", session={"room": "lobby"}),
        )


@component
def HookParent():
    heard, set_heard = use_state("")
    shown, set_shown = use_state(True)
    return html.div(
        html.p({"id": "hook-heard"}, heard),
        html.button({"id": "toggle", "onClick": lambda event: set_shown(not shown)}, "toggle"),
        live_render(Chat, id="chat", on_message=lambda m: set_heard(m.text)) if shown else None,
    )


@pytest.fixture
def ember() -> Ember:
    return Ember(LiveSettings(secret_key=SECRET), recovery=MemoryRecoveryStore())


@pytest.fixture
def app(ember: Ember) -> FastAPI:
    app = FastAPI()
    ember.mount(app, "/page", Page)
    ember.mount(app, "/hooks", HookParent)
    return app


async def test_nested_view_first_paint_includes_the_child(app: FastAPI) -> None:
    async with LiveClient(app) as client:
        response = await client.get("/page")
        assert '<div data-ember-view="chat"><section id="chat">' in response.text
        assert "room lobby" in response.text


async def test_nested_view_has_its_own_state_and_events(app: FastAPI) -> None:
    async with LiveClient(app) as client:
        page = await client.live("/page")
        assert page.children() == ["chat"]
        chat = page.child("chat")
        await chat.click("#send")
        await chat.click("#send")
        assert chat.find("#sent").text() == "2 sent"
        assert "2 sent" in chat.html()
        # The parent heard both through send_parent, and its own state is its own.
        await page.wait_for(lambda p: p.find("#heard").text() == "message 1, message 2")
        await page.click("#click")
        assert page.find("#click").text() == "1"
        assert page.find("#chat #sent").text() == "2 sent"  # the page shows the child inside


async def test_nested_view_crash_remounts_the_child_only(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    async with LiveClient(app) as client:
        page = await client.live("/page")
        await page.change("#name", "Ada")
        await page.click("#click")
        chat = page.child("chat")
        await chat.click("#send")
        with caplog.at_level(logging.ERROR, logger="ember.live"):
            await chat.click("#boom")
            await page.wait_for(lambda p: chat.mounts == 2)
        failures = [r for r in caplog.records if "the chat broke" in str(r.exc_info)]
        assert len(failures) == 1  # logged once
        # Remounted from its snapshot (recoverable), the parent untouched, the socket open.
        await page.wait_for(lambda p: chat.has("#sent", text="1 sent"))
        assert page.close_code is None
        assert page.find("#name").attr("value") == "Ada"
        assert page.find("#click").text() == "1"
        await chat.click("#send")
        assert chat.find("#sent").text() == "2 sent"


async def test_nested_view_parent_crash_closes_the_socket_and_both_recover(app: FastAPI) -> None:
    async with LiveClient(app) as client:
        page = await client.live("/page")
        chat = page.child("chat")
        await chat.click("#send")
        await page.click("#crash")
        assert await page.wait_closed() == 1011
        await page.reconnect()
        chat = page.child("chat")
        assert chat.find("#sent").text() == "1 sent"  # the child's own snapshot key
        assert page.find("#click").text() == "0"


async def test_send_child_reaches_the_child_in_its_turn(app: FastAPI) -> None:
    async with LiveClient(app) as client:
        page = await client.live("/page")
        await page.click("#tell")
        await page.wait_for(lambda p: p.child("chat").has("#room", text="room kitchen"))


async def test_nested_view_in_a_hook_tree_messages_on_message_and_stops_when_gone(
    app: FastAPI,
) -> None:
    async with LiveClient(app) as client:
        page = await client.live("/hooks")
        chat = page.child("chat")
        await chat.click("#send")
        await page.wait_for(lambda p: p.find("#hook-heard").text() == "message 1")
        await page.click("#toggle")
        assert page.children() == ["chat"]  # the test client keeps the last model ...
        assert not page.has("[data-ember-view]")  # ... but the page no longer shows it
        await page.click("#toggle")
        await page.wait_for(lambda p: p.child("chat").mounts == 2)
        assert page.child("chat").find("#sent").text() == "1 sent"  # recovered


async def test_live_render_refuses_bad_arguments() -> None:
    with pytest.raises(ConfigurationError, match="LiveView subclass"):
        live_render(HookParent, id="x")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="letters, digits"):
        live_render(Chat, id="no spaces")


async def test_send_parent_from_a_page_view_is_refused(app: FastAPI) -> None:
    async with LiveClient(app) as client:
        page = await client.live("/page")
        with pytest.raises(Exception, match="nested view"):
            await send_parent(page.session(_ember_of(app)), Said(text="x"))
        with pytest.raises(LiveTestError, match="No nested view"):
            page.child("nope")


def _ember_of(app: FastAPI) -> Ember:
    from ember.live.server._mount import _INSTANCES

    for ember in _INSTANCES:
        if any(mounted.app is app for mounted in ember.mounts):
            return ember
    raise AssertionError("no Ember mounted this app")


# -- sticky views across live navigation ---------------------------------------------------------


class Player(LiveView):
    async def mount(self, params, session, socket):
        socket.assign(track=1, mounted_in=session.id)

    @on_event("next")
    async def next(self, params, socket):
        socket.update("track", lambda track: track + 1)

    def render(self, assigns):
        return html.aside(
            {"id": "player"},
            html.p({"id": "track"}, f"track {assigns['track']}"),
            html.button({"id": "next", "onClick": self.on("next")}, "next"),
        )


def layout(title: str, *, sticky: bool = True) -> Any:
    return html.div(
        html.h1(title),
        html.a({"href": "/one", "id": "to-one"}, "one"),
        html.a({"href": "/two", "id": "to-two"}, "two"),
        live_render(Player, id="player", sticky=sticky),
    )


class One(LiveView):
    def render(self, assigns):
        return layout("one")


class Two(LiveView):
    def render(self, assigns):
        return layout("two")


class Three(LiveView):
    def render(self, assigns):
        return html.h1("three")


@pytest.fixture
def sticky_app(ember: Ember) -> FastAPI:
    app = FastAPI()
    for path, view in (("/one", One), ("/two", Two), ("/three", Three)):
        ember.mount(app, path, view, live_session="music")
    return app


async def _navigate(page: Any, path: str) -> None:
    await page.send_raw(f'{{"type": "ember-live", "path": "{path}", "qs": "", "flash": null}}')
    await page.wait_for(lambda p: p.has("h1", text=path.strip("/")))


async def test_sticky_view_keeps_its_session_across_live_navigation(sticky_app: FastAPI) -> None:
    async with LiveClient(sticky_app) as client:
        page = await client.live("/one")
        player = page.child("player")
        await player.click("#next")
        assert player.find("#track").text() == "track 2"
        sessions_before = set(_ember_of(sticky_app).sessions)
        await _navigate(page, "/two")
        await page.render()
        assert set(_ember_of(sticky_app).sessions) != sessions_before  # a new page session
        assert player.mounts == 1  # not mounted again
        assert player.find("#track").text() == "track 2"
        await player.click("#next")
        assert player.find("#track").text() == "track 3"
        # A view that does not render it lets it go.
        await _navigate(page, "/three")
        await page.render()
        assert not page.has("#player")
        await _navigate(page, "/one")
        await page.wait_for(lambda p: player.mounts == 2)
        assert page.child("player").find("#track").text() == "track 1"


# -- a nested view inside a nested view ----------------------------------------------------------


class Typing(LiveView):
    async def mount(self, params, session, socket):
        socket.assign(keys=0)

    @on_event("key")
    async def key(self, params, socket):
        socket.update("keys", lambda keys: keys + 1)
        await socket.send_parent(Said(text=f"{socket.assigns['keys']} keys"))

    def render(self, assigns):
        return html.button({"id": "key", "onClick": self.on("key")}, f"{assigns['keys']} keys")


class Room(LiveView):
    async def mount(self, params, session, socket):
        socket.assign(status="quiet")

    @on_info(Said)
    async def heard(self, message, socket):
        socket.assign(status=message.text)

    def render(self, assigns):
        return html.section(
            html.p({"id": "status"}, assigns["status"]), live_render(Typing, id="typing")
        )


class Lobby(LiveView):
    def render(self, assigns):
        return html.main(html.h1("lobby"), live_render(Room, id="room"))


async def test_nested_view_inside_a_nested_view(ember: Ember) -> None:
    app = FastAPI()
    ember.mount(app, "/lobby", Lobby)
    async with LiveClient(app) as client:
        response = await client.get("/lobby")
        assert 'data-ember-view="room/typing"><button id="key">0 keys' in response.text
        page = await client.live("/lobby")
        assert page.children() == ["room", "room/typing"]
        typing = page.child("room").child("typing")
        await typing.click("#key")
        assert typing.find("#key").text() == "1 keys"
        room = page.child("room")
        await room.wait_for(lambda p: p.find("#status").text() == "1 keys")
        assert page.find("#status").text() == "1 keys"
        assert typing.session_id == f"{page.session_id}.room.typing"


async def test_nested_views_leave_nothing_behind_once_the_pages_close(app: FastAPI) -> None:
    import gc

    from ember.live.server import _children

    async with LiveClient(app) as client:
        page = await client.live("/page")
        await page.child("chat").click("#send")
        await page.child("chat").click("#boom")
        await page.wait_for(lambda p: p.child("chat").mounts == 2)
        await client.get("/page")  # a first paint, children included
        await page.close()
    gc.collect()
    registries = {
        "tabs": _children._TABS,
        "session tabs": _children._SESSION_TABS,
        "children": _children._CHILDREN,
        "views": _children._VIEWS,
        "first paints": _children._FIRST_PAINT,
        "first paint owners": _children._FIRST_PAINT_OWNERS,
    }
    assert {name: len(registry) for name, registry in registries.items()} == dict.fromkeys(
        registries, 0
    )


async def test_frames_for_nested_views_are_checked_and_unknown_views_ignored(app: FastAPI) -> None:
    async with LiveClient(app) as client:
        page = await client.live("/page")
        target = page.child("chat").find("#send").handlers["onClick"]
        # A child that does not exist: nothing runs, the socket stays.
        await page.send_raw(
            f'{{"type": "layout-event", "target": "{target}", "data": [], "view": "nope"}}'
        )
        await page.render()
        assert page.close_code is None
        assert page.child("chat").find("#sent").text() == "0 sent"
        await page.send_raw('{"type": "ember-ping", "id": 1, "view": "../x"}')
        assert await page.wait_closed() == 4400


class Jukebox(Player):
    class Recovered(BaseModel):
        track: int = 1

    recoverable = Recovered


class Rock(LiveView):
    def render(self, assigns):
        return html.main(html.h1("rock"), live_render(Jukebox, id="jukebox", sticky=True))


class Jazz(LiveView):
    def render(self, assigns):
        return html.main(html.h1("jazz"), live_render(Jukebox, id="jukebox", sticky=True))


async def test_sticky_view_recovers_after_navigation_and_reconnect(ember: Ember) -> None:
    import json

    app = FastAPI()
    ember.mount(app, "/rock", Rock, live_session="radio")
    ember.mount(app, "/jazz", Jazz, live_session="radio")
    async with LiveClient(app) as client:
        page = await client.live("/rock")
        views: list[dict[str, Any]] = []
        apply = page._apply

        def record(message: dict[str, Any]) -> None:
            if message.get("type") == "ember-view":
                views.append(message)
            apply(message)

        page._apply = record  # type: ignore[method-assign]
        await page.child("jukebox").click("#next")
        await page.send_raw(json.dumps({"type": "ember-live", "path": "/jazz", "qs": ""}))
        await page.wait_for(lambda p: p.has("h1", text="jazz"))
        await page.render()
        # As the browser does: it reconnects with the config of the view it shows.
        page._config, page.path = views[-1]["config"], "/jazz"
        await page.reconnect()
        jukebox = page.child("jukebox")
        assert jukebox.find("#track").text() == "track 2"
        assert jukebox.session_id.endswith(".jukebox")


class Broken(LiveView):
    async def mount(self, params, session, socket):
        if socket.connected:
            raise RuntimeError("the widget cannot start")

    def render(self, assigns):
        return html.p({"id": "broken"}, "first paint")


class WithBroken(LiveView):
    async def mount(self, params, session, socket):
        socket.assign(clicks=0)

    @on_event("click")
    async def click(self, params, socket):
        socket.update("clicks", lambda clicks: clicks + 1)

    def render(self, assigns):
        return html.main(
            html.button({"id": "click", "onClick": self.on("click")}, f"{assigns['clicks']}"),
            live_render(Broken, id="broken"),
        )


async def test_a_child_that_keeps_failing_stays_down_and_the_page_carries_on(
    ember: Ember, caplog: pytest.LogCaptureFixture
) -> None:
    app = FastAPI()
    ember.mount(app, "/with-broken", WithBroken)
    async with LiveClient(app) as client:
        response = await client.get("/with-broken")
        assert "first paint" in response.text
        with caplog.at_level(logging.INFO, logger="ember.live"):
            page = await client.live("/with-broken")  # its first render never comes
            await page.click("#click")
            for _ in range(100):
                if any("stays down" in r.getMessage() for r in caplog.records):
                    break
                await page.render()
        assert [r for r in caplog.records if "stays down" in r.getMessage()]
        assert len([r for r in caplog.records if "the widget cannot start" in str(r.exc_info)]) == 3
        await page.click("#click")
        assert page.find("#click").text() == "2"
        assert page.close_code is None


# -- one id, one nested view ----------------------------------------------------------------------


class Twice(LiveView):
    def render(self, assigns):
        return html.main(
            html.section(live_render(Chat, id="chat")),
            html.aside(live_render(Player, id="chat")),
        )


async def test_two_nested_views_with_one_id_are_refused_naming_the_id(
    ember: Ember, caplog: pytest.LogCaptureFixture
) -> None:
    app = FastAPI()
    ember.mount(app, "/twice", Twice)
    wanted = "Two nested views on one page have the id 'chat' (Chat and Player)"
    async with LiveClient(app) as client:
        with caplog.at_level(logging.ERROR):
            response = await client.get("/twice")
        assert 'data-ember-view="chat"><section id="chat">' in response.text
        assert 'id="player"' not in response.text  # the second is not painted
        assert any(wanted in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            page = await client.live("/twice")
            await page.render()
        assert page.children() == ["chat"]  # one runs; the other was refused
        assert any("'chat'" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
        assert page.close_code is None


# -- a nested view inside a sticky nested view -----------------------------------------------------


class Counter(LiveView):
    class Recovered(BaseModel):
        count: int = 0

    recoverable = Recovered

    async def mount(self, params, session, socket):
        socket.assign(count=socket.assigns.get("count", 0))

    @on_event("add")
    async def add(self, params, socket):
        socket.update("count", lambda count: count + 1)

    def render(self, assigns):
        return html.button({"id": "add", "onClick": self.on("add")}, f"{assigns['count']} added")


class Dock(LiveView):
    def render(self, assigns):
        return html.aside({"id": "dock"}, live_render(Counter, id="counter"))


class North(LiveView):
    def render(self, assigns):
        return html.main(html.h1("north"), live_render(Dock, id="dock", sticky=True))


class South(LiveView):
    def render(self, assigns):
        return html.main(html.h1("south"), live_render(Dock, id="dock", sticky=True))


async def test_a_nested_view_in_a_sticky_view_keeps_its_snapshot_key_across_navigation(
    ember: Ember,
) -> None:
    import json

    app = FastAPI()
    ember.mount(app, "/north", North, live_session="compass")
    ember.mount(app, "/south", South, live_session="compass")
    async with LiveClient(app) as client:
        page = await client.live("/north")
        views: list[dict[str, Any]] = []
        apply = page._apply

        def record(message: dict[str, Any]) -> None:
            if message.get("type") == "ember-view":
                views.append(message)
            apply(message)

        page._apply = record  # type: ignore[method-assign]
        counter = page.child("dock").child("counter")
        await counter.click("#add")
        await counter.click("#add")
        await page.send_raw(json.dumps({"type": "ember-live", "path": "/south", "qs": ""}))
        await page.wait_for(lambda p: p.has("h1", text="south"))
        await page.render()
        dock = page.child("dock")
        assert counter.session_id == f"{dock.session_id}.counter"  # moved with its parent
        await counter.click("#add")  # its snapshot is saved under the new key
        # As the browser does: it reconnects with the config of the view it shows.
        page._config, page.path = views[-1]["config"], "/south"
        await page.reconnect()
        counter = page.child("dock").child("counter")
        assert counter.find("#add").text() == "3 added"
