"""The code of :mod:`ember.live.metrics` (its docstring is the guide)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from fastapi import FastAPI, Response

from ..server._mount import Ember
from ._dashboard_jobs import QUEUE_STATES, JobQueues
from ._telemetry import TelemetryEvent, instrument_engine, instrument_pubsub, telemetry

try:
    from prometheus_client import (
        CONTENT_TYPE_LATEST,
        CollectorRegistry,
        Counter,
        Gauge,
        Histogram,
        generate_latest,
    )
    from prometheus_client.core import CounterMetricFamily
    from prometheus_client.registry import Collector
except ImportError as error:  # pragma: no cover - exercised without the extra installed
    msg = "ember.live.metrics needs prometheus-client: pip install 'ember[metrics]'."
    raise ImportError(msg) from error

__all__ = ["CountedCache", "EmberMetrics", "install_metrics", "topic_prefix"]

_SIZES = (64, 256, 1024, 4096, 16384, 65536, 262144, 1048576)
_JOB_DURATIONS = (0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)
_JOB_OUTCOMES = ("succeeded", "retrying", "failed", "cancelled")
_STATE_LABELS = {"todo": "queued", "doing": "running"}
_LAGS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def topic_prefix(topic: str) -> str:
    """The label of ``topic`` in metrics: its part before the first ``:``."""
    return topic.partition(":")[0]


class EmberMetrics:
    """Prometheus collectors fed by telemetry; ``close()`` unsubscribes them.

    Args:
        ember: its sessions and its PubSub (instrumented by this) are measured.
        registry: where the collectors live (default: a registry of their own).
        engines: SQLAlchemy engines (sync or async) whose queries and pool to measure.
        topic_label: the ``topic`` label of a topic (default :func:`topic_prefix`).
        jobs: job queues (``ember.jobs.Jobs``) whose jobs to count by queue and state.
        caches: caches (``ember.cache.Cache``) whose operations to count.
    """

    def __init__(
        self,
        ember: Ember,
        registry: CollectorRegistry | None = None,
        *,
        engines: Sequence[Any] = (),
        topic_label: Callable[[str], str] = topic_prefix,
        jobs: Sequence[JobQueues] = (),
        caches: Sequence[CountedCache] = (),
    ) -> None:
        self.registry = registry or CollectorRegistry()
        self.sessions = Gauge(
            "ember_sessions_connected",
            "Live sessions connected now.",
            ["view"],
            registry=self.registry,
        )
        self.events = Counter(
            "ember_events", "Events handled.", ["view", "outcome"], registry=self.registry
        )
        self.handlers = Histogram(
            "ember_handler_duration_seconds",
            "Time in event handlers.",
            ["view"],
            registry=self.registry,
        )
        self.mounts = Histogram(
            "ember_mount_duration_seconds",
            "Time to mount a view.",
            ["view", "connected"],
            registry=self.registry,
        )
        self.sent = Histogram(
            "ember_sent_bytes",
            "Size of each message sent to a browser.",
            ["view"],
            buckets=_SIZES,
            registry=self.registry,
        )
        self.deliveries = Histogram(
            "ember_delivery_duration_seconds",
            "Time to handle a PubSub message.",
            ["topic"],
            registry=self.registry,
        )
        self.broadcasts = Counter(
            "ember_pubsub_broadcasts",
            "PubSub broadcasts made by this process.",
            ["topic", "outcome"],
            registry=self.registry,
        )
        self.lag = Histogram(
            "ember_pubsub_lag_seconds",
            "Time from a broadcast elsewhere to its delivery here.",
            ["topic"],
            buckets=_LAGS,
            registry=self.registry,
        )
        self.renders = Histogram(
            "ember_render_duration_seconds", "Time to render a component.", registry=self.registry
        )
        self.queries = Histogram(
            "ember_db_query_duration_seconds", "Time per SQL statement.", registry=self.registry
        )
        self.pool = Gauge(
            "ember_db_pool_checked_out",
            "Database connections in use.",
            ["engine"],
            registry=self.registry,
        )
        self.jobs = Gauge(
            "ember_jobs", "Jobs in the queue by state.", ["queue", "state"], registry=self.registry
        )
        self.job_runs = Counter(
            "ember_job_runs", "Job runs by outcome.", ["task", "outcome"], registry=self.registry
        )
        self.job_durations = Histogram(
            "ember_job_duration_seconds",
            "Time of one job run.",
            ["task", "outcome"],
            buckets=_JOB_DURATIONS,
            registry=self.registry,
        )
        self.jobs_enqueued = Counter(
            "ember_jobs_enqueued", "Jobs enqueued.", ["task"], registry=self.registry
        )
        self._queues = tuple(jobs)
        if caches:
            self.registry.register(_CacheCollector(caches))
        self._ember = ember
        self._topic_label = topic_label
        self._unsubscribe: list[Callable[[], None]] = [
            instrument_pubsub(ember.pubsub),
            telemetry.subscribe("ember.pubsub.broadcast", self._on_broadcast),
            telemetry.subscribe("ember.pubsub.deliver", self._on_pubsub_deliver),
            telemetry.subscribe("ember.data.query", self._on_query),
            telemetry.subscribe("ember.live.render", self._on_render),
            telemetry.subscribe("ember.live.session", self._on_session),
            telemetry.subscribe("ember.live.handle_event", self._on_event),
            telemetry.subscribe("ember.live.mount", self._on_mount),
            telemetry.subscribe("ember.live.send", self._on_send),
            telemetry.subscribe("ember.live.deliver", self._on_deliver),
            telemetry.subscribe("ember.jobs", self._on_job),
        ]
        for engine in engines:
            self._unsubscribe.append(instrument_engine(engine))
            sync_engine = getattr(engine, "sync_engine", engine)
            name = sync_engine.url.render_as_string(hide_password=True)
            self.pool.labels(engine=name).set_function(_checked_out(sync_engine.pool))

    def _on_render(self, event: TelemetryEvent) -> None:
        self.renders.observe(event.duration_ms / 1000)

    def _on_query(self, event: TelemetryEvent) -> None:
        self.queries.observe(event.duration_ms / 1000)

    def _on_session(self, event: TelemetryEvent) -> None:
        gauge = self.sessions.labels(view=event.metadata["view"])
        if event.metadata["event"] == "connected":
            gauge.inc()
        else:
            gauge.dec()

    def _on_event(self, event: TelemetryEvent) -> None:
        view = event.metadata["view"]
        outcome = "ok" if event.metadata.get("ok") else "failed"
        self.events.labels(view=view, outcome=outcome).inc()
        self.handlers.labels(view=view).observe(event.duration_ms / 1000)

    def _on_mount(self, event: TelemetryEvent) -> None:
        connected = "true" if event.metadata.get("connected") else "false"
        self.mounts.labels(view=event.metadata["view"], connected=connected).observe(
            event.duration_ms / 1000
        )

    def _on_send(self, event: TelemetryEvent) -> None:
        self.sent.labels(view=event.metadata["view"]).observe(event.metadata["bytes"])

    def _on_deliver(self, event: TelemetryEvent) -> None:
        topic = self._topic_label(event.metadata["topic"])
        self.deliveries.labels(topic=topic).observe(event.duration_ms / 1000)

    def _on_broadcast(self, event: TelemetryEvent) -> None:
        outcome = "ok" if event.metadata.get("ok") else "failed"
        self.broadcasts.labels(
            topic=self._topic_label(event.metadata["topic"]), outcome=outcome
        ).inc()

    def _on_pubsub_deliver(self, event: TelemetryEvent) -> None:
        lag_ms = event.metadata.get("lag_ms")
        if lag_ms is not None and event.metadata.get("remote"):
            self.lag.labels(topic=self._topic_label(event.metadata["topic"])).observe(lag_ms / 1000)

    def _on_job(self, event: TelemetryEvent) -> None:
        step = event.name.removeprefix("ember.jobs.")
        task = str(event.metadata.get("task", ""))
        if step in _JOB_OUTCOMES:
            self.job_runs.labels(task=task, outcome=step).inc()
            self.job_durations.labels(task=task, outcome=step).observe(event.duration_ms / 1000)
        elif step == "enqueued":
            self.jobs_enqueued.labels(task=task).inc()

    async def refresh(self) -> None:
        """Read what is measured at scrape time: the jobs in each queue by state."""
        for queues in self._queues:
            counts = await queues.counts()
            for queue, by_state in counts.items():
                for state in QUEUE_STATES:
                    label = _STATE_LABELS.get(state, state)
                    self.jobs.labels(queue=queue, state=label).set(by_state.get(state, 0))

    def render(self) -> bytes:
        """The metrics in Prometheus' text format (call :meth:`refresh` first for the
        queue figures; the endpoint of :func:`install_metrics` does)."""
        return bytes(generate_latest(self.registry))

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()


class CountedCache(Protocol):
    """What the cache metrics read of a cache (``ember.cache.Cache`` has it)."""

    name: str
    counters: Mapping[str, int]


class _CacheCollector(Collector):
    def __init__(self, caches: Sequence[CountedCache]) -> None:
        self._caches = tuple(caches)

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "ember_cache_operations", "Cache operations by kind.", labels=["cache", "operation"]
        )
        for cache in self._caches:
            for operation, count in sorted(cache.counters.items()):
                family.add_metric([cache.name, operation], count)
        yield family


def _checked_out(pool: Any) -> Callable[[], float]:
    def read() -> float:
        checked_out = getattr(pool, "checkedout", None)
        return float(checked_out()) if callable(checked_out) else 0.0

    return read


def install_metrics(
    app: FastAPI,
    ember: Ember,
    *,
    path: str = "/metrics",
    engines: Sequence[Any] = (),
    topic_label: Callable[[str], str] = topic_prefix,
    jobs: Sequence[JobQueues] = (),
    caches: Sequence[CountedCache] = (),
) -> EmberMetrics:
    """Serve ember's metrics at ``path`` in ``app``; returns the collectors.

    ``engines``: SQLAlchemy engines (sync or async) whose queries and pool to measure;
    ``topic_label``: the ``topic`` label of a PubSub topic (see the module's docstring);
    ``jobs``: job queues to count by queue and state; ``caches``: caches whose operations
    to count.
    """
    metrics = EmberMetrics(
        ember, engines=engines, topic_label=topic_label, jobs=jobs, caches=caches
    )

    async def endpoint() -> Response:
        await metrics.refresh()
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    app.add_api_route(path, endpoint, methods=["GET"], include_in_schema=False)
    return metrics
