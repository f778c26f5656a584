"""The ``LiveView`` class facade: LiveView's callbacks, compiled to a ReactPy component.

A view's ``mount`` and ``handle_params`` run before the first render (once for the
server-rendered page, with ``socket.connected`` False, and again when the websocket
connects), ``render(assigns)`` builds the markup, events reach ``@on_event`` methods,
messages reach ``@on_info`` methods by their type, and ``start_async`` work reaches
``handle_async``. Every callback that changes assigns re-renders the view.
"""

from __future__ import annotations

import inspect
import logging
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Self, TypeVar

from pydantic import BaseModel
from reactpy import component, use_ref, use_state

from .._errors import ConfigurationError, EmberError
from ..engine._reactpy import Component
from ..engine._threads import offload
from ..ops._reporting import report_error
from ..ops._telemetry import telemetry
from ..server._session import LiveSession, Navigation
from ._async_result import AsyncResult
from ._events import event_params
from ._js import rendering_view
from ._recoverable import RecoverableAssigns
from ._uploads import Upload, allow_upload

logger = logging.getLogger("ember.live")
F = TypeVar("F", bound=Callable[..., Any])
_EVENT_ATTR = "__ember_event__"
_INFO_ATTR = "__ember_info__"
_ASYNC_ATTR = "__ember_async__"


def on_event(name: str) -> Callable[[F], F]:
    """Route the event ``name`` to the decorated ``(self, params, socket)`` method."""

    def mark(method: F) -> F:
        setattr(method, _EVENT_ATTR, name)
        return method

    return mark


def on_info(message_type: type[Any]) -> Callable[[F], F]:
    """Route messages of ``message_type`` to the decorated ``(self, msg, socket)`` method."""

    def mark(method: F) -> F:
        setattr(method, _INFO_ATTR, message_type)
        return method

    return mark


def on_async(name: str) -> Callable[[F], F]:
    """Route the result of ``socket.start_async(name, …)`` to ``(self, result, socket)``."""

    def mark(method: F) -> F:
        setattr(method, _ASYNC_ATTR, name)
        return method

    return mark


class AssignsSocket:
    """What view and component sockets share: assigns, the session, flash and navigation.
    ``assign`` marks the owner changed; it re-renders after the callback returns."""

    session: LiveSession
    _assigns: dict[str, Any]
    _changed: bool

    @property
    def assigns(self) -> Mapping[str, Any]:
        """The assigns (read-only; change them with :meth:`assign`)."""
        return MappingProxyType(self._assigns)

    @property
    def connected(self) -> bool:
        """False while rendering the first paint over HTTP, True once the websocket is up."""
        return self.session.connected

    def assign(self, **values: Any) -> Self:
        """Set assigns; the owner re-renders after the callback returns."""
        for key, value in values.items():
            if self._assigns.get(key, _MISSING) is not value:
                self._assigns[key] = value
                self._changed = True
        return self

    def update(self, key: str, function: Callable[[Any], Any]) -> Self:
        """Set ``key`` to ``function(current value)``."""
        if key not in self._assigns:
            msg = f"Cannot update assign {key!r}: it was never assigned. Assign it in mount()."
            raise EmberError(msg)
        return self.assign(**{key: function(self._assigns[key])})

    def put_flash(self, kind: str, message: str) -> Self:
        self.session.put_flash(kind, message)
        return self

    def push_event(self, event: str, payload: Mapping[str, Any] | None = None) -> Navigation:
        """Send ``event`` to the page's client hooks (see :meth:`LiveSession.push_event`)."""
        return self.session.push_event(event, payload)

    def push_navigate(self, to: str) -> Navigation:
        """Load another page of the app; takes effect at once (awaiting is optional)."""
        return self.session.push_navigate(to)

    def redirect(self, to: str) -> Navigation:
        """Send the browser to ``to`` (the first paint answers with an HTTP redirect);
        takes effect at once (awaiting is optional)."""
        return self.session.redirect(to)


