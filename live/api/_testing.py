"""The code of :mod:`ember.live.testing` (its docstring is the guide)."""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from html import unescape
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import anyio
import anyio.abc
import httpx
import orjson
from anyio.abc import TaskGroup
from fastapi import FastAPI
from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..engine._html import HANDLERS_ATTRIBUTE, model_to_html
from ..engine._patch import apply_ops, set_pointer
from ..server._mount import Ember, find_session
from ..server._protocol import PROTOCOL_VERSION
from ..server._session import LiveSession
from ..server._token import FLASH_COOKIE, read_session_id
from ._asgi_socket import AsgiWebSocket, SocketClosed

__all__ = ["Element", "LiveChild", "LiveClient", "LivePage", "LiveTestError"]

_CONFIG = re.compile(r"data-ember-config='([^']*)'")
DEFAULT_TIMEOUT = 5.0
TIMERS_WITHIN = 1.0
"""After an event, timers the session has pending that fire within this many seconds
(``call_later``, the form kit's 300 ms validation pause) are waited for, with their renders;
not the timers those arm in turn (a recurring refresh)."""


class LiveTestError(AssertionError):
    """A test asked for something the page does not have, or the server went away."""


class Element:
    """One element of the rendered page."""

    def __init__(self, node: LexborNode) -> None:
        self._node = node

    @property
    def tag(self) -> str:
        return str(self._node.tag)

    @property
    def attributes(self) -> dict[str, str | None]:
        """The element's HTML attributes (ember's test-only handler map left out)."""
        return {k: v for k, v in self._node.attributes.items() if k != HANDLERS_ATTRIBUTE}

    def attr(self, name: str) -> str | None:
        return self.attributes.get(name)

    def text(self) -> str:
        """The element's text, whitespace trimmed."""
        return str(self._node.text(deep=True)).strip()

    @property
    def handlers(self) -> dict[str, str]:
        raw = self._node.attributes.get(HANDLERS_ATTRIBUTE)
        return dict(json.loads(raw)) if raw else {}

    def __repr__(self) -> str:
        return f"<Element {self.tag} {self.attributes}>"


class LiveClient:
    """An in-process client for a FastAPI app: plain requests and live pages."""

    def __init__(
        self,
        app: FastAPI,
        *,
        base_url: str = "http://testserver",
        headers: Mapping[str, str] | None = None,
        timers_within: float = TIMERS_WITHIN,
    ) -> None:
        self.app = app
        self.base_url = base_url
        self.timers_within = timers_within
        self._headers = dict(headers or {})
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=base_url, headers=self._headers
        )
        self._pages: list[LivePage] = []
        self._carried_flash: str | None = None
        self._stack = AsyncExitStack()
        self._group: TaskGroup | None = None

    async def __aenter__(self) -> LiveClient:
        await self._stack.enter_async_context(self.http)
        self._group = await self._stack.enter_async_context(anyio.create_task_group())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for page in list(self._pages):  # a page leaves the list as it closes
            await page.close()
        await self._stack.__aexit__(exc_type, exc, traceback)

    async def get(self, path: str) -> httpx.Response:
        """A plain GET request (JSON routes, the static first paint, redirects)."""
        return await self.http.get(path)

    async def live(self, path: str, *, origin: str | None = None) -> LivePage:
        """Load ``path``, then connect its websocket and wait for the live render.

        Raises:
            LiveTestError: the page is not an ember page, or the socket was refused.
        """
        # As the browser does: the flash of the last push_navigate/redirect goes along.
        carried, self._carried_flash = self._carried_flash, None
        headers = None
        if carried:  # with the browser's other cookies (a login cookie), not instead of them
            jar = {cookie.name: cookie.value for cookie in self.http.cookies.jar}
            sent = {**jar, FLASH_COOKIE: carried}
            headers = {"cookie": "; ".join(f"{name}={value}" for name, value in sent.items())}
        response = await self.http.get(path, headers=headers)
        if response.status_code != 200:
            moved = response.headers.get("location")
            detail = f" (redirect to {moved})" if moved else f": {response.text[:200]}"
            msg = (
                f"GET {path} answered {response.status_code}{detail}, expected 200 with an "
                "ember page."
            )
            raise LiveTestError(msg)
        found = _CONFIG.search(response.text)
        if found is None:
            raise LiveTestError(f"GET {path} returned a page without an ember view.")
        config = json.loads(unescape(found.group(1)))
        page = LivePage(self, response, config, origin=origin or self.base_url)
        if self._group is None:
            raise LiveTestError("Use the LiveClient as `async with LiveClient(app) as client:`.")
        await self._group.start(page._run)
        self._pages.append(page)
        await page._first_render()
        return page


