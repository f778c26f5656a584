"""Telemetry: the runtime's events reach subscribers with durations and metadata."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import html

from ember.live import (
    AsyncResult,
    Ember,
    LiveSettings,
    LiveView,
    Telemetry,
    TelemetryEvent,
    on_async,
    on_event,
    on_info,
    telemetry,
)
from ember.live.testing import LiveClient
from ember.pubsub import PubSub, message


@message("test.telemetry.ping")
class Ping(BaseModel):
    n: int


class Probe(LiveView):
    async def mount(self, params, session, socket):
        socket.assign(n=0, result=AsyncResult.loading())
        if socket.connected:
            await socket.subscribe("probe", types=[Ping])

    @on_event("inc")
    async def inc(self, params, socket):
        socket.update("n", lambda n: n + 1)

    @on_event("work")
    async def work(self, params, socket):
        async def compute():
            return 42

        socket.start_async("compute", compute)

    @on_async("compute")
    async def computed(self, result, socket):
        socket.assign(result=result)

    @on_info(Ping)
    async def pinged(self, ping, socket):
        socket.update("n", lambda n: n + ping.n)

    def render(self, assigns):
        return html.main(
            html.p({"id": "n"}, str(assigns["n"])),
            html.button({"id": "inc", "onClick": self.on("inc")}, "+"),
            html.button({"id": "work", "onClick": self.on("work")}, "work"),
        )


@pytest.fixture
def events():
    seen: list[TelemetryEvent] = []
    unsubscribe = telemetry.subscribe("ember.live", seen.append)
    yield seen
    unsubscribe()


async def test_every_live_event_fires_with_sane_values(events):
    broadcasts: list[TelemetryEvent] = []
    unsubscribe = telemetry.subscribe("ember.pubsub", broadcasts.append)
    async with PubSub("memory://") as pubsub:
        ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"), pubsub=pubsub)
        app = FastAPI()
        ember.mount(app, "/probe", Probe)
        async with LiveClient(app) as client:
            page = await client.live("/probe")
            await page.click("#inc")
            await page.click("#work")
            await pubsub.broadcast("probe", Ping(n=5))
            await page.wait_for(lambda p: p.find("#n").text() == "6")
            await page.close()
    unsubscribe()
    # The PubSub an Ember is given is instrumented by it: no extra call needed.
    by_name = {e.name: e for e in broadcasts}
    assert sorted(by_name) == ["ember.pubsub.broadcast", "ember.pubsub.deliver"]
    assert len(broadcasts) == 2
    assert by_name["ember.pubsub.broadcast"].metadata["topic"] == "probe"
    assert by_name["ember.pubsub.deliver"].metadata["subscribers"] == 1
    names = {event.name for event in events}
    assert {
        "ember.live.mount",
        "ember.live.handle_params",
        "ember.live.handle_event",
        "ember.live.handle_info",
        "ember.live.async",
        "ember.live.deliver",
        "ember.live.send",
        "ember.live.session",
        "ember.live.render",
    } <= names
    for event in events:
        assert 0 <= event.duration_ms < 5_000, event
    mounts = [e for e in events if e.name == "ember.live.mount"]
    assert [e.metadata["connected"] for e in mounts] == [False, True]
    handled = [e for e in events if e.name == "ember.live.handle_event"]
    assert all(e.metadata["ok"] and e.metadata["view"] == "/probe" for e in handled)
    sends = [e for e in events if e.name == "ember.live.send"]
    assert all(e.metadata["bytes"] > 0 for e in sends)
    asyncs = [e for e in events if e.name == "ember.live.async"]
    assert asyncs[0].metadata["work"] == "compute"
    assert asyncs[0].metadata["ok"] is True
    lifecycle = [e.metadata["event"] for e in events if e.name == "ember.live.session"]
    assert lifecycle == ["connected", "closed"]


def test_prefix_subscriptions_and_failing_handlers_are_detached(caplog):
    registry = Telemetry()
    seen: list[str] = []
    registry.subscribe("a", lambda e: seen.append("prefix " + e.name))
    registry.subscribe("a.b", lambda e: seen.append("exact " + e.name))

    def broken(event):
        raise RuntimeError("bad handler")

    registry.subscribe("a.b", broken)
    registry.emit("a.b", 1.0, x=1)
    registry.emit("a.b", 1.0, x=2)
    registry.emit("ab", 1.0)
    assert seen == ["exact a.b", "prefix a.b", "exact a.b", "prefix a.b"]
    failures = [r for r in caplog.records if r.exc_info and "bad handler" in str(r.exc_info[1])]
    assert len(failures) == 1


def test_span_measures_and_reports_failure():
    registry = Telemetry()
    seen: list[TelemetryEvent] = []
    registry.subscribe("x", seen.append)
    with registry.span("x.work", item=3) as extra:
        extra["rows"] = 7
    with pytest.raises(ValueError, match="no"), registry.span("x.fail"):
        raise ValueError("no")
    assert seen[0].metadata == {"item": 3, "ok": True, "rows": 7}
    assert seen[1].metadata["ok"] is False
    assert seen[0].duration_ms >= 0


async def test_instrumented_engine_reports_every_query(tmp_path):
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from ember.live import instrument_engine

    registry = Telemetry()
    seen: list[TelemetryEvent] = []
    registry.subscribe("ember.data", seen.append)
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'q.db'}")
    remove = instrument_engine(engine, registry)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
            await conn.execute(text("INSERT INTO t VALUES (1), (2)"))
            rows = (await conn.execute(text("SELECT x FROM t"))).all()
        assert [r.x for r in rows] == [1, 2]
        statements = [e.metadata["statement"] for e in seen if e.name == "ember.data.query"]
        assert statements[-3:] == [
            "CREATE TABLE t (x INTEGER)",
            "INSERT INTO t VALUES (1), (2)",
            "SELECT x FROM t",
        ]
        assert all(e.duration_ms >= 0 for e in seen)
        remove()
        async with engine.begin() as conn:
            await conn.execute(text("SELECT 1"))
        assert "SELECT 1" not in [e.metadata["statement"] for e in seen]
    finally:
        await engine.dispose()


async def test_instrumenting_an_engine_twice_reports_each_query_once(tmp_path):
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from ember.live import instrument_engine

    registry = Telemetry()
    seen: list[TelemetryEvent] = []
    registry.subscribe("ember.data.query", seen.append)
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'twice.db'}")
    try:
        first, second = instrument_engine(engine, registry), instrument_engine(engine, registry)
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            first()
            first()  # a second call of one remover does not release the other's
            await conn.execute(text("SELECT 2"))
            second()
            await conn.execute(text("SELECT 3"))
        assert [e.metadata["statement"] for e in seen] == ["SELECT 1", "SELECT 2"]
    finally:
        await engine.dispose()


async def test_instrumented_pubsub_reports_broadcasts_and_deliveries_with_lag():
    from ember.live import instrument_pubsub

    registry = Telemetry()
    seen: list[TelemetryEvent] = []
    registry.subscribe("ember.pubsub", seen.append)
    bus = "memory://test-instrumented-pubsub"
    async with PubSub(bus) as sender, PubSub(bus) as receiver:
        removers = [instrument_pubsub(sender, registry), instrument_pubsub(receiver, registry)]
        removers.append(instrument_pubsub(receiver, registry))  # twice: one event each still
        sub = await receiver.subscribe("room:1", types=[Ping])
        await sender.broadcast("room:1", Ping(n=1))
        assert await anext(sub) == Ping(n=1)
        for remove in removers:
            remove()
        await sender.broadcast("room:1", Ping(n=2))
        assert await anext(sub) == Ping(n=2)
    assert [e.name for e in seen] == ["ember.pubsub.broadcast", "ember.pubsub.deliver"]
    broadcast, deliver = seen
    assert broadcast.metadata["topic"] == "room:1"
    assert broadcast.metadata["tag"] == "test.telemetry.ping"
    assert broadcast.metadata["bytes"] > len('{"n":1}')
    assert deliver.metadata["subscribers"] == 1
    assert deliver.metadata["remote"] is True
    assert 0 <= deliver.metadata["lag_ms"] < 5_000
