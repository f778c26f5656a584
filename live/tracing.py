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

from .ops._tracing import install_tracing as install_tracing

__all__ = ["install_tracing"]
