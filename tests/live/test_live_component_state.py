"""LiveComponent: recoverable assigns after a reconnect (this worker or another) and
start_async work whose outcome reaches the component only."""

from __future__ import annotations

import logging
from collections import Counter as Tally

import anyio
import orjson
import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import html

from ember.live import (
    AsyncResult,
    Ember,
    LiveComponent,
    LiveSettings,
    LiveView,
    MemoryRecoveryStore,
    RedisRecoveryStore,
    live_component,
    on_async,
    on_event,
)
from ember.live.testing import LiveClient

SECRET = "test-secret-key-0123456789"
renders: Tally[str] = Tally()
gate = {"open": anyio.Event()}


class DraftState(BaseModel):
    draft: str = ""
    editing: bool = False


class Draft(LiveComponent):
    """Keeps a draft across reconnects; `saved` (not recoverable) does not come back."""

    recoverable = DraftState
    recoverable_version = 2

    @classmethod
    def migrate_recoverable(cls, version, data):
        if version == 1:  # version 1 called the draft "text"
            return {"draft": data.get("text", ""), "editing": True}
        return None

    def mount(self, socket):
        socket.assign(draft="", editing=False, saved=0)

    @on_event("edit")
    async def edit(self, params, socket):
        socket.assign(editing=True)

    @on_event("type")
    async def type(self, params, socket):
        socket.assign(draft=params["value"])

    @on_event("save")
    async def save(self, params, socket):
        socket.update("saved", lambda n: n + 1)

    @on_event("boom")
    async def boom(self, params, socket):
        raise RuntimeError("the draft broke")

    def render(self, assigns):
        name = assigns["id"]
        return html.div(
            {"id": f"draft-{name}"},
            html.p({"className": "label"}, assigns["label"]),
            html.p({"className": "state"}, "editing" if assigns["editing"] else "shown"),
            html.input({"value": assigns["draft"], "onChange": self.on("type")}),
            html.p({"className": "saved"}, str(assigns["saved"])),
            html.button({"className": "edit", "onClick": self.on("edit")}, "edit"),
            html.button({"className": "save", "onClick": self.on("save")}, "save"),
            html.button({"className": "boom", "onClick": self.on("boom")}, "boom"),
        )


class Drafts(LiveView):
    async def mount(self, params, session, socket):
        socket.assign(shown=["a", "b"], title="Drafts")

    @on_event("drop")
    async def drop(self, params, socket):
        socket.assign(shown=["b"] if socket.assigns["shown"] == ["a", "b"] else ["a", "b"])

    def render(self, assigns):
        return html.main(
            html.h1({"id": "title"}, assigns["title"]),
            html.button({"id": "drop", "onClick": self.on("drop")}, "drop a"),
            [live_component(Draft, name, label=f"{name}!") for name in assigns["shown"]],
        )


class Lookup(LiveComponent):
    """Looks a word up in the background; its outcome reaches this component only."""

    def mount(self, socket):
        socket.assign(result=None, others=0)

    @on_event("look")
    async def look(self, params, socket):
        word = params["value"]

        async def work() -> str:
            if word == "fail":
                raise ValueError("no such word")
            if word == "wait":
                await gate["open"].wait()
            return word.upper()

        socket.assign(result=AsyncResult.loading())
        socket.start_async("lookup", work)

    @on_event("other")
    async def other(self, params, socket):
        async def work() -> int:
            return 1

        socket.start_async("other", work)

    @on_async("lookup")
    async def looked(self, result, socket):
        if result.ok and result.result == "BOOM":
            raise RuntimeError("the lookup handler broke")
        socket.assign(result=result)

    async def handle_async(self, name, result, socket):  # "other" has no @on_async
        socket.update("others", lambda n: n + result.result)

    def render(self, assigns):
        renders[assigns["id"]] += 1
        result = assigns["result"]
        if result is None:
            shown = "none"
        elif result.is_loading:
            shown = "loading"
        elif result.ok:
            shown = f"ok {result.result}"
        else:
            shown = f"failed {result.error}"
        return html.div(
            {"id": f"lookup-{assigns['id']}"},
            html.input({"className": "word", "onChange": self.on("look")}),
            html.button({"className": "other", "onClick": self.on("other")}, "other"),
            html.p({"className": "result"}, shown),
            html.p({"className": "others"}, str(assigns["others"])),
        )


