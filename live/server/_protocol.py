"""ember's wire protocol (version 6): what the browser may send, and the close codes.

The browser runs ember's client (``static/ember.js``), which sends ``layout-event`` frames
``{"type": "layout-event", "target": id, "data": [event], "seq": n}`` (``seq`` counts up
per page, across reconnects) and ``ember-location`` frames (the URL changed through
back/forward); ``ember.live.testing`` also sends ``ember-ping`` frames to learn when its
events have landed. Every frame is checked here before anything reaches ReactPy. Change
``PROTOCOL_VERSION`` when the frames or the close codes change.

The server sends ``layout-update`` (the whole model, for the first render of a socket: the
client adopts the server-rendered DOM against it), ``ember-patch``
``{"type": "ember-patch", "ops": [...]}`` for every later render (only what changed, and
stream operations: made by the engine's reconciler, written as
``ember.live.engine._patch`` defines),
``ember-ack`` ``{"type": "ember-ack", "seq": n}`` once the event ``n`` (and every earlier
one) has been handled and the renders it caused are sent (when the event caused renders,
the ack rides in their patch instead: ``{"type": "ember-patch", "ops": [...], "ack": n}``,
which clients of version 4 and later read), ``ember-navigate`` and ``ember-pong``. The
client sends the version it speaks as the ``protocol`` query parameter of the websocket
URL; another version is refused with 4401 and the page reloads.

Version 2 added ``ember-patch``. Version 3 writes its paths as lists (``[0, 2]`` for
``/children/0/children/2``) and its elements as arrays (``["td", 0, "text"]``), and adds
the ``"c"`` operation (replace an element's children). Version 4 is ember's own client:
``ember-ack`` (loading states end when it arrives), and events carry only the fields
handlers read (``docs/client.md``). A handler's entry may carry ``js`` (JS commands as
data: ``[[name, {options}], …]``, ``ember.live.api._js``) and the server may send
``ember-event`` ``{"type": "ember-event", "event": name, "payload": {…}}`` for client hooks
(``LiveSession.push_event``). Version 5 adds live navigation: the client sends
``ember-live`` ``{"type": "ember-live", "path": p, "qs": q, "flash": signed}`` to switch the
socket to the view at ``p`` (a view of the same ``live_session``), and the server answers
``ember-view`` (the new view's title and socket config) followed by its ``layout-update``,
or ``ember-navigate`` with ``kind`` ``"redirect"`` (load that page instead); see
``ember.live.server._navigation``. Version 6 adds nested views (``live_render``): every
message a child view sends, and every ``layout-event`` and ``ember-ping`` for one, carries
``"view": id`` (``"chat"``; a child's child ``"chat/typing"``); without it a message is the
page's own view's. The child's DOM lives inside the parent's ``data-ember-view`` element,
whose children the parent never names (``ember.live.server._children``).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

import orjson

from .._errors import ProtocolError

PROTOCOL_VERSION = 6
MAX_TARGET_LENGTH = 512
VIEW_PATH = re.compile(r"[A-Za-z0-9_-]{1,64}(?:/[A-Za-z0-9_-]{1,64}){0,7}")


class CloseCode(enum.IntEnum):
    """Websocket close codes ember uses. 4xxx codes are ember's own."""

    NORMAL = 1000
    GOING_AWAY = 1001
    MESSAGE_TOO_BIG = 1009
    INTERNAL_ERROR = 1011
    SERVICE_RESTART = 1012
    BAD_FRAME = 4400
    BAD_TOKEN = 4401
    FORBIDDEN_ORIGIN = 4403
    UNKNOWN_VIEW = 4404
    SLOW_CLIENT = 4408
    TOO_MANY = 4429


@dataclass(slots=True)
class LayoutEvent:
    """An event for the handler ``target`` with its arguments."""

    target: str
    data: list[Any]
    seq: int | None
    view: str | None = None


@dataclass(frozen=True, slots=True)
class LocationChange:
    """The browser's URL changed without a page load (back/forward after a patch)."""

    path: str
    query_string: str


@dataclass(frozen=True, slots=True)
class Ping:
    """Asks the server to answer ``ember-pong`` once every earlier frame is handled and
    its renders are sent. ``ember.live.testing`` uses it to know a click has landed."""

    id: int
    view: str | None = None


@dataclass(frozen=True, slots=True)
class ViewRequest:
    """The browser asks for the view at ``path`` (a live link, back/forward, or a
    ``push_navigate`` the server sent) over this socket; ``flash`` is the signed flash
    that navigation carries, if any."""

    path: str
    query_string: str
    flash: str | None


