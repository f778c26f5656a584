"""An in-process websocket client for an ASGI app, for ``ember.live.testing``.

It speaks the ASGI websocket messages directly to the app (as Starlette's TestClient
does), in a task of the caller's task group: the app's real websocket route, middleware
and dependencies run, with no network and nothing kept once the socket is closed.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import anyio
from anyio.abc import TaskGroup
from starlette.types import ASGIApp, Message


class SocketClosed(Exception):
    """The server closed the websocket (or refused it).

    A handshake refused with an HTTP response (``status``, e.g. 401 from an auth
    middleware) reaches a browser as close code 1006; ``reason`` then holds the response.
    """

    def __init__(self, code: int, reason: str = "", *, status: int | None = None) -> None:
        super().__init__(f"closed with {code}: {reason}")
        self.code = code
        self.reason = reason
        self.status = status


class AsgiWebSocket:
    """One websocket from a test to ``app``."""

    def __init__(self, app: ASGIApp, url: str, headers: Mapping[str, str]) -> None:
        parts = urlsplit(url)
        self._scope: dict[str, Any] = {
            "type": "websocket",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "scheme": "ws",
            "server": ("testserver", 80),
            "client": ("testclient", 50000),
            "root_path": "",
            "path": parts.path,
            "raw_path": parts.path.encode(),
            "query_string": parts.query.encode(),
            "headers": [(b"host", b"testserver")]
            + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "subprotocols": [],
            "state": {},
            # So a refusal arrives as the HTTP response the server sent (as browsers get).
            "extensions": {"websocket.http.response": {}},
        }
        self._app = app
        self._to_app, self._app_inbox = anyio.create_memory_object_stream[Message](math.inf)
        self._app_outbox, self._from_app = anyio.create_memory_object_stream[Message](math.inf)
        self.closed: SocketClosed | None = None

    async def connect(self, group: TaskGroup) -> None:
        """Start the app's websocket handler in ``group`` and wait for it to accept.

        Raises:
            SocketClosed: the app closed the socket instead of accepting it.
        """
        group.start_soon(self._serve)
        await self._to_app.send({"type": "websocket.connect"})
        message = await self._from_app.receive()
        if message["type"] == "websocket.http.response.start":
            self.closed = await self._denial(message)
            raise self.closed
        if message["type"] != "websocket.accept":
            self.closed = SocketClosed(message.get("code", 1000), message.get("reason") or "")
            raise self.closed

    async def _denial(self, start: Message) -> SocketClosed:
        body = b""
        while True:
            message = await self._from_app.receive()
            if message["type"] != "websocket.http.response.body":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        status = int(start["status"])
        text = body.decode(errors="replace")[:200]
        reason = f"the server refused the handshake with HTTP {status}: {text}"
        return SocketClosed(1006, reason, status=status)

    async def _serve(self) -> None:
        async def receive() -> Message:
            return await self._app_inbox.receive()

        async def send(message: Message) -> None:
            await self._app_outbox.send(message)

        try:
            await self._app(self._scope, receive, send)
        finally:
            with contextlib.suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
                self._app_outbox.send_nowait({"type": "websocket.close", "code": 1006})

    async def receive_text(self) -> str:
        """The next text frame from the server.

        Raises:
            SocketClosed: the server closed the socket.
        """
        if self.closed is not None:
            raise self.closed
        message = await self._from_app.receive()
        if message["type"] == "websocket.send":
            return str(message.get("text") or message.get("bytes", b"").decode())
        self.closed = SocketClosed(message.get("code", 1000), message.get("reason") or "")
        raise self.closed

    async def send(self, frame: str | bytes) -> None:
        """Send a text (str) or binary (bytes) frame.

        Raises:
            SocketClosed: the socket is closed.
        """
        if self.closed is not None:
            raise self.closed
        key = "bytes" if isinstance(frame, bytes) else "text"
        await self._to_app.send({"type": "websocket.receive", key: frame})

    def dispose(self) -> None:
        """Release the in-memory channels (after the app's handler has ended)."""
        for stream in (self._to_app, self._app_inbox, self._app_outbox, self._from_app):
            stream.close()

    async def close(self, code: int = 1000) -> None:
        """Close from the client side; the app sees ``websocket.disconnect``."""
        if self.closed is None:
            self.closed = SocketClosed(code, "closed by the client")
        with contextlib.suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
            await self._to_app.send({"type": "websocket.disconnect", "code": code})
