"""Nested live views: child views that share their tab's websocket (``live_render``).

A child is a ``LiveView`` rendered inside another view (or inside a hook component tree)
with a session, a mailbox and an engine of its own: a channel like the page's
(``ember.live.server._channel``), without a socket of its own. Its messages carry its view
id (``"view": "chat"``; a child's child is ``"chat/typing"``), and the socket's reader
hands each frame that names a view to that view's mailbox (:class:`Tab`).

Failure isolation: a child whose handler (or any of its work) raises is logged once and
mounted again (from its recovery snapshot, under its own key) while its parent carries
on; a parent that fails closes the socket as before, and the browser remounts both.

Sticky children (``sticky=True``) belong to the tab rather than to the view that rendered
them: when the page navigates live to another view of the ``live_session`` group, the
child keeps running (session, state, DOM) and the next view adopts it if it renders the
same ``live_render(View, id=..., sticky=True)``; a view that does not render it lets it go.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio
from starlette.websockets import WebSocket, WebSocketState

from .._errors import ConfigurationError, drop_tracebacks
from ..engine._engine import Engine
from ..engine._reactpy import Component, Connection, ConnectionContext, Location
from ._protocol import ClientMessage, Ping, ViewRequest
from ._runner import _close_for, _flush_snapshot, _load_snapshot, _Workers
from ._session import LiveSession, SessionState

if TYPE_CHECKING:
    from ..api._view import LiveView
    from ._channel import _Channel
    from ._mailbox import Mailbox
    from ._mount import Ember, Mount

logger = logging.getLogger("ember.live")

Send = Callable[[dict[str, Any]], Awaitable[None]]
VIEW_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""What a child's ``id`` may be (it names the view on the wire and in the DOM)."""
MAX_REMOUNTS = 3
REMOUNT_WINDOW_SECONDS = 10.0
"""A child that fails this many times within the window stays down (its last render
stays on the page) instead of failing in a loop."""


@dataclass(eq=False)
class ChildSpec:
    """What ``live_render`` asked for: the view, its id and how it is mounted."""

    view: type[LiveView]
    id: str
    session: Mapping[str, Any] = field(default_factory=dict)
    sticky: bool = False
    on_message: Callable[[Any], Awaitable[None] | None] | None = None
    parent_view: LiveView | None = None


def check_view_id(view_id: object) -> str:
    """``view_id`` when it is a usable child id.

    Raises:
        ConfigurationError: it is not a short string of letters, digits, ``_`` and ``-``.
    """
    if not isinstance(view_id, str) or VIEW_ID.fullmatch(view_id) is None:
        msg = (
            "Expected live_render's id to be 1 to 64 letters, digits, '_' or '-' (it names "
            f"the child on the wire and in the page), got {view_id!r}."
        )
        raise ConfigurationError(msg)
    return view_id


# -- which tab and which child a session belongs to --------------------------------------------

_TABS: weakref.WeakKeyDictionary[WebSocket, Tab] = weakref.WeakKeyDictionary()
_SESSION_TABS: weakref.WeakKeyDictionary[LiveSession, Tab] = weakref.WeakKeyDictionary()
_CHILDREN: weakref.WeakKeyDictionary[LiveSession, Child] = weakref.WeakKeyDictionary()
_FIRST_PAINT: weakref.WeakKeyDictionary[LiveSession, dict[str, ChildSpec]] = (
    weakref.WeakKeyDictionary()
)
_FIRST_PAINT_OWNERS: weakref.WeakKeyDictionary[LiveSession, dict[str, object]] = (
    weakref.WeakKeyDictionary()
)
_VIEWS: weakref.WeakKeyDictionary[LiveSession, LiveView] = weakref.WeakKeyDictionary()


def duplicate_view_id(view_id: str, first: type[LiveView], second: type[LiveView]) -> str:
    """The message of the error for two nested views with one id on one page."""
    return (
        f"Two nested views on one page have the id {view_id!r} ({first.__name__} and "
        f"{second.__name__}); each live_render() rendered by a view needs an id of its own. "
        "Give one of them another id."
    )


