"""OpenTelemetry spans for ember's telemetry events.

::

    from ember.live.tracing import install_tracing
    install_tracing()          # after your OpenTelemetry SDK is configured

Every ``ember.*`` telemetry event (mounts, handlers, info, async work, deliveries, sends,
SQL statements of instrumented engines, broadcasts and deliveries of instrumented
PubSubs) becomes a span named after the event, timed from
its start to its end, with its metadata as attributes (``ember.session``, ``ember.view``,
…) and an error status when it failed. The spans are recorded when the work ends, so they
start new traces rather than nesting under a request's span.

Needs ``opentelemetry-api`` (``pip install ember[otel]``) and an SDK to export the spans.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ._telemetry import Telemetry, TelemetryEvent, telemetry

try:
    from opentelemetry import trace
    from opentelemetry.trace import Status, StatusCode, TracerProvider
except ImportError as error:  # pragma: no cover - exercised without the extra installed
    msg = "ember.live.tracing needs opentelemetry-api: pip install 'ember[otel]'."
    raise ImportError(msg) from error

__all__ = ["install_tracing"]

_PLAIN = (str, bool, int, float)


def install_tracing(
    tracer_provider: TracerProvider | None = None, *, registry: Telemetry | None = None
) -> Callable[[], None]:
    """Turn ember's telemetry events into OpenTelemetry spans.

    Returns:
        A function that stops it.
    """
    tracer = trace.get_tracer("ember", tracer_provider=tracer_provider)

    def record(event: TelemetryEvent) -> None:
        end = time.time_ns()
        start = end - int(event.duration_ms * 1_000_000)
        attributes = {
            f"ember.{key}": value if isinstance(value, _PLAIN) else str(value)
            for key, value in event.metadata.items()
            if value is not None
        }
        span = tracer.start_span(event.name, start_time=start, attributes=attributes)
        if event.metadata.get("ok") is False:
            span.set_status(Status(StatusCode.ERROR))
        span.end(end_time=end)

    return (registry or telemetry).subscribe("ember", record)
