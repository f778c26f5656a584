"""PubSub: topics, broadcast, broadcast_from, local fan-out over a broadcaster backend."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable
from types import TracebackType
from urllib.parse import urlsplit

from broadcaster import Event
from pydantic import BaseModel

from ._backends._base import Backoff, EmberBackend, Reconnected, redact
from ._errors import (
    BroadcastError,
    DecodeError,
    InvalidArgumentError,
    ListenerFailedError,
    MessageTypeError,
    NotStartedError,
    PubSubError,
    SlowConsumerError,
)
from ._messages import MAX_MESSAGE_BYTES, Envelope, MessagesMayBeLost, decode, encode, registry
from ._observers import BROADCAST, DELIVER, Observer, Observers
from ._settings import SCHEMES, PubSubSettings, create_backend, load_settings
from ._subscription import EndHandler, Receiver, Subscription

logger = logging.getLogger("ember.pubsub")


class PubSub:
    """Topic-based publish/subscribe for one process, joined to others by its backend.

    Args:
        url: ``memory://`` (in-process, the default), ``redis://…`` or ``postgres://…``.
        backoff: delays between reconnect attempts (Redis and PostgreSQL).
        health_check: seconds of silence after which the listen connection is probed
            (Redis PING, PostgreSQL ``SELECT 1``); it is replaced when the probe gets no
            answer (default 5; for Redis also ``?health_check_interval=`` in the URL).
        signing_key: sign every message sent and drop every message received that is not
            signed with this key (HMAC-SHA256; ``EMBER_PUBSUB_SIGNING_KEY``). Give every
            worker the same key.
        max_message_bytes: drop larger incoming messages unread
            (``EMBER_PUBSUB_MAX_MESSAGE_BYTES``, 1 MiB).

    Whatever arrives on a channel (not JSON, nested too deep, too large, a foreign
    envelope, a forged signature), the listener drops it with one log line and carries on.

    One backend subscription is kept per topic per process however many local
    subscribers it has; local subscribers are served first, without a round trip.
    """

    def __init__(
        self,
        url: str = "memory://",
        *,
        backoff: Backoff | None = None,
        health_check: float | None = None,
        signing_key: str | bytes | None = None,
        max_message_bytes: int = MAX_MESSAGE_BYTES,
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
        # Bound once: every subscription keeps them (two objects fewer per subscriber).
        self._on_detach = self._detach
        self._on_cut_off = self._cut_off
        self._tasks: set[asyncio.Task[None]] = set()
        self._dropped = 0
        self._starting = False
        self._observers = Observers()
        # The loop it was started on. When that loop shuts down (asyncio.run returning,
        # pytest's loop per test), the listener's cancellation disconnects the backend and
        # the next use on another loop starts it there (see _follow_loop).
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ended_with_loop = False
        self._signing_key = (
            signing_key.encode("utf-8") if isinstance(signing_key, str) else signing_key
        )
        self._max_bytes = max_message_bytes

    @classmethod
    def from_settings(cls, settings: PubSubSettings | None = None) -> PubSub:
        """A PubSub configured from ``EMBER_PUBSUB_URL`` (default ``memory://``).

        Raises:
            ConfigurationError: no ``settings`` were given and an ``EMBER_PUBSUB_*``
                variable cannot be used; the message names it and its value.
        """
        settings = settings or load_settings()
        return cls(
            settings.url,
            signing_key=settings.signing_key,
            max_message_bytes=settings.max_message_bytes,
        )

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

    def observe(self, observer: Observer) -> Callable[[], None]:
        """Call ``observer(name, duration_ms, metadata)`` on every broadcast and delivery.

        The names and their metadata are ``ember.pubsub.broadcast`` and
        ``ember.pubsub.deliver`` (see ``ember.pubsub._observers``);
        ``ember.live.instrument_pubsub`` turns them into telemetry events. An observer
        runs on the broadcasting or listening task, so keep it quick; one that raises is
        removed and logged once.

        Returns:
            A function that removes the observer.
        """
        return self._observers.add(observer)

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
        self._loop = asyncio.get_running_loop()
        self._lock = asyncio.Lock()  # asyncio locks belong to one loop
        self._ended_with_loop = False
        self._listener = asyncio.create_task(
            self._run_listener(backend), name="ember.pubsub listener"
        )
        self._listener.add_done_callback(self._listener_done)

    async def stop(self) -> None:
        """Close every subscription, stop the listener and disconnect. Idempotent."""
        self._ended_with_loop = False
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
        self,
        topic: str,
        *,
        max_queue: int = 1000,
        types: Iterable[type[BaseModel]] = (),
        receive: Receiver | None = None,
        on_end: EndHandler | None = None,
    ) -> Subscription:
        """Subscribe to ``topic``.

        Args:
            topic: any non-empty string.
            max_queue: how many unread messages the subscriber may hold before it is cut
                off (see :class:`Subscription` for the overflow policy).
            types: message models this subscriber expects; they are registered so this
                process can decode them even if it never broadcasts them.
            receive: instead of queuing messages for ``async for``, call
                ``receive(message)`` with each as it arrives, on the task that broadcast
                or received it (no task or queue per subscriber: a live session passes
                its mailbox's). It must not block or raise; it returns False when it
                cannot take the message (its own bounded queue is full), and the
                subscriber is then cut off as a slow reader is.
            on_end: called once, synchronously, when the subscription ends: with None
                after ``close()`` or ``stop()``, with the error when it was cut off or
                the listener failed (what iteration would raise).

        Returns:
            The subscription, receiving from the moment this returns.

        Raises:
            NotStartedError: before ``start()`` or after ``stop()``.
            PubSubError: the backend refused the subscription.
        """
        await self._follow_loop()
        self._require_started("subscribe")
        _check_topic(topic)
        if max_queue < 1:
            raise InvalidArgumentError(
                f"Expected max_queue >= 1 (unread messages a subscriber may hold), got {max_queue}."
            )
        for cls in types:
            registry.register(cls)
        sub = self._add(topic, max_queue, receive, on_end)
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

    def _subscribe_now(
        self,
        topic: str,
        *,
        types: Iterable[type[BaseModel]] = (),
        receive: Receiver,
        on_end: EndHandler | None = None,
    ) -> Subscription | None:
        """:meth:`subscribe` when it has nothing to wait for, without a coroutine (a live
        session's subscription then needs no task to open it): running on this loop, the
        backend already listening to ``topic``, no change of the backend's topics under
        way and every type known. None when any of that is not so: ``subscribe`` then."""
        if (
            self._backend is None
            or topic not in self._backend_topics
            or self._lock.locked()
            or self._loop is not asyncio.get_running_loop()
            or not registry.knows(types)
        ):
            return None
        return self._add(topic, 1000, receive, on_end)

    def _add(
        self, topic: str, max_queue: int, receive: Receiver | None, on_end: EndHandler | None
    ) -> Subscription:
        # A 128-bit random id as uuid4().hex gave, for a third of its work.
        sub = Subscription(
            os.urandom(16).hex(),
            topic,
            max_queue,
            self._on_detach,
            self._on_cut_off,
            receive=receive,
            on_end=on_end,
        )
        self._topics.setdefault(topic, {})[sub.id] = sub
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

    def broadcast_sync(self, topic: str, message: BaseModel, *, timeout: float = 5.0) -> None:
        """:meth:`broadcast` from synchronous code, for writes made outside ember.

        - From another thread (a sync FastAPI route, a script, a sync SQLAlchemy
          ``after_commit`` hook in a route's thread): the broadcast runs on the PubSub's
          loop and this returns once it is published.
        - From sync code on the PubSub's own loop thread (an ``after_commit`` hook of an
          ``AsyncSession``, a sync callback): it cannot wait there, so the broadcast is
          scheduled and runs as soon as the caller gives the loop back; a failure is
          logged. The message is checked here either way.

        Raises:
            MessageTypeError: ``message`` is not a JSON-ready pydantic model.
            NotStartedError: the PubSub is not running.
            BroadcastError: the backend could not publish it (from another thread).
            TimeoutError: not published within ``timeout`` seconds (from another thread).
            PubSubError: called on another running event loop (await ``broadcast`` there).
        """
        _check_topic(topic)
        _decode_own(
            encode(message, self.node_id, signing_key=self._signing_key), message, self._signing_key
        )
        loop = self._loop
        if self._backend is None or loop is None or loop.is_closed():
            raise NotStartedError(
                f"Expected a started PubSub to broadcast_sync, but {self!r} is not running on "
                "a live event loop. Start it in your app's lifespan (ember.live.lifespan does)."
            )
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            task = loop.create_task(self._broadcast_logged(topic, message))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        if running is not None:
            raise PubSubError(
                f"broadcast_sync() was called on an event loop other than {self!r}'s; on a "
                "loop, use `await pubsub.broadcast(...)`."
            )
        asyncio.run_coroutine_threadsafe(self.broadcast(topic, message), loop).result(timeout)

    async def _broadcast_logged(self, topic: str, message: BaseModel) -> None:
        try:
            await self.broadcast(topic, message)
        except Exception:
            logger.exception("broadcast_sync of a %s on %r failed", type(message).__name__, topic)

    def local_broadcast(
        self, topic: str, message: BaseModel, *, from_id: str | None = None
    ) -> None:
        """Send ``message`` to this process's subscribers of ``topic`` only.

        Synchronous: the message is queued for every local subscriber (but ``from_id``)
        when this returns. It is JSON round-tripped like any other message.
        """
        _check_topic(topic)
        started = time.perf_counter()
        payload = encode(message, self.node_id, signing_key=self._signing_key)
        envelope = _decode_own(payload, message, self._signing_key)
        local = self._hand_over(topic, envelope, from_id, remote=False)
        if self._observers:
            self._report_broadcast(started, topic, envelope, payload, local, remote=False)

    async def _broadcast(self, topic: str, message: BaseModel, from_id: str | None) -> None:
        await self._follow_loop()
        backend = self._require_started("broadcast")
        _check_topic(topic)
        started = time.perf_counter()
        payload = encode(message, self.node_id, signing_key=self._signing_key)
        envelope = _decode_own(payload, message, self._signing_key)
        local = self._hand_over(topic, envelope, from_id, remote=False)
        ok = False
        try:
            await backend.publish(topic, payload)
            ok = True
        except Exception as exc:
            raise BroadcastError(
                f"Expected {redact(self.url)} to take a {type(message).__name__} on {topic!r} "
                f"({len(payload)} bytes), but it raised {type(exc).__name__}: {exc}. Local "
                "subscribers received it; other processes did not."
            ) from exc
        finally:
            if self._observers:
                self._report_broadcast(started, topic, envelope, payload, local, ok=ok)

    def _report_broadcast(
        self,
        started: float,
        topic: str,
        envelope: Envelope,
        payload: str,
        local: int,
        *,
        remote: bool = True,
        ok: bool = True,
    ) -> None:
        size = len(payload) if payload.isascii() else len(payload.encode())
        metadata = {
            "topic": topic,
            "tag": envelope.tag,
            "bytes": size,
            "local": local,
            "remote": remote,
            "ok": ok,
        }
        self._observers.notify(BROADCAST, (time.perf_counter() - started) * 1000, metadata)

    def _hand_over(self, topic: str, envelope: Envelope, skip: str | None, *, remote: bool) -> int:
        """Fan ``envelope``'s message out to local subscribers, telling the observers."""
        if not self._observers:
            return self._fan_out(topic, envelope.message, skip)
        arrived = time.time()
        started = time.perf_counter()
        count = self._fan_out(topic, envelope.message, skip)
        if count:
            metadata: dict[str, object] = {
                "topic": topic,
                "tag": envelope.tag,
                "subscribers": count,
                "remote": remote,
            }
            if envelope.sent_at is not None:
                metadata["lag_ms"] = max(0.0, (arrived - envelope.sent_at) * 1000)
            self._observers.notify(DELIVER, (time.perf_counter() - started) * 1000, metadata)
        return count

    def _fan_out(self, topic: str, message: BaseModel, skip: str | None) -> int:
        """Queue ``message`` for the local subscribers of ``topic``; returns how many."""
        subs = self._topics.get(topic)
        count = 0
        if subs:
            for sub in list(subs.values()):
                if sub.id != skip:
                    sub._deliver(message)
                    count += 1
        return count

    async def _run_listener(self, backend: EmberBackend) -> None:
        try:
            await self._listen(backend)
        except asyncio.CancelledError:
            if self._backend is backend:  # cancelled without stop(): the loop is ending
                await self._end_with_loop(backend)
            raise

    async def _end_with_loop(self, backend: EmberBackend) -> None:
        """Disconnect while the ending loop still runs; the next use starts afresh."""
        self._backend, self._listener = None, None
        self._ended_with_loop = True
        self._end_subscriptions()
        try:
            await backend.disconnect()
        except Exception:
            logger.exception("Disconnecting %s as its event loop ended failed", redact(self.url))

    async def _follow_loop(self) -> None:
        """Serve the running loop: start again after the loop it ran on ended.

        Raises:
            PubSubError: it runs on another loop that is still running (another thread).
        """
        loop = asyncio.get_running_loop()
        if self._ended_with_loop and self._backend is None:
            logger.info("Starting %s again on a new event loop", redact(self.url))
            await self.start()
            return
        previous = self._loop
        if self._backend is None or previous is None or previous is loop:
            return
        if not previous.is_closed():
            raise PubSubError(
                f"{self!r} was started on another event loop, which is still running (in "
                "another thread?). A PubSub serves the loop it was started on: create one "
                "per loop, or hand messages to it with broadcast_sync() from other threads."
            )
        # That loop was closed without cancelling its tasks: its connections are gone.
        logger.warning(
            "%r was started on an event loop that was closed without stopping it; starting "
            "it again on this loop (stop it, or run its loop with asyncio.run, to release "
            "its connections cleanly)",
            self,
        )
        self._backend, self._listener = None, None
        self._end_subscriptions()
        await self.start()

    def _end_subscriptions(self) -> None:
        for subs in self._topics.values():
            for sub in subs.values():
                sub._end(None)
        self._topics.clear()
        self._backend_topics.clear()

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
                envelope = decode(
                    event.message, signing_key=self._signing_key, max_bytes=self._max_bytes
                )
            except Exception as exc:  # any payload at all: drop it, keep listening
                self._dropped += 1
                logger.warning(
                    "Dropped a message on topic %r from %s: %s (payload: %.120r)",
                    event.channel,
                    redact(self.url),
                    exc,
                    event.message,
                )
                continue
            if envelope.node != self.node_id:  # our own were served locally already
                self._hand_over(event.channel, envelope, None, remote=True)

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
        if isinstance(sub.error, SlowConsumerError):
            logger.warning(
                "Cut off a slow subscriber to %r (%s): its queue of %d was full",
                sub.topic,
                sub.id,
                sub.max_queue,
            )
        else:  # its receiver raised; the other subscribers got the message all the same
            logger.error("%s", sub.error, exc_info=sub.error)
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


def _decode_own(payload: str, original: BaseModel, signing_key: bytes | None) -> Envelope:
    try:
        return decode(payload, signing_key=signing_key, max_bytes=len(payload))
    except DecodeError as exc:
        raise MessageTypeError(
            f"Expected {type(original).__name__} to survive a JSON round trip, but it did "
            f"not: {exc} Every backend sends JSON; use JSON-compatible field types."
        ) from None
