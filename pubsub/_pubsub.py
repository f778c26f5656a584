"""PubSub: topics, broadcast, broadcast_from, local fan-out over a broadcaster backend."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterable
from types import TracebackType
from urllib.parse import urlsplit

from broadcaster import Event
from pydantic import BaseModel
from pydantic_settings import BaseSettings, SettingsConfigDict

from ._backends._base import Backoff, EmberBackend, Reconnected, redact
from ._errors import (
    BroadcastError,
    ConfigurationError,
    DecodeError,
    InvalidArgumentError,
    ListenerFailedError,
    MessageTypeError,
    NotStartedError,
    PubSubError,
)
from ._messages import MessagesMayBeLost, decode, encode, registry
from ._subscription import Subscription

logger = logging.getLogger("ember.pubsub")

SCHEMES = ("memory", "redis", "rediss", "postgres", "postgresql", "postgresql+asyncpg")


class PubSubSettings(BaseSettings):
    """Settings read from the environment: ``EMBER_PUBSUB_URL`` (default ``memory://``)."""

    model_config = SettingsConfigDict(env_prefix="EMBER_PUBSUB_")

    url: str = "memory://"


def create_backend(
    url: str, backoff: Backoff | None = None, health_check: float | None = None
) -> EmberBackend:
    """The broadcaster backend for ``url``.

    Raises:
        ConfigurationError: the scheme is not one ember supports.
    """
    scheme = urlsplit(url).scheme
    if scheme == "memory":
        from ._backends._memory import MemoryBackend

        return MemoryBackend(url)
    if scheme in ("redis", "rediss"):
        from ._backends._redis import RedisBackend

        return RedisBackend(url, backoff=backoff, health_check=health_check)
    if scheme in ("postgres", "postgresql", "postgresql+asyncpg"):
        from ._backends._postgres import PostgresBackend

        return PostgresBackend(url, backoff=backoff, health_check=health_check)
    raise ConfigurationError(
        f"Expected a PubSub URL starting with one of {', '.join(s + '://' for s in SCHEMES)}, "
        f"got {redact(url)!r}. Set EMBER_PUBSUB_URL to e.g. memory:// or "
        "redis://127.0.0.1:6379/0."
    )


class PubSub:
    """Topic-based publish/subscribe for one process, joined to others by its backend.

    Args:
        url: ``memory://`` (in-process, the default), ``redis://…`` or ``postgres://…``.
        backoff: delays between reconnect attempts (Redis and PostgreSQL).
        health_check: seconds of silence after which the listen connection is probed
            (Redis PING, PostgreSQL ``SELECT 1``); it is replaced when the probe gets no
            answer (default 5; for Redis also ``?health_check_interval=`` in the URL).

    One backend subscription is kept per topic per process however many local
    subscribers it has; local subscribers are served first, without a round trip.
    """

    def __init__(
        self,
        url: str = "memory://",
        *,
        backoff: Backoff | None = None,
        health_check: float | None = None,
    ) -> None:
        if urlsplit(url).scheme not in SCHEMES:
            create_backend(url)  # raises ConfigurationError with the details
        self.url = url
        self.node_id = uuid.uuid4().hex
        self._backoff = backoff
        self._health_check = health_check
        self._backend: EmberBackend | None = None
        self._listener: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._topics: dict[str, dict[str, Subscription]] = {}
        self._backend_topics: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._dropped = 0
        self._starting = False

    @classmethod
    def from_settings(cls, settings: PubSubSettings | None = None) -> PubSub:
        """A PubSub configured from ``EMBER_PUBSUB_URL`` (default ``memory://``)."""
        return cls((settings or PubSubSettings()).url)

    def __repr__(self) -> str:
        state = "started" if self.started else "stopped"
        return f"<PubSub {redact(self.url)} {state} topics={len(self._topics)}>"

    @property
    def started(self) -> bool:
        """True between ``start()`` and ``stop()``."""
        return self._backend is not None

    @property
    def dropped_messages(self) -> int:
        """How many incoming messages were dropped because they could not be decoded."""
        return self._dropped

    async def start(self) -> None:
        """Connect the backend and start the listener.

        Raises:
            PubSubError: already started, or the server does not answer.
        """
        if self._backend is not None or self._starting:
            raise PubSubError(f"{self!r} is already started; call start() once.")
        backend = create_backend(self.url, self._backoff, self._health_check)
        self._starting = True
        try:
            await backend.connect()
        except Exception as exc:
            with contextlib.suppress(Exception):
                await backend.disconnect()  # release what the failed connect opened
            raise PubSubError(
                f"Expected a PubSub server to answer at {redact(self.url)}, but connecting "
                f"failed with {type(exc).__name__}: {exc} Start the server or fix "
                "EMBER_PUBSUB_URL (host, port, credentials)."
            ) from exc
        finally:
            self._starting = False
        self._backend = backend
        self._listener = asyncio.create_task(self._listen(backend), name="ember.pubsub listener")
        self._listener.add_done_callback(self._listener_done)

    async def stop(self) -> None:
        """Close every subscription, stop the listener and disconnect. Idempotent."""
        backend, self._backend = self._backend, None
        if backend is None:
            return
        listener, self._listener = self._listener, None
        for subs in self._topics.values():
            for sub in subs.values():
                sub._end(None)
        self._topics.clear()
        self._backend_topics.clear()
        pending = [t for t in (listener, *self._tasks) if t is not None]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await backend.disconnect()

    async def __aenter__(self) -> PubSub:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def subscribe(
        self, topic: str, *, max_queue: int = 1000, types: Iterable[type[BaseModel]] = ()
    ) -> Subscription:
        """Subscribe to ``topic``.

        Args:
            topic: any non-empty string.
            max_queue: how many unread messages the subscriber may hold before it is cut
                off (see :class:`Subscription` for the overflow policy).
            types: message models this subscriber expects; they are registered so this
                process can decode them even if it never broadcasts them.

        Returns:
            The subscription, receiving from the moment this returns.

        Raises:
            NotStartedError: before ``start()`` or after ``stop()``.
            PubSubError: the backend refused the subscription.
        """
        self._require_started("subscribe")
        _check_topic(topic)
        if max_queue < 1:
            raise InvalidArgumentError(
                f"Expected max_queue >= 1 (unread messages a subscriber may hold), got {max_queue}."
            )
        for cls in types:
            registry.register(cls)
        sub = Subscription(uuid.uuid4().hex, topic, max_queue, self._detach, self._cut_off)
        self._topics.setdefault(topic, {})[sub.id] = sub
        try:
            await self._sync(topic)
        except Exception as exc:
            sub._end(None)
            self._forget(sub)
            raise PubSubError(
                f"Expected the backend at {redact(self.url)} to accept a subscription to "
                f"{topic!r}, but it raised {type(exc).__name__}: {exc}."
            ) from exc
        return sub

    async def broadcast(self, topic: str, message: BaseModel) -> None:
        """Send ``message`` to every subscriber of ``topic``, in every process.

        Local subscribers receive it before this returns to the event loop.

        Raises:
            MessageTypeError: ``message`` is not a pydantic model or does not survive
                a JSON round trip.
            BroadcastError: the backend could not publish it (local subscribers got it).
            NotStartedError: before ``start()`` or after ``stop()``.
        """
        await self._broadcast(topic, message, None)

    async def broadcast_from(self, from_id: str, topic: str, message: BaseModel) -> None:
        """Like :meth:`broadcast`, but the subscription whose id is ``from_id`` is skipped."""
        await self._broadcast(topic, message, from_id)

    def local_broadcast(
        self, topic: str, message: BaseModel, *, from_id: str | None = None
    ) -> None:
        """Send ``message`` to this process's subscribers of ``topic`` only.

        Synchronous: the message is queued for every local subscriber (but ``from_id``)
        when this returns. It is JSON round-tripped like any other message.
        """
        _check_topic(topic)
        self._fan_out(topic, _round_trip(message, self.node_id), from_id)

    async def _broadcast(self, topic: str, message: BaseModel, from_id: str | None) -> None:
        backend = self._require_started("broadcast")
        _check_topic(topic)
        payload = encode(message, self.node_id)
        self._fan_out(topic, _decode_own(payload, message), from_id)
        try:
            await backend.publish(topic, payload)
        except Exception as exc:
            raise BroadcastError(
                f"Expected {redact(self.url)} to take a {type(message).__name__} on {topic!r} "
                f"({len(payload)} bytes), but it raised {type(exc).__name__}: {exc}. Local "
                "subscribers received it; other processes did not."
            ) from exc

    def _fan_out(self, topic: str, message: BaseModel, skip: str | None) -> None:
        subs = self._topics.get(topic)
        if subs:
            for sub in list(subs.values()):
                if sub.id != skip:
                    sub._deliver(message)

    async def _listen(self, backend: EmberBackend) -> None:
        while True:
            event: Event = await backend.next_published()
            if event.channel not in self._topics:
                continue
            if isinstance(event, Reconnected):
                marker = MessagesMayBeLost(topic=event.channel, reason=str(event.message))
                self._fan_out(event.channel, marker, None)
                continue
            try:
                node, message = decode(event.message)
            except DecodeError as exc:
                self._dropped += 1
                logger.warning(
                    "Dropped a message on topic %r from %s: %s (payload: %.120r)",
                    event.channel,
                    redact(self.url),
                    exc,
                    event.message,
                )
                continue
            if node != self.node_id:  # our own broadcasts were served locally already
                self._fan_out(event.channel, message, None)

    def _listener_done(self, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        logger.error("The PubSub listener for %s failed", redact(self.url), exc_info=exc)
        error = ListenerFailedError(
            f"The listener for {redact(self.url)} stopped on {type(exc).__name__}: {exc}. "
            "Restart the PubSub (stop() then start()) and subscribe again."
        )
        for subs in self._topics.values():
            for sub in subs.values():
                sub._end(error)

    async def _sync(self, topic: str) -> None:
        """Make the backend subscription for ``topic`` match whether anyone listens."""
        async with self._lock:
            backend = self._backend
            if backend is None:
                return
            wanted = bool(self._topics.get(topic))
            if wanted and topic not in self._backend_topics:
                await backend.subscribe(topic)
                self._backend_topics.add(topic)
            elif not wanted and topic in self._backend_topics:
                self._backend_topics.discard(topic)
                await backend.unsubscribe(topic)

    def _forget(self, sub: Subscription) -> bool:
        """Remove ``sub`` from its topic; True when the topic has no subscriber left."""
        subs = self._topics.get(sub.topic)
        if subs is None:
            return False
        subs.pop(sub.id, None)
        if subs:
            return False
        del self._topics[sub.topic]
        return True

    async def _detach(self, sub: Subscription) -> None:
        if self._forget(sub):
            await self._sync(sub.topic)

    def _cut_off(self, sub: Subscription) -> None:
        logger.warning(
            "Cut off a slow subscriber to %r (%s): its queue of %d was full",
            sub.topic,
            sub.id,
            sub.max_queue,
        )
        if self._forget(sub) and self._backend is not None:
            task = asyncio.get_running_loop().create_task(self._sync(sub.topic))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _require_started(self, action: str) -> EmberBackend:
        backend = self._backend
        if backend is None:
            raise NotStartedError(
                f"Expected a started PubSub to {action}, but {self!r} is not running. "
                "Call `await pubsub.start()` first (or use `async with pubsub:`)."
            )
        return backend


def _check_topic(topic: str) -> None:
    if not isinstance(topic, str) or not topic:
        raise InvalidArgumentError(f"Expected a topic as a non-empty string, got {topic!r}.")


def _decode_own(payload: str, original: BaseModel) -> BaseModel:
    try:
        return decode(payload)[1]
    except DecodeError as exc:
        raise MessageTypeError(
            f"Expected {type(original).__name__} to survive a JSON round trip, but it did "
            f"not: {exc} Every backend sends JSON; use JSON-compatible field types."
        ) from None


def _round_trip(message: BaseModel, node: str) -> BaseModel:
    return _decode_own(encode(message, node), message)
