"""Limits: a flooding socket slows only itself; per-IP session and handshake caps."""

from __future__ import annotations

import contextlib
import html
import json
import re
import socket
import statistics
import time
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import anyio
import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from websockets.asyncio.client import connect

from ember.live import PROTOCOL_VERSION, CloseCode, Ember, LiveSettings
from ember.live.server._runner import READ_AHEAD_BYTES
from ember.live.serving import WebSocketProtocol
from ember.live.testing import LiveClient, LiveTestError

from .conftest import Counter

SECRET = "test-secret-key-0123456789"


def app_with(**settings) -> tuple[FastAPI, Ember]:
    ember = Ember(LiveSettings(secret_key=SECRET, **settings))
    app = FastAPI()
    ember.mount(app, "/counter", Counter)
    return app, ember


async def click_latency(page, times: int = 10) -> float:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        await page.click("#inc")
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


async def test_a_flood_of_1000_events_per_second_is_throttled_without_slowing_others():
    app, _ = app_with(events_per_second=50, event_burst=20)
    async with LiveClient(app) as client:
        healthy = await client.live("/counter")
        flooder = await client.live("/counter")
        baseline = await click_latency(healthy)
        target = flooder.find("#inc").handlers["onClick"]
        frame = f'{{"type": "layout-event", "target": "{target}", "data": [{{}}]}}'

        async def flood() -> None:
            for _ in range(1000):  # 1,000 events within about a second
                await flooder.send_raw(frame)
                await anyio.sleep(0.001)

        async with anyio.create_task_group() as group:
            started = time.perf_counter()
            group.start_soon(flood)
            await anyio.sleep(0.2)
            during = await click_latency(healthy)
            await anyio.sleep(max(0.0, 1.2 - (time.perf_counter() - started)))
            handled = int(flooder.find("#count").text().split()[-1])
            elapsed = time.perf_counter() - started
            group.cancel_scope.cancel()
        # The flooder got its burst plus its rate, not 1,000.
        assert handled <= 20 + 50 * elapsed + 10
        assert handled >= 20
        # The healthy session's round trip stays within a small bound of its baseline.
        assert during < baseline * 5 + 0.05, (baseline, during)
        assert healthy.close_code is None


async def test_sessions_per_ip_are_capped_with_too_many():
    app, ember = app_with(max_sessions_per_ip=2)
    async with LiveClient(app) as client:
        first = await client.live("/counter")
        await client.live("/counter")
        with pytest.raises(LiveTestError, match=str(CloseCode.TOO_MANY.value)):
            await client.live("/counter")
        await first.close()
        with anyio.fail_after(2):
            while ember.limits.sessions_of("testclient") > 1:
                await anyio.sleep(0.01)
        third = await client.live("/counter")
        await third.click("#inc")
        assert third.find("#count").text() == "Count: 1"


async def test_handshakes_per_ip_window_is_capped():
    app, _ = app_with(max_handshakes_per_ip=3, handshake_window_seconds=60)
    async with LiveClient(app) as client:
        for _ in range(3):
            page = await client.live("/counter")
            await page.close()
        with pytest.raises(LiveTestError, match="4429"):
            await client.live("/counter")


async def test_a_10_mib_frame_is_closed_within_a_second():
    app, _ = app_with()
    async with LiveClient(app) as client:
        page = await client.live("/counter")
        other = await client.live("/counter")
        started = time.perf_counter()
        await page.send_raw(
            '{"type": "layout-event", "target": "x", "data": ["' + "a" * (10 * 1024 * 1024) + '"]}'
        )
        assert await page.wait_closed() == CloseCode.MESSAGE_TOO_BIG
        assert time.perf_counter() - started < 1.0
        await other.click("#inc")
        assert other.find("#count").text() == "Count: 1"


async def test_the_sessions_of_one_address_share_one_event_budget():
    # Regression (fairness): the rate was per socket only, so 50 flooding sockets from one
    # address got 50 times the budget and a bystander's clicks waited behind them.
    app, _ = app_with(
        events_per_second=1000, event_burst=1000, events_per_second_per_ip=50, event_burst_per_ip=20
    )
    async with LiveClient(app) as client:
        flooders = [await client.live("/counter") for _ in range(5)]
        target = flooders[0].find("#inc").handlers["onClick"]
        frame = f'{{"type": "layout-event", "target": "{target}", "data": [{{}}]}}'

        # 300 events: several times what the address may handle within the second (about
        # 80), and all of them within a per-socket budget. Not more: the frames left unread
        # when the test ends are read, at the address's rate, before each socket sees it
        # closed (5 x 200 kept the client's exit waiting 14 s).
        async def flood(page) -> None:
            for _ in range(60):
                await page.send_raw(frame)
                await anyio.sleep(0.001)

        started = time.perf_counter()
        async with anyio.create_task_group() as group:
            for page in flooders:
                group.start_soon(flood, page)
            await anyio.sleep(1.0)
            handled = sum(int(page.find("#count").text().split()[-1]) for page in flooders)
            elapsed = time.perf_counter() - started
            group.cancel_scope.cancel()
        # Five sockets together got one address's burst plus its rate, not 5 x 60.
        assert handled <= 20 + 50 * elapsed + 10, handled
        assert handled >= 20