class LivePage:
    """A live view under test: its HTML, its elements, and the events to send it."""

    def __init__(
        self, client: LiveClient, response: httpx.Response, config: dict[str, str], *, origin: str
    ) -> None:
        self.client = client
        self.response = response
        self.static_html = response.text
        self.path = response.url.path
        self._config = config
        self._origin = origin
        self._model: dict[str, Any] = {"tagName": ""}
        self._views: dict[str, dict[str, Any]] = {}  # nested views' models, by id
        self._mounts: dict[str, int] = {}  # how often each nested view has mounted
        self._socket: AsgiWebSocket | None = None
        self._closing = anyio.Event()
        self._finished = anyio.Event()
        self._pongs: dict[int, anyio.Event] = {}
        self._pings = itertools.count(1)
        self._changed = anyio.Event()
        self._closed: int | None = None
        self._close_reason: str = ""
        self.navigations: list[dict[str, str]] = []
        # The ``seq`` of each ``ember-ack`` the server sent (events sent with a ``seq``).
        self.acks: list[int] = []

    # -- reading -----------------------------------------------------------------------------

    def html(self) -> str:
        """The live view's current HTML (its nested views' inside their elements)."""
        return model_to_html(self._composed())

    def find_all(self, selector: str) -> list[Element]:
        html = model_to_html(self._composed(), handlers=True)
        tree = LexborHTMLParser(f"<body>{html}</body>")
        return [Element(node) for node in tree.css(selector)]

    def _composed(self) -> dict[str, Any]:
        return _compose(self._model, self._root_page()._views)

    def _root_page(self) -> LivePage:
        return self

    def child(self, id: str) -> LiveChild:
        """The nested view ``id`` (``live_render(View, id=...)``) of this page or view:
        find its elements, send it events, read its HTML.

        Raises:
            LiveTestError: no such nested view is on the page.
        """
        child = LiveChild(self._root_page(), _child_id(self, id))
        if child.view_id not in self._root_page()._views:
            msg = (
                f"No nested view {child.view_id!r} is live on this page; it has {self.children()}."
            )
            raise LiveTestError(msg)
        return child

    def children(self) -> list[str]:
        """The ids of the nested views live on the page (children's children as ``a/b``)."""
        return sorted(self._root_page()._views)

    def find(self, selector: str, *, text: str | None = None) -> Element:
        """The one element matching ``selector`` (and containing ``text``, if given).

        Raises:
            LiveTestError: no element or several elements match.
        """
        found = self.find_all(selector)
        if text is not None:
            found = [e for e in found if text in e.text()]
        if len(found) != 1:
            wanted = selector + (f" containing {text!r}" if text else "")
            msg = f"Expected one element matching {wanted}, found {len(found)} in:\n{self.html()}"
            raise LiveTestError(msg)
        return found[0]

    def has(self, selector: str, *, text: str | None = None) -> bool:
        found = self.find_all(selector)
        return any(text in e.text() for e in found) if text is not None else bool(found)

    @property
    def session_id(self) -> str:
        """The id of the server-side session this page belongs to (from its token)."""
        return read_session_id(self._config["componentPath"].partition("token=")[2])

    def session(self, ember: Ember | None = None) -> LiveSession:
        """The live server-side session of this page, in this process.

        Args:
            ember: the ``Ember`` that mounted the view (default: the shared one).

        Raises:
            LiveTestError: the session is not open in that ``Ember``.
        """
        from .. import default_ember

        sessions = (ember or default_ember()).sessions
        found = sessions.get(self.session_id)
        if found is None:
            msg = f"Session {self.session_id} is not open; pass the Ember that mounted it."
            raise LiveTestError(msg)
        return found

    def flash(self, ember: Ember | None = None) -> dict[str, str]:
        """The session's flash messages (kind → text), as ``put_flash`` left them."""
        return dict(self.session(ember).flash)

    async def follow(self) -> LivePage:
        """Open the page of the last ``push_navigate``/``redirect`` the server asked for.

        Raises:
            LiveTestError: the server asked for no navigation to another page.
        """
        for navigation in reversed(self.navigations):
            if navigation["kind"] in {"navigate", "redirect"}:
                await self.close()
                return await self.client.live(navigation["to"])
        raise LiveTestError(f"No push_navigate or redirect happened; got {self.navigations}.")

    @property
    def close_code(self) -> int | None:
        """The code the server closed the socket with, or None while it is open."""
        return self._closed

    # -- acting --------------------------------------------------------------------------------

    async def click(self, selector: str, *, text: str | None = None) -> None:
        """Click the element: its ``onClick`` handler runs with a click event."""
        element = self.find(selector, text=text)
        await self._fire(element, "onClick", {"type": "click", "target": _target(element)})

    async def change(self, selector: str, value: str | bool, *, pause: bool = True) -> None:
        """Change an input's value (or a checkbox's checked state) and fire ``onChange``.

        Args:
            pause: as a user who stops typing: wait for the timers the change started
                (debounced validation) and their renders. False types on at once.
        """
        element = self.find(selector)
        target = _target(element)
        if isinstance(value, bool):
            target["checked"] = value
        else:
            target["value"] = value
        handler = "onChange" if "onChange" in element.handlers else "onInput"
        event = {"type": "change", "target": target}
        await self._fire(element, handler, event, timers=pause)

    async def keydown(self, selector: str, key: str) -> None:
        """Press ``key`` on the element: its ``onKeyDown`` hears it, unless the element's
        ``data-ember-key`` does not name the key (then, as in the browser, nothing is sent)."""
        element = self.find(selector)
        wanted = element.attr("data-ember-key")
        if wanted and not _key_wanted(wanted, key):
            return
        event = {"type": "keydown", "key": key, "target": _target(element)}
        await self._fire(element, "onKeyDown", event)

    async def submit(self, selector: str = "form", data: Mapping[str, Any] | None = None) -> None:
        """Submit the form: its fields' current values, overridden by ``data``.

        Raises:
            LiveTestError: ``data`` names a field the form does not have.
        """
        form = self.find(selector)
        given = dict(data or {})
        elements: list[dict[str, Any]] = []
        for element in self.find_all(f"{selector} [name]"):
            name = element.attr("name") or ""
            kind = element.attr("type") or ("textarea" if element.tag == "textarea" else "text")
            entry: dict[str, Any] = {"name": name, "type": kind, "tagName": element.tag.upper()}
            if kind in {"checkbox", "radio"}:
                value = element.attr("value") or "on"
                wanted = given.pop(name, None) if kind == "checkbox" else given.get(name)
                if wanted is None:
                    checked = element.attr("checked") is not None
                else:
                    checked = wanted is True or wanted == value
                entry.update(value=value, checked=checked)
            else:
                entry["value"] = given.pop(name, element.attr("value") or element.text() or "")
            elements.append(entry)
        radios = {e["name"] for e in elements if e["type"] == "radio"}
        unknown = sorted(set(given) - radios)
        if unknown:
            known = sorted({e["name"] for e in elements})
            msg = f"The form {selector} has no fields named {unknown}; it has {known}."
            raise LiveTestError(msg)
        # The shape ReactPy's client sends for a form: the list of its elements.
        target = elements
        await self._fire(form, "onSubmit", {"type": "submit", "target": target})

    async def fire(self, selector: str, handler: str, *data: Any) -> None:
        """Send any event: ``handler`` (``"onBlur"``, …) of the element, with ``data``."""
        await self._fire(self.find(selector), handler, *data)

    async def upload(
        self, selector: str, files: Sequence[tuple[str, bytes, str]], *, chunk: int = 512 * 1024
    ) -> list[int]:
        """Pick ``files`` (name, bytes, MIME type) in the upload input ``selector`` and send
        them in chunks as the browser does (``ember.live.use_upload``); return each chunk
        request's HTTP status, in order. An entry the server refused gets no request."""
        described = [{"name": n, "type": t, "size": len(b)} for n, b, t in files]
        await self.fire(selector, "onChange", {"type": "change", "target": {"files": described}})
        entries = json.loads(self.find(selector).attr("data-ember-entries") or "[]")
        prefix = self._config["pathPrefix"]
        statuses: list[int] = []
        for token, name, size, _external in entries:
            body = next(b for n, b, _ in files if n == name and len(b) == size)
            offset = 0
            while True:
                url = f"{prefix}upload/{token}?offset={offset}"
                response = await self.client.http.post(url, content=body[offset : offset + chunk])
                statuses.append(response.status_code)
                if response.status_code != 200:
                    break
                offset = response.json()["received"]
                if offset >= size:
                    break
        await self._sync()
        return statuses

    async def render(self) -> str:
        """Wait until the server has handled everything sent so far; return the HTML."""
        await self._sync()
        return self.html()

    async def wait_for(
        self,
        condition: Callable[[LivePage], bool] | str,
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """Wait until ``condition(page)`` holds, or until a CSS selector matches.

        Raises:
            LiveTestError: it did not happen within ``timeout`` seconds.
        """
        check = (lambda page: page.has(condition)) if isinstance(condition, str) else condition
        with anyio.move_on_after(timeout):
            while not check(self):
                self._changed = anyio.Event()
                await self._changed.wait()
            return
        msg = f"Waited {timeout} s for {condition!r}; the page is now:\n{self.html()}"
        raise LiveTestError(msg)

    async def wait_closed(self, *, timeout: float = DEFAULT_TIMEOUT) -> int:
        """Wait for the server to close the socket; return the close code."""
        await self.wait_for(lambda page: page._closed is not None, timeout=timeout)
        assert self._closed is not None  # noqa: S101 - narrowed for mypy
        return self._closed

    async def send_raw(self, frame: str | bytes) -> None:
        """Send a raw frame (text, or bytes as a binary frame), as a hostile client would."""
        socket = self._require_socket()
        try:
            await socket.send(frame)
        except (SocketClosed, anyio.BrokenResourceError, anyio.ClosedResourceError) as error:
            raise LiveTestError(f"The page's websocket is closed ({error}).") from error

    async def reconnect(self, client: LiveClient | None = None) -> None:
        """Drop the websocket and connect again with the same session token, as the browser
        does after a network blip or a server restart. With ``client``, reconnect to that
        client's app instead (another worker of the same service).
        """
        await self.close()
        self.client = client or self.client
        self._model = {"tagName": ""}
        self._views = {}
        self._socket = None
        self._closing, self._finished = anyio.Event(), anyio.Event()
        self._closed, self._close_reason = None, ""
        self._pongs = {}
        if self.client._group is None:
            raise LiveTestError("Use the LiveClient as `async with LiveClient(app) as client:`.")
        await self.client._group.start(self._run)
        self.client._pages.append(self)
        await self._first_render()

    async def close(self) -> None:
        """Close the websocket (the server ends the session)."""
        self._closing.set()
        await self._finished.wait()
        if self in self.client._pages:
            self.client._pages.remove(self)

    # -- plumbing ------------------------------------------------------------------------------

    async def _run(self, *, task_status: anyio.abc.TaskStatus[None]) -> None:
        # The connection lives in a task of its own, so pages open and close in any order.
        url = f"{self._config['pathPrefix']}{self._config['componentPath']}"
        query = {"path": self.path, "protocol": str(PROTOCOL_VERSION)}  # as ember.js sends
        if self.response.url.query:
            query["qs"] = "?" + self.response.url.query.decode()
        url += ("&" if "?" in url else "?") + urlencode(query)
        headers = {**self.client._headers, "origin": self._origin}
        # As a browser does: the cookies the client holds for this URL go along.
        cookie = self.client.http.build_request("GET", url).headers.get("cookie")
        if cookie:
            headers["cookie"] = cookie
        socket = AsgiWebSocket(self.client.app, url, headers)
        try:
            async with anyio.create_task_group() as group:
                try:
                    await socket.connect(group)
                except SocketClosed as refused:
                    self._closed, self._close_reason = refused.code, refused.reason
                    task_status.started()
                    return
                self._socket = socket
                task_status.started()
                group.start_soon(self._receive)
                await self._closing.wait()
                self._closed = self._closed or 1000  # closed by this side, normally
                await socket.close()
                # The server ends the session on its own; give it a moment, then move on.
                group.cancel_scope.deadline = anyio.current_time() + 5
        finally:
            socket.dispose()
            self._closed = self._closed or 1000
            self._finished.set()

    async def _first_render(self) -> None:
        await self.wait_for(
            lambda page: page._model.get("children") is not None or page._closed is not None
        )
        if self._closed is not None:
            msg = f"The server closed the websocket with {self._closed}: {self._close_reason}"
            raise LiveTestError(msg)
        # Renders the first one set off (an error boundary catching a child, effects that
        # set state) land before the test looks.
        with contextlib.suppress(LiveTestError):  # unless the server closes right away
            await self._sync()
            # Nested views mount after their parent's first render: wait for them too.
            await self.wait_for(lambda page: not _unmounted(page), timeout=DEFAULT_TIMEOUT)

    async def _receive(self) -> None:
        socket = self._require_socket()
        try:
            while True:
                message = orjson.loads(await socket.receive_text())
                self._apply(message)
        except SocketClosed as closed:
            if self._closed is None:
                self._closed, self._close_reason = closed.code, closed.reason
        finally:
            for event in self._pongs.values():
                event.set()
            self._changed.set()

    def _apply(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        view = message.get("view")
        if view is not None and kind in {"layout-update", "ember-patch"}:
            if kind == "layout-update":
                self._views[view] = message["model"]
                self._mounts[view] = self._mounts.get(view, 0) + 1
            elif view in self._views:
                apply_ops(self._views[view], message["ops"])
            self._changed.set()
            return
        if kind == "layout-update":
            set_pointer(self._model, message["path"], message["model"])
        elif kind == "ember-patch":
            apply_ops(self._model, message["ops"])
            if message.get("ack"):  # as ember.js: the event these renders answer
                self.acks.append(message["ack"])
        elif kind == "ember-ack":
            self.acks.append(message["seq"])
        elif kind == "ember-pong":
            self._pongs.pop(message["id"], anyio.Event()).set()
        elif kind == "ember-navigate":
            navigation = {"kind": message["kind"], "to": message["to"]}
            if message.get("replace"):
                navigation["replace"] = "true"
            if message.get("flash"):  # as ember.js does: the next page shows it
                self.client._carried_flash = message["flash"]
            self.navigations.append(navigation)
        self._changed.set()

    async def _fire(self, element: Element, handler: str, *data: Any, timers: bool = True) -> None:
        target = element.handlers.get(handler)
        if target is None:
            has = ", ".join(sorted(element.handlers)) or "none"
            msg = f"{element!r} has no {handler} handler (it has: {has})."
            raise LiveTestError(msg)
        frame = {"type": "layout-event", "target": target, "data": list(data)}
        await self.send_raw(orjson.dumps(frame).decode())
        await self._sync()
        if timers:
            await self._run_timers()

    async def _run_timers(self) -> None:
        """Wait for the timers pending once the event is handled that fire within
        ``timers_within``, then for their renders.

        Only those timers: one they arm in turn (a recurring refresh re-arming itself) is
        left for ``wait_for``, or a page that refreshes every 50 ms would never settle.
        """
        within = self.client.timers_within
        session = find_session(self.session_id) if within > 0 else None
        if session is None:
            return
        pending = session._timers or {}
        horizon = time.monotonic() + within
        awaited = {key for key, deadline in pending.items() if deadline <= horizon}
        if not awaited:
            return
        with anyio.move_on_after(within + DEFAULT_TIMEOUT):
            while not awaited.isdisjoint(pending) and self._closed is None:  # noqa: ASYNC110 - server state, no event
                await anyio.sleep(0.005)
        if self._closed is None:
            await self._sync()

    async def _sync(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        ping = next(self._pings)
        landed = self._pongs[ping] = anyio.Event()
        await self.send_raw(orjson.dumps({"type": "ember-ping", "id": ping}).decode())
        with anyio.move_on_after(timeout):
            await landed.wait()
            return
        raise LiveTestError(f"The server did not answer within {timeout} s.")

    def _require_socket(self) -> AsgiWebSocket:
        if self._socket is None or self._closed is not None:
            reason = f" (closed with {self._closed}: {self._close_reason})" if self._closed else ""
            raise LiveTestError(f"The page's websocket is not open{reason}.")
        return self._socket


class LiveChild(LivePage):
    """A nested view of a :class:`LivePage` (``page.child("chat")``): the same finding and
    acting, aimed at the child (its events carry its view id)."""

    def __init__(self, page: LivePage, view_id: str) -> None:  # shares the page's socket
        self._page = page
        self.view_id = view_id
        self.client = page.client
        self.response = page.response
        self.path = page.path
        self._config = page._config

    def _root_page(self) -> LivePage:
        return self._page

    def _composed(self) -> dict[str, Any]:
        model = self._page._views.get(self.view_id)
        if model is None:
            return {"tagName": ""}
        return _compose(model, self._page._views)

    @property
    def mounts(self) -> int:
        """How many times the child has mounted over this socket (a crash remounts it)."""
        return self._page._mounts.get(self.view_id, 0)

    @property
    def session_id(self) -> str:
        """The child's session id (its snapshot key): the page's, then each view's id."""
        return ".".join([self._page.session_id, *self.view_id.split("/")])

    async def wait_for(
        self, condition: Callable[[LivePage], bool] | str, *, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        check = (lambda page: page.has(condition)) if isinstance(condition, str) else condition
        await self._page.wait_for(lambda _: check(self), timeout=timeout)

    async def send_raw(self, frame: str | bytes) -> None:
        await self._page.send_raw(frame)

    async def _fire(self, element: Element, handler: str, *data: Any, timers: bool = True) -> None:
        target = element.handlers.get(handler)
        if target is None:
            has = ", ".join(sorted(element.handlers)) or "none"
            msg = f"{element!r} has no {handler} handler (it has: {has})."
            raise LiveTestError(msg)
        frame = {"type": "layout-event", "target": target, "data": list(data), "view": self.view_id}
        await self.send_raw(orjson.dumps(frame).decode())
        await self._sync()

    async def _sync(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        page = self._page
        ping = next(page._pings)
        landed = page._pongs[ping] = anyio.Event()
        frame = {"type": "ember-ping", "id": ping, "view": self.view_id}
        await self.send_raw(orjson.dumps(frame).decode())
        with anyio.move_on_after(timeout):
            await landed.wait()
            return
        raise LiveTestError(f"The nested view {self.view_id} did not answer within {timeout} s.")

    def __repr__(self) -> str:
        return f"<LiveChild {self.view_id} of {self.path}>"


def _child_id(page: LivePage, view_id: str) -> str:
    return f"{page.view_id}/{view_id}" if isinstance(page, LiveChild) else view_id


def _placeholder_ids(model: Any) -> list[str]:
    found: list[str] = []
    pending = [model]
    while pending:
        current = pending.pop()
        if not isinstance(current, dict):
            continue
        attributes = current.get("attributes")
        if attributes and "data-ember-view" in attributes:
            found.append(str(attributes["data-ember-view"]))
            continue
        pending.extend(current.get("children") or ())
    return found


def _unmounted(page: LivePage) -> list[str]:
    """Nested views on the page whose first render has not arrived."""
    missing: list[str] = []
    pending = [page._model]
    while pending:
        for view_id in _placeholder_ids(pending.pop()):
            model = page._views.get(view_id)
            if model is None:
                missing.append(view_id)
            else:
                pending.append(model)
    return missing if page._closed is None else []


def _compose(model: dict[str, Any], views: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """``model`` with each nested view's model inside its element (a copy where it differs)."""
    if not views:
        return model

    def fill(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        attributes = node.get("attributes")
        if attributes and "data-ember-view" in attributes:
            inner = views.get(str(attributes["data-ember-view"]))
            return node if inner is None else {**node, "children": [fill(inner)]}
        children = node.get("children")
        if not children:
            return node
        return {**node, "children": [fill(child) for child in children]}

    return dict(fill(model))


def _target(element: Element) -> dict[str, Any]:
    attributes = element.attributes
    return {
        "tagName": element.tag.upper(),
        "value": attributes.get("value") or "",
        "name": attributes.get("name") or "",
        "checked": "checked" in attributes,
        "dataset": {k[5:]: v for k, v in attributes.items() if k.startswith("data-")},
    }


def _key_wanted(wanted: str, key: str) -> bool:
    """Whether ``data-ember-key="wanted"`` lets ``key`` through (as the client checks it)."""
    name = "space" if key == " " else key.lower()
    return name in {part.lower() for part in wanted.split()}