class Socket(AssignsSocket):
    """What a view's callbacks receive: assigns, the session, navigation and flash."""

    def __init__(self, view: LiveView, session: LiveSession) -> None:
        # The view holds its socket; the socket reaches the view weakly, so the pair makes
        # no reference cycle (a cycle outlives a closed session until a full collection).
        self._view_ref = weakref.ref(view)
        self.session = session
        self._assigns: dict[str, Any] = {}
        self._changed = False
        self._rerender: Callable[[], None] | None = None
        self._params_due = False

    @property
    def _view(self) -> LiveView:
        view = self._view_ref()
        if view is None:
            msg = "This socket's LiveView is gone: its session has ended."
            raise EmberError(msg)
        return view

    def allow_upload(self, name: str, **options: Any) -> Upload:
        """Declare an upload (LiveView's ``allow_upload``), available to ``render`` as
        ``assigns["uploads"][name]``; the options are :func:`ember.live.use_upload`'s."""
        this = weakref.ref(self)  # the socket holds the upload in its assigns

        def changed() -> None:  # progress arrives outside any callback
            socket = this()
            if socket is not None and socket._rerender is not None:
                socket._rerender()

        upload = allow_upload(self.session, name, changed, **options)
        self.assign(uploads={**self._assigns.get("uploads", {}), name: upload})
        return upload

    def push_patch(self, to: str, *, replace: bool = False) -> Navigation:
        """Change the URL within this view; ``handle_params`` runs again once the current
        callback returns (or when the result is awaited, if sooner).

        ``replace`` replaces the current history entry instead of adding one.
        """
        sent = self.session.push_patch(to, replace=replace)
        self._params_due = True

        async def wait() -> None:
            await sent
            await self._run_due_params()

        return Navigation(wait)

    async def _run_due_params(self) -> None:
        while self._params_due:
            self._params_due = False
            await self._view._run_handle_params(self)

    def start_async(self, name: str, function: Callable[[], Awaitable[Any]]) -> None:
        """Run ``function`` in the session's task group; its outcome reaches ``handle_async``.

        Started during the first paint, the work waits for the websocket: it runs once
        the socket adopts the first paint (a view with ``handle_connect``), and goes with
        the first paint otherwise, as in LiveView.
        """

        async def run() -> None:
            started = time.perf_counter()
            try:
                value = await function()
            except Exception as error:
                logger.exception("start_async %r failed in session %s", name, self.session.id)
                report_error(error, kind="async", session=self.session.id, work=name)
                outcome: AsyncResult[Any] = AsyncResult.failed_with(error)
            else:
                outcome = AsyncResult.succeeded(value)
            telemetry.emit(
                "ember.live.async",
                (time.perf_counter() - started) * 1000,
                session=self.session.id,
                work=name,
                ok=outcome.ok,
            )
            await self.session._in_turn(lambda: self._view._dispatch_async(name, outcome, self))

        self.session.start_task(run, name=f"start_async {name}")

    async def subscribe(self, topic: str, *, types: Sequence[type[BaseModel]] = ()) -> None:
        """Receive the PubSub messages of ``topic`` in ``@on_info`` / ``handle_info``."""
        await self.session.subscribe(
            topic, lambda message: self._view._dispatch_info(message, self), types=types
        )

    def send_after(self, delay: float, message: Any) -> None:
        """Deliver ``message`` to ``handle_info`` after ``delay`` seconds (``send_after``)."""
        self.session.call_later(delay, lambda: self._view._dispatch_info(message, self))

    async def send_info(self, message: Any) -> None:
        """Deliver ``message`` to this view's ``@on_info`` handler (like ``send(self(), msg)``)."""
        await self._view._dispatch_info(message, self)

    async def send_parent(self, message: Any) -> None:
        """From a nested view (``live_render``): deliver ``message`` to the view that
        rendered it (see :func:`ember.live.send_parent`)."""
        from ._nested import send_parent  # the nesting module builds on this one

        await send_parent(self, message)

    def send_update(self, component: type[Any], id: str | int, **assigns: Any) -> None:
        """Update the live component ``component`` with ``id`` on this page (LiveView's
        ``send_update``; see :func:`ember.live.send_update`)."""
        from ._live_component import send_update  # the component module builds on this one

        send_update(self.session, component, id, **assigns)

    def _flush(self) -> None:
        if self._changed and self._rerender is not None:
            self._changed = False
            self._rerender()
            self._view._remember(self)


_MISSING = object()


