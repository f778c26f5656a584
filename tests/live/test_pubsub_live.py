"""PubSub in live views: use_subscription, socket.subscribe, across sessions and workers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import anyio
import orjson
import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import component, html, use_state

from ember.live import (
    CloseCode,
    Ember,
    LiveSettings,
    LiveView,
    MemoryRecoveryStore,
    on_event,
    on_info,
    use_recoverable_state,
    use_subscription,
)
from ember.live.testing import LiveClient
from ember.pubsub import PubSub, message

SECRET = "test-secret-key-0123456789"


@message("test.live.post_created")
class PostCreated(BaseModel):
    title: str


@message("test.live.other")
class Other(BaseModel):
    note: str


renders: dict[str, int] = {}


@component
def Sibling() -> Any:
    renders["sibling"] = renders.get("sibling", 0) + 1
    return html.p({"id": "sibling"}, "static sibling")


@component
def Feed() -> Any:
    titles, set_titles = use_state(())
    use_subscription("posts", lambda post: set_titles(lambda t: (*t, post.title)), on=PostCreated)
    return html.ul({"id": "feed"}, [html.li({"key": t}, t) for t in titles])


@component
def Page() -> Any:
    return html.main(Sibling(), Feed())


class FeedLive(LiveView):
    async def mount(self, params, session, socket):
        socket.assign(titles=[], reminded=False)
        if socket.connected:
            await socket.subscribe("posts", types=[PostCreated])

    @on_event("remind")
    async def remind(self, params, socket):
        socket.send_after(0.05, Other(note="later"))

    @on_info(PostCreated)
    async def created(self, post, socket):
        socket.update("titles", lambda titles: [*titles, post.title])

    @on_info(Other)
    async def other(self, note, socket):
        socket.assign(reminded=True)

    def render(self, assigns):
        return html.main(
            html.ul({"id": "feed"}, [html.li({"key": t}, t) for t in assigns["titles"]]),
            html.p({"id": "reminded"}, str(assigns["reminded"])),
            html.button({"id": "remind", "onClick": self.on("remind")}, "remind"),
        )


async def create_post(pubsub: PubSub, title: str) -> None:
    """A context function: after the (omitted) write, tell every subscriber."""
    await pubsub.broadcast("posts", PostCreated(title=title))


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def pubsubs(request) -> AsyncIterator[tuple[PubSub, PubSub]]:
    """Two PubSubs as two workers would have: one shared in memory, two on one Redis."""
    if request.param == "memory":
        shared = PubSub("memory://")
        async with shared:
            yield shared, shared
    else:
        url = request.getfixturevalue("redis_url")
        async with PubSub(url) as first, PubSub(url) as second:
            yield first, second


def make_app(pubsub: PubSub) -> tuple[FastAPI, Ember]:
    ember = Ember(LiveSettings(secret_key=SECRET), pubsub=pubsub)
    app = FastAPI()
    ember.mount(app, "/hooks", Page)
    ember.mount(app, "/class", FeedLive)
    return app, ember


async def test_broadcast_reaches_hook_subscribers_and_rerenders_only_them(pubsubs):
    app, _ = make_app(pubsubs[0])
    async with LiveClient(app) as client:
        first = await client.live("/hooks")
        second = await client.live("/hooks")
        await first.render()
        sibling_renders = renders["sibling"]
        await create_post(pubsubs[0], "hello")
        for page in (first, second):
            await page.wait_for(lambda p: p.has("#feed li", text="hello"))
        assert renders["sibling"] == sibling_renders


async def test_broadcast_from_another_worker_updates_a_class_view(pubsubs):
    app_a, _ = make_app(pubsubs[0])
    async with LiveClient(app_a) as client:
        page = await client.live("/class")
        await create_post(pubsubs[1], "from worker b")
        await page.wait_for(lambda p: p.has("#feed li", text="from worker b"))


async def test_messages_of_other_types_are_filtered_by_on(pubsubs):
    app, _ = make_app(pubsubs[0])
    async with LiveClient(app) as client:
        page = await client.live("/hooks")
        await pubsubs[0].broadcast("posts", Other(note="ignored"))
        await create_post(pubsubs[0], "kept")
        await page.wait_for(lambda p: p.has("#feed li", text="kept"))
        assert [e.text() for e in page.find_all("#feed li")] == ["kept"]


async def test_send_after_reaches_handle_info():
    async with PubSub("memory://") as pubsub:
        app, _ = make_app(pubsub)
        async with LiveClient(app) as client:
            page = await client.live("/class")
            await page.click("#remind")
            await page.wait_for(lambda p: p.find("#reminded").text() == "True")


async def test_subscriptions_end_with_the_session():
    async with PubSub("memory://") as pubsub:
        app, ember = make_app(pubsub)
        async with LiveClient(app) as client:
            page = await client.live("/class")
            hooks = await client.live("/hooks")
            await hooks.render()
            assert len(pubsub._topics.get("posts", {})) == 2
            await page.close()
            await hooks.close()
        with anyio.fail_after(2):
            while pubsub._topics.get("posts"):
                await anyio.sleep(0.01)
        assert ember.sessions == {}


async def test_the_default_pubsub_starts_lazily_from_settings(monkeypatch):
    monkeypatch.setenv("EMBER_PUBSUB_URL", "memory://")
    ember = Ember(LiveSettings(secret_key=SECRET))
    app = FastAPI()
    ember.mount(app, "/class", FeedLive)
    assert not ember.pubsub.started
    async with LiveClient(app) as client:
        page = await client.live("/class")
        assert ember.pubsub.started
        await create_post(ember.pubsub, "lazy")
        await page.wait_for(lambda p: p.has("#feed li", text="lazy"))
    await ember.pubsub.stop()


@component
def Switchable() -> Any:
    """A feed whose topic the user picks, and which can be hidden."""
    topic, set_topic = use_state("room:a")
    shown, set_shown = use_state(True)
    return html.main(
        html.button({"id": "room-b", "onClick": lambda e: set_topic("room:b")}, "b"),
        html.button({"id": "hide", "onClick": lambda e: set_shown(False)}, "hide"),
        RoomFeed(topic) if shown else html.p("hidden"),
    )


@component
def RoomFeed(topic: str) -> Any:
    titles, set_titles = use_state(())
    use_subscription(topic, lambda post: set_titles(lambda t: (*t, post.title)), on=PostCreated)
    return html.ul({"id": "feed"}, [html.li({"key": t}, t) for t in titles])


async def test_a_subscription_follows_its_component_and_holds_no_task_of_its_own():
    def subscribers(pubsub: PubSub) -> dict[str, int]:
        return {topic: len(subs) for topic, subs in pubsub._topics.items() if subs}

    async def settled(pubsub: PubSub, expected: dict[str, int]) -> None:
        with anyio.fail_after(2):
            while subscribers(pubsub) != expected:
                await anyio.sleep(0.01)

    async with PubSub("memory://") as pubsub:
        ember = Ember(LiveSettings(secret_key=SECRET), pubsub=pubsub)
        app = FastAPI()
        ember.mount(app, "/rooms", Switchable)
        async with LiveClient(app) as client:
            page = await client.live("/rooms")
            await settled(pubsub, {"room:a": 1})
            # No task runs while subscribed: messages go straight into the mailbox.
            names = [task.get_name() for task in asyncio.all_tasks()]
            assert not [name for name in names if "subscription" in name]
            await pubsub.broadcast("room:a", PostCreated(title="first"))
            await page.wait_for(lambda p: p.find("#feed").text() == "first")

            await page.click("#room-b")
            await settled(pubsub, {"room:b": 1})
            await pubsub.broadcast("room:b", PostCreated(title="second"))
            await page.wait_for(lambda p: "second" in p.find("#feed").text())

            await page.click("#hide")
            await settled(pubsub, {})
            await page.close()


@component
def Labelled() -> Any:
    """A feed whose handler reads a state of the render it was made in (its label)."""
    label, set_label = use_state("a")
    seen, set_seen = use_state(())
    use_subscription("posts", lambda post: set_seen((*seen, f"{label}:{post.title}")))
    return html.div(
        html.button({"id": "relabel", "onClick": lambda event: set_label("b")}, "relabel"),
        html.p({"id": "seen"}, " ".join(seen)),
        html.p({"id": "label"}, label),
    )


async def test_a_subscription_calls_the_handler_of_the_latest_render_and_subscribes_once():
    async with PubSub("memory://") as pubsub:
        ember = Ember(LiveSettings(secret_key=SECRET), pubsub=pubsub)
        app = FastAPI()
        ember.mount(app, "/labelled", Labelled)
        async with LiveClient(app) as client:
            page = await client.live("/labelled")
            with anyio.fail_after(2):
                while not pubsub._topics.get("posts"):
                    await anyio.sleep(0.01)
            first = list(pubsub._topics["posts"])
            await pubsub.broadcast("posts", PostCreated(title="one"))
            await page.wait_for(lambda p: p.find("#seen").text() == "a:one")
            await page.click("#relabel")
            await page.wait_for(lambda p: p.find("#label").text() == "b")
            await pubsub.broadcast("posts", PostCreated(title="two"))
            await page.wait_for(lambda p: p.find("#seen").text() == "a:one b:two")
            # Three renders later, still the subscription the first connected render opened.
            assert list(pubsub._topics["posts"]) == first
            await page.close()
        assert not pubsub._topics.get("posts")


held: dict[str, asyncio.Event] = {}


@component
def Stuck() -> Any:
    """A feed whose button's handler stays suspended until the test lets it go, so the
    session's mailbox takes no message meanwhile."""
    seen, set_seen = use_state(0)
    use_subscription("posts", lambda post: set_seen(lambda n: n + 1), on=PostCreated)

    async def hold(event: Any) -> None:
        held["started"].set()
        await held["gate"].wait()

    return html.div(
        html.button({"id": "hold", "onClick": hold}, "hold"),
        html.p({"id": "seen"}, str(seen)),
    )