class Clock(LiveComponent):
    """Starts its work in mount: the outcome arrives once the socket is connected."""

    def mount(self, socket):
        socket.assign(time="unknown")

        async def read() -> str:
            return "noon"

        socket.start_async("read", read)

    @on_async("read")
    def read(self, result, socket):  # a def: runs in a worker thread
        socket.assign(time=result.result)

    def render(self, assigns):
        return html.p({"id": "clock"}, assigns["time"])


class Lookups(LiveView):
    async def mount(self, params, session, socket):
        socket.assign(note="", shown=True)

    @on_event("note")
    async def note(self, params, socket):
        socket.assign(note=params["value"])

    @on_event("hide")
    async def hide(self, params, socket):
        socket.assign(shown=not socket.assigns["shown"])

    def render(self, assigns):
        renders["view"] += 1
        return html.main(
            html.input({"id": "note", "value": assigns["note"], "onChange": self.on("note")}),
            html.button({"id": "hide", "onClick": self.on("hide")}, "hide"),
            live_component(Lookup, "one") if assigns["shown"] else html.p("hidden"),
            live_component(Lookup, "two"),
            live_component(Clock, "clock"),
        )


def make_app(store) -> tuple[FastAPI, Ember]:
    ember = Ember(LiveSettings(secret_key=SECRET), recovery=store)
    app = FastAPI()
    ember.mount(app, "/drafts", Drafts)
    ember.mount(app, "/lookups", Lookups)
    return app, ember


def draft(page, name: str) -> tuple[str | None, str, str]:
    root = f"#draft-{name}"
    return (
        page.find(f"{root} input").attr("value"),
        page.find(f"{root} .state").text(),
        page.find(f"{root} .saved").text(),
    )


async def type_drafts(page) -> None:
    await page.click("#draft-a .edit")
    await page.change("#draft-a input", "half a thought")
    await page.change("#draft-b input", "bee")
    await page.click("#draft-a .save")
    await page.render()


# -- recovery -----------------------------------------------------------------------------


async def test_component_recoverable_assigns_come_back_after_a_reconnect():
    app, _ = make_app(MemoryRecoveryStore())
    async with LiveClient(app) as client:
        page = await client.live("/drafts")
        await type_drafts(page)
        await page.reconnect()
        # The recoverable fields are back; `saved` is not in the model: mounted afresh.
        assert draft(page, "a") == ("half a thought", "editing", "0")
        assert draft(page, "b") == ("bee", "shown", "0")
        assert page.find("#draft-a .label").text() == "a!"  # the parent's assigns as ever


@pytest.mark.redis
async def test_another_worker_resumes_component_assigns_from_redis(redis_url):
    stores = RedisRecoveryStore(redis_url), RedisRecoveryStore(redis_url)
    first, _ = make_app(stores[0])
    second, _ = make_app(stores[1])
    try:
        async with LiveClient(first) as one, LiveClient(second) as two:
            page = await one.live("/drafts")
            await type_drafts(page)
            await page.reconnect(two)
            assert draft(page, "a") == ("half a thought", "editing", "0")
            await page.change("#draft-b input", "bees")
            await page.render()
            await page.reconnect(one)
            assert draft(page, "b")[0] == "bees"
    finally:
        for store in stores:
            await store.close()


async def test_failed_component_is_not_restored_and_others_are(caplog):
    app, _ = make_app(MemoryRecoveryStore())
    async with LiveClient(app) as client:
        page = await client.live("/drafts")
        await type_drafts(page)
        with caplog.at_level(logging.ERROR, logger="ember.live"):
            await page.click("#draft-a .boom")
        assert not page.has("#draft-a")
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="ember.live"):
            await page.reconnect()
        assert draft(page, "a") == ("", "shown", "0")
        assert draft(page, "b")[0] == "bee"
        assert "dropped" not in caplog.text  # a forgotten entry is not a bad snapshot


async def test_older_component_snapshot_is_migrated_and_a_bad_one_dropped(caplog):
    store = MemoryRecoveryStore()
    app, ember = make_app(store)
    key = f"component:{Draft.__module__}.{Draft.__qualname__}"
    async with LiveClient(app) as client:
        page = await client.live("/drafts")
        session_id = next(iter(ember.sessions))
        old = {
            "format": 1,
            "views": {
                f"{key}:a": {"version": 1, "data": {"text": "from v1"}},
                f"{key}:b": {"version": 2, "data": {"draft": ["not", "text"]}},
            },
            "hooks": {},
        }
        await store.save(session_id, orjson.dumps(old), 60)
        with caplog.at_level(logging.WARNING, logger="ember.live"):
            await page.reconnect()
        assert draft(page, "a") == ("from v1", "editing", "0")
        assert draft(page, "b") == ("", "shown", "0")
        assert "Draft 'b' dropped the snapshot" in caplog.text
        assert page.close_code is None


