"""The websocket under a live session: starlette's ``WebSocket`` where the app's
dependencies need one, the ASGI messages themselves where nothing does.

A session's frames always go through the ASGI ``receive`` and ``send`` the socket was
opened with (``asgi_callables``): ember checks the message types itself, so starlette's
per-message state checks would only repeat them. For a mount without dependencies (its
own or the app's router-level ones, the common case) the handshake and the close are ASGI
messages too (:class:`RawWebSocket`), and when the app has no middleware of its own the
socket does not go through FastAPI's middleware stack at all (:func:`shortcut_sockets`):
its exception middleware, its exit stack and its router would add five coroutine frames
and an ``AsyncExitStack`` to every idle session (about 3.5 KiB) and a wrapper to every
send, and nothing of the app could observe them. The page's ``GET`` of such a mount skips
them on the same conditions (:func:`shortcut_page`): six layers and the router's walk over
the routes were about 20 µs of every page.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping
from typing import Any
from urllib.parse import unquote_plus, unquote_to_bytes

from fastapi import FastAPI
from starlette._utils import get_route_path
from starlette.datastructures import QueryParams
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

AsgiReceive = Callable[[], Awaitable[Any]]
AsgiSend = Callable[[Any], Awaitable[None]]


class LiveWebSocket(WebSocket):
    """starlette's ``WebSocket`` for the handshake, the dependencies and the close (a
    mount with dependencies: they may ask for it); the session's frames go through the
    ASGI callables it was made with (:func:`asgi_callables`)."""


class RawWebSocket(LiveWebSocket):
    """A socket whose handshake, close and frames are the ASGI messages themselves.

    It is a ``WebSocket`` for the code that types it so (nested views, live navigation,
    the claims), with starlette's state attributes kept as starlette keeps them, but
    nothing of starlette's runs on it, and it caches nothing: its query string is parsed
    when asked (only the handshake asks), where starlette keeps the parsed copy for the
    socket's life (0.7 KiB a session).
    """

    def __init__(self, scope: MutableMapping[str, Any], receive: Receive, send: Send) -> None:
        # No super().__init__: it only sets these five (and asserts the scope's type).
        self.scope = scope
        self._receive = receive
        self._send = send
        self.client_state = WebSocketState.CONNECTING
        self.application_state = WebSocketState.CONNECTING

    @property
    def query_params(self) -> QueryParams:
        return QueryParams(self.scope["query_string"])

    async def accept(
        self,
        subprotocol: str | None = None,
        headers: Iterable[tuple[bytes, bytes]] | None = None,
    ) -> None:
        """Read ``websocket.connect`` and answer ``websocket.accept``.

        Raises:
            WebSocketDisconnect: the client left before the handshake.
        """
        message = await self._receive()
        kind = message["type"]
        if kind != "websocket.connect":
            if kind == "websocket.disconnect":
                self.client_state = WebSocketState.DISCONNECTED
                raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
            msg = f"Expected the ASGI message 'websocket.connect' first, got {kind!r}."
            raise RuntimeError(msg)
        self.client_state = WebSocketState.CONNECTED
        await self._send(
            {"type": "websocket.accept", "subprotocol": subprotocol, "headers": list(headers or ())}
        )
        self.application_state = WebSocketState.CONNECTED

    async def receive(self) -> Any:
        message = await self._receive()
        if message["type"] == "websocket.disconnect":
            self.client_state = WebSocketState.DISCONNECTED
        return message

    async def send_text(self, data: str) -> None:
        """Send a text frame.

        Raises:
            WebSocketDisconnect: the client is gone (1006), as starlette raises it.
        """
        await self._send_or_disconnect({"type": "websocket.send", "text": data})

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        """Send ``websocket.close`` (once: a second close raises, as starlette's does).

        Raises:
            RuntimeError: the socket was closed already.
            WebSocketDisconnect: the client is gone (1006).
        """
        if self.application_state is WebSocketState.DISCONNECTED:
            msg = "Cannot close a websocket that was closed already."
            raise RuntimeError(msg)
        self.application_state = WebSocketState.DISCONNECTED
        await self._send_or_disconnect(
            {"type": "websocket.close", "code": code, "reason": reason or ""}
        )

    async def _send_or_disconnect(self, message: dict[str, Any]) -> None:
        try:
            await self._send(message)
        except OSError:  # the server's ClientDisconnected
            self.application_state = WebSocketState.DISCONNECTED
            raise WebSocketDisconnect(code=1006) from None


def socket_query(scope: Mapping[str, Any]) -> dict[str, str]:
    """The socket's query parameters as starlette's ``QueryParams`` reads them (the last of
    a repeated name wins), parsed the way ``parse_qsl`` parses them but unquoting only what
    is quoted: ember's socket URL is a long token and three short values, and
    ``QueryParams`` was about a third of the handshake's own work."""
    params: dict[str, str] = {}
    for pair in bytes(scope.get("query_string", b"")).decode("latin-1").split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if "%" in name or "+" in name:
            name = _unquote_plus(name)
        if "%" in value or "+" in value:
            value = _unquote_plus(value)
        params[name] = value
    return params


def _unquote_plus(text: str) -> str:
    """``unquote_plus(text, errors="replace")``; for ASCII text (a URL's query is) what it
    comes to, without its regex and generator."""
    if text.isascii():
        return unquote_to_bytes(text.replace("+", " ")).decode("utf-8", "replace")
    return unquote_plus(text, errors="replace")


def asgi_callables(websocket: WebSocket) -> tuple[AsgiReceive, AsgiSend]:
    """The ASGI ``receive`` and ``send`` under ``websocket``, for the session's frames: a
    frame then skips starlette's per-message state checks (ember checks the message types
    itself). A socket of another kind is used as it is."""
    if isinstance(websocket, LiveWebSocket):
        return websocket._receive, websocket._send
    return websocket.receive, websocket.send


# The ember sockets and pages of each app that may skip its middleware stack, by route path.
_SHORTCUTS: weakref.WeakKeyDictionary[FastAPI, _Routes] = weakref.WeakKeyDictionary()
PAGE_FAILED = "ember.page_failed"
"""The scope key under which a page served past the stack hands its error to the stack."""
PageEndpoint = Callable[[Request], Awaitable[Response]]


class _Routes:
    __slots__ = ("pages", "sockets")

    def __init__(self) -> None:
        self.sockets: dict[str, ASGIApp] = {}
        self.pages: dict[str, tuple[PageEndpoint, BaseRoute]] = {}


def _routes_of(app: FastAPI) -> _Routes:
    routes = _SHORTCUTS.get(app)
    if routes is None:
        routes = _SHORTCUTS[app] = _Routes()
        build = app.build_middleware_stack

        def build_with_shortcut() -> ASGIApp:
            stack = build()
            if app.user_middleware or type(stack) is not ServerErrorMiddleware:
                # Middleware of the app's, or a wrapper around FastAPI's stack (an
                # instrumentation that patched build_middleware_stack before ember did):
                # it must see every request.
                return stack
            pages = {
                path: endpoint
                for path, (endpoint, route) in routes.pages.items()
                if _first_route(app, path, route)
            }
            return _Shortcut(stack, routes.sockets, pages, app)

        # Starlette builds the stack on the first call (after every add_middleware).
        setattr(app, "build_middleware_stack", build_with_shortcut)  # noqa: B010
    return routes


def shortcut_sockets(app: FastAPI, path: str, socket: ASGIApp) -> None:
    """Serve ``socket`` (at the route path ``path``) straight from ``app``'s entry, past
    its middleware stack, as long as the app has no middleware of its own (one added
    later, before the app starts, turns the shortcut off: it sees every socket)."""
    _routes_of(app).sockets[path] = socket


def shortcut_page(app: FastAPI, path: str, endpoint: PageEndpoint, route: BaseRoute) -> None:
    """Serve the page ``endpoint`` (its ``route`` at ``path``) for a ``GET`` straight from
    ``app``'s entry, past its middleware stack and its router, on the same conditions as
    the sockets, and only while no route of the app before ``route`` takes the path (the
    router would pick that one) and the app's telemetry is off for the request (it
    records routes and errors). A page that raises goes through the stack after all, so
    the app's exception handlers and error middleware answer as for any page: the
    endpoint raises the error again when it finds it under :data:`PAGE_FAILED`."""
    if "{" not in path:  # a path with parameters needs the router's matching
        _routes_of(app).pages[path] = (endpoint, route)


def _first_route(app: FastAPI, path: str, route: BaseRoute) -> bool:
    """Whether ``route`` is the first of ``app``'s routes that takes ``GET path``."""
    scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "headers": []}
    for candidate in app.router.routes:
        if candidate is route:
            return True
        try:
            match, _ = candidate.matches(scope)
        except Exception:  # a route of the app's own kind that wants more: not sure
            return False
        if match is Match.FULL:
            return False
    return False


