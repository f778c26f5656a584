"""One mount per page: the page's websocket adopts the first paint its worker kept."""

from __future__ import annotations

import asyncio
import gc
import json
import re
import weakref
from collections.abc import AsyncIterator
from html import unescape
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import component, html, use_connection, use_effect, use_state

from ember.live import (
    AsyncResult,
    Ember,
    LiveComponent,
    LiveSettings,
    LiveView,
    live_component,
    on_async,
    on_event,
    on_info,
    use_session,
    use_subscription,
)
from ember.live.api._testing import LivePage
from ember.live.server._recovery import MemoryRecoveryStore
from ember.live.server._session import LiveSession
from ember.live.testing import LiveClient
from ember.pubsub import PubSub, message

SECRET = "test-secret-key-0123456789"


@message("test.adoption.bump")
class Bump(BaseModel):
    by: int


calls: dict[str, int] = {}
views: list[weakref.ref[Any]] = []


def count(name: str) -> int:
    calls[name] = calls.get(name, 0) + 1
    return calls[name]


@component
def Counter() -> Any:
    """Hook style: its initial state comes from a call counted once per mount."""
    count_, set_count = use_state(lambda: 100 + count("hook-init"))
    session = use_session()
    use_subscription("adoption", lambda bump: set_count(lambda c: c + bump.by), on=Bump)

    def connected_effect() -> Any:
        if session.connected:
            count("hook-connected-effect")
        else:
            count("hook-static-effect")
            return lambda: count("hook-static-cleanup")
        return None

    use_effect(connected_effect, [session.connected])
    return html.div(
        html.p({"id": "count"}, f"Count: {count_}"),
        html.p({"id": "state"}, "live" if session.connected else "static"),
        html.button({"id": "inc", "onClick": lambda event: set_count(count_ + 1)}, "+1"),
    )


@component
def Plain() -> Any:
    """Reads no context: nothing it shows can change on connect."""
    count("plain-render")
    return html.p({"id": "plain"}, "plain")


@component
def Subscriber() -> Any:
    """Reads the session only for its subscription: its render cannot change on connect."""
    count("subscriber-render")
    total, set_total = use_state(0)
    use_subscription("adoption", lambda bump: set_total(lambda t: t + bump.by), on=Bump)
    return html.p({"id": "total"}, f"total {total}")


@component
def SubscriberUnderCarrier() -> Any:
    """A context reader above the subscriber: its render on connect renders it too."""
    return html.div(
        html.p({"id": "carrier"}, type(use_connection().carrier).__name__), Subscriber()
    )


@component
def Carrier() -> Any:
    """Reads the connection: the page's request, then the websocket."""
    return html.p({"id": "carrier"}, type(use_connection().carrier).__name__)


@component
def Mixed() -> Any:
    return html.div(Plain(), Carrier(), Counter())


class ConnectOnce(LiveView):
    """Class style with handle_connect: mount once per page, subscribe once connected."""

    async def mount(self, params, session, socket):
        views.append(weakref.ref(self))
        socket.assign(loaded=count("view-mount"), total=0, connected=socket.connected)

    async def handle_connect(self, socket):
        count("view-connect")
        await socket.subscribe("adoption", types=[Bump])
        socket.assign(connected=socket.connected)

    @on_info(Bump)
    async def bumped(self, bump, socket):
        socket.update("total", lambda total: total + bump.by)

    @on_event("inc")
    async def inc(self, params, socket):
        socket.update("total", lambda total: total + 1)

    def render(self, assigns):
        return html.main(
            html.p({"id": "loaded"}, f"loaded {assigns['loaded']}"),
            html.p({"id": "total"}, f"total {assigns['total']}"),
            html.p({"id": "state"}, "live" if assigns["connected"] else "static"),
            html.button({"id": "inc", "onClick": self.on("inc")}, "+1"),
        )


async def loaded() -> str:
    count("work")
    return "loaded"


class Loader(LiveComponent):
    """Starts work in mount, which runs during the first paint."""

    def mount(self, socket):
        socket.assign(result="waiting")
        socket.start_async("load", loaded)

    @on_async("load")
    async def done(self, result: AsyncResult[str], socket):
        socket.assign(result=result.result)

    def render(self, assigns):
        return html.p({"id": f"loader-{assigns['id']}"}, assigns["result"])


