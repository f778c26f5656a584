"""The code of :mod:`ember.live.tracing` (its docstring is the guide)."""

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
