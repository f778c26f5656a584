"""A guest's name that survives reloads, page changes and reconnects: a signed cookie.

The demo has no log in; each browser gets a name (``guest-1234``) the first time it asks
for a page, in the ``ember_guest`` cookie signed with the app's secret key (HttpOnly,
SameSite=Lax). The page and its websocket read the same name as the session's identity,
so presence and "You are …" stay put across reloads and tabs of one browser.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import ember.live

COOKIE = "ember_guest"
_SALT = "ember.demo.guest"
_MAX_AGE = 60 * 60 * 24 * 365


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(ember.live.default_ember().settings.secret_key, salt=_SALT)


def _read(signed: str) -> str | None:
    try:
        name = _signer().loads(signed) if len(signed) < 200 else None
    except BadSignature:
        return None
    return name if isinstance(name, str) and name.startswith("guest-") else None


def new_name() -> str:
    return f"guest-{secrets.randbelow(9000) + 1000}"


class GuestCookie:
    """Middleware: names each browser once, in ``scope["state"]["guest"]`` and a cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        name = _read(HTTPConnection(scope).cookies.get(COOKIE, ""))
        fresh = name is None
        name = name or new_name()
        scope.setdefault("state", {})["guest"] = name
        if not fresh or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        value = _signer().dumps(name)
        cookie = f"{COOKIE}={value}; Max-Age={_MAX_AGE}; Path=/; HttpOnly; SameSite=Lax"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def guest(connection: HTTPConnection) -> str:
    """The browser's guest name (the identity of the demo's pages)."""
    name = connection.scope.get("state", {}).get("guest")
    return name if isinstance(name, str) else new_name()
