"""Hooks for components that run inside an ember session."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar, cast

import anyio
from pydantic import BaseModel, TypeAdapter, ValidationError
from reactpy import create_context, use_context, use_effect, use_ref, use_state
from reactpy.utils import Ref

from ember.pubsub import MessagesMayBeLost, Subscription

from .._errors import EmberError
from ..engine._reactpy import ConnectEffect, current_engine_hook
from ..engine._threads import offload
from ..ops._reporting import report_error
from ..ops._telemetry import telemetry
from ..server._session import MISSING, LiveSession, PageLocation
from ._async_result import AsyncResult

T = TypeVar("T")
logger = logging.getLogger("ember.live")

SessionContext = create_context(cast(LiveSession | None, None))


def use_session() -> LiveSession:
    """Return the :class:`LiveSession` of the tab this component renders for.

    Raises:
        EmberError: the component is not rendered by an ember mount.
    """
    session = use_context(SessionContext)
    if session is None:
        msg = (
            "use_session() found no ember session: render this component through "
            "ember.live.mount(app, path, Root), or in tests through ember.live.testing."
        )
        raise EmberError(msg)
    return session


def _use_session_value(session: LiveSession, topic: str) -> None:
    _, set_version = use_state(0)

    def listen() -> Callable[[], None]:
        return session._listen(topic, lambda: set_version(lambda v: v + 1))

    use_effect(listen, [session.id, topic])


def use_flash() -> dict[str, str]:
    """The session's flash messages (kind → text); re-renders when they change."""
    session = use_session()
    _use_session_value(session, "flash")
    return session.flash


def use_page_location() -> PageLocation:
    """Where the page is (path and query); re-renders after a ``push_patch``."""
    session = use_session()
    _use_session_value(session, "location")
    return session.location


def use_async(
    function: Callable[[], Awaitable[T]] | Callable[[], T],
    dependencies: Sequence[Any] = (),
) -> AsyncResult[T]:
    """Run ``function`` beside the view and return its :class:`AsyncResult`.

    The work starts once the websocket is connected (during the server-rendered first
    paint the result stays loading), runs in the session's task group, and starts again
    when ``dependencies`` change. A plain function runs in a worker thread. The component
    re-renders when the work finishes; the work is cancelled when the component unmounts
    or the session ends. An exception becomes a failed result and is logged once.
    """
    session = use_session()
    result, set_result = use_state(cast(AsyncResult[T], AsyncResult.loading()))

    def start() -> Callable[[], None] | None:
        if not session.connected:
            return None
        scope = anyio.CancelScope()

        async def run() -> None:
            with (
                scope,
                telemetry.span(
                    "ember.live.async", session=session.id, work=_name(function)
                ) as span,
            ):
                set_result(AsyncResult.loading())
                try:
                    if inspect.iscoroutinefunction(function):
                        value = await function()
                    else:
                        sync = cast(Callable[[], T], function)
                        value = await offload(sync, wait_on_cancel=False)
                except Exception as error:
                    logger.exception(
                        "use_async work %s failed in session %s", _name(function), session.id
                    )
                    report_error(error, kind="async", session=session.id, work=_name(function))
                    set_result(AsyncResult.failed_with(error))
                    span["ok"] = False
                    return
                set_result(AsyncResult.succeeded(cast(T, value)))

        session.start_task(run, name=f"use_async {_name(function)}")
        return scope.cancel

    use_effect(start, [session.connected, *dependencies])
    return result


def use_subscription(
    topic: str,
    handler: Callable[[Any], Awaitable[None] | None],
    *,
    on: type[BaseModel] | tuple[type[BaseModel], ...] | None = None,
) -> None:
    """Call ``handler`` with each PubSub message on ``topic`` while the component is mounted.

    ``on`` keeps only messages of those types (``MessagesMayBeLost`` always passes, so the
    component can refetch after the PubSub reconnected). The subscription starts once the
    websocket is connected and ends with the component or the session. Setting state in
    ``handler`` re-renders this component only.
    """
    hook = current_engine_hook()
    # Read without marking the component a context reader: its render does not depend on
    # the session, only the effect does, so an adopted first paint runs the effect again
    # (run_when_connected) instead of rendering the component again.
    provider = hook.context_providers.get(SessionContext) if hook is not None else None
    if hook is None or provider is None or provider.value is None:
        # Another renderer than ember's engine: ReactPy's own hooks (or use_session's error).
        session = use_session()
        latest = use_ref(handler)
        latest.current = handler
        wanted = _wanted(on)
        use_effect(_Subscriber(session, topic, latest, wanted).start, [session.connected, topic])
        return
    # What the lines above do, as one object of the component's state: a broadcast
    # re-renders every subscribed component, and ReactPy's use_effect costs a memo, two
    # refs and a closure per render for an effect that runs once (bench/RESULTS.md).
    session = provider.value
    effect = hook.use_state(_SubscriptionEffect)
    effect.current = handler
    connected = session.connected
    if effect.connected is not connected or effect.topic != topic:  # use_effect's deps
        effect.session, effect.topic, effect.connected, effect.wanted = (
            session,
            topic,
            connected,
            _wanted(on),
        )
        hook.add_own_effect(effect)
        if not connected:  # a first paint: the subscription starts once it is adopted
            hook.run_when_connected(effect)


