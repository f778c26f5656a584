"""docs/examples/integration_app.py, the "done when" of issue 25: an existing app (tag-based
route ids, a bearer-token API with a ``yield`` database dependency, its own lifespan,
routers included with a prefix) mounts ember in one call; its OpenAPI and its routes are
unchanged; 30 open tabs leave its API answering; its LiveClient tests pass on Redis across
event loops; a logged-out browser lands on the login page (tests/browser)."""

from __future__ import annotations

import asyncio
import importlib
import sys
from pathlib import Path

import anyio
import pytest

import ember.live
from ember.cli._routes import list_routes
from ember.live import Ember, LiveSettings
from ember.live.testing import LiveClient
from ember.pubsub import PubSub

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
TABS = 30


@pytest.fixture
def example(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    monkeypatch.setattr(ember.live, "_default", None)
    module = importlib.import_module("integration_app")
    yield module
    sys.modules.pop("integration_app", None)


def use_pubsub(monkeypatch, url: str) -> Ember:
    live = Ember(LiveSettings(secret_key="test-secret-key-0123456789"), pubsub=PubSub(url))
    monkeypatch.setattr(ember.live, "_default", live)
    return live


async def log_in(client: LiveClient) -> dict[str, str]:
    token = (await client.http.post("/api/v1/login/access-token")).json()["access_token"]
    return {"authorization": f"Bearer {token}"}


def test_mounting_leaves_the_openapi_schema_and_the_routes_unchanged(example, tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"
    before = example.create_app(url, live=False)
    after = example.create_app(url)
    assert after.openapi() == before.openapi()
    assert {
        op["operationId"] for path in after.openapi()["paths"].values() for op in path.values()
    } == {
        "items-read_items",
        "items-create_item",
        "login-log_in",
    }
    old = list(list_routes(before.routes))
    new = list(list_routes(after.routes))
    assert new[: len(old)] == old
    assert {line.path for line in new[len(old) :]} == {
        "/live/items",
        "/live/items/_ember/ws",
        "/live/items/_ember/static/{name}",
        "/live/items/_ember/upload/{token}",  # file uploads, in chunks
    }


async def test_thirty_open_tabs_leave_the_api_answering(example, tmp_path):
    app = example.create_app(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
    async with app.router.lifespan_context(app), LiveClient(app) as client:
        headers = await log_in(client)
        pages = [await client.live("/live/items") for _ in range(TABS)]
        assert app.state.engine.pool.checkedout() == 0
        with anyio.fail_after(2):
            response = await client.http.post(
                "/api/v1/items/", json={"title": "tea"}, headers=headers
            )
        assert response.status_code == 200
        for page in pages:
            await page.wait_for("li")
        assert {page.find("#items").text() for page in pages} == {"tea"}
        with anyio.fail_after(2):
            assert (await client.http.get("/api/v1/items/", headers=headers)).json() == ["tea"]


async def test_a_logged_out_page_goes_to_the_login_page(example, tmp_path):
    app = example.create_app(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")
    async with app.router.lifespan_context(app), LiveClient(app) as client:
        response = await client.get("/live/items")
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/live/items"
        assert (await client.get("/api/v1/items/")).status_code == 401  # the API as it was


@pytest.mark.redis
def test_live_client_tests_pass_on_redis_across_event_loops(
    example, tmp_path, redis_url, monkeypatch
):
    live = use_pubsub(monkeypatch, redis_url)
    app = example.create_app(f"sqlite+aiosqlite:///{tmp_path / 'app.db'}")

    async def one_test(title: str) -> None:  # what pytest runs, each on a loop of its own
        async with app.router.lifespan_context(app), LiveClient(app) as client:
            headers = await log_in(client)
            page = await client.live("/live/items")
            await client.http.post("/api/v1/items/", json={"title": title}, headers=headers)
            await page.wait_for(lambda page: title in page.find("#items").text())

    asyncio.run(one_test("first loop"))
    asyncio.run(one_test("second loop"))
    assert not live.pubsub.started  # the lifespan stopped it each time
