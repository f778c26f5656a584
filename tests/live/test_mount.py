from __future__ import annotations

import json
import re

import pytest
from fastapi import FastAPI
from reactpy import component, html

from ember.live import ConfigurationError
from ember.live.server._client import client_file
from ember.live.testing import LiveClient, LiveTestError

from .conftest import Counter


async def test_counter_get_returns_server_rendered_html(counter_app):
    async with LiveClient(counter_app) as client:
        response = await client.get("/counter")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<p id="count">Count: 0</p>' in response.text
    assert "data-ember-root" in response.text


async def test_counter_click_over_websocket_increments(counter_app):
    async with LiveClient(counter_app) as client:
        page = await client.live("/counter")
        assert page.find("#count").text() == "Count: 0"
        await page.click("#inc")
        await page.click("#inc")
        assert page.find("#count").text() == "Count: 2"


async def test_counter_app_json_route_still_works(counter_app):
    async with LiveClient(counter_app) as client:
        await client.live("/counter")
        response = await client.get("/api/health")
    assert response.json() == {"ok": True}


async def test_mount_serves_one_client_file_hashed_cached_and_compressed(counter_app):
    async with LiveClient(counter_app) as client:
        page = await client.get("/counter")
        src = re.search(r'<script src="([^"]+)" defer></script>', page.text)
        assert src is not None
        assert f'<link rel="preload" href="{src[1]}" as="script">' in page.text
        assert "<script>" not in page.text
        assert "importmap" not in page.text
        hashed = await client.http.get(src[1], headers={"accept-encoding": "gzip"})
        plain = await client.get("/counter/_ember/static/ember.js")
        again = await client.http.get(src[1], headers={"if-none-match": hashed.headers["etag"]})
        other = await client.get("/counter/_ember/static/index.js")
    assert re.fullmatch(r"/counter/_ember/static/ember\.[0-9a-f]{12}\.js", src[1])
    assert hashed.status_code == 200
    assert hashed.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert hashed.headers["content-encoding"] == "gzip"
    assert hashed.headers["content-type"].startswith("text/javascript")
    assert len(hashed.content) == len(plain.content)  # httpx decoded it
    assert hashed.text == plain.text
    assert "createClient" in plain.text
    assert plain.headers["cache-control"] == "no-cache"
    assert again.status_code == 304
    assert other.status_code == 404  # ReactPy's client is no longer served


def test_client_file_is_at_most_12_kb_gzipped():
    client = client_file()
    assert len(client.gzipped) <= 12 * 1024, len(client.gzipped)


async def test_two_mounts_in_one_app_keep_separate_state(ember):
    app = FastAPI()

    @component
    def Hello():
        return html.h1("hello")

    ember.mount(app, "/a", Counter)
    ember.mount(app, "/b", Hello, title="Greeting")
    async with LiveClient(app) as client:
        a = await client.live("/a")
        b = await client.live("/b")
        await a.click("#inc")
        assert a.find("#count").text() == "Count: 1"
        assert b.find("h1").text() == "hello"
        assert "<title>Greeting</title>" in b.static_html


@pytest.mark.parametrize("path", ["counter", "/counter/", ""])
def test_mount_rejects_malformed_paths(ember, path):
    with pytest.raises(ConfigurationError, match="Expected a mount path"):
        ember.mount(FastAPI(), path, Counter)


def test_mount_rejects_a_non_view(ember):
    with pytest.raises(ConfigurationError, match="Expected a LiveView subclass"):
        ember.mount(FastAPI(), "/x", 42)  # type: ignore[arg-type]


async def test_live_on_a_plain_route_says_it_is_not_an_ember_page(counter_app):
    async with LiveClient(counter_app) as client:
        with pytest.raises(LiveTestError, match="without an ember view"):
            await client.live("/api/health")


async def test_default_mount_function_uses_the_shared_ember():
    import ember.live as live

    app = FastAPI()
    mounted = live.mount(app, "/shared", Counter)
    assert mounted in live.default_ember().mounts
    async with LiveClient(app) as client:
        page = await client.live("/shared")
        await page.click("#inc")
        assert page.find("#count").text() == "Count: 1"


async def test_server_acks_each_event_once_its_renders_are_sent(counter_app):
    async with LiveClient(counter_app) as client:
        page = await client.live("/counter")
        target = page.find("#inc").handlers["onClick"]
        for seq, to in ((7, target), (8, "no-such-handler")):  # a stale event is acked too
            frame = {"type": "layout-event", "target": to, "data": [{"type": "click"}], "seq": seq}
            await page.send_raw(json.dumps(frame))
        await page.render()
    assert page.acks in ([7, 8], [8])  # an ack covers every earlier event
    assert page.find("#count").text() == "Count: 1"


async def test_server_sends_one_message_per_click_the_patch_carrying_its_ack(counter_app):
    async with LiveClient(counter_app) as client:
        page = await client.live("/counter")
        received: list[dict] = []
        apply = page._apply

        def record(message: dict) -> None:
            received.append(message)
            apply(message)

        page._apply = record  # type: ignore[method-assign]
        target = page.find("#inc").handlers["onClick"]
        frame = {"type": "layout-event", "target": target, "data": [{"type": "click"}], "seq": 3}
        await page.send_raw(json.dumps(frame))
        await page.render()
    events = [m for m in received if m["type"] != "ember-pong"]
    assert [(m["type"], m.get("ack")) for m in events] == [("ember-patch", 3)]
    assert page.acks == [3]
    assert page.find("#count").text() == "Count: 1"
