"""A session token is not a key to someone else's session (issue 23, case 3): it is bound to
the identity its page was rendered for, and serves one live socket at a time."""

from __future__ import annotations

import logging
import re
from html import unescape
from typing import Any

import anyio
import httpx
import pytest
from fastapi import FastAPI
from fastapi.requests import HTTPConnection
from reactpy import component, html

from ember.live import PROTOCOL_VERSION, CloseCode, Ember, LiveSettings, use_session
from ember.live.api._asgi_socket import AsgiWebSocket, SocketClosed
from ember.live.server._token import identity_fingerprint

TOKEN = re.compile(r"token=([^&\"']+)")


def current_user(connection: HTTPConnection) -> str | None:
    return connection.headers.get("x-user")


@component
def Whoami() -> Any:
    return html.p({"id": "who"}, str(use_session().identity))


def _app() -> tuple[FastAPI, Ember]:
    ember = Ember(LiveSettings(secret_key="test-secret-key-0123456789"))
    app = FastAPI()
    ember.mount(app, "/me", Whoami, dependencies={"identity": current_user})
    return app, ember


async def _page_token(app: FastAPI, user: str | None) -> str:
    headers = {"x-user": user} if user else {}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        page = await client.get("/me", headers=headers)
    return TOKEN.search(unescape(page.text)).group(1)


async def _socket_result(app: FastAPI, token: str, user: str | None) -> int | str:
    """The close code the server answers with, or "open" when it starts rendering."""
    headers = {"origin": "http://testserver", **({"x-user": user} if user else {})}
    url = f"/me/_ember/ws?token={token}&protocol={PROTOCOL_VERSION}"
    socket = AsgiWebSocket(app, url, headers)
    outcome: int | str = "open"
    async with anyio.create_task_group() as group:
        await socket.connect(group)
        try:
            with anyio.fail_after(5):
                await socket.receive_text()
        except SocketClosed as closed:
            outcome = closed.code
        group.cancel_scope.cancel()
    socket.dispose()
    return outcome


@pytest.mark.parametrize(
    ("page_user", "socket_user"), [("alice", "bob"), ("alice", None), (None, "bob")]
)
async def test_a_token_presented_by_another_identity_is_refused_and_logged(
    page_user, socket_user, caplog
):
    app, _ = _app()
    token = await _page_token(app, page_user)
    with caplog.at_level(logging.WARNING, logger="ember.live"):
        assert await _socket_result(app, token, socket_user) == CloseCode.BAD_TOKEN
    assert "rendered for another identity" in caplog.text
    assert token not in caplog.text


@pytest.mark.parametrize("user", ["alice", None])
async def test_the_identity_the_page_was_rendered_for_is_served(user):
    app, _ = _app()
    token = await _page_token(app, user)
    assert await _socket_result(app, token, user) == "open"


class User:
    def __init__(self, id: int, name: str) -> None:
        self.id = id
        self.name = name


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("alice", "alice", True),
        ("alice", "bob", False),
        (User(1, "a"), User(1, "renamed"), True),  # one user, another object
        (User(1, "a"), User(2, "a"), False),
        ({"sub": "1"}, {"sub": "1"}, True),
        ({"sub": "1"}, {"sub": "2"}, False),
        (None, None, True),
        (None, "alice", False),
        (1, "1", False),
    ],
)
def test_identity_fingerprints_compare_what_identifies_a_user(one, other, same):
    assert (identity_fingerprint(one, "sid") == identity_fingerprint(other, "sid")) is same


def test_the_fingerprint_does_not_reveal_the_identity():
    assert "alice" not in identity_fingerprint("alice", "sid")
    assert identity_fingerprint("alice", "sid") != identity_fingerprint("alice", "other-sid")


async def test_a_second_socket_on_a_live_token_is_refused_and_a_reconnect_is_served(caplog):
    app, ember = _app()
    token = await _page_token(app, "alice")
    headers = {"origin": "http://testserver", "x-user": "alice"}
    url = f"/me/_ember/ws?token={token}&protocol={PROTOCOL_VERSION}"
    first = AsgiWebSocket(app, url, headers)
    async with anyio.create_task_group() as group:
        await first.connect(group)
        await first.receive_text()  # live
        with caplog.at_level(logging.WARNING, logger="ember.live"):
            assert await _socket_result(app, token, "alice") == CloseCode.BAD_TOKEN
        assert "already has a live socket" in caplog.text
        await first.close()
        with anyio.fail_after(5):
            while ember.sessions:
                await anyio.sleep(0.02)
        group.cancel_scope.cancel()
    first.dispose()
    # The same tab reconnecting with its token, once the first socket is gone: served.
    assert await _socket_result(app, token, "alice") == "open"