@component
def WithLoader() -> Any:
    return html.div(live_component(Loader, "a"))


class LoadsInMount(LiveView):
    async def mount(self, params, session, socket):
        count("loads-mount")
        socket.assign(result="waiting")
        socket.start_async("load", loaded)
        socket.send_after(0.01, Bump(by=1))

    async def handle_connect(self, socket):
        pass

    @on_async("load")
    async def done(self, result, socket):
        socket.assign(result=result.result)

    @on_info(Bump)
    async def bumped(self, bump, socket):
        socket.assign(bumps=count("send-after"))

    def render(self, assigns):
        return html.p({"id": "result"}, f"{assigns['result']} {assigns.get('bumps', 0)}")


class MountTwice(LiveView):
    """No handle_connect: mount runs for the page and again on connect, as documented."""

    async def mount(self, params, session, socket):
        socket.assign(connected=socket.connected, n=count("twice-mount"))

    def render(self, assigns):
        return html.p({"id": "state"}, f"{assigns['connected']} {assigns['n']}")


@pytest.fixture(autouse=True)
def _fresh_counts() -> None:
    calls.clear()
    views.clear()


@pytest.fixture
async def pubsub() -> AsyncIterator[PubSub]:
    async with PubSub("memory://") as shared:
        yield shared


def make_app(pubsub: PubSub, **settings: Any) -> tuple[FastAPI, Ember]:
    ember = Ember(LiveSettings(secret_key=SECRET, **settings), pubsub=pubsub)
    app = FastAPI()
    ember.mount(app, "/hooks", Counter)
    ember.mount(app, "/view", ConnectOnce)
    ember.mount(app, "/twice", MountTwice)
    ember.mount(app, "/mixed", Mixed)
    ember.mount(app, "/loader", WithLoader)
    ember.mount(app, "/loads", LoadsInMount)
    ember.mount(app, "/subscriber", Subscriber)
    ember.mount(app, "/under", SubscriberUnderCarrier)
    return app, ember


async def test_a_hook_page_mounts_once_and_goes_live(pubsub):
    app, ember = make_app(pubsub)
    async with LiveClient(app) as client:
        page = await client.live("/hooks")
        assert "Count: 101" in page.static_html
        assert page.find("#count").text() == "Count: 101"  # the first paint's state
        assert page.find("#state").text() == "live"
        assert calls["hook-init"] == 1  # one mount for the GET and the socket
        assert len(ember.first_paints) == 0  # taken
        await page.wait_for(lambda p: calls.get("hook-connected-effect") == 1)
        # The first paint's effect ran once, and its cleanup once the session connected.
        assert calls["hook-static-effect"] == 1
        assert calls["hook-static-cleanup"] == 1
        await page.click("#inc")
        assert page.find("#count").text() == "Count: 102"
        await pubsub.broadcast("adoption", Bump(by=10))
        await page.wait_for(lambda p: p.find("#count").text() == "Count: 112")
        assert calls["hook-init"] == 1


async def test_only_what_reads_a_context_renders_again(pubsub):
    app, _ = make_app(pubsub)
    async with LiveClient(app) as client:
        page = await client.live("/mixed")
        assert ">Request<" in page.static_html
        assert page.find("#carrier").text() == "RawWebSocket"  # the socket's
        assert page.find("#plain").text() == "plain"
        assert calls["plain-render"] == 1  # rendered for the page, kept for the socket
        assert calls["hook-init"] == 1
        await page.click("#inc")
        assert page.find("#count").text() == "Count: 102"


async def test_a_subscriber_is_not_rendered_again_on_adoption_and_gets_broadcasts(pubsub):
    app, _ = make_app(pubsub)
    async with LiveClient(app) as client:
        page = await client.live("/subscriber")
        assert page.find("#total").text() == "total 0"
        assert calls["subscriber-render"] == 1  # the first paint's render, adopted as it is
        await pubsub.broadcast("adoption", Bump(by=3))  # its subscription started on connect
        await page.wait_for(lambda p: p.find("#total").text() == "total 3")
        await pubsub.broadcast("adoption", Bump(by=4))
        await page.wait_for(lambda p: p.find("#total").text() == "total 7")
        assert calls["subscriber-render"] == 3


