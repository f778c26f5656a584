"""``LiveSession``: the server side of one browser tab, alive as long as its websocket."""

from __future__ import annotations

import asyncio
import enum
import functools
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Coroutine, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import anyio
from pydantic import BaseModel

from ember.pubsub import PubSub, Subscription, SubscriptionError

from .._errors import EmberError
from ..engine._sanitize import same_site_path
from ..ops._telemetry import telemetry
from ._recovery import Snapshot
from ._shield import shielded

logger = logging.getLogger("ember.live")

Cleanup = Callable[[], Awaitable[None] | None]
_MISSING: Any = object()
MISSING: Any = _MISSING
"""What :meth:`LiveSession.restored_value` returns when the snapshot has no such value."""
ControlSender = Callable[[dict[str, Any]], Awaitable[None]]
TaskSpawner = Callable[[Coroutine[Any, Any, None], str], None]
"""Starts a coroutine as one of the session's tasks, under the given name."""


SUBSCRIPTION_BACKLOG = 1000
"""How many of one subscription's messages may wait in a session's mailbox; one more cuts
the subscriber off (``SlowConsumerError``), which fails the session."""


class SessionState(enum.Enum):
    """The life of a session: first rendered over HTTP, then live over its websocket."""

    STATIC = "static"
    """Rendering the first paint for the HTTP response; no websocket yet."""
    CONNECTED = "connected"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class PageLocation:
    """The page's URL as the browser shows it."""

    path: str
    query_string: str = ""

    @property
    def params(self) -> dict[str, str]:
        """The query parameters, the last value winning for repeated names."""
        return {k: v[-1] for k, v in parse_qs(self.query_string).items()}

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query_string}" if self.query_string else self.path


class Navigation:
    """What ``push_patch``, ``push_navigate`` and ``redirect`` return.

    The navigation is already under way when the call returns (synchronous, like
    ``assign``), so forgetting ``await`` loses nothing; awaiting it waits until the browser
    has been told.
    """

    __slots__ = ("_wait",)

    def __init__(self, wait: Callable[[], Awaitable[object]] | None = None) -> None:
        self._wait = wait

    def __await__(self) -> Generator[Any, None, None]:
        return self._waited().__await__()

    async def _waited(self) -> None:
        if self._wait is not None:
            await self._wait()


