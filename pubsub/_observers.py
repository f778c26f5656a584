"""Observers: callables a PubSub tells about its broadcasts and deliveries.

ember.pubsub knows nothing of the layers above it; ``ember.live.instrument_pubsub`` turns
these calls into telemetry events. An observer is called as ``observer(name, duration_ms,
metadata)`` with one of the names below; when none is registered the PubSub builds no
metadata at all.

- ``ember.pubsub.broadcast`` [topic, tag, bytes, local, remote, ok]: one ``broadcast``,
  ``broadcast_from`` or ``local_broadcast``, timed from encoding to the backend taking it.
  ``bytes`` is the size of the encoded envelope, ``local`` the number of this process's
  subscribers it was handed to, ``remote`` whether it went to the backend (False for
  ``local_broadcast``), ``ok`` False when the backend refused it.
- ``ember.pubsub.deliver`` [topic, tag, subscribers, remote, lag_ms]: one message handed to
  this process's subscribers of a topic, timed over the hand-over. ``remote`` says whether
  it came from another PubSub through the backend; ``lag_ms`` is the time from the
  sender's broadcast (its wall clock) to the hand-over, at least 0 (clocks of different
  hosts may disagree), and absent for messages from a sender of envelope version 1.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

logger = logging.getLogger("ember.pubsub")

Observer = Callable[[str, float, Mapping[str, object]], None]
"""``observer(name, duration_ms, metadata)``."""

BROADCAST = "ember.pubsub.broadcast"
DELIVER = "ember.pubsub.deliver"


class Observers:
    """The observers of one PubSub; false when there are none, so callers skip the work."""

    def __init__(self) -> None:
        self._observers: list[Observer] = []

    def __bool__(self) -> bool:
        return bool(self._observers)

    def add(self, observer: Observer) -> Callable[[], None]:
        """Register ``observer``; returns a function that removes it."""
        self._observers.append(observer)

        def remove() -> None:
            if observer in self._observers:
                self._observers.remove(observer)

        return remove

    def notify(self, name: str, duration_ms: float, metadata: Mapping[str, object]) -> None:
        """Call every observer; one that raises is removed and logged once."""
        for observer in list(self._observers):
            try:
                observer(name, duration_ms, metadata)
            except Exception:
                logger.exception("PubSub observer %r failed on %s; it is removed", observer, name)
                if observer in self._observers:
                    self._observers.remove(observer)
