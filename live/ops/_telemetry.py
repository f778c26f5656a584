"""Telemetry: named events with a duration and metadata, for metrics, traces and logs.

Like Erlang's ``:telemetry``: the runtime emits, anyone subscribes. Names are dotted and a
subscription may name a prefix (``"ember.live"`` receives every live event)::

    def log_slow(event: TelemetryEvent) -> None:
        if event.duration_ms > 50:
            logger.warning("%s took %.1f ms: %s", event.name, event.duration_ms, event.metadata)

    unsubscribe = telemetry.subscribe("ember.live.handle_event", log_slow)

Events ember.live emits (metadata in brackets):

- ``ember.live.mount`` [session, view, connected]
- ``ember.live.handle_params`` [session, view, url]
- ``ember.live.handle_event`` [session, view, target, ok]
- ``ember.live.handle_info`` [session, view, message]
- ``ember.live.render`` [where]: one component re-rendered (ReactPy's render of it)
- ``ember.live.send`` [session, view, kind, bytes]: one message sent to the browser
- ``ember.live.async`` [session, work, ok]: ``use_async`` / ``start_async`` work
- ``ember.live.deliver`` [session, topic, message]: a PubSub message handled by a view
- ``ember.live.session`` [session, view, event: "connected" | "closed", code]
- ``ember.live.error`` [kind, session, view, error]: a failure, also sent to Sentry
- ``ember.data.query`` [statement, rows]: every SQL statement of an engine passed to
  :func:`instrument_engine`
- ``ember.pubsub.broadcast`` [topic, tag, bytes, local, remote, ok]: one broadcast of a
  PubSub passed to :func:`instrument_pubsub`, from encoding to the backend taking it;
  ``bytes`` is the encoded envelope's size, ``local`` how many of this process's
  subscribers got it, ``remote`` False for ``local_broadcast``, ``ok`` False when the
  backend refused it
- ``ember.pubsub.deliver`` [topic, tag, subscribers, remote, lag_ms]: one message handed to
  this process's subscribers of a topic; ``remote`` when it came through the backend from
  another PubSub, ``lag_ms`` the time since the sender broadcast it (by the sender's wall
  clock, at least 0; absent for messages from an ember release before envelope version 2)

Instrumenting an engine or a PubSub twice for one registry is harmless: events are
emitted once, until the last of the returned functions is called.

A subscriber that raises is detached and logged once; it never breaks the emitting code.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ember.pubsub import PubSub

logger = logging.getLogger("ember.live.telemetry")


@dataclass(frozen=True, slots=True)
class TelemetryEvent:
    """One measurement: what happened, how long it took, and its context."""

    name: str
    duration_ms: float
    metadata: Mapping[str, Any] = field(default_factory=dict)
    timestamp: float = field(default_factory=time.time)


Handler = Callable[[TelemetryEvent], None]


class Telemetry:
    """A registry of subscribers by event name or name prefix."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = {}

    def subscribe(self, name: str, handler: Handler) -> Callable[[], None]:
        """Call ``handler`` for every event named ``name`` or under the prefix ``name.``.

        Returns:
            A function that ends the subscription.
        """
        self._handlers.setdefault(name, []).append(handler)

        def unsubscribe() -> None:
            handlers = self._handlers.get(name, [])
            if handler in handlers:
                handlers.remove(handler)

        return unsubscribe

    @property
    def active(self) -> bool:
        """True when anyone listens (emitting code may skip building metadata otherwise)."""
        return any(self._handlers.values())

    def emit(self, name: str, duration_ms: float = 0.0, **metadata: Any) -> None:
        """Tell the subscribers of ``name`` (and of its prefixes) that it happened."""
        if not self._handlers:
            return
        event: TelemetryEvent | None = None
        prefix = name
        while prefix:
            for handler in list(self._handlers.get(prefix, ())):
                if event is None:
                    event = TelemetryEvent(name, duration_ms, MappingProxyType(metadata))
                try:
                    handler(event)
                except Exception:
                    logger.exception(
                        "Telemetry handler %r failed on %s; it is detached", handler, name
                    )
                    self._handlers[prefix].remove(handler)
            prefix = prefix.rpartition(".")[0]

    def span(self, name: str, **metadata: Any) -> _Span:
        """Measure the block and emit ``name`` when it ends (``ok`` says whether it raised).

        The dict the block gets (``with telemetry.span(...) as extra``) takes more metadata
        while the block runs (``ok`` included).
        """
        return _Span(self, name, metadata)