async def test_a_session_that_cannot_keep_up_is_cut_off_and_others_get_every_message(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    from ember.live.server import _session

    monkeypatch.setattr(_session, "SUBSCRIPTION_BACKLOG", 3)
    held.update(started=asyncio.Event(), gate=asyncio.Event())
    async with PubSub("memory://") as pubsub:
        app, ember = make_app(pubsub)
        ember.mount(app, "/stuck", Stuck)
        async with LiveClient(app) as client:
            stuck = await client.live("/stuck")
            feed = await client.live("/hooks")
            target = stuck.find("#hold").handlers["onClick"]
            await stuck.send_raw(
                orjson.dumps({"type": "layout-event", "target": target, "data": [{}]}).decode()
            )
            with anyio.fail_after(5):
                await held["started"].wait()

            for n in range(4):  # three wait in the stuck mailbox; the fourth cuts it off
                await create_post(pubsub, f"post {n}")
                await feed.wait_for(lambda p, n=n: len(p.find_all("#feed li")) == n + 1)

            assert await stuck.wait_closed() == CloseCode.INTERNAL_ERROR
            assert not [s for s in pubsub._topics["posts"].values() if s.closed]
            assert len(pubsub._topics["posts"]) == 1  # the stuck one was unsubscribed
            held["gate"].set()
    assert "SlowConsumerError" in caplog.text


@message("test.live.tick")
class Tick(BaseModel):
    n: int


@component
def Ticks() -> Any:
    """Every tick in arrival order."""
    seen, set_seen = use_state(())
    use_subscription("ticks", lambda tick: set_seen(lambda s: (*s, tick.n)), on=Tick)
    return html.p({"id": "ticks"}, ",".join(map(str, seen)))


@component
def FailingTicks() -> Any:
    def got(tick: Tick) -> None:
        raise RuntimeError(f"this subscriber fails on tick {tick.n}")

    use_subscription("ticks", got, on=Tick)
    return html.p({"id": "ticks"}, "")


@component
def SlowTicks() -> Any:
    """An async handler that suspends on every message: the next ones wait behind it."""
    seen, set_seen = use_state(())

    async def got(tick: Tick) -> None:
        await asyncio.sleep(0.01)
        set_seen(lambda s: (*s, tick.n))

    use_subscription("ticks", got, on=Tick)
    return html.p({"id": "ticks"}, ",".join(map(str, seen)))


def _ticks(page: Any) -> str:
    return page.find("#ticks").text()


async def _subscribed(pubsub: PubSub, topic: str, count: int) -> None:
    with anyio.fail_after(5):
        while len(pubsub._topics.get(topic, ())) < count:
            await asyncio.sleep(0.01)


async def test_a_burst_of_messages_reaches_every_session_in_order(pubsubs):
    """Deliveries to idle sessions run on the broadcaster's stack, those to busy ones wait
    in their mailbox: either way each session gets every message, in order."""
    first, second = pubsubs
    app, ember = make_app(first)
    ember.mount(app, "/ticks", Ticks)
    ember.mount(app, "/slow", SlowTicks)
    async with LiveClient(app) as client:
        pages = [await client.live("/ticks") for _ in range(3)]
        slow = await client.live("/slow")
        pages += [await client.live("/ticks") for _ in range(2)]
        await _subscribed(first, "ticks", 6)
        for n in range(10):  # back to back: the slow session's mailbox fills up meanwhile
            await second.broadcast("ticks", Tick(n=n))
        second.local_broadcast("ticks", Tick(n=10))  # synchronous, from this task
        expected = ",".join(str(n) for n in range(11 if first is second else 10))
        for page in [*pages, slow]:
            await page.wait_for(lambda p: _ticks(p) == expected)


async def test_a_failing_subscriber_fails_its_session_only(pubsubs, caplog):
    first, second = pubsubs
    app, ember = make_app(first)
    ember.mount(app, "/ticks", Ticks)
    ember.mount(app, "/failing", FailingTicks)
    async with LiveClient(app) as client:
        before = [await client.live("/ticks") for _ in range(2)]
        failing = await client.live("/failing")  # amid the fan-out, not at its end
        after = [await client.live("/ticks") for _ in range(2)]
        await _subscribed(first, "ticks", 5)
        await second.broadcast("ticks", Tick(n=1))
        assert await failing.wait_closed() == CloseCode.INTERNAL_ERROR
        await second.broadcast("ticks", Tick(n=2))
        for page in [*before, *after]:
            await page.wait_for(lambda p: _ticks(p) == "1,2")
            assert page.close_code is None
    assert "this subscriber fails on tick 1" in caplog.text


@component
def RecoverableTick() -> Any:
    last, set_last = use_recoverable_state("last_tick", 0)
    use_subscription("ticks", lambda tick: set_last(tick.n), on=Tick)
    return html.p({"id": "ticks"}, str(last))


class TimedStore(MemoryRecoveryStore):
    """Saves as a store on a network client does: under ``asyncio.timeout``, which belongs
    to the task that enters it, and with a suspension inside."""

    def __init__(self) -> None:
        super().__init__()
        self.saved_from: list[str] = []

    async def save(self, session_id: str, snapshot: bytes, ttl_seconds: int) -> None:
        task = asyncio.current_task()
        self.saved_from.append(task.get_name() if task is not None else "no task")
        async with asyncio.timeout(5):
            await asyncio.sleep(0.01)
            await super().save(session_id, snapshot, ttl_seconds)


async def test_state_a_message_makes_recoverable_is_saved_and_comes_back(pubsubs):
    """A delivery that changes the snapshot saves it from the session's own task (not the
    broadcaster's, whose timeouts and cancel scopes it must not touch), before the
    socket closes."""
    first, second = pubsubs
    store = TimedStore()
    ember = Ember(LiveSettings(secret_key=SECRET), pubsub=first, recovery=store)
    app = FastAPI()
    ember.mount(app, "/recoverable", RecoverableTick)
    async with LiveClient(app) as client:
        page = await client.live("/recoverable")
        await _subscribed(first, "ticks", 1)
        store.saved_from.clear()
        await second.broadcast("ticks", Tick(n=5))
        await page.wait_for(lambda p: _ticks(p) == "5")
        with anyio.fail_after(5):  # saved after the delivery, not only when the socket closes
            while b'"last_tick":5' not in (await store.load(page.session_id) or b""):
                await asyncio.sleep(0.01)
        assert store.saved_from
        assert all(name.startswith("ember channel") for name in store.saved_from), store.saved_from
        await page.reconnect()
        await page.wait_for(lambda p: _ticks(p) == "5")