async def test_a_subscriber_to_a_listened_topic_subscribes_without_a_task(pubsub, monkeypatch):
    started: list[str] = []
    start_task = LiveSession.start_task

    def recording(self: LiveSession, function: Any, *, name: str) -> bool:
        started.append(name)
        return start_task(self, function, name=name)

    monkeypatch.setattr(LiveSession, "start_task", recording)
    app, _ = make_app(pubsub)
    async with LiveClient(app) as client:
        first = await client.live("/subscriber")  # the backend starts listening: a task
        await pubsub.broadcast("adoption", Bump(by=1))
        await first.wait_for(lambda p: p.find("#total").text() == "total 1")
        assert started == ["use_subscription adoption"]
        second = await client.live("/subscriber")  # subscribed at once: no task
        assert started == ["use_subscription adoption"]
        await pubsub.broadcast("adoption", Bump(by=3))
        await second.wait_for(lambda p: p.find("#total").text() == "total 3")
        await first.wait_for(lambda p: p.find("#total").text() == "total 4")


async def test_a_subscriber_under_a_context_reader_subscribes_once_on_adoption(pubsub):
    app, _ = make_app(pubsub)
    async with LiveClient(app) as client:
        page = await client.live("/under")
        assert page.find("#carrier").text() == "RawWebSocket"
        assert calls["subscriber-render"] == 2  # rendered again with its parent
        await pubsub.broadcast("adoption", Bump(by=3))
        await page.wait_for(lambda p: p.find("#total").text() == "total 3")
        await pubsub.broadcast("adoption", Bump(by=4))
        await page.wait_for(lambda p: p.find("#total").text() == "total 7")
        assert calls["subscriber-render"] == 4  # one render per message: one subscription


async def test_a_view_with_handle_connect_mounts_once(pubsub):
    app, _ = make_app(pubsub)
    async with LiveClient(app) as client:
        page = await client.live("/view")
        assert "loaded 1" in page.static_html
        assert page.find("#loaded").text() == "loaded 1"  # what mount assigned, kept
        assert page.find("#state").text() == "live"
        assert calls == {"view-mount": 1, "view-connect": 1}
        await pubsub.broadcast("adoption", Bump(by=5))
        await page.wait_for(lambda p: p.find("#total").text() == "total 5")
        await page.click("#inc")
        assert page.find("#total").text() == "total 6"


async def test_work_started_during_the_first_paint_runs_once_adopted(pubsub):
    app, _ = make_app(pubsub)
    async with LiveClient(app) as client:
        page = await client.live("/loader")  # a live component's start_async in mount
        await page.wait_for(lambda p: p.find("#loader-a").text() == "loaded")
        view = await client.live("/loads")  # a view's start_async and send_after in mount
        await view.wait_for(lambda p: p.find("#result").text() == "loaded 1")
        assert calls["work"] == 2  # once per page
        assert calls["loads-mount"] == 1


async def test_work_started_by_a_first_paint_no_socket_adopts_never_runs(pubsub):
    app, ember = make_app(pubsub, first_paint_keep_seconds=0.1)
    async with LiveClient(app) as client:
        await client.get("/loads")
        await asyncio.sleep(0.3)
        assert len(ember.first_paints) == 0
        assert "work" not in calls
        assert "send-after" not in calls


async def test_a_reconnect_mounts_fresh(pubsub):
    app, ember = make_app(pubsub)
    async with LiveClient(app) as client:
        page = await client.live("/view")
        await page.reconnect()  # the same token again: adopted once only, so a fresh mount
        assert page.find("#loaded").text() == "loaded 2"
        assert calls == {"view-mount": 2, "view-connect": 2}
        await pubsub.broadcast("adoption", Bump(by=3))
        await page.wait_for(lambda p: p.find("#total").text() == "total 3")
        assert len(ember.first_paints) == 0


async def test_a_view_without_handle_connect_mounts_twice_as_documented(pubsub):
    app, ember = make_app(pubsub)
    async with LiveClient(app) as client:
        page = await client.live("/twice")
        assert "False 1" in page.static_html
        assert page.find("#state").text() == "True 2"
        assert len(ember.first_paints) == 0  # never kept


