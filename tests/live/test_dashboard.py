from __future__ import annotations

import re
import uuid

from fastapi import FastAPI, HTTPException
from fastapi.requests import HTTPConnection
from pydantic import BaseModel

from ember.live import Ember, LiveSettings
from ember.live.dashboard import install_dashboard
from ember.live.testing import LiveClient
from ember.pubsub import message

from .conftest import Counter


def admins_only(connection: HTTPConnection) -> str:
    if connection.headers.get("x-role") != "admin":
        raise HTTPException(status_code=403, detail="admins only")
    return "admin"


async def test_dashboard_is_guarded_and_shows_live_numbers(ember):
    app = FastAPI()
    ember.mount(app, "/counter", Counter)
    stats = install_dashboard(app, ember, guard=admins_only, interval=0.05)
    try:
        async with LiveClient(app) as visitor:
            assert (await visitor.get("/dashboard")).status_code == 403
        async with LiveClient(app, headers={"x-role": "admin"}) as client:
            board = await client.live("/dashboard")
            counters = [await client.live("/counter") for _ in range(3)]
            for page in counters:
                await page.click("#inc")
            await board.wait_for(
                lambda p: p.find("#total-sessions").text() == "4 sessions connected"
            )
            await board.wait_for(lambda p: p.has("#sessions td", text="/counter"))
            await board.wait_for(lambda p: p.has("#rates td", text="/counter"))
            await board.wait_for(lambda p: p.has("#slowest td", text=":onClick"))
            await counters[0].close()
            await board.wait_for(
                lambda p: p.find("#total-sessions").text() == "3 sessions connected"
            )
    finally:
        stats.close()


async def test_dashboard_shows_sessions_presence_and_sql(ember, tmp_path):
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from ember.live import instrument_engine
    from ember.pubsub import Presence, PubSub

    app = FastAPI()
    ember.mount(app, "/counter", Counter)
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    remove = instrument_engine(engine)
    async with PubSub("memory://") as pubsub, Presence(pubsub) as presence:
        await presence.track("lobby", "ada", {"name": "Ada"})
        await presence.track("lobby", "grace", {"name": "Grace"})
        stats = install_dashboard(
            app, ember, interval=0.05, presence=presence, presence_topics=["lobby"]
        )
        try:
            async with LiveClient(app) as client:
                board = await client.live("/dashboard")
                counter = await client.live("/counter")
                await counter.click("#inc")
                async with engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
                await board.wait_for(lambda p: p.has("#presence td", text="lobby"))
                assert [e.text() for e in board.find_all("#presence td")] == ["lobby", "2"]
                await board.wait_for(lambda p: "1 SQL statements" in p.find("#queries").text())
                await board.wait_for(lambda p: p.has("#per-session td", text="/counter"))
                assert "KiB" in board.find("#memory").text()
        finally:
            stats.close()
            remove()
            await engine.dispose()


@message("test.dashboard.note")
class Note(BaseModel):
    text: str


async def test_dashboard_shows_pubsub_lag_and_broadcasts(two_workers):
    here, elsewhere = two_workers
    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"), pubsub=here)
    app = FastAPI()
    stats = install_dashboard(app, ember, interval=0.05)
    room = f"room:{uuid.uuid4().hex}"
    try:
        async with LiveClient(app) as client:
            board = await client.live("/dashboard")
            assert "no messages from other workers yet" in board.find("#pubsub-lag").text()
            sub = await here.subscribe(room, types=[Note])
            await here.broadcast(room, Note(text="from here"))
            await elsewhere.broadcast(room, Note(text="from another worker"))
            assert (await anext(sub)).text == "from here"
            assert (await anext(sub)).text == "from another worker"
            await board.wait_for(lambda p: "last" in p.find("#pubsub-lag").text())
            shown = re.fullmatch(
                r"PubSub lag: last ([\d.]+) ms, median ([\d.]+) ms, p99 ([\d.]+) ms",
                board.find("#pubsub-lag").text(),
            )
            assert shown is not None, board.find("#pubsub-lag").text()
            assert all(0 <= float(ms) < 5_000 for ms in shown.groups())
            assert board.find("#broadcasts").text() == "1 PubSub broadcasts"
    finally:
        stats.close()


async def test_dashboard_shows_the_pools_and_statements_of_given_engines(ember, tmp_path):
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    app = FastAPI()
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{tmp_path / 'pool.db'}", pool_size=1, max_overflow=2
    )
    stats = install_dashboard(app, ember, interval=0.05, engines=[engine])
    try:
        async with LiveClient(app) as client:
            board = await client.live("/dashboard")
            assert [td.text() for td in board.find_all("#pools td")][1:] == ["0", "1", "0"]
            async with engine.connect() as first, engine.connect() as second:
                await first.execute(text("SELECT 1"))
                await second.execute(text("SELECT 2"))
                await board.wait_for(
                    lambda p: [td.text() for td in p.find_all("#pools td")][1:] == ["2", "1", "1"]
                )
                assert "pool.db" in board.find_all("#pools td")[0].text()
                await board.wait_for(lambda p: "2 SQL statements" in p.find("#queries").text())
            await board.wait_for(  # the overflow connection is closed when it comes back
                lambda p: [td.text() for td in p.find_all("#pools td")][1:] == ["0", "1", "0"]
            )
    finally:
        stats.close()
        await engine.dispose()


async def test_dashboard_lists_event_loop_stalls_with_where_the_loop_was():
    import time

    from reactpy import component, html

    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789", loop_lag_threshold_ms=50))

    @component
    def Hog():
        async def hold(event):
            time.sleep(0.2)  # blocks the loop on purpose  # noqa: ASYNC251

        return html.button({"id": "hog", "onClick": hold}, "hog")

    app = FastAPI()
    ember.mount(app, "/hog", Hog)
    stats = install_dashboard(app, ember, interval=0.05)
    try:
        async with LiveClient(app) as client:
            board = await client.live("/dashboard")
            hog = await client.live("/hog")
            await hog.click("#hog")
            await board.wait_for(lambda p: p.has("#stalls td", text="/hog handler"))
            assert board.has("#stalls td", text="in hold")
    finally:
        stats.close()