def _wanted(
    on: type[BaseModel] | tuple[type[BaseModel], ...] | None,
) -> tuple[type[BaseModel], ...]:
    return on if isinstance(on, tuple) else ((on,) if on is not None else ())


class _SubscriptionEffect(Ref[Callable[[Any], Awaitable[None] | None]], ConnectEffect):
    """One :func:`use_subscription`'s state in a component rendered by ember's engine: the
    latest handler (``current``, read by each delivery), the dependencies of its last run
    (the session's ``connected`` and the topic) and the :class:`_Subscriber` it started."""

    __slots__ = ("connected", "running", "session", "topic", "wanted")

    def __init__(self) -> None:
        super().__init__()
        self.session: LiveSession | None = None
        self.topic: str | None = None
        self.connected: bool | None = None
        self.wanted: tuple[type[BaseModel], ...] = ()
        self.running: _Subscriber | None = None

    def run(self) -> None:
        self.cleanup()
        session, topic = self.session, self.topic
        assert session is not None  # noqa: S101 - set with the topic before the run
        assert topic is not None  # noqa: S101
        subscriber = _Subscriber(session, topic, self, self.wanted)
        if subscriber.start() is not None:
            self.running = subscriber

    def connect(self) -> bool:
        if self.connected:
            return False  # rendered connected since: that render's run started it
        self.connected = True
        return True

    def cleanup(self) -> None:
        running, self.running = self.running, None
        if running is not None:
            running.stop()


class _Subscriber:
    """What one :func:`use_subscription` effect holds while it runs (one per render; the
    effect keeps the one of the render that started it): bound methods of one slotted
    object instead of four closures and their cells, about 1 KiB less per component."""

    __slots__ = ("latest", "opened", "session", "stopped", "topic", "wanted")

    def __init__(
        self,
        session: LiveSession,
        topic: str,
        latest: Ref[Callable[[Any], Awaitable[None] | None]],
        wanted: tuple[type[BaseModel], ...],
    ) -> None:
        self.session = session
        self.topic = topic
        self.latest = latest
        self.wanted = wanted
        self.opened: Subscription | None = None
        self.stopped = False

    def start(self) -> Callable[[], None] | None:
        if not self.session.connected:
            return None
        # Short-lived tasks open and close the subscription; while it is open, only its
        # delivery task (LiveSession.subscribe) runs: no task waits just to hold it. The
        # usual open (the PubSub runs and listens to the topic already) waits for nothing
        # and is done here, without a task.
        delivery = _Delivery(self.latest, self.wanted)
        opened = self.session._subscribe_now(self.topic, delivery, types=self.wanted)
        if opened is not None:
            self.opened = opened
        else:
            self.session.start_task(self._open, name=f"use_subscription {self.topic}")
        return self.stop

    async def _open(self) -> None:
        # The delivery is an object of its own: the subscription refers to it, and this
        # object to the subscription (a reference cycle through a bound method of ours).
        delivery = _Delivery(self.latest, self.wanted)
        subscription = await self.session.subscribe(self.topic, delivery, types=self.wanted)
        if self.stopped:  # unmounted (or the topic changed) while it opened
            await subscription.close()
        else:
            self.opened = subscription

    async def _close(self) -> None:
        if self.opened is not None:
            await self.opened.close()

    def stop(self) -> None:
        self.stopped = True
        if self.session._ending:
            # The session's cleanups close every subscription (LiveSession.subscribe): a
            # task started now would be cancelled before it ran.
            return
        self.session.start_task(self._close, name=f"use_subscription {self.topic} close")


class _Delivery:
    """Hands a :func:`use_subscription`'s messages to its latest handler."""

    __slots__ = ("latest", "wanted")

    def __init__(
        self,
        latest: Ref[Callable[[Any], Awaitable[None] | None]],
        wanted: tuple[type[BaseModel], ...],
    ) -> None:
        self.latest = latest
        self.wanted = wanted

    def __call__(self, message: Any) -> Awaitable[None] | None:
        wanted = self.wanted
        if wanted and not isinstance(message, (wanted, MessagesMayBeLost)):  # nested: no copy
            return None
        return self.latest.current(message)


@functools.lru_cache(maxsize=256)
def _adapter(kind: Any) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def use_recoverable_state(
    key: str, initial: T, *, kind: Any = None
) -> tuple[T, Callable[[T | Callable[[T], T]], None]]:
    """Like ``use_state``, but the value survives reconnects and server restarts.

    The value is kept in the session's snapshot under ``key`` (unique within the page) and
    restored when the browser reconnects, to this worker or, with a Redis recovery store,
    to another. It must be JSON-ready through pydantic: ``kind`` (default: the type of
    ``initial``) validates it on the way back; a value that no longer validates is dropped
    (logged) and ``initial`` is used.
    """
    session = use_session()
    adapter = _adapter(cast(Hashable, kind if kind is not None else type(initial)))

    def first_value() -> T:
        raw = session.restored_value("hooks", key)
        if raw is MISSING:
            return initial
        try:
            return cast(T, adapter.validate_python(raw))
        except ValidationError as error:
            logger.warning(
                "Dropped recovered state %r of session %s: it no longer validates (%s)",
                key,
                session.id,
                error.errors()[0]["msg"],
            )
            return initial

    value, set_value = use_state(first_value)
    session.remember("hooks", key, adapter.dump_python(value, mode="json"))
    return value, set_value


def _name(function: Callable[..., Any]) -> str:
    return getattr(function, "__qualname__", repr(function))