async def test_a_page_without_a_socket_is_let_go_when_the_window_ends(pubsub):
    app, ember = make_app(pubsub, first_paint_keep_seconds=0.2)
    async with LiveClient(app) as client:
        response = await client.get("/view")
        assert "loaded 1" in response.text
        assert len(ember.first_paints) == 1
        assert ember.first_paints.kept_bytes > 0
        await client.get("/hooks")
        assert calls["hook-static-effect"] == 1
        await asyncio.sleep(0.4)
        assert len(ember.first_paints) == 0
        assert ember.first_paints.kept_bytes == 0
        assert calls["hook-static-cleanup"] == 1  # unmounted: its effects cleaned up
        gc.collect()
        assert [ref() for ref in views] == [None]  # the view is freed
        # Its socket, arriving late, mounts fresh.
        page = await client.live("/view")
        assert page.find("#state").text() == "live"


async def test_the_kept_first_paints_are_bounded(pubsub):
    app, ember = make_app(pubsub, first_paint_keep_max=3)
    async with LiveClient(app) as client:
        for _ in range(5):
            await client.get("/view")
        assert len(ember.first_paints) == 3
        await asyncio.sleep(0)  # the two oldest close in tasks of their own
        await asyncio.sleep(0)
        gc.collect()
        assert sum(ref() is None for ref in views) == 2


async def test_keeping_can_be_turned_off(pubsub):
    app, ember = make_app(pubsub, first_paint_keep_seconds=0)
    async with LiveClient(app) as client:
        page = await client.live("/view")
        assert page.find("#loaded").text() == "loaded 2"
        assert calls == {"view-mount": 2, "view-connect": 1}
        assert len(ember.first_paints) == 0


async def test_a_token_of_another_page_does_not_reach_a_kept_first_paint(pubsub):
    app, ember = make_app(pubsub)
    async with LiveClient(app) as client:
        await client.get("/view")  # kept, never connected
        assert len(ember.first_paints) == 1
        page = await client.live("/view")  # its own token: its own first paint
        assert page.find("#loaded").text() == "loaded 2"
        assert len(ember.first_paints) == 1  # the other one still waits for its token


class Steps(BaseModel):
    step: int = 1


class Wizard(LiveView):
    """Recoverable state and handle_connect: a snapshot, when there is one, wins."""

    recoverable = Steps

    async def mount(self, params, session, socket):
        count("wizard-mount")
        socket.assign(step=1)

    async def handle_connect(self, socket):
        count("wizard-connect")

    @on_event("next")
    async def next_step(self, params, socket):
        socket.update("step", lambda step: step + 1)

    def render(self, assigns):
        return html.main(
            html.p({"id": "step"}, str(assigns["step"])),
            html.button({"id": "next", "onClick": self.on("next")}, "next"),
        )


CONFIG = re.compile(r"data-ember-config='([^']*)'")


async def connect(client: LiveClient, response: Any) -> LivePage:
    """Open the socket of a page fetched elsewhere (another worker rendered it)."""
    found = CONFIG.search(response.text)
    assert found is not None
    page = LivePage(client, response, json.loads(unescape(found.group(1))), origin=client.base_url)
    assert client._group is not None
    await client._group.start(page._run)
    client._pages.append(page)
    await page._first_render()
    return page


async def test_a_recovery_snapshot_wins_over_a_kept_first_paint():
    store = MemoryRecoveryStore()
    apps = []
    for _ in range(2):  # two workers sharing one recovery store
        ember = Ember(LiveSettings(secret_key=SECRET), recovery=store)
        app = FastAPI()
        ember.mount(app, "/wizard", Wizard)
        apps.append((app, ember))
    (app_a, ember_a), (app_b, _) = apps
    async with LiveClient(app_a) as worker_a, LiveClient(app_b) as worker_b:
        response = await worker_a.get("/wizard")  # worker A renders and keeps it
        assert len(ember_a.first_paints) == 1
        page = await connect(worker_b, response)  # the socket lands on worker B
        await page.click("#next")
        assert page.find("#step").text() == "2"
        await page.reconnect(worker_a)  # back on A, within the window
        assert page.find("#step").text() == "2"  # the snapshot, not A's first paint
        assert len(ember_a.first_paints) == 0
        assert calls["wizard-mount"] == 3  # A's page, B's socket, A's socket
        assert calls["wizard-connect"] == 2
