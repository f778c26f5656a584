from __future__ import annotations

import pytest
from fastapi import FastAPI
from reactpy import component, html

from ember.live import ConfigurationError
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


async def test_mount_serves_client_and_shim_statics(counter_app):
    async with LiveClient(counter_app) as client:
        shim = await client.get("/counter/_ember/static/ember.js")
        reactpy_client = await client.get("/counter/_ember/static/index.js")
    assert shim.status_code == 200
    assert "mountReactPy" in shim.text
    assert reactpy_client.status_code == 200


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
