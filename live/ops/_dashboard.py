"""The code of :mod:`ember.live.dashboard` (its docstring is the guide)."""

from __future__ import annotations

import statistics
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import html

from ember.pubsub import Presence

from ..api._view import LiveView, Socket
from ..server._mount import Ember
from ..server._session import LiveSession
from ._dashboard_jobs import JobQueues, queue_panel, read_queues, run_queue_action
from ._telemetry import TelemetryEvent, instrument_engine, instrument_pubsub, telemetry

__all__ = ["DashboardStats", "install_dashboard"]

WINDOW_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class SlowCall:
    view: str
    target: str
    duration_ms: float


@dataclass(frozen=True, slots=True)
class PoolFigures:
    engine: str
    checked_out: int
    size: int | None
    overflow: int | None


class DashboardStats:
    """Rolling figures from telemetry: events, slow handlers, PubSub lag, SQL, errors.

    ``engines``: SQLAlchemy engines (sync or async) whose statements are counted and whose
    connection pools are shown.
    """

    def __init__(
        self,
        ember: Ember,
        *,
        keep: int = 20,
        presence: Presence | None = None,
        presence_topics: Sequence[str] = (),
        engines: Sequence[Any] = (),
    ) -> None:
        self.ember = ember
        self.presence = presence
        self.presence_topics = list(presence_topics)
        self._events: deque[tuple[float, str, str]] = deque(maxlen=100_000)
        self.slowest: list[SlowCall] = []
        self.errors: deque[tuple[float, str, str]] = deque(maxlen=keep)
        self.queries = 0
        self.query_ms = 0.0
        self.broadcasts = 0
        self.lags_ms: deque[float] = deque(maxlen=1000)
        self._engines = [getattr(engine, "sync_engine", engine) for engine in engines]
        self._keep = keep
        self._unsubscribe = [
            instrument_pubsub(ember.pubsub),
            *(instrument_engine(engine) for engine in self._engines),
            telemetry.subscribe("ember.live.handle_event", self._on_event),
            telemetry.subscribe("ember.live.error", self._on_error),
            telemetry.subscribe("ember.data.query", self._on_query),
            telemetry.subscribe("ember.pubsub.broadcast", self._on_broadcast),
            telemetry.subscribe("ember.pubsub.deliver", self._on_deliver),
        ]

    def _on_query(self, event: TelemetryEvent) -> None:
        self.queries += 1
        self.query_ms += event.duration_ms

    def _on_broadcast(self, event: TelemetryEvent) -> None:
        self.broadcasts += 1

    def _on_deliver(self, event: TelemetryEvent) -> None:
        lag_ms = event.metadata.get("lag_ms")
        if lag_ms is not None and event.metadata.get("remote"):
            self.lags_ms.append(float(lag_ms))

    def lag_ms(self) -> tuple[float, float, float] | None:
        """(last, median, 99th percentile) delivery lag in ms over the last 1,000
        deliveries from other processes, or None before the first."""
        if not self.lags_ms:
            return None
        ordered = sorted(self.lags_ms)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return self.lags_ms[-1], statistics.median(ordered), p99

    def pools(self) -> list[PoolFigures]:
        """Connections checked out, pool size and overflow of each engine given."""
        figures = []
        for engine in self._engines:
            pool = engine.pool
            size = pool.size() if callable(getattr(pool, "size", None)) else None
            overflow = pool.overflow() if callable(getattr(pool, "overflow", None)) else None
            figures.append(
                PoolFigures(
                    engine.url.render_as_string(hide_password=True),
                    int(pool.checkedout()),
                    size,
                    None if overflow is None else max(0, overflow),  # negative: not all opened
                )
            )
        return figures

    def per_session(self) -> list[tuple[str, str, float]]:
        """(session, view, events/s over the last minute) for each connected session."""
        horizon = time.monotonic() - WINDOW_SECONDS
        counts = Counter(session for at, _, session in self._events if at >= horizon)
        return [
            (session.id[:8], session.mount_path, counts.get(session.id, 0) / WINDOW_SECONDS)
            for session in self.ember.sessions.values()
        ]

    def memory_per_session_kib(self) -> float | None:
        """This process's RSS divided by its sessions: an upper bound of a session's cost."""
        sessions = len(self.ember.sessions)
        if not sessions:
            return None
        try:
            import resource
        except ImportError:  # pragma: no cover - not on this platform
            return None
        rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        return float(rss_kib) / sessions

    def present(self) -> list[tuple[str, int]]:
        """(topic, keys present) for the presence topics the dashboard was given."""
        if self.presence is None:
            return []
        return [(topic, len(self.presence.list(topic))) for topic in self.presence_topics]

    def _on_event(self, event: TelemetryEvent) -> None:
        view = str(event.metadata.get("view", "?"))
        self._events.append((time.monotonic(), view, str(event.metadata.get("session", ""))))
        call = SlowCall(view, str(event.metadata.get("target", "?")), event.duration_ms)
        self.slowest = sorted([*self.slowest, call], key=lambda c: -c.duration_ms)[: self._keep]

    def _on_error(self, event: TelemetryEvent) -> None:
        where = str(event.metadata.get("view") or event.metadata.get("kind"))
        self.errors.appendleft((event.timestamp, where, str(event.metadata.get("error"))))

    def events_per_second(self) -> dict[str, float]:
        """Events handled per second over the last minute, by view."""
        horizon = time.monotonic() - WINDOW_SECONDS
        while self._events and self._events[0][0] < horizon:
            self._events.popleft()
        counts = Counter(view for _, view, _ in self._events)
        return {view: count / WINDOW_SECONDS for view, count in sorted(counts.items())}

    def sessions_by_view(self) -> dict[str, int]:
        counts = Counter(session.mount_path for session in self.ember.sessions.values())
        return dict(sorted(counts.items()))

    def topics(self) -> dict[str, int]:
        """PubSub topics of this process and their local subscribers."""
        pubsub = self.ember._pubsub
        topics: Mapping[str, Mapping[str, Any]] = getattr(pubsub, "_topics", {}) or {}
        return {topic: len(subs) for topic, subs in sorted(topics.items())}

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()