def view_of(session: LiveSession) -> LiveView | None:
    """The ``LiveView`` a child's ``session`` runs, or None."""
    return _VIEWS.get(session)


def tab_of(session: LiveSession) -> Tab | None:
    """The tab (websocket) ``session`` is live on, or None during the first paint."""
    return _SESSION_TABS.get(session)


def child_of(session: LiveSession) -> Child | None:
    """The child view ``session`` is the session of, or None for a page's own session."""
    return _CHILDREN.get(session)


def full_view_id(session: LiveSession, view_id: str) -> str:
    """The wire id of the child ``view_id`` rendered by ``session`` (``parent/child``)."""
    parent = child_of(session)
    return view_id if parent is None else f"{parent.id}/{view_id}"


def attach_tab(ember: Ember, websocket: WebSocket, session: LiveSession, send: Send) -> Tab:
    """The tab of ``websocket`` (made on first use), with ``session`` as its page's
    session and ``send`` as the way out (each view of a live navigation brings its own)."""
    tab = _TABS.get(websocket)
    if tab is None:
        tab = _TABS[websocket] = Tab(ember, websocket)
    tab.send = send
    _SESSION_TABS[session] = tab
    tab.sessions.append(weakref.ref(session))
    return tab


async def close_tab(websocket: WebSocket) -> None:
    """The socket is done: stop every child still running on it (sticky ones too)."""
    tab = _TABS.pop(websocket, None)
    if tab is not None:
        await tab.close()


class _Inbox:
    """The reader's way in: frames that name a view go to that child's mailbox."""

    __slots__ = ("_channel", "_tab")

    def __init__(self, tab: Tab, channel: _Channel) -> None:
        self._tab = tab
        self._channel = channel

    def deliver(self, frame: ClientMessage) -> Awaitable[None]:
        view = getattr(frame, "view", None)
        if view is None:
            if type(frame) is ViewRequest:
                self._tab.navigating = True  # sticky children outlive the view that ends now
            # The parent's (it may run the frame at once), with no coroutine of this one's.
            return self._channel.deliver(frame)
        return self._to_child(frame, view)

    async def _to_child(self, frame: ClientMessage, view: str) -> None:
        child = self._tab.children.get(view)
        mailbox = child.mailbox if child is not None else None
        if mailbox is not None:
            await mailbox.put(frame)
            return
        if not isinstance(frame, Ping):  # a child that is gone or remounting
            logger.info("Ignored an event for view %r: no such child is live", view[:80])
            return
        await self._channel.deliver(frame)  # a ping for a child that is gone: the parent's


