"""What ember's broadcaster backends share: events, backoff, URL redaction."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from broadcaster import BroadcastBackend, Event


class Published(Event):
    """An event whose payload may be bytes.

    broadcaster types payloads as ``str``, but Redis delivers any bytes; the PubSub
    decodes them and drops (and logs) what is not a valid envelope.
    """

    def __init__(self, channel: str, message: str | bytes) -> None:
        super().__init__(channel=channel, message="")
        self.message = message  # type: ignore[assignment]


class Reconnected(Event):
    """Returned by ``next_published()`` once per channel after a resubscribe.

    ``message`` says why; messages published while the connection was down are lost.
    """


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter between reconnect attempts, in seconds."""

    initial: float = 0.05
    maximum: float = 2.0

    def delay(self, attempt: int) -> float:
        """How long to wait before reconnect attempt number ``attempt`` (0-based)."""
        ceiling = min(self.maximum, self.initial * (2**attempt))
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not secrets


class EmberBackend(BroadcastBackend):
    """A broadcaster backend whose events go through one queue that never blocks a reader.

    The queue is unbounded on purpose: its only reader is the PubSub listener, which
    never waits (it hands each event to bounded subscriber queues and moves on).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._events: asyncio.Queue[Event] = asyncio.Queue()

    async def next_published(self) -> Event:
        return await self._events.get()

    def _push(self, event: Event) -> None:
        self._events.put_nowait(event)


def redact(url: str) -> str:
    """``url`` with its password replaced by ``***``, for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
