"""``LiveComponent``: a piece of a page with its own state and its own event handlers.

LiveView's ``Phoenix.LiveComponent``, class style. ``live_component(RowEditor, id="row-1",
row=row)`` renders one inside a ``LiveView``'s ``render`` or inside any ReactPy component.
The component ``mount``s once, ``update``s with the assigns its parent passes each time the
parent re-renders it (and with those of ``send_update``), ``render``s, and handles the
events of the handlers its ``render`` made with ``self.on(...)``: those target the
component, as ``phx-target={@myself}`` does, so a click re-renders the component only.

Its state lives in the engine's node for it, found by ``id`` among its siblings, so it
survives the parent's re-renders. ``mount``, ``update`` and ``render`` run inside the
render pass and are plain ``def`` methods; event handlers may be ``async def`` or ``def``.

A handler that raises fails the component only: it is logged once, reported to an error
boundary above it if there is one, its part of the page shows the error fallback, and the
parent and the rest of the session carry on. The component mounts afresh the next time
its parent renders it or a ``send_update`` reaches it.

A component's ``recoverable`` model names the assigns that survive a reconnect (through
the session's snapshot, as a ``LiveView``'s do), and ``socket.start_async`` runs work
whose outcome reaches that component's ``@on_async`` method (or ``handle_async``) only.
"""

from __future__ import annotations

import inspect
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar, TypeVar, cast

import anyio
from reactpy import component, use_effect, use_ref, use_state

from .._errors import ConfigurationError, EmberError, RenderError
from ..ops._reporting import report_error
from ..ops._telemetry import telemetry
from ..server._session import LiveSession
from ._async_result import AsyncResult
from ._events import event_params
from ._hooks import use_session
from ._js import _VIEW_EVENTS, rendering_view
from ._recoverable import RecoverableAssigns
from ._view import _ASYNC_ATTR, _EVENT_ATTR, AssignsSocket, LiveView, _call

__all__ = ["ComponentSocket", "LiveComponent", "live_component", "send_update"]

logger = logging.getLogger("ember.live")
C = TypeVar("C", bound="LiveComponent")
_MISSING: Any = object()
_Parent = tuple[LiveView, Any] | None
"""The ``LiveView`` a component renders in and that view's ``Socket``, or None."""


class ComponentSocket(AssignsSocket):
    """What a component's callbacks receive: its assigns, the session, messages out."""

    def __init__(self, instance: _Instance) -> None:
        # The instance holds the component, which holds this socket: the way back is weak,
        # so they make no reference cycle (a cycle outlives a closed session until a full
        # collection runs).
        self._instance_ref = weakref.ref(instance)
        self.session: LiveSession = instance.session
        self._assigns: dict[str, Any] = {"id": instance.id}
        self._changed = False

    @property
    def _instance(self) -> _Instance:
        instance = self._instance_ref()
        if instance is None:
            msg = "This component's socket outlived the component: it has left the page."
            raise EmberError(msg)
        return instance

    @property
    def id(self) -> str:
        """The component's id among its siblings (also ``assigns["id"]``)."""
        return self._instance.id

    def send_update(self, component: type[LiveComponent], id: str | int, **assigns: Any) -> None:
        """Update another component of this page (see :func:`send_update`)."""
        send_update(self.session, component, id, **assigns)

    async def send_parent(self, message: Any) -> None:
        """Deliver ``message`` to the ``@on_info`` handler of the ``LiveView`` this component
        renders in (LiveView's ``send(self(), message)`` from a component).

        Raises:
            EmberError: the component is not rendered by a ``LiveView`` (in a hook tree,
                pass a callback as an assign instead).
        """
        parent = self._instance.parent
        if parent is None:
            name = type(self._instance.component).__name__
            msg = (
                f"{name} {self.id!r} has no parent LiveView to send a message to: it renders "
                "in a hook component tree. Pass a callback as an assign instead "
                f"(live_component({name}, id=..., on_save=handler)) and call it."
            )
            raise EmberError(msg)
        view, socket = parent
        await view._dispatch_info(message, socket)

    def start_async(self, name: str, function: Callable[[], Awaitable[Any]]) -> None:
        """Run ``function`` in the session's task group; its outcome (an ``AsyncResult``)
        reaches this component's ``@on_async(name)`` method, or ``handle_async``.

        Starting ``name`` again while it runs cancels the running one. The work is
        cancelled when the component leaves the page, and its outcome dropped when the
        component failed and mounted afresh meanwhile. Started during the first paint, it
        waits for the websocket: it runs once the socket is up. Work that raises is logged
        and delivered as a failed ``AsyncResult``; a handler that raises fails the
        component only.
        """
        self._instance.start_async(name, function)

    def _flush(self) -> None:
        if self._changed:
            self._changed = False
            self._instance.rerender()