@pytest.mark.parametrize("entry", ["a draft", [2], 7, True])
async def test_component_snapshot_entry_that_is_not_a_dict_is_dropped_with_a_warning(entry, caplog):
    key = f"component:{Draft.__module__}.{Draft.__qualname__}:a"
    snapshot = orjson.dumps({"format": 1, "views": {key: entry}, "hooks": {}})
    store = MemoryRecoveryStore()
    app, ember = make_app(store)
    async with LiveClient(app) as client:
        page = await client.live("/drafts")
        await store.save(next(iter(ember.sessions)), snapshot, 60)
        with caplog.at_level(logging.WARNING, logger="ember.live"):
            await page.reconnect()
        assert "Draft 'a' dropped the snapshot" in caplog.text
        assert draft(page, "a") == ("", "shown", "0")
        assert page.close_code is None


async def test_component_that_leaves_and_comes_back_after_a_reconnect_starts_afresh():
    app, _ = make_app(MemoryRecoveryStore())
    async with LiveClient(app) as client:
        page = await client.live("/drafts")
        await type_drafts(page)
        await page.reconnect()
        assert draft(page, "a")[0] == "half a thought"
        await page.click("#drop")  # a leaves the page …
        assert not page.has("#draft-a")
        await page.click("#drop")  # … and comes back: a fresh mount, not the old snapshot
        assert draft(page, "a") == ("", "shown", "0")
        assert draft(page, "b")[0] == "bee"


# -- start_async --------------------------------------------------------------------------


async def test_start_async_outcome_reaches_only_the_component_that_started_it():
    app, _ = make_app(MemoryRecoveryStore())
    async with LiveClient(app) as client:
        page = await client.live("/lookups")
        await page.change("#note", "kept")
        await page.render()
        before = renders.copy()
        await page.change("#lookup-one .word", "ember")
        await page.wait_for(lambda p: p.find("#lookup-one .result").text() == "ok EMBER")
        assert page.find("#lookup-two .result").text() == "none"
        assert renders["view"] == before["view"]
        assert renders["two"] == before["two"]
        await page.click("#lookup-two .other")  # no @on_async: handle_async
        await page.wait_for(lambda p: p.find("#lookup-two .others").text() == "1")


async def test_start_async_failure_is_a_failed_result_and_a_raising_handler_fails_only_it(caplog):
    app, _ = make_app(MemoryRecoveryStore())
    async with LiveClient(app) as client:
        page = await client.live("/lookups")
        await page.change("#note", "kept")
        with caplog.at_level(logging.ERROR, logger="ember.live"):
            await page.change("#lookup-one .word", "fail")
            await page.wait_for(
                lambda p: "failed no such word" in p.find("#lookup-one .result").text()
            )
            await page.change("#lookup-two .word", "boom")
            await page.wait_for(lambda p: not p.has("#lookup-two"))
        assert page.has(".ember-render-error")
        assert page.find("#note").attr("value") == "kept"
        assert page.find("#lookup-one .result").text().startswith("failed")
        assert page.close_code is None
        await page.change("#lookup-one .word", "again")
        await page.wait_for(lambda p: p.find("#lookup-one .result").text() == "ok AGAIN")


async def test_start_async_is_cancelled_when_the_component_leaves_the_page():
    gate["open"] = anyio.Event()
    app, ember = make_app(MemoryRecoveryStore())
    async with LiveClient(app) as client:
        page = await client.live("/lookups")
        await page.change("#lookup-one .word", "wait")
        assert page.find("#lookup-one .result").text() == "loading"
        session = next(iter(ember.sessions.values()))
        assert session._running_tasks == 1
        await page.click("#hide")
        with anyio.fail_after(5):  # the task ends without the gate opening
            while session._running_tasks:
                await anyio.sleep(0.01)
        await page.click("#hide")  # back: a fresh mount, nothing delivered to it
        gate["open"].set()
        await page.render()
        assert page.find("#lookup-one .result").text() == "none"


async def test_start_async_in_mount_waits_for_the_socket_then_delivers():
    app, _ = make_app(MemoryRecoveryStore())
    async with LiveClient(app) as client:
        response = await client.get("/lookups")
        assert 'id="clock">unknown<' in response.text  # the first paint starts nothing
        page = await client.live("/lookups")
        await page.wait_for(lambda p: p.find("#clock").text() == "noon")
