"""An app whose pages need a login cookie, for the Chromium auth tests: a logged-out
browser lands on /login, also when its socket is refused after the page went live."""

from __future__ import annotations

import asyncio
import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.security import APIKeyCookie
from reactpy import component, html

from ember.live import (
    default_ember,
    disconnect,
    live_session,
    mount,
    use_flash,
    use_session,
)

app = FastAPI()
# In memory: a restarted server has forgotten every login (a session that expired).
LOGINS: dict[str, str] = {}
session_cookie = APIKeyCookie(name="session", auto_error=False)


def current_user(token: Annotated[str | None, Depends(session_cookie)]) -> str:
    user = LOGINS.get(token or "")
    if user is None:
        raise HTTPException(401, "Not authenticated")
    return user


@app.get("/login", response_class=HTMLResponse)
def login_page(next: str = "/private") -> str:
    return (
        "<!doctype html><title>Log in</title><h1 id='login'>Log in</h1>"
        f"<form method='post' action='/login?next={quote(next)}'>"
        "<button id='log-in'>Log in as ada</button></form>"
    )


@app.post("/login")
def log_in(next: str = "/private") -> RedirectResponse:
    token = secrets.token_urlsafe(16)
    LOGINS[token] = "ada"
    target = next if next.startswith("/") and not next.startswith("//") else "/private"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie("session", token, httponly=True, samesite="lax")
    return response


@component
def Private() -> Any:
    return html.p({"id": "who"}, f"Hello {use_session().identity}")


mount(
    app,
    "/private",
    Private,
    dependencies={"identity": current_user},
    login_redirect=lambda url, error: f"/login?next={quote(url)}",
)


# A group whose pages listen for their identity's log out (ember.live.disconnect), and a
# log out that is slow to answer, as one writing to a busy database is: the page's session
# is told to load again while the browser still waits for the log out's own redirect.
@component
def Member() -> Any:
    return html.div(
        html.p({"id": "who"}, f"Hello {use_session().identity}"),
        html.form(
            {"method": "post", "action": "/log-out"}, html.button({"id": "log-out"}, "Log out")
        ),
    )


@component
def Bye() -> Any:
    return html.p({"id": "flash"}, use_flash().get("info", ""))


members = live_session(
    dependencies={"identity": current_user},
    login_redirect=lambda url, error: f"/login?next={quote(url)}",
    disconnect_topic=lambda user: f"users:{user}",
)
members.mount(app, "/members", Member)
mount(app, "/bye", Bye)


@app.post("/log-out")
async def log_out() -> RedirectResponse:
    LOGINS.clear()
    await disconnect("users:ada")
    await asyncio.sleep(1.0)
    response = RedirectResponse("/bye", status_code=303)
    default_ember().put_flash(response, "info", "Logged out.")
    response.delete_cookie("session")
    return response