@dataclass(eq=False, slots=True, weakref_slot=True)
class LiveSession:
    """The state of one tab: identity, tasks, cleanups, flash and where the page is.

    Reach it in components with :func:`ember.live.use_session`. Everything it holds is
    released when the websocket closes: its tasks are cancelled and its cleanups run.
    """

    mount_path: str
    location: PageLocation
    identity: Any = None
    scope: dict[str, Any] = field(default_factory=dict, repr=False)
    id: str = field(default_factory=lambda: secrets.token_hex(16))  # as uuid4().hex, cheaper
    state: SessionState = SessionState.STATIC
    flash: dict[str, str] = field(default_factory=dict)
    redirect_to: str | None = None
    dependencies: dict[str, Any] = field(default_factory=dict, repr=False)
    _pubsub: Callable[[], Awaitable[PubSub]] | None = field(default=None, repr=False)
    _running_pubsub: Callable[[], PubSub | None] | None = field(default=None, repr=False)
    """The PubSub if it runs already, else None (``_subscribe_now``)."""
    restored: Snapshot | None = field(default=None, repr=False)
    """The snapshot this session resumed from (None for a fresh session)."""
    _snapshot: Snapshot | None = field(default=None, repr=False)
    """What ``remember`` kept (made with the first value: most sessions keep none)."""
    _snapshot_due: Callable[[], None] | None = field(default=None, repr=False)
    _controls_pending: int = field(default=0, repr=False)
    """Control messages (navigation, client events) made but not yet sent: the channel
    runs no frame ahead of them."""
    _snapshot_dirty: bool = field(default=False, repr=False)
    """Something in ``_snapshot`` changed since it was last saved (set by ``remember``)."""
    _spawn: TaskSpawner | None = field(default=None, repr=False)
    _send_control: ControlSender | None = field(default=None, repr=False)
    _sign_flash: Callable[[Mapping[str, str]], str] | None = field(default=None, repr=False)
    _cleanups: list[Cleanup] = field(default_factory=list, repr=False)
    # The containers below are made on first use: an idle session of most views needs none
    # (an empty dict or list is 56-64 bytes, and a server holds thousands of sessions).
    _listeners: dict[str, set[Callable[[], None]]] | None = field(default=None, repr=False)
    _location_callbacks: list[Callable[[], Awaitable[None]]] | None = field(
        default=None, repr=False
    )
    _running_tasks: int = 0
    _ending: bool = field(default=False, repr=False)
    """The session's teardown has begun (its engine unmounts): its cleanups run next."""
    _mailbox: Callable[[Callable[[], Awaitable[None] | None]], Awaitable[None]] | None = field(
        default=None, repr=False
    )
    _post: Callable[[Callable[[], Awaitable[None] | None]], None] | None = field(
        default=None, repr=False
    )
    _loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)
    _timers: dict[object, float] | None = field(default=None, repr=False)
    _deferred: list[tuple[Callable[[], Coroutine[Any, Any, None]], str]] | None = field(
        default=None, repr=False
    )
    """Tasks started during the first paint: they start if the page's websocket adopts
    this session (``ember.live.server._adoption``), else they go with the first paint."""

    @property
    def connected(self) -> bool:
        """True once the websocket is up (False during the server-rendered first paint)."""
        return self.state is SessionState.CONNECTED

    @property
    def task_count(self) -> int:
        """How many tasks the session is running now."""
        return self._running_tasks

    # -- tasks -------------------------------------------------------------------------

    def start_task(self, function: Callable[[], Coroutine[Any, Any, None]], *, name: str) -> bool:
        """Run ``function()`` as one of the session's tasks; cancelled when the session ends.

        An exception escaping the task fails the whole session (it is logged once with the
        session id and the websocket closes); catch what you expect inside the task.
        During the first paint the task waits: it starts once the page's websocket adopts
        this session (one mount per page), and goes with the first paint otherwise (the
        socket then mounts afresh and starts its own). Returns False, starting nothing,
        once the session is closed.
        """
        if self.state is SessionState.STATIC:
            if self._deferred is None:
                self._deferred = []
            self._deferred.append((function, name))
            return True
        if self._spawn is None or self.state is not SessionState.CONNECTED:
            return False

        async def run() -> None:
            self._running_tasks += 1
            try:
                await function()
            finally:
                self._running_tasks -= 1

        self._spawn(run(), f"ember session {self.id}: {name}")
        return True

    def call_later(
        self, delay: float, callback: Callable[[], Awaitable[None] | None], *, name: str = ""
    ) -> bool:
        """Run ``callback`` after ``delay`` seconds, unless the session ends first."""

        key = object()

        async def wait_then_run() -> None:
            try:
                await anyio.sleep(delay)
                await self._in_turn(callback)
            finally:
                timers.pop(key, None)

        if self._timers is None:
            self._timers = {}
        timers = self._timers
        timers[key] = time.monotonic() + delay
        started = self.start_task(wait_then_run, name=name or f"call_later {delay}s")
        if not started:
            timers.pop(key, None)
        return started

    def _timers_due_within(self, seconds: float) -> bool:
        """Whether a ``call_later`` timer is pending that fires within ``seconds`` from now
        (``ember.live.testing`` waits for those after an event)."""
        horizon = time.monotonic() + seconds
        return any(deadline <= horizon for deadline in (self._timers or {}).values())

    async def subscribe(
        self,
        topic: str,
        handler: Callable[[Any], Awaitable[None] | None],
        *,
        types: Sequence[type[BaseModel]] = (),
    ) -> Subscription:
        """Deliver every message on ``topic`` to ``handler`` until the session ends.

        Each message becomes one item of the session's mailbox as it arrives (no task or
        queue per subscription), so ``handler`` runs between events, never in the middle
        of one. ``handler`` also receives ``MessagesMayBeLost`` after the PubSub
        reconnected, so the view can refetch. A subscriber too slow to keep up (more than
        ``SUBSCRIPTION_BACKLOG`` of its messages waiting) is cut off, which fails the
        session (it is logged and the browser remounts the view).

        Raises:
            EmberError: the session is not connected or has no PubSub.
        """
        if self._pubsub is None or not self.connected:
            msg = (
                f"Session {self.id} cannot subscribe to {topic!r}: subscriptions start once "
                "the websocket is connected (check session.connected / socket.connected)."
            )
            raise EmberError(msg)
        pubsub = await self._pubsub()
        receiver = _Receiver(self, topic, handler)
        subscription = await pubsub.subscribe(
            topic, types=types, receive=receiver.receive, on_end=receiver.ended
        )
        self.add_cleanup(subscription.close)
        return subscription

    def _subscribe_now(
        self,
        topic: str,
        handler: Callable[[Any], Awaitable[None] | None],
        *,
        types: Sequence[type[BaseModel]] = (),
    ) -> Subscription | None:
        """:meth:`subscribe` done at once when it has nothing to wait for (the PubSub runs
        and listens to ``topic`` already: ``PubSub._subscribe_now``), so no task opens it;
        None, subscribing to nothing, when it would wait or the session is not connected."""
        running = self._running_pubsub
        pubsub = running() if running is not None and self.connected else None
        if pubsub is None:
            return None
        receiver = _Receiver(self, topic, handler)
        subscription = pubsub._subscribe_now(
            topic, types=types, receive=receiver.receive, on_end=receiver.ended
        )
        if subscription is not None:
            self.add_cleanup(subscription.close)
        return subscription

    async def _in_turn(self, function: Callable[[], Awaitable[None] | None]) -> None:
        """Run ``function`` as one item of the session's mailbox (after the event or
        message being handled, never in the middle of it), or at once without one."""
        if self._mailbox is not None:
            await self._mailbox(function)
            return
        outcome = function()
        if outcome is not None:
            await outcome

    def add_cleanup(self, cleanup: Cleanup) -> None:
        """Run ``cleanup`` when the session ends (subscriptions, timers, presence)."""
        if self.state is SessionState.CLOSED:
            msg = f"Session {self.id} is closed; a cleanup added now would never run."
            raise EmberError(msg)
        self._cleanups.append(cleanup)

    # -- observable values (flash, location) ----------------------------------------------

    def _listen(self, topic: str, callback: Callable[[], None]) -> Callable[[], None]:
        if self._listeners is None:
            self._listeners = {}
        listeners = self._listeners.setdefault(topic, set())
        listeners.add(callback)
        return lambda: listeners.discard(callback)

    def _notify(self, topic: str) -> None:
        for callback in list(self._listeners.get(topic, ()) if self._listeners else ()):
            callback()

    def put_flash(self, kind: str, message: str) -> None:
        """Show ``message`` under ``kind`` (``"info"``, ``"error"``, …) in the flash group."""
        self.flash = {**self.flash, kind: message}
        self._notify("flash")

    def clear_flash(self, kind: str | None = None) -> None:
        """Remove one kind of flash message, or all of them."""
        self.flash = {} if kind is None else {k: v for k, v in self.flash.items() if k != kind}
        self._notify("flash")

    # -- recovery ---------------------------------------------------------------------------

    def remember(self, section: str, key: str, value: Any) -> None:
        """Keep ``value`` (JSON-ready) in this session's snapshot; saved after the event."""
        if self._snapshot is None:
            self._snapshot = Snapshot()
        snapshot = self._snapshot
        bucket = snapshot.views if section == "views" else snapshot.hooks
        if bucket.get(key, _MISSING) != value:
            bucket[key] = value
            self._snapshot_dirty = True
            if self._snapshot_due is not None:
                self._snapshot_due()

    def restored_value(self, section: str, key: str) -> Any:
        """What the snapshot this session resumed from holds under ``key``, or ``MISSING``."""
        if self.restored is None:
            return _MISSING
        bucket = self.restored.views if section == "views" else self.restored.hooks
        return bucket.get(key, _MISSING)

    # -- navigation -----------------------------------------------------------------------

    def push_patch(self, to: str, *, replace: bool = False) -> Navigation:
        """Change the URL within this view (no remount). Takes effect at once; awaiting the
        result waits until the browser has been told.

        Args:
            to: the new path and query.
            replace: replace the current history entry instead of adding one (for URLs
                that follow typing, like a search box or a control being edited).
        """
        same_site_path(to)
        path, _, query = to.partition("?")
        self.location = PageLocation(path=path or self.location.path, query_string=query)
        self._notify("location")
        message = {"type": "ember-navigate", "kind": "patch", "to": to, "replace": replace}
        return self._deliver(message)

    def push_navigate(self, to: str) -> Navigation:
        """Load another page of the app (a new history entry). Takes effect at once.

        Raises:
            NavigationError: ``to`` is not a path on this site (see ``docs/security.md``).
        """
        return self._redirect(to, kind="navigate")

    def redirect(self, to: str) -> Navigation:
        """Send the browser to ``to`` (during the first paint: an HTTP redirect). Takes
        effect at once: code after it still runs, but the page is not served."""
        return self._redirect(to, kind="redirect")

    def _redirect(self, to: str, *, kind: str) -> Navigation:
        same_site_path(to)
        self.redirect_to = to
        message = {"type": "ember-navigate", "kind": kind, "to": to}
        if self.flash and self._sign_flash is not None:
            # The next page shows it: the browser carries it in the ember_flash cookie.
            message["flash"] = self._sign_flash(self.flash)
        return self._deliver(message)

    def _deliver(self, message: dict[str, Any]) -> Navigation:
        """Send a control message from the loop or from a sync handler's thread."""
        send, spawn, loop = self._send_control, self._spawn, self._loop
        if send is None or spawn is None or loop is None or not self.connected:
            return Navigation()  # the first paint: the page endpoint reads redirect_to
        sent = asyncio.Event()

        async def deliver() -> None:
            try:
                await send(message)
            finally:
                self._controls_pending -= 1
                sent.set()

        def start() -> None:
            self._controls_pending += 1
            spawn(deliver(), name)

        name = f"ember session {self.id}: {message['kind']} to {message['to']}"
        try:
            on_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            on_loop = False
        if on_loop:
            start()
        else:
            loop.call_soon_threadsafe(start)
        return Navigation(sent.wait)

    def push_event(self, event: str, payload: Mapping[str, Any] | None = None) -> Navigation:
        """Send ``event`` with ``payload`` to the page's client hooks (``handleEvent``) and as
        a ``ember:{event}`` DOM event on ``window``; awaiting the result waits until it is sent.
        Before the websocket connects (the first paint) nothing is sent."""
        message: dict[str, Any] = {"type": "ember-event", "kind": "event", "to": event}
        message.update(event=event, payload=dict(payload or {}))
        return self._deliver(message)

    def on_location_change(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Await ``callback`` whenever the browser moves within this view (back/forward)."""
        if self._location_callbacks is None:
            self._location_callbacks = []
        self._location_callbacks.append(callback)

    async def _browser_moved(self, location: PageLocation) -> None:
        self.location = location
        self._notify("location")
        for callback in list(self._location_callbacks or ()):
            await callback()

    async def _control(self, message: dict[str, Any]) -> None:
        if self._send_control is not None and self.connected:
            await self._send_control(message)

    # -- lifecycle (called by the runtime) --------------------------------------------------

    def _attach(self, spawn: TaskSpawner, send_control: ControlSender) -> None:
        self._spawn = spawn
        self._send_control = send_control
        self._loop = asyncio.get_running_loop()
        self.state = SessionState.CONNECTED
        deferred, self._deferred = self._deferred, None
        for function, name in deferred or ():
            self.start_task(function, name=name)

    async def _close(self) -> None:
        """Run cleanups (most recent first); never raises, logs each failure once."""
        self.state = SessionState.CLOSED
        # What the session server lent it refers back to the session (its channel, its
        # mailbox, the send closure): dropped, so reference counting frees a closed session.
        self._spawn = None
        self._send_control = None
        self._mailbox = self._post = None
        self._snapshot_due = None
        self._listeners = self._location_callbacks = None
        cleanups, self._cleanups = self._cleanups[::-1], []
        if not cleanups:
            return
        if all(type(getattr(cleanup, "__self__", None)) is Subscription for cleanup in cleanups):
            # Only ember's own subscriptions to close (the common case): they open no anyio
            # cancel scope, so the shield is made only if one of them waits (``shielded``).
            await shielded(self._run_cleanups(cleanups))
            return
        with anyio.CancelScope(shield=True):
            await self._run_cleanups(cleanups)

    async def _run_cleanups(self, cleanups: list[Cleanup]) -> None:
        for cleanup in cleanups:
            try:
                outcome = cleanup()
                if outcome is not None:
                    await outcome
            except Exception:
                logger.exception("A cleanup of session %s failed", self.id)


class _Receiver:
    """Hands one subscription's messages to its session's mailbox as they arrive (called
    by the PubSub on the task that broadcast or received them) and bounds how many wait."""

    __slots__ = ("handler", "session", "topic", "waiting")

    def __init__(
        self, session: LiveSession, topic: str, handler: Callable[[Any], Awaitable[None] | None]
    ) -> None:
        self.session = session
        self.topic = topic
        self.handler = handler
        self.waiting = 0

    def receive(self, message: BaseModel) -> bool:
        post = self.session._post
        if post is None:
            return True  # the session is ending: nothing will read it
        if self.waiting >= SUBSCRIPTION_BACKLOG:
            return False
        self.waiting += 1
        post(functools.partial(self.handle, message))
        return True

    def handle(self, message: BaseModel) -> Awaitable[None] | None:
        self.waiting -= 1
        if telemetry._handlers and telemetry.active:
            return self._traced(message)
        return self.handler(message)

    async def _traced(self, message: BaseModel) -> None:
        with telemetry.span(
            "ember.live.deliver",
            session=self.session.id,
            topic=self.topic,
            message=type(message).__name__,
        ):
            outcome = self.handler(message)
            if outcome is not None:
                await outcome

    def ended(self, error: SubscriptionError | None) -> None:
        if error is None:
            return  # closed (the component unmounted, the session ended, PubSub.stop)

        async def fail() -> None:
            raise error

        # Fails the session as a failed handler does: logged once, 1011, the view remounts.
        self.session.start_task(fail, name=f"subscription {self.topic} failed")
