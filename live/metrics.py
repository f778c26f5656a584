"""Prometheus metrics for ember, at an endpoint you opt into.

::

    from ember.live.metrics import install_metrics
    install_metrics(app, ember, path="/metrics")   # guard it like any admin route

Needs ``prometheus-client`` (``pip install ember[metrics]``). The metrics are fed by
:mod:`ember.live`'s telemetry and kept in a registry of their own:

- ``ember_sessions_connected`` (gauge, by view)
- ``ember_events_total`` (counter, by view and outcome) — rate() gives events/s
- ``ember_handler_duration_seconds`` (histogram, by view)
- ``ember_mount_duration_seconds`` (histogram, by view and connected)
- ``ember_sent_bytes`` (histogram, by view) — the size of each update sent
- ``ember_delivery_duration_seconds`` (histogram, by topic) — PubSub message handling
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Response

from ._mount import Ember
from ._telemetry import TelemetryEvent, telemetry

try:
    from prometheus_client import (
        CONTENT_TYPE_LATEST,
        CollectorRegistry,
        Counter,
        Gauge,
        Histogram,
        generate_latest,
    )
except ImportError as error:  # pragma: no cover - exercised without the extra installed
    msg = "ember.live.metrics needs prometheus-client: pip install 'ember[metrics]'."
    raise ImportError(msg) from error

__all__ = ["EmberMetrics", "install_metrics"]

_SIZES = (64, 256, 1024, 4096, 16384, 65536, 262144, 1048576)


class EmberMetrics:
    """Prometheus collectors fed by telemetry; ``close()`` unsubscribes them."""

    def __init__(self, ember: Ember, registry: CollectorRegistry | None = None) -> None:
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
        self._ember = ember
        self._unsubscribe: list[Callable[[], None]] = [
            telemetry.subscribe("ember.live.session", self._on_session),
            telemetry.subscribe("ember.live.handle_event", self._on_event),
            telemetry.subscribe("ember.live.mount", self._on_mount),
            telemetry.subscribe("ember.live.send", self._on_send),
            telemetry.subscribe("ember.live.deliver", self._on_deliver),
        ]

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
        self.deliveries.labels(topic=event.metadata["topic"]).observe(event.duration_ms / 1000)

    def render(self) -> bytes:
        """The metrics in Prometheus' text format."""
        return bytes(generate_latest(self.registry))

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()


def install_metrics(app: FastAPI, ember: Ember, *, path: str = "/metrics") -> EmberMetrics:
    """Serve ember's metrics at ``path`` in ``app``; returns the collectors."""
    metrics = EmberMetrics(ember)

    async def endpoint() -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    app.add_api_route(path, endpoint, methods=["GET"], include_in_schema=False)
    return metrics