class Tab:
    """The child views of one websocket, by wire id."""

    __slots__ = (
        "__weakref__",
        "_parked",
        "children",
        "closed",
        "ember",
        "navigating",
        "send",
        "sessions",
        "websocket",
    )

    def __init__(self, ember: Ember, websocket: WebSocket) -> None:
        self.ember = ember
        self.websocket = websocket
        self.send: Send | None = None
        self.children: dict[str, Child] = {}
        self.navigating = False
        self.sessions: list[weakref.ref[LiveSession]] = []  # the page's, one per view shown
        # Sticky children kept through a live navigation: a dict as an ordered set (empty,
        # 64 bytes against a set's 216; every socket has a Tab, few ever park a child).
        self._parked: dict[str, None] = {}
        self.closed = False

    def inbox(self, channel: _Channel) -> _Inbox:
        """What the socket's reader hands frames to while ``channel``'s view runs."""
        return _Inbox(self, channel)

    def open(self, view_id: str, spec: ChildSpec, parent: LiveSession, owner: object) -> Child:
        """Start the child ``view_id`` of ``parent`` (or adopt the sticky one running);
        ``owner`` stands for the ``live_render`` placeholder that asks.

        Raises:
            ConfigurationError: another placeholder of ``parent`` on the page runs a child
                with this id.
        """
        running = self.children.get(view_id)
        if running is not None:
            if view_id in self._parked and running.spec.view is spec.view:
                self._parked.pop(view_id, None)
                running.owner = owner
                running.adopt(spec, parent)
                return running
            if running.parent is parent and running.owner is not owner:
                raise ConfigurationError(duplicate_view_id(view_id, running.spec.view, spec.view))
            self._stop(running)
        child = Child(self, view_id, spec, parent, owner)
        self.children[view_id] = child
        child.start()
        return child

    def release(self, child: Child) -> None:
        """``child``'s placeholder left its parent's page: stop it, unless it is sticky
        and the page is navigating live (then the next view may adopt it)."""
        if self.children.get(child.id) is not child:
            return
        if child.spec.sticky and self.navigating and not self.closed:
            self._parked[child.id] = None
            return
        self._stop(child)

    def settle(self) -> None:
        """A view has mounted: sticky children it did not adopt stop."""
        self.navigating = False
        for view_id in list(self._parked):
            child = self.children.get(view_id)
            if child is not None:
                self._stop(child)
        self._parked.clear()

    def _stop(self, child: Child) -> None:
        self._parked.pop(child.id, None)
        if self.children.get(child.id) is child:
            del self.children[child.id]
        child.stop()

    async def close(self) -> None:
        self.closed = True
        self.send = None  # the channel's send holds its session (a key of _SESSION_TABS)
        for ref in self.sessions:
            session = ref()
            if session is not None:
                _SESSION_TABS.pop(session, None)
        self.sessions.clear()
        children = list(self.children.values())
        self.children.clear()
        self._parked.clear()
        for child in children:
            child.stop()
        await asyncio.gather(*(child.wait() for child in children), return_exceptions=True)


