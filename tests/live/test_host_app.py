"""Mounting into an existing FastAPI app leaves its OpenAPI schema, its route ids and its
routes as they were (issue 25: a tag-based generate_unique_id_function crashed at start-up)."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse
from typer.testing import CliRunner

from ember.cli import cli
from ember.cli._routes import list_routes
from ember.live import ConfigurationError, Ember
from ember.live.server._client import client_file
from ember.live.testing import LiveClient

from .conftest import Counter


class PrettyJSON(JSONResponse):
    """A custom default_response_class, as apps set for their API."""

    media_type = "application/json; charset=utf-8"


def require_client(x_client: Annotated[str, Header()]) -> str:
    """A root dependency that needs a header on every route of the app."""
    if x_client != "web":
        raise HTTPException(403, "unknown client")
    return x_client


def host_app() -> FastAPI:
    """An app shaped like fastapi/full-stack-fastapi-template's backend."""
    app = FastAPI(
        generate_unique_id_function=lambda route: f"{route.tags[0]}-{route.name}",
        default_response_class=PrettyJSON,
        dependencies=[Depends(require_client)],
    )
    items = APIRouter(prefix="/items", tags=["items"])

    @items.get("/")
    def list_items() -> list[dict[str, Any]]:
        return [{"id": 1}]

    @items.post("/")
    def create_item(item: dict[str, Any]) -> dict[str, Any]:
        return item

    users = APIRouter(tags=["users"])

    @users.get("/me")
    def read_me() -> dict[str, str]:
        return {"name": "ada"}

    app.include_router(items, prefix="/api/v1")
    app.include_router(users, prefix="/api/v1/users")
    return app


async def test_mount_leaves_the_host_openapi_and_routes_unchanged(ember: Ember):
    app = host_app()
    schema_before = app.openapi()
    routes_before = list(list_routes(app.routes))
    app.openapi_schema = None  # built again below, after the mount

    ember.mount(app, "/live/counter", Counter)

    assert app.openapi() == schema_before
    assert set(schema_before["paths"]) == {"/api/v1/items/", "/api/v1/users/me"}
    routes_after = list(list_routes(app.routes))
    assert routes_after[: len(routes_before)] == routes_before
    added = {(line.methods, line.path) for line in routes_after[len(routes_before) :]}
    assert added == {
        ("GET,HEAD", "/live/counter"),
        ("WS", "/live/counter/_ember/ws"),
        ("GET,HEAD", "/live/counter/_ember/static/{name}"),
        ("POST", "/live/counter/_ember/upload/{token}"),  # file uploads, in chunks
    }
    async with LiveClient(app, headers={"x-client": "web"}) as client:
        assert (await client.get("/api/v1/items/")).json() == [{"id": 1}]
        page = await client.live("/live/counter")
        await page.click("#inc")
        assert page.find("#count").text() == "Count: 1"


async def test_the_host_root_dependency_guards_ember_pages_too(ember: Ember):
    # The app's router-level dependencies are its policy: they run for ember's page and
    # socket as for its own routes.
    app = host_app()
    ember.mount(app, "/live/counter", Counter)
    async with LiveClient(app, headers={"x-client": "other"}) as client:
        refused = await client.get("/live/counter")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "unknown client"}


def test_mount_on_an_api_router_is_refused_with_the_full_path_to_use(ember: Ember):
    router = APIRouter(prefix="/items")
    with pytest.raises(ConfigurationError) as refused:
        ember.mount(router, "/live", Counter)  # type: ignore[arg-type]
    assert "Expected the FastAPI app, got an APIRouter" in str(refused.value)
    assert "ember.live.mount(app, '/items/live', ...)" in str(refused.value)


async def test_a_sub_app_mounted_under_a_prefix_serves_its_live_pages(ember: Ember):
    outer = FastAPI()
    inner = FastAPI()
    ember.mount(inner, "/counter", Counter)
    outer.mount("/app", inner)
    async with LiveClient(outer) as client:
        page = await client.live("/app/counter")
        assert page._config["pathPrefix"] == "/app/counter/_ember/"
        assert f'src="/app/counter/_ember/static/{client_file().name}"' in page.static_html
        script = await client.get(f"/app/counter/_ember/static/{client_file().name}")
        assert script.status_code == 200
        await page.click("#inc")
        assert page.find("#count").text() == "Count: 1"


def routes_app() -> FastAPI:
    """For ``ember routes``: included routers, a websocket, a sub-app and a mount."""
    app = host_app()
    live = Ember()
    live.mount(app, "/live/counter", Counter)
    chat = APIRouter(prefix="/chat")

    @chat.websocket("/ws")
    async def chat_socket() -> None:  # pragma: no cover - only listed
        pass

    app.include_router(chat, prefix="/api")
    admin = FastAPI()

    @admin.get("/stats")
    def stats() -> dict[str, int]:  # pragma: no cover - only listed
        return {}

    app.mount("/admin", admin)
    return app


def test_ember_routes_lists_every_route_as_fastapi_resolves_them():
    result = CliRunner().invoke(cli, ["routes", "tests.live.test_host_app:app"])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines()]
    shown = {(parts[0], parts[1]) for parts in lines}
    assert {
        ("GET", "/api/v1/items/"),
        ("POST", "/api/v1/items/"),
        ("GET", "/api/v1/users/me"),
        ("WS", "/api/chat/ws"),
        ("GET", "/admin/stats"),
        ("GET,HEAD", "/live/counter"),
        ("WS", "/live/counter/_ember/ws"),
        ("GET,HEAD", "/live/counter/_ember/static/{name}"),
    } <= shown
    assert not [parts for parts in lines if "?" in parts[0]]


app = routes_app()
