"""Live navigation: the views of one ``live_session`` take turns on one websocket.

Views mounted with the same ``live_session`` name (on one app, with one ``head``) form a
group, as LiveView's ``live_session`` does. A link from one to another, ``push_navigate``
between them, and back/forward across them switch the view over the socket the page
already has, without a page load:

1. the client sends ``ember-live`` ``{"path", "qs", "flash"}`` (app paths: ember adds and
   strips the app's ``root_path``);
2. the running view's channel ends at that frame, in its turn (``Handover``): its session
   closes as it would on a closed socket (tasks cancelled, cleanups run, snapshot saved),
   but the socket stays open;
3. :func:`serve_views` resolves the new mount's dependencies against the same socket,
   starts a new ``LiveSession`` (a new id, the carried flash), sends ``ember-view`` (the
   title and the socket config with a token for the new view, used when the client
   reconnects) and runs the new view's channel, whose ``layout-update`` the client builds
   in place of the old view.

A path outside the group, a dependency that refuses, or a view that is gone answers
``ember-navigate`` ``redirect``: the client loads that page, and its GET decides (a login
page, FastAPI's error) as for any page load.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import anyio
import orjson
from fastapi import HTTPException
from fastapi.exceptions import RequestValidationError, WebSocketRequestValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from .._errors import ConfigurationError
from ._protocol import CloseCode, ViewRequest
from ._runner import _SessionFailed
from ._session import LiveSession, PageLocation
from ._shell import socket_config
from ._token import SessionToken, identity_fingerprint

if TYPE_CHECKING:
    from ._mount import Ember, Mount

logger = logging.getLogger("ember.live")

LEAVE_SECONDS = 10.0
"""How long a socket whose page was told to load another one stays open for it to leave."""


class Handover(_SessionFailed):
    """Ends a view's channel at an ``ember-live`` frame (as a failure that closes normally
    and is not logged); the socket goes to the next view."""

    def __init__(self, request: ViewRequest) -> None:
        super().__init__(CloseCode.NORMAL, f"Live navigation to {request.path}.")
        self.request = request


def handover_in(failures: Iterable[BaseException]) -> Handover | None:
    """The ``Handover`` among a channel's failures (task groups wrap it), or None."""
    for failure in failures:
        if isinstance(failure, Handover):
            return failure
        if isinstance(failure, BaseExceptionGroup):
            found = handover_in(failure.exceptions)
            if found is not None:
                return found
    return None


# -- the group -------------------------------------------------------------------------------


def group_of(ember: Ember, mounted: Mount) -> list[Mount]:
    """The mounts a page of ``mounted`` reaches without a page load (itself included)."""
    if mounted.live_session is None:
        return [mounted]
    return [
        other
        for other in ember.mounts
        if other.live_session == mounted.live_session and other.app is mounted.app
    ]


def live_paths(ember: Ember, mounted: Mount) -> list[str]:
    """The app paths of ``mounted``'s group, for the page's client."""
    return [other.path for other in group_of(ember, mounted)] if mounted.live_session else []


def check_live_session(mounts: Sequence[Mount], mounted: Mount) -> None:
    """Refuse a mount whose group would switch views under another page head.

    Raises:
        ConfigurationError: a view of the same ``live_session`` has another ``head``.
    """
    if mounted.live_session is None:
        return
    for other in mounts:
        if (
            other is not mounted
            and other.live_session == mounted.live_session
            and other.app is mounted.app
            and other.head != mounted.head
        ):
            msg = (
                f"The views of live_session {mounted.live_session!r} switch without a page "
                f"load, so they share one page head; {mounted.path!r} has another head than "
                f"{other.path!r}. Give them the same head=..., or another live_session name."
            )
            raise ConfigurationError(msg)


# -- URLs as the browser sees them -------------------------------------------------------------


def root_path_of(scope: Mapping[str, Any]) -> str:
    """The app's path prefix (``--root-path``, or a sub-application mount), without a '/'
    at the end."""
    return str(scope.get("root_path", "")).rstrip("/")


def app_path(scope: Mapping[str, Any]) -> str:
    """The request's path within the app (what mounts and navigation targets name)."""
    path = str(scope.get("path", "/"))
    root = root_path_of(scope)
    if root and (path == root or path.startswith(f"{root}/")):
        path = path[len(root) :]
    return path or "/"


