"""Apps for the websocket handshake tests, served by a real uvicorn process: a mount
without dependencies (its socket skips starlette's ``WebSocket`` and, with no middleware,
the app's middleware stack) and one with a dependency that reads the socket's headers."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, WebSocket
from reactpy import component, html, use_state
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ember.live import Ember, use_session


@component
def Counter() -> Any:
    count, set_count = use_state(0)
    return html.div(
        html.button({"id": "inc", "onClick": lambda event: set_count(count + 1)}, "+1"),
        html.p({"id": "count"}, f"{count}"),
    )


@component
def Whoami() -> Any:
    return html.p({"id": "who"}, str(use_session().dependencies["user"]))


def user(connection: HTTPConnection) -> str:
    """The user the socket's ``x-user`` header names (the page's GET: "page"), and what
    the dependency was handed."""
    if connection.scope["type"] != "websocket":
        return "page"
    user = connection.headers.get("x-user")
    if not user:
        raise HTTPException(401, "no x-user header")
    return f"{user} via {type(connection).__name__}"


class RefuseMarkedSockets:
    """Host middleware: refuses a handshake that carries ``x-refuse`` with HTTP 403."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and b"x-refuse" in dict(scope["headers"]):
            socket = WebSocket(scope, receive, send)
            await socket.send_denial_response(JSONResponse({"detail": "marked"}, 403))
            return
        await self.app(scope, receive, send)


def _app(*, middleware: bool) -> FastAPI:
    ember = Ember()
    app = FastAPI(lifespan=ember.lifespan)
    ember.mount(app, "/counter", Counter)
    ember.mount(app, "/whoami", Whoami, dependencies={"user": user})
    if middleware:
        app.add_middleware(RefuseMarkedSockets)
    return app


app = _app(middleware=False)
app_with_middleware = _app(middleware=True)
