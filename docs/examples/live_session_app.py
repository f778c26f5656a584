"""Pages that need a user, in any FastAPI app: one ``live_session`` group checks the
page and its socket alike, and logging out disconnects that user's open tabs."""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import RedirectResponse
from fastapi.security import APIKeyCookie
from reactpy import component, html

import ember.live
from ember.live import use_session

SESSIONS: dict[str, str] = {}  # session token -> user (your sessions table)
cookie = APIKeyCookie(name="session", auto_error=False)


def current_user(token: Annotated[str | None, Depends(cookie)]) -> str:
    """Your app's own auth dependency: 401 when nobody is logged in."""
    user = SESSIONS.get(token or "")
    if user is None:
        raise HTTPException(401, "Not authenticated")
    return user


logged_in = ember.live.live_session(
    dependencies={"identity": current_user},
    login_redirect=lambda url, error: f"/login?next={quote(url)}",
    disconnect_topic=lambda user: f"user_sessions:{user}",
)


@component
def Dashboard() -> Any:
    return html.p({"id": "who"}, f"Hello {use_session().identity}")


app = FastAPI(lifespan=ember.live.lifespan)
logged_in.mount(app, "/dashboard", Dashboard)
logged_in.mount(app, "/profile", Dashboard, title="Profile")


@app.post("/login")
def log_in() -> RedirectResponse:
    token = secrets.token_urlsafe(32)
    SESSIONS[token] = "ada"  # a real app checks a password
    response = RedirectResponse("/dashboard", status_code=303)
    response.set_cookie("session", token, httponly=True, samesite="lax")
    return response


@app.post("/logout")
async def log_out(token: Annotated[str | None, Depends(cookie)]) -> RedirectResponse:
    user = SESSIONS.pop(token or "", None)
    if user is not None and user not in SESSIONS.values():
        # Every open page of this user, on every worker, runs the check again: to /login.
        await ember.live.disconnect(f"user_sessions:{user}")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie("session")
    return response