class _Shortcut:
    """The app's middleware stack, with ember's sockets and pages served before it."""

    __slots__ = ("_app", "_pages", "_sockets", "_stack")

    def __init__(
        self,
        stack: ASGIApp,
        sockets: dict[str, ASGIApp],
        pages: dict[str, PageEndpoint],
        app: FastAPI,
    ) -> None:
        self._stack = stack
        self._sockets = sockets
        self._pages = pages
        self._app = app

    @property
    def app(self) -> ASGIApp:
        """The stack it wraps (for tools that walk a middleware chain by ``.app``)."""
        return self._stack

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Not a coroutine: what it picks is awaited in its place (one frame less per socket).
        kind = scope["type"]
        if kind == "websocket":
            socket = self._sockets.get(get_route_path(scope))
            if socket is not None:
                # What the router would have added for the route (apps may read them).
                scope["router"] = self._app.router
                scope["endpoint"] = socket
                scope["path_params"] = {}
                return socket(scope, receive, send)
        elif kind == "http" and scope["method"] == "GET" and "fastapi.telemetry" not in scope:
            page = self._pages.get(get_route_path(scope))
            if page is not None:
                scope["router"] = self._app.router
                scope["endpoint"] = page
                scope["path_params"] = {}
                return self._page(page, scope, receive, send)
        return self._stack(scope, receive, send)

    async def _page(self, page: PageEndpoint, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            response = await page(Request(scope, receive, send))
        except Exception as error:  # nothing is sent yet: the stack answers it (see shortcut_page)
            scope[PAGE_FAILED] = error
            del error
            await self._stack(scope, receive, send)
            return
        await response(scope, receive, send)
