"""Apps for the websocket handshake and page tests, served by a real uvicorn process: a
mount without dependencies (its socket skips starlette's ``WebSocket`` and, with no
middleware, its socket and its page skip the app's middleware stack), one with a dependency
that reads the socket's headers, one whose mount fails with an error the app has a handler
for, and a path the app's own route takes before ember's mount."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, WebSocket
from reactpy import component, html, use_state
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, PlainTextResponse
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


class Gone(Exception):
    """What the ``/broken`` mount's ``on_mount`` raises; the app answers it with 410."""


async def gone_before_mount(session: Any) -> None:
    raise Gone("this page is gone")


class RefuseMarkedSockets:
    """Host middleware: refuses a handshake that carries ``x-refuse`` with HTTP 403, and
    marks every HTTP response it passes with ``x-host-middleware``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and b"x-refuse" in dict(scope["headers"]):
            socket = WebSocket(scope, receive, send)
            await socket.send_denial_response(JSONResponse({"detail": "marked"}, 403))
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def marked(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-host-middleware", b"1")]
            await send(message)

        await self.app(scope, receive, marked)


def _app(*, middleware: bool, instrumented: bool = False) -> FastAPI:
    ember = Ember()
    app = FastAPI(lifespan=ember.lifespan)
    if instrumented:  # as an instrumentation does: it wraps the stack, not add_middleware
        build = app.build_middleware_stack
        app.build_middleware_stack = lambda: RefuseMarkedSockets(build())  # type: ignore[method-assign]

    @app.get("/taken")
    def taken() -> PlainTextResponse:
        return PlainTextResponse("the app's own route")

    @app.exception_handler(Gone)
    def gone(request: Request, error: Gone) -> JSONResponse:
        return JSONResponse({"gone": str(error)}, 410)

    ember.mount(app, "/counter", Counter)
    ember.mount(app, "/whoami", Whoami, dependencies={"user": user})
    ember.mount(app, "/broken", Counter, on_mount=[gone_before_mount])
    ember.mount(app, "/taken", Counter)  # the app's route above comes first
    if middleware:
        app.add_middleware(RefuseMarkedSockets)
    return app


app = _app(middleware=False)
app_with_middleware = _app(middleware=True)
app_instrumented = _app(middleware=False, instrumented=True)