class Child:
    """One child view on a tab: mounts, serves and (after a failure) mounts again."""

    def __init__(
        self, tab: Tab, view_id: str, spec: ChildSpec, parent: LiveSession, owner: object
    ) -> None:
        self.tab = tab
        self.id = view_id
        self.spec = spec
        self.parent = parent
        self.owner = owner  # the placeholder that runs it (two with one id are refused)
        # Its snapshot key: the same after a reconnect (the page's session id is the token's).
        self.session_id = f"{parent.id}.{spec.id}"
        self.session: LiveSession | None = None
        self.mailbox: Mailbox | None = None
        self.mounts = 0
        self._task: asyncio.Task[None] | None = None
        self._stopped = False
        self._failures: list[float] = []

    def adopt(self, spec: ChildSpec, parent: LiveSession) -> None:
        """A new parent (the next view of a live navigation) renders this sticky child."""
        self.spec = spec
        self.parent = parent
        self.rekey()

    def rekey(self) -> None:
        """Key the snapshot by the parent's session id as it is now; the children this
        child renders follow (a reconnect brings the new view's token: a sticky child's
        snapshot, and its own children's, move to keys made from it)."""
        self.session_id = f"{self.parent.id}.{self.spec.id}"
        session = self.session
        post = session._post if session is not None else None
        if session is not None and post is not None and session.id != self.session_id:
            session.id = self.session_id
            session._snapshot_dirty = True  # saved under the new key after its next item
            post(_nothing)
        if session is not None:
            for child in list(self.tab.children.values()):
                if child.parent is session:
                    child.rekey()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(
            self._run(), name=f"ember child {self.id} of session {self.parent.id}"
        )
        self._task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[None]) -> None:
        # A cancelled task keeps its CancelledError, whose traceback holds the frames of
        # _run, which hold this child: a cycle, unless the child lets go of the task.
        if self._task is task:
            self._task = None

    def stop(self) -> None:
        self._stopped = True
        if self._task is not None:
            self._task.cancel()

    async def wait(self) -> None:
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def send(self, message: dict[str, Any]) -> None:
        send = self.tab.send
        if send is None:
            return
        await send({**message, "view": self.id})

    async def _run(self) -> None:
        while not self._stopped:
            failure = await self._serve()
            if failure is None or self._stopped or self.tab.closed:
                return
            if self.tab.websocket.client_state is not WebSocketState.CONNECTED:
                return
            now = time.monotonic()
            self._failures = [t for t in self._failures if now - t < REMOUNT_WINDOW_SECONDS]
            self._failures.append(now)
            if len(self._failures) >= MAX_REMOUNTS:
                logger.error(
                    "Child view %s of session %s failed %d times in %g s; it stays down",
                    self.id,
                    self.parent.id,
                    len(self._failures),
                    REMOUNT_WINDOW_SECONDS,
                )
                return
            logger.info("Child view %s of session %s remounts", self.id, self.parent.id)

    def _mount(self) -> Mount:
        from ._mount import Mount

        return Mount(
            path=f"{self.parent.mount_path}#{self.id}",
            view=self.spec.view,
            title=self.spec.view.__name__,
        )

    async def _serve(self) -> BaseException | None:
        """Mount and serve the child until it is stopped (None) or fails (the failure)."""
        from ._channel import _Channel
        from ._mailbox import Mailbox

        ember, parent, mounted = self.tab.ember, self.parent, self._mount()
        session = LiveSession(
            id=self.session_id,
            mount_path=parent.mount_path,
            location=parent.location,
            identity=parent.identity,
            scope=parent.scope,
            dependencies=parent.dependencies,
            _pubsub=ember.session_pubsub,
            _running_pubsub=ember.session_running_pubsub,
            _sign_flash=ember.session_sign_flash,
        )
        _CHILDREN[session] = self
        _SESSION_TABS[session] = self.tab
        failures: list[BaseException] = []
        await _load_snapshot(ember, session)
        mailbox = Mailbox()
        try:
            async with (
                anyio.create_task_group() as group,
                _Workers(group.cancel_scope, failures) as tasks,
            ):
                session._attach(tasks.start, self.send)
                session._mailbox, session._post = mailbox.run, mailbox.post_nowait
                self.session = session
                root = await mount_child(self.spec, session)
                connection = Connection(
                    scope=session.scope,
                    location=Location(
                        path=session.location.path, query_string=session.location.query_string
                    ),
                    carrier=self.tab.websocket,
                )
                engine = Engine(
                    ConnectionContext(root, value=connection),
                    context=f"session {session.id}, child view {self.id}",
                    on_dirty=mailbox.ask_render,
                )
                try:
                    async with _Workers(group.cancel_scope, failures) as workers:
                        self.mounts += 1
                        await self.send(
                            {"type": "layout-update", "path": "", "model": engine.mount()}
                        )
                        channel = _Channel(ember, mounted, session, engine, mailbox, self.send)
                        mailbox.claim()  # renders the first one set off come first
                        try:
                            await channel.flush()
                        finally:
                            mailbox.end()
                        self.mailbox = mailbox
                        workers.start(
                            channel.serve(), f"ember child {self.id} of session {parent.id}"
                        )
                        await anyio.sleep_forever()
                finally:
                    self.mailbox = None
                    with anyio.CancelScope(shield=True):
                        await engine.close()
        except Exception as error:  # task groups raise groups; the first failure is kept
            failures.append(error)
        finally:
            self.mailbox = None
            with anyio.CancelScope(shield=True):
                if failures and not self._stopped:
                    await self._answer_pings(mailbox)
                mailbox.close()
                with anyio.move_on_after(2):
                    await _flush_snapshot(ember, session)
                await session._close()
            for registry in (_CHILDREN, _SESSION_TABS, _VIEWS):
                registry.pop(session, None)  # their values hold the session, their key
        if not failures or self._stopped:
            for failure in failures:  # their frames hold this one, which holds them
                drop_tracebacks(failure)
            return None
        _close_for(failures[0], session, mounted)  # logged once, unless logged where it failed
        for failure in failures:
            drop_tracebacks(failure)
        return failures[0]

    async def _answer_pings(self, mailbox: Mailbox) -> None:
        # Pings that waited behind the failed item still get their answer (the tests'
        # ``render()`` after a click that crashed the child).
        for item in mailbox.drain():
            if isinstance(item, Ping):
                with contextlib.suppress(Exception):
                    await self.send({"type": "ember-pong", "id": item.id})