class _Refresh(BaseModel):
    at: float


def _or_dash(value: int | None) -> str:
    return "-" if value is None else str(value)


def _row(key: str, cells: tuple[Any, ...]) -> Any:
    return html.tr({"key": key}, [html.td({"key": str(i)}, str(c)) for i, c in enumerate(cells)])


def _table(title: str, header: tuple[str, ...], rows: list[tuple[Any, ...]], key: str) -> Any:
    return html.section(
        {"id": key, "className": "ember-dashboard-panel"},
        html.h2(title),
        html.table(
            html.thead(html.tr([html.th({"key": h}, h) for h in header])),
            html.tbody(
                [_row(str(index), row) for index, row in enumerate(rows)]
                or [html.tr({"key": "none"}, html.td({"colSpan": len(header)}, "none yet"))]
            ),
        ),
    )


def _dashboard_view(
    stats: DashboardStats, interval: float, jobs: JobQueues | None
) -> type[LiveView]:
    class DashboardLive(LiveView):
        async def mount(
            self, params: Mapping[str, str], session: LiveSession, socket: Socket
        ) -> None:
            socket.assign(tick=0.0, queues={})
            if jobs is not None:
                socket.assign(queues=await read_queues(jobs))
            if socket.connected:
                socket.send_after(interval, _Refresh(at=time.time()))

        async def handle_info(self, message: Any, socket: Socket) -> None:
            socket.assign(tick=time.time())
            if jobs is not None:
                socket.assign(queues=await read_queues(jobs))
            socket.send_after(interval, _Refresh(at=time.time()))

        async def handle_event(self, event: str, params: Any, socket: Socket) -> None:
            if jobs is not None and await run_queue_action(jobs, event):
                socket.assign(queues=await read_queues(jobs))
                return
            await super().handle_event(event, params, socket)

        def render(self, assigns: Mapping[str, Any]) -> Any:
            sessions = stats.sessions_by_view()
            rates = stats.events_per_second()
            topics = stats.topics()
            memory = stats.memory_per_session_kib()
            average = stats.query_ms / stats.queries if stats.queries else 0.0
            lag = stats.lag_ms()
            errors = [
                (time.strftime("%H:%M:%S", time.localtime(at)), where, error)
                for at, where, error in stats.errors
            ]
            return html.main(
                {"className": "ember-dashboard"},
                html.h1("ember dashboard"),
                html.p({"id": "total-sessions"}, f"{sum(sessions.values())} sessions connected"),
                html.p(
                    {"id": "memory"},
                    f"peak RSS per session: {memory:.0f} KiB" if memory else "no sessions",
                ),
                html.p(
                    {"id": "queries"},
                    f"{stats.queries} SQL statements, {average:.2f} ms on average",
                ),
                html.p({"id": "broadcasts"}, f"{stats.broadcasts} PubSub broadcasts"),
                html.p(
                    {"id": "pubsub-lag"},
                    f"PubSub lag: last {lag[0]:.1f} ms, median {lag[1]:.1f} ms, p99 {lag[2]:.1f} ms"
                    if lag
                    else "PubSub lag: no messages from other workers yet",
                ),
                queue_panel(assigns["queues"], self.on) if jobs is not None else None,
                _table(
                    "Database pools",
                    ("engine", "checked out", "size", "overflow"),
                    [
                        (p.engine, p.checked_out, _or_dash(p.size), _or_dash(p.overflow))
                        for p in stats.pools()
                    ],
                    "pools",
                ),
                _table(
                    "Sessions by view", ("view", "sessions"), list(sessions.items()), "sessions"
                ),
                _table(
                    "Events per second (last minute)",
                    ("view", "events/s"),
                    [(view, f"{rate:.2f}") for view, rate in rates.items()],
                    "rates",
                ),
                _table(
                    "Sessions",
                    ("session", "view", "events/s"),
                    [(sid, view, f"{rate:.2f}") for sid, view, rate in stats.per_session()],
                    "per-session",
                ),
                _table("Presence", ("topic", "present"), stats.present(), "presence"),
                _table(
                    "Slowest handlers",
                    ("view", "handler", "ms"),
                    [(c.view, c.target, f"{c.duration_ms:.1f}") for c in stats.slowest[:10]],
                    "slowest",
                ),
                _table(
                    "PubSub topics",
                    ("topic", "subscribers"),
                    list(topics.items()),
                    "topics",
                ),
                _table(
                    "Recent errors",
                    ("when", "where", "error"),
                    errors,
                    "errors",
                ),
                _table(
                    "Event loop stalls (most recent first)",
                    ("ms", "of it GC, ms", "while running", "where the loop was"),
                    [
                        (
                            f"{stall.lag_ms:.0f}",
                            f"{stall.gc_ms:.0f}",
                            ", ".join(stall.culprits) or "-",
                            stall.stack[-1] if stall.stack else "-",
                        )
                        for stall in list(stats.ember.watchdog.stalls)[::-1][:10]
                    ],
                    "stalls",
                ),
            )

    return DashboardLive


def install_dashboard(
    app: FastAPI,
    ember: Ember,
    *,
    path: str = "/dashboard",
    guard: Callable[..., Any] | None = None,
    interval: float = 1.0,
    presence: Presence | None = None,
    presence_topics: Sequence[str] = (),
    engines: Sequence[Any] = (),
    jobs: JobQueues | None = None,
) -> DashboardStats:
    """Mount the dashboard at ``path`` (behind ``guard``); returns its figures.

    SQL statement figures and connection pools appear for the SQLAlchemy ``engines``
    (statements also for engines passed to :func:`ember.live.instrument_engine`);
    presence for the ``presence_topics`` of ``presence``; with ``jobs`` (an
    ``ember.jobs.Jobs``), a queue panel with retry and cancel buttons.
    """
    stats = DashboardStats(
        ember, presence=presence, presence_topics=presence_topics, engines=engines
    )
    dependencies = {"identity": guard} if guard is not None else None
    ember.mount(
        app,
        path,
        _dashboard_view(stats, interval, jobs),
        title="ember dashboard",
        dependencies=dependencies,
    )
    return stats