class _Span:
    """:meth:`Telemetry.span`'s context manager: an object with slots rather than a
    generator, as every session's mount and connect enter one."""

    __slots__ = ("extra", "metadata", "name", "registry", "started")

    def __init__(self, registry: Telemetry, name: str, metadata: dict[str, Any]) -> None:
        self.registry = registry
        self.name = name
        self.metadata = metadata
        self.extra: dict[str, Any] = {}
        self.started = 0.0

    def __enter__(self) -> dict[str, Any]:
        self.started = time.perf_counter()
        return self.extra

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self.registry._handlers:  # no one listens: no metadata to put together
            elapsed = (time.perf_counter() - self.started) * 1000
            metadata = {**self.metadata, "ok": kind is None, **self.extra}
            self.registry.emit(self.name, elapsed, **metadata)


telemetry = Telemetry()
"""The process-wide registry ember emits to."""

_QUERY_STARTS = "ember.telemetry.query_starts"


def instrument_engine(engine: Any, registry: Telemetry | None = None) -> Callable[[], None]:
    """Emit ``ember.data.query`` for every statement ``engine`` runs (sync or async engine).

    Returns:
        A function that removes the instrumentation.
    """
    target = getattr(engine, "sync_engine", engine)
    emit_to = registry or telemetry
    return _install_once(target, emit_to, lambda: _listen_to_engine(target, emit_to))


def _listen_to_engine(target: Any, emit_to: Telemetry) -> Callable[[], None]:
    from sqlalchemy import event

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        conn.info.setdefault(_QUERY_STARTS, []).append(time.perf_counter())

    def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        starts = conn.info.get(_QUERY_STARTS)
        if not starts:
            return
        elapsed = (time.perf_counter() - starts.pop()) * 1000
        rows = getattr(cursor, "rowcount", -1)
        emit_to.emit("ember.data.query", elapsed, statement=statement[:500], rows=rows)

    event.listen(target, "before_cursor_execute", before)
    event.listen(target, "after_cursor_execute", after)
    engine = weakref.ref(target)  # _INSTALLED must not keep the engine alive

    def remove() -> None:
        alive = engine()
        if alive is not None:
            event.remove(alive, "before_cursor_execute", before)
            event.remove(alive, "after_cursor_execute", after)

    return remove


def instrument_pubsub(pubsub: PubSub, registry: Telemetry | None = None) -> Callable[[], None]:
    """Emit ``ember.pubsub.broadcast`` and ``ember.pubsub.deliver`` for ``pubsub``.

    Returns:
        A function that removes the instrumentation.
    """
    emit_to = registry or telemetry

    def forward(name: str, duration_ms: float, metadata: Mapping[str, object]) -> None:
        emit_to.emit(name, duration_ms, **metadata)

    return _install_once(pubsub, emit_to, lambda: pubsub.observe(forward))


# What is instrumented, for which registry: (how many callers asked, how to remove it).
_INSTALLED: weakref.WeakKeyDictionary[Any, dict[Telemetry, tuple[int, Callable[[], None]]]] = (
    weakref.WeakKeyDictionary()
)


def _install_once(
    target: Any, registry: Telemetry, install: Callable[[], Callable[[], None]]
) -> Callable[[], None]:
    """Install ``target``'s instrumentation once per registry; remove it with its last user."""
    installed = _INSTALLED.setdefault(target, {})
    users, remove = installed.get(registry, (0, None))
    installed[registry] = (users + 1, remove if remove is not None else install())
    released = False

    def release() -> None:
        nonlocal released
        if released:
            return
        released = True
        users, remove = installed.pop(registry)
        if users > 1:
            installed[registry] = (users - 1, remove)
        else:
            remove()

    return release
