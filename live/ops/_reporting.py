"""Error reports: every failure ember logs also goes to Sentry, when the app uses it.

If ``sentry_sdk`` is installed and initialised (``sentry_sdk.init(dsn=...)`` in the app),
each failed handler, render, async task or session is captured with tags for the kind of
failure, the view and the session, and an ``ember`` context with the rest. Without Sentry
this does nothing. Either way a ``ember.live.error`` telemetry event is emitted.
"""

from __future__ import annotations

import logging
from typing import Any

from ._telemetry import telemetry

logger = logging.getLogger("ember.live")


try:
    # Sentry's logging integration would turn ember's own log line for a failure into an
    # event without ember's tags, and its dedupe would then drop the capture below.
    from sentry_sdk.integrations.logging import ignore_logger
except ImportError:
    pass
else:
    ignore_logger("ember.live")


def report_error(
    error: BaseException,
    *,
    kind: str,
    session: str | None = None,
    view: str | None = None,
    **context: Any,
) -> None:
    """Report ``error`` (already logged by the caller) to Sentry and telemetry; never raises."""
    telemetry.emit("ember.live.error", kind=kind, session=session, view=view, error=repr(error))
    try:
        import sentry_sdk
    except ImportError:
        return
    try:
        if not sentry_sdk.get_client().is_active():
            return
        with sentry_sdk.new_scope() as scope:
            scope.set_tag("ember.kind", kind)
            if view is not None:
                scope.set_tag("ember.view", view)
            if session is not None:
                scope.set_tag("ember.session", session)
            scope.set_context("ember", {"kind": kind, "session": session, "view": view, **context})
            sentry_sdk.capture_exception(error)
    except Exception:  # a reporting failure must never become the app's failure
        logger.warning("Could not report an error to Sentry", exc_info=True)
