"""Who is there, for the web: a member's session cookie, else the guest's name; the HTTP
routes that set and clear the cookie (a websocket cannot); CSRF for those forms.

As in what ``ember gen auth`` writes (docs/auth.md): the ``member_token`` cookie holds only
a random token, signed with the app's secret key, HttpOnly, SameSite=Lax; each log in makes
a new one; log out deletes it and sends the session's open tabs through the check again
(they load as the guest). The forms carry a ``csrf_token`` equal to the ``csrf`` cookie.
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import ember.live

from . import guests, logins
from .logins import Member

COOKIE = "member_token"
CSRF_COOKIE = "csrf"
# After a refused log in, the address typed (never the password) for the form shown next,
# as Phoenix's generated auth carries it in the flash; ember's flash shows every kind as a
# toast, so it has a short-lived signed cookie of its own.
EMAIL_COOKIE = "login_email"
EMAIL_FOR_SECONDS = 60
MAX_FORM_BYTES = 16 * 1024


def _signer() -> URLSafeSerializer:
    secret = ember.live.default_ember().settings.secret_key
    return URLSafeSerializer(secret, salt="ember.demo.member_token")


def _email_signer() -> URLSafeTimedSerializer:
    secret = ember.live.default_ember().settings.secret_key
    return URLSafeTimedSerializer(secret, salt="ember.demo.login_email")


def typed_email(connection: HTTPConnection) -> str:
    """The address of the last refused log in in this browser (for the form), else ""."""
    signed = connection.cookies.get(EMAIL_COOKIE)
    if not signed or len(signed) > 1024:
        return ""
    try:
        email = _email_signer().loads(signed, max_age=EMAIL_FOR_SECONDS)
    except BadSignature:  # also when expired
        return ""
    return email if isinstance(email, str) else ""


def session_token(connection: HTTPConnection) -> str | None:
    """The session token in the request's cookie, if its signature holds."""
    signed = connection.cookies.get(COOKIE)
    if not signed or len(signed) > 512:
        return None
    try:
        token = _signer().loads(signed)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


async def visitor(connection: HTTPConnection) -> Member | str:
    """The identity of the demo's pages: the logged-in member, else the guest's name."""
    token = session_token(connection)
    member = await logins.get_member(token) if token else None
    return member or guests.guest(connection)


def csrf_token(connection: HTTPConnection) -> str:
    """This browser's CSRF token, for the hidden ``csrf_token`` input of an HTTP form."""
    return str(connection.scope.get("state", {}).get("csrf_token", ""))


def _session_topic(identity: object) -> str | None:
    return logins.session_topic(identity.token_id) if isinstance(identity, Member) else None


# The demo's pages, one group: links switch pages over one socket, every page (and its
# socket) knows who is there, and a member's tabs listen for their session's end.
chirp = ember.live.live_session(
    "chirp",
    dependencies={"identity": visitor, "csrf": csrf_token, "login_email": typed_email},
    disconnect_topic=_session_topic,
)


class CsrfCookie:
    """Gives each browser a random ``csrf`` cookie (HttpOnly, SameSite=Lax) and puts it in
    ``scope["state"]["csrf_token"]``: a form POST proves it came from a page of this site
    by sending the same value, which another site can neither read nor guess."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        token = HTTPConnection(scope).cookies.get(CSRF_COOKIE, "")
        fresh = len(token) != 43 or not token.replace("-", "").replace("_", "").isalnum()
        if fresh:
            token = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = token
        if not fresh or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookie)


async def _form(request: Request) -> dict[str, str]:
    """A bounded url-encoded form whose CSRF token matches the cookie (else 413 / 403)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise HTTPException(413, "The form is too large.")
    fields = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    sent, expected = fields.get("csrf_token", ""), csrf_token(request)
    if not sent or not expected or not secrets.compare_digest(sent, expected):
        raise HTTPException(403, "The form expired or came from another site; reload the page.")
    return fields


def _redirect(to: str, kind: str, message: str) -> RedirectResponse:
    response = RedirectResponse(to, status_code=303)
    ember.live.default_ember().put_flash(response, kind, message)
    return response


async def _logged_in(request: Request, user_id: int, message: str) -> Response:
    old = session_token(request)
    if old:  # a new token at each log in: one planted before it is worth nothing after
        await logins.delete_session(old)
    token = await logins.create_session(user_id)
    response = _redirect("/", "success", message)
    response.set_cookie(
        COOKIE,
        _signer().dumps(token),
        max_age=int(logins.SESSION_FOR.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


router = APIRouter()


@router.post("/log-in", include_in_schema=False)
async def log_in(request: Request) -> Response:
    form = await _form(request)
    ip = request.client.host if request.client else "unknown"
    try:
        user_id = await logins.authenticate(form.get("email"), form.get("password"), ip=ip)
    except logins.LoginRefused as refused:
        refusal = _redirect("/log-in", "error", refused.message)
        refusal.set_cookie(
            EMAIL_COOKIE,
            _email_signer().dumps(form.get("email", "")[:200]),
            max_age=EMAIL_FOR_SECONDS,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",  # the page's websocket renders the form again
        )
        return refusal
    response = await _logged_in(request, user_id, "Welcome back!")
    response.delete_cookie(EMAIL_COOKIE, path="/")
    return response


@router.get("/signed-up", include_in_schema=False)
async def signed_up(request: Request, token: str = "") -> Response:
    """The sign-up page's last step: its one-use token becomes the session cookie, in the
    browser that signed up only (the token is bound to that browser's CSRF cookie)."""
    user_id = await logins.use_handoff(token, csrf_token(request))
    if user_id is None:
        return _redirect("/log-in", "error", "That link has expired: log in instead.")
    return await _logged_in(request, user_id, "Welcome aboard: you are signed up and logged in.")


@router.post("/log-out", include_in_schema=False)
async def log_out(request: Request) -> Response:
    await _form(request)
    token = session_token(request)
    if token:
        await logins.delete_session(token)
    response = _redirect("/", "info", "Logged out: you are a guest again.")
    response.delete_cookie(COOKIE, path="/")
    return response
