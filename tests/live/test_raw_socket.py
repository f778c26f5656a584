"""The websocket handshake against a real uvicorn process: a mount without dependencies
(its handshake in ASGI messages, past the app's middleware stack when the app has none)
accepts and refuses exactly as a mount with dependencies does, and host middleware and
dependencies still see the sockets they must see."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from urllib.parse import quote_plus, unquote_plus, urlencode

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import QueryParams
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from ember.live import PROTOCOL_VERSION, CloseCode
from ember.live.server._socket import socket_query
from tests._server import Server

CONFIG = re.compile(r"data-ember-config='([^']*)'")


class AppServer(Server):
    QUIET = True

    def __init__(self, app: str, **settings: str) -> None:
        super().__init__(app=f"tests.live.apps.raw_socket_app:{app}")
        self.settings = settings

    def env(self) -> dict[str, str]:
        return {**super().env(), **self.settings}


@pytest.fixture(scope="module")
def server() -> Iterator[AppServer]:
    running = AppServer("app", EMBER_MAX_SESSIONS_PER_IP="3")
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def middleware_server() -> Iterator[AppServer]:
    running = AppServer("app_with_middleware")
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def instrumented_server() -> Iterator[AppServer]:
    running = AppServer("app_instrumented")
    running.start()
    yield running
    running.stop()


async def socket_url(server: AppServer, path: str, *, protocol: int = PROTOCOL_VERSION) -> str:
    """The page's socket URL, with its signed token, as its client would open it."""
    async with httpx.AsyncClient(base_url=server.url) as client:
        page = (await client.get(path)).text
    found = CONFIG.search(page)
    assert found is not None, page[:300]
    config = json.loads(html.unescape(found.group(1)))
    query = urlencode({"path": path, "protocol": protocol})
    return f"ws://127.0.0.1:{server.port}{config['pathPrefix']}{config['componentPath']}&{query}"


async def first_frame(url: str, origin: str | None, **headers: str) -> dict[str, object]:
    """The first message the server sends on a socket to ``url`` (it must be accepted)."""
    async with connect(url, origin=origin, additional_headers=headers) as socket:  # type: ignore[arg-type]
        return dict(json.loads(await socket.recv()))


async def close_code(url: str, origin: str | None, **headers: str) -> int:
    """The code the server closes a socket to ``url`` with, after accepting it."""
    async with connect(url, origin=origin, additional_headers=headers) as socket:  # type: ignore[arg-type]
        with pytest.raises(ConnectionClosed) as closed:  # noqa: PT012 - close follows data
            while True:
                await socket.recv()
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


async def test_a_good_token_is_accepted_and_the_view_is_live(server: AppServer):
    url = await socket_url(server, "/counter")
    async with connect(url, origin=server.url) as socket:  # type: ignore[arg-type]
        first = json.loads(await socket.recv())
        assert first["type"] == "layout-update"
        target = _handler(first["model"], "inc")
        await socket.send(json.dumps({"type": "layout-event", "target": target, "data": [{}]}))
        patch = json.loads(await socket.recv())
        assert patch["type"] == "ember-patch"
        assert "1" in json.dumps(patch["ops"])


async def test_refusals_close_with_the_same_codes(server: AppServer):
    good = await socket_url(server, "/counter")
    assert await close_code(good, "http://evil.example") == CloseCode.FORBIDDEN_ORIGIN
    no_token = f"ws://127.0.0.1:{server.port}/counter/_ember/ws"
    assert await close_code(no_token, server.url) == CloseCode.BAD_TOKEN
    forged = re.sub(r"token=[^&]+", "token=eyJ2IjoxfQ.forged.sig", good)
    assert await close_code(forged, server.url) == CloseCode.BAD_TOKEN
    old_client = await socket_url(server, "/counter", protocol=PROTOCOL_VERSION - 1)
    assert await close_code(old_client, server.url) == CloseCode.BAD_TOKEN
    other_mount = (await socket_url(server, "/whoami")).replace("/whoami/_ember", "/counter/_ember")
    assert await close_code(other_mount, server.url) == CloseCode.BAD_TOKEN


async def test_sessions_past_the_limit_close_with_too_many(server: AppServer):
    urls = [await socket_url(server, "/counter") for _ in range(4)]
    opened = [await connect(url, origin=server.url) for url in urls[:3]]  # type: ignore[arg-type]
    try:
        for socket in opened:
            assert json.loads(await socket.recv())["type"] == "layout-update"
        assert await close_code(urls[3], server.url) == CloseCode.TOO_MANY
    finally:
        for socket in opened:
            await socket.close()


async def test_a_dependency_gets_a_starlette_websocket_and_may_refuse(server: AppServer):
    url = await socket_url(server, "/whoami")
    first = await first_frame(url, server.url, **{"x-user": "ada"})
    assert "ada via WebSocket" in json.dumps(first["model"])
    refused = await socket_url(server, "/whoami")
    assert await close_code(refused, server.url) == CloseCode.BAD_TOKEN


