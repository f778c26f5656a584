"""A path-stripping reverse proxy for browser tests, as nginx or Traefik run in front of an
app served with ``uvicorn --root-path /app``.

It answers ``/app/...`` only (anything else is a 404, so a URL that forgot the prefix shows
up as one in the browser), strips ``/app``, and forwards the request to ``UPSTREAM`` with
its headers untouched, ``Host`` included (``proxy_set_header Host $host``). Responses come
back as they are (status, ``Set-Cookie``, ``Location``, body bytes); websockets are relayed
frame by frame both ways, close codes included.

Run it with ``EMBER_PROXY_UPSTREAM=127.0.0.1:PORT uvicorn tests.browser._proxy:app``.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

UPSTREAM = os.environ.get("EMBER_PROXY_UPSTREAM", "127.0.0.1:8000")
PREFIX = os.environ.get("EMBER_PROXY_PREFIX", "/app")

# Hop-by-hop headers (RFC 9110 7.6.1) and what the client library sets itself.
HOP_BY_HOP = {
    b"connection",
    b"keep-alive",
    b"proxy-connection",
    b"te",
    b"trailer",
    b"transfer-encoding",
    b"upgrade",
}
REQUEST_ONLY = {b"content-length"}
HANDSHAKE = {
    b"host",
    b"sec-websocket-key",
    b"sec-websocket-version",
    b"sec-websocket-extensions",
    b"sec-websocket-protocol",
}

Scope = dict[str, Any]
Receive = Any
Send = Any

_client: httpx.AsyncClient | None = None


def _stripped(scope: Scope) -> str | None:
    """The upstream path and query of a request under ``PREFIX``, or None."""
    raw = bytes(scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
    if raw != PREFIX and not raw.startswith(f"{PREFIX}/"):
        return None
    path = raw.removeprefix(PREFIX) or "/"
    query = scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{query}" if query else path


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    target = _stripped(scope)
    if target is None:
        await _not_found(scope, receive, send)
    elif scope["type"] == "http":
        await _http(scope, receive, send, target)
    else:
        await _websocket(scope, receive, send, target)


async def _lifespan(receive: Receive, send: Send) -> None:
    global _client
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            _client = httpx.AsyncClient(trust_env=False, timeout=30.0)
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if _client is not None:
                await _client.aclose()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _not_found(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.close", "code": 1008})
        return
    body = f"The proxy serves {PREFIX}/ only.".encode()
    await send({"type": "http.response.start", "status": 404, "headers": []})
    await send({"type": "http.response.body", "body": body})


async def _http(scope: Scope, receive: Receive, send: Send, target: str) -> None:
    assert _client is not None, "the proxy's lifespan has not started"
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    skip = HOP_BY_HOP | REQUEST_ONLY
    headers = [(name, value) for name, value in scope["headers"] if name.lower() not in skip]
    request = _client.build_request(
        scope["method"], f"http://{UPSTREAM}{target}", headers=headers, content=body
    )
    response = await _client.send(request, stream=True, follow_redirects=False)
    try:
        relayed = [
            (name, value) for name, value in response.headers.raw if name.lower() not in HOP_BY_HOP
        ]
        await send(
            {"type": "http.response.start", "status": response.status_code, "headers": relayed}
        )
        async for chunk in response.aiter_raw():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        await response.aclose()


async def _websocket(scope: Scope, receive: Receive, send: Send, target: str) -> None:
    await receive()  # websocket.connect
    headers = [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, value in scope["headers"]
        if name.lower() not in HOP_BY_HOP | HANDSHAKE
    ]
    host = dict(scope["headers"])[b"host"].decode("latin-1")
    upstream_host, upstream_port = UPSTREAM.rsplit(":", 1)
    try:
        # The URI names the browser's Host (the Host header); host/port say where to connect.
        upstream = await connect(
            f"ws://{host}{target}",
            host=upstream_host,
            port=int(upstream_port),
            additional_headers=headers,
            subprotocols=scope.get("subprotocols") or None,
            compression=None,
            max_size=None,
            ping_interval=None,
            user_agent_header=None,
            proxy=None,
        )
    except InvalidStatus:
        await send({"type": "websocket.close", "code": 1008})
        return
    await send({"type": "websocket.accept", "subprotocol": upstream.subprotocol})
    async with upstream:
        to_upstream = asyncio.create_task(_browser_to_upstream(receive, upstream))
        to_browser = asyncio.create_task(_upstream_to_browser(upstream, send))
        await asyncio.wait({to_upstream, to_browser}, return_when=asyncio.FIRST_COMPLETED)
        for task in (to_upstream, to_browser):
            task.cancel()
        await asyncio.gather(to_upstream, to_browser, return_exceptions=True)


async def _browser_to_upstream(receive: Receive, upstream: ClientConnection) -> None:
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            await upstream.close(message.get("code", 1000))
            return
        if message.get("text") is not None:
            await upstream.send(message["text"])
        elif message.get("bytes") is not None:
            await upstream.send(message["bytes"])


async def _upstream_to_browser(upstream: ClientConnection, send: Send) -> None:
    try:
        async for frame in upstream:
            key = "text" if isinstance(frame, str) else "bytes"
            await send({"type": "websocket.send", key: frame})
    except ConnectionClosed:
        pass
    code = upstream.close_code
    if code is None or code in (1005, 1006, 1015):  # reserved: never sent in a close frame
        code = 1000
    await send({"type": "websocket.close", "code": code, "reason": upstream.close_reason or ""})