@contextlib.asynccontextmanager
async def served(app: FastAPI, ping_seconds: float | None = None) -> AsyncIterator[tuple[str, str]]:
    """``app`` on real uvicorn with ember's protocol (which stops reading while frames
    wait); yield the websocket URL of a fresh /counter page and the page's origin."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        config = uvicorn.Config(
            app,
            ws=WebSocketProtocol,
            lifespan="off",
            log_level="warning",
            ws_ping_interval=ping_seconds,
            ws_ping_timeout=ping_seconds,
        )
        server = uvicorn.Server(config)
        async with anyio.create_task_group() as group:
            group.start_soon(server.serve, [listener])
            while not server.started:
                await anyio.sleep(0.01)
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=base) as http:
                page = (await http.get("/counter")).text
            found = re.search(r"data-ember-config='([^']*)'", page)
            assert found is not None, page[:300]
            page_config = json.loads(html.unescape(found.group(1)))
            query = urlencode({"path": "/counter", "protocol": PROTOCOL_VERSION})
            try:
                path = f"{page_config['pathPrefix']}{page_config['componentPath']}&{query}"
                yield f"ws://127.0.0.1:{port}{path}", base
            finally:
                server.should_exit = True


async def ended_within(ember: Ember, limit: float) -> float:
    """Seconds until this address has no session left (``limit`` and more: still there)."""
    left = time.perf_counter()
    with anyio.move_on_after(limit):
        while ember.limits.sessions_of("127.0.0.1"):
            await anyio.sleep(0.01)
    return time.perf_counter() - left


async def test_a_client_that_floods_and_leaves_ends_its_session_at_once():
    # Regression: a session over its rate handled every frame its client had queued, at
    # that rate, before it saw the disconnect behind them: a client that sent 300 frames
    # and left held its session and its address's slot for 15 s here. Real uvicorn (ember's
    # protocol, which stops reading while frames wait), real websocket client; the events
    # name a stale target, so no update goes out whose failed send would end the session.
    app, ember = app_with(events_per_second=20, event_burst=5)
    async with served(app) as (url, origin):
        async with connect(url, origin=origin, close_timeout=0.5) as flooder:
            await flooder.recv()  # the live render: the session is up
            frame = json.dumps({"type": "layout-event", "target": "stale", "data": [{}]})
            for _ in range(300):
                await flooder.send(frame)
            await anyio.sleep(0.2)  # the session is well into its throttled backlog
            assert ember.limits.sessions_of("127.0.0.1") == 1
        assert await ended_within(ember, 3) < 1.0


# Clicks of 4 KiB each (the data a handler would not use, as a hostile client pads them).
PADDED_CLICK = json.dumps(
    {"type": "layout-event", "target": "/0/1:onClick", "data": [{"pad": "x" * 4096}]}
)


async def test_a_flood_beyond_the_read_ahead_is_handled_whole_while_connected():
    # 160 clicks of 4 KiB (640 KiB, 2.5 times READ_AHEAD_BYTES) at once, from a client
    # allowed 100/s: the session reads 256 KiB ahead, the rest waits in the socket, and
    # every click is handled in turn; none is dropped while the client stays.
    assert len(PADDED_CLICK) * 160 > 2 * READ_AHEAD_BYTES
    app, _ = app_with(events_per_second=100, event_burst=5)
    async with served(app) as (url, origin), connect(url, origin=origin) as client:
        first = await client.recv()
        assert '"target":"/0/1:onClick"' in str(first)  # the handler the clicks name
        for _ in range(160):
            await client.send(PADDED_CLICK)
        counts = [0]
        with anyio.fail_after(10):
            while counts[-1] < 160:
                found = re.findall(r"Count: (\d+)", str(await client.recv()))
                counts.extend(int(count) for count in found)
        assert counts[-1] == 160
        assert counts == sorted(counts)  # in order, one click at a time


async def test_a_flood_beyond_the_read_ahead_that_leaves_ends_within_the_keepalive():
    # 1,000 stale events of 4 KiB (4 MiB) and the client leaves. The session has read 256
    # KiB ahead; its disconnect waits behind the rest, in the socket, which at 100/s would
    # take 10 s to read. It ends at the next keepalive ping that goes unanswered (here 1 s
    # apart, 1 s to answer), never after the whole flood.
    app, ember = app_with(events_per_second=100, event_burst=5)
    stale = PADDED_CLICK.replace("/0/1:onClick", "stale")
    async with served(app, ping_seconds=1.0) as (url, origin):
        async with connect(url, origin=origin, close_timeout=0.2) as flooder:
            await flooder.recv()
            for _ in range(1000):
                await flooder.send(stale)
            await anyio.sleep(0.3)
            assert ember.limits.sessions_of("127.0.0.1") == 1
        assert await ended_within(ember, 8) < 4.0


async def test_send_deadlines_of_different_lengths_share_one_loop_and_each_expire_on_time():
    """One timer per loop serves every send in flight: a short deadline started after a
    long one still expires on time, and a send that ended never expires."""
    from ember.live.server._limits import SendDeadline

    expired: list[str] = []
    slow = SendDeadline(0.6, lambda: expired.append("slow"))
    quick = SendDeadline(0.05, lambda: expired.append("quick"))
    done = SendDeadline(0.05, lambda: expired.append("done"))
    slow.begin()
    quick.begin()
    done.begin()
    done.end()
    await anyio.sleep(0.3)
    assert expired == ["quick"]
    assert quick.expired
    assert not slow.expired
    await anyio.sleep(0.5)
    assert expired == ["quick", "slow"]
    assert not done.expired
