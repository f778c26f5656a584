"""Authentication failures behave like Phoenix's: the page redirects to a login page, the
socket tells the client where to go and closes with a code the client acts on (never a
refused handshake it retries forever); ``LiveClient`` carries cookies to the socket as a
browser does and reports the real refusal (issue 25, item 6)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import pytest
from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyCookie
from reactpy import component, html
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from ember.live import CloseCode, Ember, use_session
from ember.live.testing import LiveClient, LiveTestError

VALID = {"ada-session": "ada"}
session_cookie = APIKeyCookie(name="session", auto_error=False)


def current_user(token: Annotated[str | None, Depends(session_cookie)]) -> str:
    """A cookie-based identity, as an app whose API uses bearer tokens adds for its pages."""
    user = VALID.get(token or "")
    if user is None:
        raise HTTPException(401, "Not authenticated")
    return user


@component
def Private() -> Any:
    return html.p({"id": "who"}, f"Hello {use_session().identity}")


def login_to(page_url: str, error: HTTPException) -> str:
    return f"/login?next={quote(page_url)}"


@pytest.fixture
def app(ember: Ember) -> FastAPI:
    app = FastAPI()

    @app.post("/login")
    def log_in() -> JSONResponse:
        response = JSONResponse({"ok": True})
        response.set_cookie("session", "ada-session", httponly=True)
        return response

    ember.mount(
        app, "/private", Private, dependencies={"identity": current_user}, login_redirect=login_to
    )
    ember.mount(app, "/bare", Private, dependencies={"identity": current_user})
    return app


async def test_a_logged_out_page_get_redirects_to_the_login_page(app):
    async with LiveClient(app) as client:
        response = await client.get("/private?tab=2")
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/private%3Ftab%3D2"
        with pytest.raises(LiveTestError, match=r"answered 303 \(redirect to /login"):
            await client.live("/private")


async def test_without_a_login_redirect_the_page_answers_fastapis_error(app):
    async with LiveClient(app) as client:
        response = await client.get("/bare")
    assert response.status_code == 401
    assert response.json() == {"detail": "Not authenticated"}


async def test_the_client_carries_its_cookies_to_the_socket(app):
    async with LiveClient(app) as client:
        await client.http.post("/login")
        page = await client.live("/private")
        assert page.find("#who").text() == "Hello ada"


async def test_a_socket_whose_cookie_went_stale_tells_the_client_to_log_in(app):
    async with LiveClient(app) as client:
        await client.http.post("/login")
        page = await client.live("/private")
        client.http.cookies.clear()  # logged out in another tab, or the session expired
        with pytest.raises(LiveTestError, match="closed the websocket with 4401"):
            await page.reconnect()
        assert page.navigations == [{"kind": "redirect", "to": "/login?next=/private"}]
        assert page.close_code == CloseCode.BAD_TOKEN  # ember.js reloads on 4401


async def test_without_a_login_redirect_a_refused_socket_closes_4401_so_the_page_reloads(app):
    async with LiveClient(app) as client:
        await client.http.post("/login")
        page = await client.live("/bare")
        client.http.cookies.clear()
        with pytest.raises(LiveTestError, match=r"4401: A dependency refused the session \(401"):
            await page.reconnect()
        assert page.navigations == []


class RefuseSocketsWithoutCookie:
    """An auth middleware that refuses the handshake with an HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and b"session=" not in dict(scope["headers"]).get(
            b"cookie", b""
        ):
            socket = WebSocket(scope, receive, send)
            await socket.send_denial_response(JSONResponse({"detail": "no cookie"}, 401))
            return
        await self.app(scope, receive, send)


async def test_the_client_reports_a_handshake_refused_with_an_http_status(ember: Ember):
    app = FastAPI()
    ember.mount(app, "/open", Private)
    app.add_middleware(RefuseSocketsWithoutCookie)
    async with LiveClient(app) as client:
        with pytest.raises(LiveTestError) as refused:
            await client.live("/open")
    assert "closed the websocket with 1006" in str(refused.value)
    assert 'refused the handshake with HTTP 401: {"detail":"no cookie"}' in str(refused.value)