async def test_host_middleware_sees_the_socket_of_a_mount_without_dependencies(
    middleware_server: AppServer,
):
    for path in ("/counter", "/whoami"):
        url = await socket_url(middleware_server, path)
        with pytest.raises(InvalidStatus) as refused:
            await first_frame(url, middleware_server.url, **{"x-refuse": "1", "x-user": "ada"})
        assert refused.value.response.status_code == 403
        url = await socket_url(middleware_server, path)
        first = await first_frame(url, middleware_server.url, **{"x-user": "ada"})
        assert first["type"] == "layout-update"


async def test_pages_past_the_stack_answer_as_through_it(server: AppServer):
    """A page of a mount without dependencies, in an app without middleware, skips the
    stack: it still gets its headers, its errors still reach the app's handlers (and an
    unhandled one FastAPI's 500), and a route of the app's own before it still wins."""
    async with httpx.AsyncClient(base_url=server.url) as client:
        page = await client.get("/counter")
        assert page.status_code == 200
        assert "nosniff" in page.headers["x-content-type-options"]
        assert "nonce-" in page.headers["content-security-policy"]
        assert CONFIG.search(page.text) is not None
        broken = await client.get("/broken")
        assert (broken.status_code, broken.json()) == (410, {"gone": "this page is gone"})
        taken = await client.get("/taken")
        assert (taken.status_code, taken.text) == (200, "the app's own route")
        assert (await client.get("/counter?x=1")).status_code == 200
        assert (await client.post("/counter")).status_code == 405
    first = await first_frame(await socket_url(server, "/counter"), server.url)
    assert first["type"] == "layout-update"


async def test_host_middleware_sees_the_page_of_a_mount_without_dependencies(
    middleware_server: AppServer,
):
    async with httpx.AsyncClient(base_url=middleware_server.url) as client:
        for path in ("/counter", "/whoami"):
            page = await client.get(path)
            assert (page.status_code, page.headers.get("x-host-middleware")) == (200, "1")
        broken = await client.get("/broken")
        assert (broken.status_code, broken.headers.get("x-host-middleware")) == (410, "1")


async def test_a_wrapper_around_the_stack_sees_every_page_and_socket(
    instrumented_server: AppServer,
):
    """A wrapper put around FastAPI's stack before ember mounted (as instrumentations
    patch ``build_middleware_stack``) is no middleware of the app's, and still sees all."""
    async with httpx.AsyncClient(base_url=instrumented_server.url) as client:
        page = await client.get("/counter")
        assert (page.status_code, page.headers.get("x-host-middleware")) == (200, "1")
    url = await socket_url(instrumented_server, "/counter")
    with pytest.raises(InvalidStatus) as refused:
        await first_frame(url, instrumented_server.url, **{"x-refuse": "1"})
    assert refused.value.response.status_code == 403


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(), st.text()), max_size=6), st.sampled_from(["", "&", "&&"]))
def test_the_socket_query_reads_as_starlettes_query_params(pairs, extra):
    """The handshake's own query parser reads what starlette's ``QueryParams`` reads,
    quoted or not, repeated names and stray separators included."""
    quoted = "&".join(f"{quote_plus(name)}={quote_plus(value)}" for name, value in pairs)
    raw = "&".join(f"{name}={value}" for name, value in pairs if "&" not in name + value)
    for query in (quoted + extra, extra + raw, quoted.replace("+", "%20")):
        encoded = query.encode()
        expected = QueryParams(encoded)
        parsed = socket_query({"query_string": encoded})
        assert set(parsed) == set(expected.keys())
        assert all(parsed[name] == expected[name] for name in parsed)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("%+aF0E28zé\u20ac "), max_size=24))
def test_the_socket_query_unquotes_as_unquote_plus_does(text):
    """Broken and partial escapes too: the ASCII shortcut reads as ``unquote_plus``."""
    parsed = socket_query({"query_string": f"name={text}".encode("latin-1", "replace")})
    raw = f"name={text}".encode("latin-1", "replace").decode("latin-1")[5:]
    assert parsed["name"] == unquote_plus(raw, errors="replace")


def _handler(model: dict[str, object], element_id: str) -> str:
    stack = [model]
    while stack:
        node = stack.pop()
        attributes = node.get("attributes") or {}
        handlers = node.get("eventHandlers") or {}
        if isinstance(attributes, dict) and attributes.get("id") == element_id and handlers:
            assert isinstance(handlers, dict)
            return str(next(iter(handlers.values()))["target"])
        children = node.get("children") or []
        assert isinstance(children, list)
        stack.extend(child for child in children if isinstance(child, dict))
    raise AssertionError(f"no element #{element_id} with a handler in {model}")