ClientMessage = LayoutEvent | LocationChange | Ping | ViewRequest


def parse_frame(text: str | None, data: bytes | None, *, max_bytes: int) -> ClientMessage:
    """Validate one frame from the browser and return what it says.

    Raises:
        ProtocolError: with the close code to use (too big, binary, not JSON, wrong shape).
    """
    if text is None:
        size = len(data or b"")
        msg = f"Expected a text frame with JSON, got a binary frame of {size} bytes."
        raise ProtocolError(msg, close_code=CloseCode.BAD_FRAME)
    # An ASCII frame's length is its size in bytes: only other text is encoded to count.
    if len(text) > max_bytes or (not text.isascii() and len(text.encode()) > max_bytes):
        msg = f"A frame may be at most {max_bytes} bytes; this one is {len(text.encode())}."
        raise ProtocolError(msg, close_code=CloseCode.MESSAGE_TOO_BIG)
    try:
        message = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        msg = f"Expected a JSON object, got text that is not JSON ({exc})."
        raise ProtocolError(msg, close_code=CloseCode.BAD_FRAME) from None
    if not isinstance(message, dict):
        msg = f"Expected a JSON object, got {type(message).__name__}."
        raise ProtocolError(msg, close_code=CloseCode.BAD_FRAME)
    kind = message.get("type")
    if kind == "layout-event":
        return _layout_event(message)
    if kind == "ember-location":
        path, query = message.get("path"), message.get("qs", "")
        if isinstance(path, str) and path.startswith("/") and isinstance(query, str):
            return LocationChange(path=path, query_string=query.removeprefix("?"))
        raise ProtocolError(
            "An ember-location frame needs 'path' (starting with '/') and 'qs' as strings.",
            close_code=CloseCode.BAD_FRAME,
        )
    if kind == "ember-live":
        return _view_request(message)
    if kind == "ember-ping":
        ping_id = message.get("id")
        if isinstance(ping_id, int) and not isinstance(ping_id, bool):
            return Ping(id=ping_id, view=_view_of(message))
        raise ProtocolError(
            "An ember-ping frame needs an integer 'id'.", close_code=CloseCode.BAD_FRAME
        )
    msg = (
        "Expected a frame of type 'layout-event', 'ember-location', 'ember-live' or "
        f"'ember-ping', got {kind!r}."
    )
    raise ProtocolError(msg, close_code=CloseCode.BAD_FRAME)


_NO_DATA: Any = object()  # a frame without "data" (a default list would be made for each)


def _layout_event(message: dict[str, Any]) -> LayoutEvent:
    target, data, seq = message.get("target"), message.get("data", _NO_DATA), message.get("seq")
    if data is _NO_DATA:
        data = []
    if not isinstance(target, str) or not 0 < len(target) <= MAX_TARGET_LENGTH:
        msg = (
            f"Expected 'target' to be a string of 1 to {MAX_TARGET_LENGTH} characters, "
            f"got {type(target).__name__}."
        )
        raise ProtocolError(msg, close_code=CloseCode.BAD_FRAME)
    if not isinstance(data, list):
        msg = f"Expected 'data' to be a list, got {type(data).__name__}."
        raise ProtocolError(msg, close_code=CloseCode.BAD_FRAME)
    if seq is not None and (not isinstance(seq, int) or isinstance(seq, bool) or seq < 0):
        msg = f"Expected 'seq' to be a non-negative integer, got {seq!r}."
        raise ProtocolError(msg, close_code=CloseCode.BAD_FRAME)
    view = message.get("view")
    return LayoutEvent(target, data, seq, None if view is None else _view_of(message))


def _view_of(message: dict[str, Any]) -> str | None:
    view = message.get("view")
    if view is None or (isinstance(view, str) and VIEW_PATH.fullmatch(view)):
        return view
    msg = f"Expected 'view' to be a nested view's id like 'chat' or 'chat/typing', got {view!r}."
    raise ProtocolError(msg, close_code=CloseCode.BAD_FRAME)


def _view_request(message: dict[str, Any]) -> ViewRequest:
    path, query, flash = message.get("path"), message.get("qs", ""), message.get("flash")
    if (
        isinstance(path, str)
        and path.startswith("/")
        and len(path) <= MAX_TARGET_LENGTH
        and isinstance(query, str)
        and (flash is None or isinstance(flash, str))
    ):
        return ViewRequest(path=path, query_string=query.removeprefix("?"), flash=flash)
    raise ProtocolError(
        "An ember-live frame needs 'path' (a string starting with '/'), 'qs' as a string "
        "and 'flash' as a string or null.",
        close_code=CloseCode.BAD_FRAME,
    )