class LiveComponent(RecoverableAssigns):
    """Base class for class-style live components. Subclass it and implement ``render``.

    Render one with :func:`live_component`. ``mount``, ``update`` and ``render`` run while
    the page renders, so they are plain ``def`` methods that do no I/O (load data in the
    parent, or in an event handler); ``@on_event`` handlers may be ``async def``.
    Recoverable assigns (``recoverable``, ``recoverable_version``,
    ``migrate_recoverable``) come from :class:`RecoverableAssigns`, as a view's do.
    """

    _events: ClassVar[dict[str, str]]
    _asyncs: ClassVar[dict[str, str]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in ("mount", "update", "render"):
            if inspect.iscoroutinefunction(getattr(cls, name)):
                msg = (
                    f"{cls.__name__}.{name} is async, but a LiveComponent's {name} runs inside "
                    "the render pass and must be a plain def. Load data in the parent view "
                    "(and pass it as an assign) or in an @on_event handler, which may be async."
                )
                raise ConfigurationError(msg)
        cls._events, cls._asyncs = {}, {}
        for klass in reversed(cls.__mro__):
            for attribute, value in vars(klass).items():
                if hasattr(value, _EVENT_ATTR):
                    cls._events[getattr(value, _EVENT_ATTR)] = attribute
                if hasattr(value, _ASYNC_ATTR):
                    cls._asyncs[getattr(value, _ASYNC_ATTR)] = attribute

    # -- callbacks users override ---------------------------------------------------------

    def mount(self, socket: ComponentSocket) -> None:
        """Set the first assigns; runs once, before the first ``update``."""

    def update(self, assigns: Mapping[str, Any], socket: ComponentSocket) -> None:
        """Take the assigns the parent passed (or a ``send_update`` sent); by default they
        are all assigned."""
        socket.assign(**assigns)

    async def handle_event(self, event: str, params: Any, socket: ComponentSocket) -> None:
        """Events with no ``@on_event`` method land here; the default refuses them."""
        known = ", ".join(sorted(self._events)) or "none"
        msg = (
            f"{type(self).__name__} has no handler for event {event!r}. Known events: {known}. "
            "Add a method decorated with @on_event(...)."
        )
        raise EmberError(msg)

    async def handle_async(
        self, name: str, result: AsyncResult[Any], socket: ComponentSocket
    ) -> None:
        """``start_async`` outcomes with no ``@on_async`` method land here."""

    def render(self, assigns: Mapping[str, Any]) -> Any:
        """Return the component's markup (ReactPy elements or components)."""
        raise NotImplementedError

    # -- helpers for render ---------------------------------------------------------------

    def on(self, event: str) -> Callable[..., Awaitable[None]]:
        """An event handler for markup that routes to this component's ``@on_event(event)``."""
        socket = self._socket

        async def handle(*data: Any) -> None:
            await self._dispatch_event(event, event_params(data), socket)

        handle.__qualname__ = f"{type(self).__name__}.on({event!r})"
        return handle

    # -- runtime ----------------------------------------------------------------------------

    _socket: ComponentSocket

    async def _dispatch_event(self, event: str, params: Any, socket: ComponentSocket) -> None:
        try:
            name = self._events.get(event)
            if name is None:
                await self.handle_event(event, params, socket)
            else:
                await _call(getattr(self, name), params, socket, deps=socket.session)
        except Exception as error:
            socket._instance.fail(error, f"its handler for {event!r} raised")
            return
        socket._flush()

    async def _dispatch_async(
        self, name: str, result: AsyncResult[Any], socket: ComponentSocket
    ) -> None:
        try:
            method = self._asyncs.get(name)
            if method is None:
                await self.handle_async(name, result, socket)
            else:
                await _call(getattr(self, method), result, socket, deps=socket.session)
        except Exception as error:
            socket._instance.fail(error, f"its handle_async for {name!r} raised")
            return
        socket._flush()


class _Instance:
    """One mounted component: the user's object, its socket, and its place in the page."""

    def __init__(
        self,
        kind: type[LiveComponent],
        id: str,
        session: LiveSession,
        parent: _Parent,
        rerender: Callable[[], None],
    ) -> None:
        self.kind = kind
        self.id = id
        self.session = session
        self.parent = parent
        self.rerender = rerender
        self.seen: Any = None  # the parent's assigns last given to update
        self.error: tuple[Exception, str] | None = None
        self.broken = False
        self.working: dict[str, anyio.CancelScope] = {}  # start_async work by name
        self.component, self.socket = self._start(restore=True)

    @property
    def snapshot_key(self) -> str:
        """Where its recoverable assigns live in the session's snapshot."""
        return f"component:{self.kind.__module__}.{self.kind.__qualname__}:{self.id}"

    @property
    def name(self) -> str:
        return f"{self.kind.__name__} {self.id!r}"

    def _start(self, *, restore: bool) -> tuple[LiveComponent, ComponentSocket]:
        created = self.kind()
        created._socket = socket = ComponentSocket(self)
        self.component, self.socket = created, socket  # mount may start_async already
        created.mount(socket)
        # Only the first mount of this id on a socket resumes from the snapshot the socket
        # reconnected with: one that failed, or left the page and came back, starts afresh.
        resumed = _resumed(self.session)
        if restore and self.snapshot_key not in resumed:
            resumed.add(self.snapshot_key)
            restored = created.restored_assigns(self.session, self.snapshot_key, self.name)
            if restored:
                socket.assign(**restored)
        self.seen = None
        return created, socket

    def ensure_mounted(self) -> None:
        """After a failure, the next render or update starts from a fresh mount."""
        if self.broken:
            self.broken = False
            self.component, self.socket = self._start(restore=False)

    def remember(self) -> None:
        """Keep the recoverable assigns in the session's snapshot (saved after the render)."""
        self.component.remember_assigns(
            self.session, self.snapshot_key, self.name, self.socket._assigns
        )

    def start_async(self, name: str, function: Callable[[], Awaitable[Any]]) -> None:
        previous = self.working.pop(name, None)
        if previous is not None:
            previous.cancel()
        scope = anyio.CancelScope()
        owner = self.component  # a remount after a failure drops this work's outcome
        session = self.session

        async def run() -> None:
            with scope:
                started = time.perf_counter()
                try:
                    value = await function()
                except Exception as error:
                    logger.exception(
                        "start_async %r of %s failed in session %s", name, self.name, session.id
                    )
                    report_error(error, kind="async", session=session.id, work=name)
                    outcome: AsyncResult[Any] = AsyncResult.failed_with(error)
                else:
                    outcome = AsyncResult.succeeded(value)
                telemetry.emit(
                    "ember.live.async",
                    (time.perf_counter() - started) * 1000,
                    session=session.id,
                    work=name,
                    ok=outcome.ok,
                )
                if self.working.get(name) is scope:
                    del self.working[name]
                await session._in_turn(lambda: self._deliver(owner, name, outcome))

        if session.start_task(run, name=f"start_async {self.name} {name}"):
            self.working[name] = scope

    async def _deliver(self, owner: LiveComponent, name: str, outcome: AsyncResult[Any]) -> None:
        if owner is not self.component or self.broken or self.error is not None:
            return  # the component failed (and mounts afresh) since the work started
        await owner._dispatch_async(name, outcome, self.socket)

    def stop(self) -> None:
        """The component left the page: its running work is cancelled."""
        for scope in self.working.values():
            scope.cancel()
        self.working.clear()

    def give(self, assigns: Mapping[str, Any]) -> None:
        self.ensure_mounted()
        self.component.update(assigns, self.socket)

    def fail(self, error: Exception, what: str) -> None:
        # Raised by the next render, so the engine logs it once, reports it to a boundary
        # and shows the fallback in the component's place only.
        self.error = (error, what)
        self.stop()
        self.component.forget_assigns(self.session, self.snapshot_key)
        self.rerender()


_registries: weakref.WeakKeyDictionary[LiveSession, dict[tuple[type[Any], str], _Instance]] = (
    weakref.WeakKeyDictionary()
)


_resumed_keys: weakref.WeakKeyDictionary[LiveSession, set[str]] = weakref.WeakKeyDictionary()


def _resumed(session: LiveSession) -> set[str]:
    """The snapshot keys of the components that already took their recovered assigns."""
    keys = _resumed_keys.get(session)
    if keys is None:
        keys = _resumed_keys[session] = set()
    return keys


def _registry(session: LiveSession) -> dict[tuple[type[Any], str], _Instance]:
    registry = _registries.get(session)
    if registry is None:
        registry = _registries[session] = {}
    return registry


def send_update(
    session: LiveSession, component: type[LiveComponent], id: str | int, **assigns: Any
) -> None:
    """Call ``update(assigns, socket)`` of the ``component`` with ``id`` on this page, and
    re-render it (LiveView's ``send_update``).

    From a view's callbacks use ``socket.send_update(component, id, **assigns)``; in a hook
    component, pass ``use_session()``. When no such component is mounted it logs a warning
    and does nothing, as LiveView does.
    """
    instance = _registry(session).get((component, str(id)))
    if instance is None:
        logger.warning(
            "send_update found no %s with id %r in session %s; it was never rendered or has "
            "been removed",
            component.__name__,
            id,
            session.id,
        )
        return
    try:
        instance.give(assigns)
    except Exception as error:
        instance.fail(error, "its update raised")
        return
    instance.socket._changed = False
    instance.rerender()


def live_component(kind: type[C], id: str | int, **assigns: Any) -> Any:
    """Render the live component ``kind`` with ``id`` (unique among the components of that
    class on the page) and ``assigns``, which reach its ``update`` on every parent render."""
    given: object = kind  # checked at run time: a plain component here is a common slip
    if not (isinstance(given, type) and issubclass(given, LiveComponent)):
        msg = f"live_component() expects a LiveComponent subclass, got {kind!r}."
        raise EmberError(msg)
    return _LiveComponentHost(
        kind, str(id), assigns, _rendering_parent(), key=f"{kind.__name__}:{id}"
    )


def _rendering_parent() -> _Parent:
    """The ``LiveView`` (with its socket) whose render is running, if any: a component
    made inside another component's render belongs to that one's view."""
    on = _VIEW_EVENTS.get()
    owner = getattr(on, "__self__", None)
    if isinstance(owner, LiveView):
        return owner, owner._socket
    if isinstance(owner, LiveComponent):
        return owner._socket._instance.parent
    return None


@component
def _LiveComponentHost(
    kind: type[LiveComponent], id: str, assigns: Mapping[str, Any], parent: _Parent
) -> Any:
    session = use_session()
    _, set_version = use_state(0)
    held = use_ref(cast(_Instance | None, None))
    instance: _Instance | None = held.current
    if instance is None:
        instance = _Instance(kind, id, session, parent, lambda: set_version(lambda v: v + 1))
        held.current = instance

    def register() -> Callable[[], None]:
        # In an effect, so that every registration has its unmount: the registry never
        # holds a component (nor its session) that left the page.
        _registry(session)[(kind, id)] = instance

        def unregister() -> None:
            instance.stop()
            registry = _registry(session)
            if registry.get((kind, id)) is instance:
                del registry[(kind, id)]

        return unregister

    use_effect(register, [])
    if instance.error is not None:
        (error, what), instance.error = instance.error, None
        instance.broken = True
        msg = f"{kind.__name__} {id!r} failed: {what} ({type(error).__name__}: {error})."
        raise RenderError(msg) from error
    instance.parent = parent
    instance.ensure_mounted()
    if assigns is not instance.seen:  # the parent rendered it again: update, as LiveView
        instance.seen = assigns
        try:
            instance.component.update(assigns, instance.socket)
        except Exception:
            instance.broken = True  # the engine shows the fallback; the next render remounts
            raise
    instance.socket._changed = False
    instance.remember()
    with rendering_view(instance.component.on):  # JS.push("name") targets the component
        return instance.component.render(instance.socket.assigns)
