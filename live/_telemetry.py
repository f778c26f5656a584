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

A subscriber that raises is detached and logged once; it never breaks the emitting code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

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

    @contextmanager
    def span(self, name: str, **metadata: Any) -> Iterator[dict[str, Any]]:
        """Measure the block and emit ``name`` when it ends (``ok`` says whether it raised).

        The yielded dict takes more metadata while the block runs (``ok`` included).
        """
        started = time.perf_counter()
        extra: dict[str, Any] = {}
        ok = False
        try:
            yield extra
            ok = True
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            self.emit(name, elapsed, **{**metadata, "ok": ok, **extra})


telemetry = Telemetry()
"""The process-wide registry ember emits to."""

_QUERY_STARTS = "ember.telemetry.query_starts"


def instrument_engine(engine: Any, registry: Telemetry | None = None) -> Callable[[], None]:
    """Emit ``ember.data.query`` for every statement ``engine`` runs (sync or async engine).

    Returns:
        A function that removes the instrumentation.
    """
    from sqlalchemy import event

    target = getattr(engine, "sync_engine", engine)
    emit_to = registry or telemetry

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

    def remove() -> None:
        event.remove(target, "before_cursor_execute", before)
        event.remove(target, "after_cursor_execute", after)

    return remove