class LiveView(RecoverableAssigns):
    """Base class for class-style live views. Subclass it and implement ``render``.

    Dependencies: extra keyword parameters of ``mount`` declared with FastAPI's
    ``Depends`` (e.g. ``user: Annotated[User, Depends(current_user)]``) are resolved by
    FastAPI for the page request and for the websocket, with the app's
    ``dependency_overrides`` honoured, once per connection.

    Recoverable assigns (``recoverable``, ``recoverable_version``,
    ``migrate_recoverable``) come from :class:`RecoverableAssigns`.
    """

    _events: ClassVar[dict[str, str]]
    _infos: ClassVar[dict[type[Any], str]]
    _asyncs: ClassVar[dict[str, str]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._events, cls._infos, cls._asyncs = {}, {}, {}
        for klass in reversed(cls.__mro__):
            for attribute, value in vars(klass).items():
                if hasattr(value, _EVENT_ATTR):
                    cls._events[getattr(value, _EVENT_ATTR)] = attribute
                if hasattr(value, _INFO_ATTR):
                    cls._infos[getattr(value, _INFO_ATTR)] = attribute
                if hasattr(value, _ASYNC_ATTR):
                    cls._asyncs[getattr(value, _ASYNC_ATTR)] = attribute

    # -- callbacks users override ---------------------------------------------------------

    async def mount(self, params: Mapping[str, str], session: LiveSession, socket: Socket) -> None:
        """Set the first assigns. Runs for the first paint and again on connect, unless
        the view defines :meth:`handle_connect`: then once per page."""

    async def handle_connect(self, socket: Socket) -> None:
        """The websocket is up (``socket.connected`` is True): subscribe, start timers and
        async work here. A view that defines it mounts once per page: when the page's
        websocket reaches the worker that rendered the page (within
        ``EMBER_FIRST_PAINT_KEEP_SECONDS``), it adopts the first paint's view, assigns and
        all, and only this runs; otherwise (another worker, a reconnect) ``mount`` and
        ``handle_params`` run connected first, then this."""

    async def handle_params(self, params: Mapping[str, str], url: str, socket: Socket) -> None:
        """React to the URL's query parameters (after mount and after each patch)."""

    async def handle_event(self, event: str, params: Any, socket: Socket) -> None:
        """Events with no ``@on_event`` method land here; the default refuses them."""
        known = ", ".join(sorted(self._events)) or "none"
        msg = (
            f"{type(self).__name__} has no handler for event {event!r}. Known events: {known}. "
            "Add a method decorated with @on_event(...)."
        )
        raise EmberError(msg)

    async def handle_info(self, message: Any, socket: Socket) -> None:
        """Messages with no ``@on_info`` method land here; the default logs and drops them."""
        logger.warning("%s dropped a message of type %s", type(self).__name__, type(message))

    async def handle_async(self, name: str, result: AsyncResult[Any], socket: Socket) -> None:
        """``start_async`` outcomes with no ``@on_async`` method land here."""

    async def terminate(self, reason: str, socket: Socket) -> None:
        """The session is ending (the websocket closed)."""

    def render(self, assigns: Mapping[str, Any]) -> Any:
        """Return the view's markup (ReactPy elements or components)."""
        raise NotImplementedError

    # -- helpers for render ---------------------------------------------------------------

    def on(self, event: str) -> Callable[..., Awaitable[None]]:
        """An event handler for markup that routes to ``@on_event(event)``.

        Its params are the browser event's data (for a form submit: the form's values).
        """
        socket = self._socket

        async def handle(*data: Any) -> None:
            params = event_params(data)
            await self._dispatch_event(event, params, socket)

        handle.__qualname__ = f"{type(self).__name__}.on({event!r})"
        return handle

    # -- runtime ----------------------------------------------------------------------------

    _socket: Socket

    async def _start(
        self, session: LiveSession, *, assigns: Mapping[str, Any] | None = None
    ) -> Socket:
        self._socket = socket = Socket(self, session)
        if assigns:  # a nested view: what its parent passed (live_render's session=)
            socket.assign(**assigns)
        await _call(self.mount, session.location.params, session, socket, deps=session)
        self._restore(socket)
        socket._params_due = False  # handle_params runs now in any case
        await self._run_handle_params(socket)
        await socket._run_due_params()
        socket._changed = False
        if session.connected:
            await self._connected(socket)
        return socket

    async def _connect(self) -> None:
        """The page's websocket adopted this view's first paint: run the connected part,
        then render (``render`` may read ``socket.connected``, as on a connected mount)."""
        socket = self._socket
        await self._connected(socket)
        if socket._rerender is not None:
            socket._rerender()

    async def _connected(self, socket: Socket) -> None:
        session = socket.session
        session.add_cleanup(lambda: self.terminate("closed", socket))
        session.on_location_change(lambda: self._run_handle_params(socket))
        if type(self).handle_connect is not LiveView.handle_connect:
            await _call(self.handle_connect, socket, deps=session)
            await socket._run_due_params()
            socket._flush()

    def _snapshot_key(self) -> str:
        return f"{type(self).__module__}.{type(self).__qualname__}"

    def _restore(self, socket: Socket) -> None:
        restored = self.restored_assigns(socket.session, self._snapshot_key(), type(self).__name__)
        if restored is not None:
            socket.assign(**restored)

    def _remember(self, socket: Socket) -> None:
        self.remember_assigns(
            socket.session, self._snapshot_key(), type(self).__name__, socket._assigns
        )

    async def _run_handle_params(self, socket: Socket) -> None:
        location = socket.session.location
        with telemetry.span(
            "ember.live.handle_params",
            session=socket.session.id,
            view=type(self).__name__,
            url=location.url,
        ):
            await self.handle_params(location.params, location.url, socket)
        socket._flush()

    async def _dispatch_event(self, event: str, params: Any, socket: Socket) -> None:
        name = self._events.get(event)
        if name is None:
            await self.handle_event(event, params, socket)
        else:
            await _call(getattr(self, name), params, socket, deps=socket.session)
        await socket._run_due_params()
        socket._flush()

    async def _dispatch_info(self, message: Any, socket: Socket) -> None:
        with telemetry.span(
            "ember.live.handle_info",
            session=socket.session.id,
            view=type(self).__name__,
            message=type(message).__name__,
        ):
            for message_type, name in self._infos.items():
                if isinstance(message, message_type):
                    await _call(getattr(self, name), message, socket, deps=socket.session)
                    break
            else:
                await self.handle_info(message, socket)
        await socket._run_due_params()
        socket._flush()

    async def _dispatch_async(self, name: str, result: AsyncResult[Any], socket: Socket) -> None:
        method = self._asyncs.get(name)
        if method is None:
            await self.handle_async(name, result, socket)
        else:
            await getattr(self, method)(result, socket)
        await socket._run_due_params()
        socket._flush()


async def _call(method: Callable[..., Any], *args: Any, deps: LiveSession) -> Any:
    """Call a view callback, adding the resolved dependencies it asks for by name."""
    extra = {
        name: deps.dependencies[name]
        for name in _dependency_names(method, len(args))
        if name in deps.dependencies
    }
    if inspect.iscoroutinefunction(method):
        return await method(*args, **extra)
    return await offload(lambda: method(*args, **extra))


def _dependency_names(method: Callable[..., Any], standard: int) -> list[str]:
    """Parameters after a callback's ``standard`` positional ones are its dependencies."""
    return list(inspect.signature(method).parameters)[standard:]


def view_dependencies(view: type[LiveView]) -> dict[str, inspect.Parameter]:
    """The FastAPI dependencies a view's callbacks declare, by parameter name.

    Raises:
        ConfigurationError: two callbacks declare the same name differently.
    """
    found: dict[str, inspect.Parameter] = {}
    # (callback, how many positional arguments ember passes besides self)
    methods = [(view.mount, 4), *((getattr(view, n), 3) for n in view._events.values())]
    methods += [(getattr(view, n), 3) for n in view._infos.values()]
    for method, standard in methods:
        try:
            parameters = list(inspect.signature(method, eval_str=True).parameters.values())
        except NameError as error:
            msg = (
                f"Cannot read the annotations of {view.__name__}.{method.__name__}: {error}. "
                "Dependencies must be importable at module level (define the view and its "
                "dependencies at the top level of a module)."
            )
            raise ConfigurationError(msg) from error
        for parameter in parameters[standard:]:
            previous = found.get(parameter.name)
            if previous is not None and (previous.default, previous.annotation) != (
                parameter.default,
                parameter.annotation,
            ):
                msg = (
                    f"{view.__name__} declares the dependency {parameter.name!r} twice with "
                    "different values; use one name per dependency."
                )
                raise ConfigurationError(msg)
            found[parameter.name] = parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY)
    return found


def compile_view(view: LiveView, socket: Socket) -> Component:
    """Return a ReactPy component that renders ``view`` and re-renders on assign changes."""

    @component
    def LiveViewRoot() -> Any:
        _, set_version = use_state(0)
        bound = use_ref(False)
        if not bound.current:
            socket._rerender = lambda: set_version(lambda v: v + 1)
            bound.current = True
        with rendering_view(view.on):  # JS.push("name") routes to @on_event("name")
            return view.render(socket.assigns)

    LiveViewRoot.__qualname__ = type(view).__name__
    return LiveViewRoot()