def _nothing() -> None:
    """An empty mailbox item: its pass saves the snapshot."""


async def mount_child(spec: ChildSpec, session: LiveSession) -> Component:
    """Mount ``spec``'s view for ``session``; return its root (with its session context)."""
    from ..api._hooks import SessionContext
    from ..api._view import compile_view

    instance = spec.view()
    _VIEWS[session] = instance
    socket = await instance._start(session, assigns=spec.session)
    return SessionContext(compile_view(instance, socket), value=session)


# -- the first paint ------------------------------------------------------------------------


def note_first_paint(session: LiveSession, view_id: str, spec: ChildSpec, owner: object) -> None:
    """A child placeholder (``owner``) rendered in ``session``'s first paint (filled by
    :func:`paint_children` once the page's model is done).

    Raises:
        ConfigurationError: another placeholder of this first paint has the same id.
    """
    owners = _FIRST_PAINT_OWNERS.setdefault(session, {})
    painted = _FIRST_PAINT.setdefault(session, {})
    if owners.setdefault(view_id, owner) is not owner:
        raise ConfigurationError(duplicate_view_id(view_id, painted[view_id].view, spec.view))
    # Without the parent's view and callback: they hold the session, the key of this map.
    painted[view_id] = ChildSpec(
        view=spec.view, id=spec.id, session=spec.session, sticky=spec.sticky
    )


def has_first_paint_children(session: LiveSession) -> bool:
    """Whether the first paint of ``session`` rendered nested views (``live_render``)."""
    return bool(_FIRST_PAINT.get(session))


async def paint_children(
    session: LiveSession,
    model: dict[str, Any],
    render: Callable[[Component, str], Awaitable[dict[str, Any]]],
) -> dict[str, Any]:
    """Fill the child placeholders of ``model`` (a first paint of ``session``) with their
    views' first paints, children's children too; return ``model``."""
    specs = _FIRST_PAINT.pop(session, None)
    _FIRST_PAINT_OWNERS.pop(session, None)
    if not specs:
        return model
    for placeholder in _placeholders(model):
        view_id = placeholder["attributes"]["data-ember-view"]
        spec = specs.get(view_id)
        if spec is None:
            continue
        child = LiveSession(
            id=f"{session.id}.{spec.id}",
            mount_path=session.mount_path,
            location=session.location,
            identity=session.identity,
            scope=session.scope,
            dependencies=session.dependencies,
            state=SessionState.STATIC,
        )
        _CHILDREN[child] = _Painting(view_id)  # type: ignore[assignment]
        try:
            root = await mount_child(spec, child)
            painted = await render(root, f"first paint of child view {view_id} of {session.id}")
            placeholder["children"] = [await paint_children(child, painted, render)]
        finally:
            _VIEWS.pop(child, None)  # the view holds its session: the map would keep both
            _FIRST_PAINT.pop(child, None)
            _FIRST_PAINT_OWNERS.pop(child, None)
    return model


class _Painting:
    """Stands for a child during its first paint: only its id is read."""

    def __init__(self, view_id: str) -> None:
        self.id = view_id


def _placeholders(model: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    pending = [model]
    while pending:
        current = pending.pop()
        if not isinstance(current, dict):
            continue
        attributes = current.get("attributes")
        if attributes and "data-ember-view" in attributes:
            found.append(current)
            continue
        pending.extend(current.get("children") or ())
    return found
