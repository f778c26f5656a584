"""Recoverable state: a view resumes after its socket drops, here or on another worker."""

from __future__ import annotations

import asyncio
import logging

import anyio
import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import html

from ember.live import (
    Ember,
    LiveSettings,
    LiveView,
    MemoryRecoveryStore,
    RedisRecoveryStore,
    on_event,
)
from ember.live.testing import LiveClient

from .apps.signup import FIELDS, SignupForm
from .conftest import Counter

SECRET = "test-secret-key-0123456789"


class WizardState(BaseModel):
    step: int = 1
    answers: list[str] = []


class WizardLive(LiveView):
    recoverable = WizardState
    recoverable_version = 2

    async def mount(self, params, session, socket):
        socket.assign(step=1, answers=[], mounted_at=id(self))

    @classmethod
    def migrate_recoverable(cls, version, data):
        if version == 1:  # version 1 called the list "replies"
            return {"step": data["step"], "answers": data.get("replies", [])}
        return None

    @on_event("answer")
    async def answer(self, params, socket):
        socket.assign(
            step=socket.assigns["step"] + 1, answers=[*socket.assigns["answers"], params["value"]]
        )

    def render(self, assigns):
        return html.main(
            html.p({"id": "step"}, str(assigns["step"])),
            html.p({"id": "answers"}, ",".join(assigns["answers"])),
            html.button({"id": "yes", "onClick": self.on("answer"), "value": "yes"}, "yes"),
        )


def make_app(store) -> tuple[FastAPI, Ember]:
    ember = Ember(LiveSettings(secret_key=SECRET), recovery=store)
    app = FastAPI()
    ember.mount(app, "/signup", SignupForm)
    ember.mount(app, "/wizard", WizardLive)
    return app, ember


async def fill_half(page) -> None:
    for field in FIELDS[:3]:
        await page.change(f"input[name={field}]", f"{field}-value")


def values(page) -> list[str | None]:
    return [page.find(f"input[name={field}]").attr("value") for field in FIELDS]


EXPECTED = ["name-value", "email-value", "city-value", "", "", ""]


async def test_hook_state_is_restored_after_a_reconnect():
    app, _ = make_app(MemoryRecoveryStore())
    async with LiveClient(app) as client:
        page = await client.live("/signup")
        await fill_half(page)
        await page.render()
        await page.reconnect()
        assert values(page) == EXPECTED


async def test_memory_store_lost_with_the_process_means_a_clean_remount():
    app, _ = make_app(MemoryRecoveryStore())
    async with LiveClient(app) as client:
        page = await client.live("/signup")
        await fill_half(page)
        await page.render()
    restarted, _ = make_app(MemoryRecoveryStore())  # a new process: an empty store
    async with LiveClient(restarted) as client:
        await page.reconnect(client)
        assert values(page) == [""] * 6
        assert page.close_code is None


async def test_a_view_without_recoverable_state_writes_no_snapshot():
    store = MemoryRecoveryStore()
    app, ember = make_app(store)
    ember.mount(app, "/counter", Counter)
    async with LiveClient(app) as client:
        page = await client.live("/counter")
        await page.click("#inc")
        tasks = {task.get_name() for task in asyncio.all_tasks()}
        assert not any(name.startswith("ember snapshots") for name in tasks)
        signup = await client.live("/signup")
        await fill_half(signup)
        await signup.render()
        tasks = {task.get_name() for task in asyncio.all_tasks()}
        assert any(name.startswith("ember snapshots") for name in tasks)
        await page.close()
        await signup.close()
    assert len(store) == 1  # the signup form's, not the counter's


@pytest.mark.redis
async def test_another_worker_resumes_the_session_from_redis(redis_url):
    stores = RedisRecoveryStore(redis_url), RedisRecoveryStore(redis_url)
    first, _ = make_app(stores[0])
    second, _ = make_app(stores[1])
    try:
        async with LiveClient(first) as one, LiveClient(second) as two:
            page = await one.live("/signup")
            await fill_half(page)
            await page.render()
            await page.reconnect(two)
            assert values(page) == EXPECTED
            await page.change("input[name=zip]", "12345")
            await page.render()
            await page.reconnect(one)
            assert values(page)[4] == "12345"
    finally:  # an unclosed client warns when collected, in whichever test runs then
        for store in stores:
            await store.close()


async def test_class_view_assigns_are_restored():
    app, _ = make_app(MemoryRecoveryStore())
    async with LiveClient(app) as client:
        page = await client.live("/wizard")
        await page.click("#yes")
        await page.click("#yes")
        await page.render()
        await page.reconnect()
        assert page.find("#step").text() == "3"
        assert page.find("#answers").text() == "yes,yes"


async def test_older_snapshot_is_migrated_by_the_view():
    store = MemoryRecoveryStore()
    app, ember = make_app(store)
    async with LiveClient(app) as client:
        page = await client.live("/wizard")
        await page.click("#yes")
        session_id = next(iter(ember.sessions))
        with anyio.fail_after(2):  # the snapshot of step 2 is written after the render
            while b'"step":2' not in (await store.load(session_id) or b""):
                await anyio.sleep(0.01)
        key = f"{WizardLive.__module__}.{WizardLive.__qualname__}"
        old = {
            "format": 1,
            "views": {key: {"version": 1, "data": {"step": 7, "replies": ["a"]}}},
            "hooks": {},
        }
        import orjson

        await store.save(session_id, orjson.dumps(old), 60)
        await page.reconnect()
        assert page.find("#step").text() == "7"
        assert page.find("#answers").text() == "a"


@pytest.mark.parametrize(
    "snapshot",
    [
        b"not json",
        b'{"format": 99, "views": {}, "hooks": {}}',
        b'{"format": 1, "views": {"tests.live.test_recovery.WizardLive": {"version": 2, "data": {"step": "x"}}}, "hooks": {"name": 5}}',
        b'{"format": 1, "views": {"tests.live.test_recovery.WizardLive": {"version": 0, "data": {}}}, "hooks": {}}',
    ],
)
async def test_bad_or_unmigratable_snapshots_mean_a_fresh_mount_never_a_crash(snapshot, caplog):
    caplog.set_level(logging.INFO, "ember.live")
    store = MemoryRecoveryStore()
    app, ember = make_app(store)
    async with LiveClient(app) as client:
        page = await client.live("/wizard")
        session_id = next(iter(ember.sessions))
        await store.save(session_id, snapshot, 60)
        await page.reconnect()
        assert page.find("#step").text() == "1"
        assert page.close_code is None
        signup = await client.live("/signup")
        assert values(signup) == [""] * 6


async def test_snapshots_expire_after_their_ttl():
    store = MemoryRecoveryStore()
    await store.save("s", b"{}", 0)
    assert await store.load("s") is None
    await store.save("t", b"{}", 60)
    assert await store.load("t") == b"{}"