def browser_url(scope: Mapping[str, Any], to: str) -> str:
    """The URL the browser goes to for the app path ``to`` (the app's prefix added)."""
    return f"{root_path_of(scope)}{to}"


# -- serving the views of one socket ------------------------------------------------------------


async def serve_views(
    ember: Ember, mounted: Mount, session: LiveSession, socket: WebSocket, handover: Handover
) -> None:
    """The browser navigated live away from ``session``'s view (``handover``): serve each
    view it navigates to over ``socket``, until it closes or leaves.

    The session server calls it only then: an idle session keeps every coroutine frame
    down to its reader, and most sessions never navigate live."""
    next_handover: Handover | None = handover
    while next_handover is not None:
        if ember.sessions.get(session.id) is session:
            del ember.sessions[session.id]
        request = next_handover.request
        target = _member(ember, mounted, request.path)
        if target is None:
            await _leave(socket, _url(request), "it is not a view of this live_session")
            return
        switched = await _switch(ember, target, session, socket, request)
        if switched is None:
            return
        mounted, session, next_handover = switched


def _member(ember: Ember, mounted: Mount, path: str) -> Mount | None:
    if mounted.live_session is None:
        return None
    for other in group_of(ember, mounted):
        if other.path == (path or "/"):
            return other
    return None


def _url(request: ViewRequest) -> str:
    return f"{request.path}?{request.query_string}" if request.query_string else request.path


async def _switch(
    ember: Ember, target: Mount, previous: LiveSession, socket: WebSocket, request: ViewRequest
) -> tuple[Mount, LiveSession, Handover | None] | None:
    """Mount ``target`` on ``socket`` and serve it until the socket closes or the browser
    navigates again (then: the view, its session and the next handover). None when the
    browser was sent to load the page instead."""
    from ._channel import run_channel

    async with anyio.create_task_group() as holder:
        try:
            resolved = await ember._resolve(target, socket, holder)
        except (HTTPException, RequestValidationError, WebSocketRequestValidationError):
            # The page's own GET refuses the same way, with the app's error or login page.
            await _leave(socket, _url(request), "a dependency refused the session")
            return None
        if isinstance(resolved, str):
            await _leave(socket, resolved, "a dependency sends the browser to log in")
            return None
        flash = ember.signer.verify_flash(request.flash) if request.flash else {}
        identity = resolved.values.get("identity")
        session = LiveSession(
            mount_path=target.path,
            location=PageLocation(request.path, request.query_string),
            identity=identity,
            scope=previous.scope,
            dependencies=resolved.values,
            flash=flash,
            _pubsub=ember.session_pubsub,
            _running_pubsub=ember.session_running_pubsub,
            _sign_flash=ember.session_sign_flash,
        )
        bound = identity_fingerprint(identity, session.id)
        token = ember.signer.sign(SessionToken(session.id, target.path, flash, identity=bound))
        ember._held[session.id] = resolved
        ember.sessions[session.id] = session
        try:
            live = live_paths(ember, target)
            config = socket_config(target, token, root_path_of(socket.scope), live)
            view = {"type": "ember-view", "title": target.title, "config": config}
            await socket.send_text(orjson.dumps(view).decode())
            handover = await run_channel(ember, target, session, socket)
        finally:
            held = ember._held.pop(session.id, None)
            if held is not None:  # the view never finished mounting
                await held.release()
            if ember.sessions.get(session.id) is session:
                del ember.sessions[session.id]
    return target, session, handover


async def _leave(socket: WebSocket, to: str, why: str) -> None:
    """Tell the page to load ``to`` (an app path), then let it go."""
    logger.info("A live navigation to %s loads the page instead: %s", to, why)
    message = {"type": "ember-navigate", "kind": "redirect", "to": to}
    with contextlib.suppress(RuntimeError, WebSocketDisconnect, OSError):
        await socket.send_text(orjson.dumps(message).decode())
        # The page is leaving: no reconnect is wanted from it, so the socket closes when
        # the browser unloads it (or after LEAVE_SECONDS).
        with anyio.move_on_after(LEAVE_SECONDS):
            while (await socket.receive())["type"] != "websocket.disconnect":
                pass
        if socket.client_state is WebSocketState.CONNECTED:
            await socket.close(code=CloseCode.NORMAL, reason="The page loads another page.")
