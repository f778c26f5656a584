"""One subscriber: its bounded queue and its iteration, or its receiver."""

from __future__ import annotations

import asyncio
import enum
from collections import deque
from collections.abc import Awaitable, Callable
from types import TracebackType

from pydantic import BaseModel

from ._errors import SlowConsumerError, SubscriptionError

Receiver = Callable[[BaseModel], bool]
"""Takes one message as it arrives (see :meth:`PubSub.subscribe`'s ``receive``); returns
False when it cannot take it."""
EndHandler = Callable[[SubscriptionError | None], None]


class SubscriptionState(enum.Enum):
    """Where a subscription is in its life."""

    OPEN = "open"
    CLOSED = "closed"
    """Closed by ``close()`` or ``PubSub.stop()``: iteration ends normally."""
    FAILED = "failed"
    """Cut off (slow consumer) or its listener failed: iteration raises ``error``."""


class Subscription:
    """A subscriber to one topic, iterated with ``async for message in subscription``.

    Messages are queued per subscriber, up to ``max_queue``. Overflow policy: a
    subscriber whose queue is full when a message arrives is cut off: its queued
    messages are discarded, it is unsubscribed, and its next iteration raises
    :class:`~ember.pubsub.SlowConsumerError`. Other subscribers are untouched.

    A subscription made with ``receive`` (see :meth:`PubSub.subscribe`) queues nothing:
    each message goes to ``receive`` as it arrives, which keeps its own bounded queue and
    returns False when that is full; the subscriber is then cut off the same way.

    Created by :meth:`PubSub.subscribe`; do not instantiate it directly. It is also an
    async context manager that closes it: ``async with await pubsub.subscribe(t) as sub:``.
    """

    # Many live at once (one per subscribed component of every session): no __dict__,
    # and the queue is made when the first message waits in it.
    __slots__ = (
        "_buffer",
        "_error",
        "_on_cut_off",
        "_on_detach",
        "_on_end",
        "_receive",
        "_state",
        "_waiter",
        "id",
        "max_queue",
        "topic",
    )

    def __init__(
        self,
        sub_id: str,
        topic: str,
        max_queue: int,
        on_detach: Callable[[Subscription], Awaitable[None]],
        on_cut_off: Callable[[Subscription], None],
        *,
        receive: Receiver | None = None,
        on_end: EndHandler | None = None,
    ) -> None:
        self.id = sub_id
        self.topic = topic
        self.max_queue = max_queue
        self._buffer: deque[BaseModel] | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._state = SubscriptionState.OPEN
        self._error: SubscriptionError | None = None
        self._on_detach = on_detach
        self._on_cut_off = on_cut_off
        self._receive = receive
        self._on_end = on_end

    def __repr__(self) -> str:
        return (
            f"<Subscription id={self.id!r} topic={self.topic!r} state={self._state.value} "
            f"queued={self.queued}/{self.max_queue}>"
        )

    @property
    def state(self) -> SubscriptionState:
        """OPEN, CLOSED or FAILED."""
        return self._state

    @property
    def closed(self) -> bool:
        """True once the subscription receives no more messages."""
        return self._state is not SubscriptionState.OPEN

    @property
    def error(self) -> SubscriptionError | None:
        """Why the subscription failed, or None."""
        return self._error

    @property
    def queued(self) -> int:
        """How many messages wait to be read (0 with a ``receive``: it holds them)."""
        return len(self._buffer) if self._buffer is not None else 0

    def __aiter__(self) -> Subscription:
        if self._receive is not None:
            raise TypeError(
                f"Subscription {self.id} to {self.topic!r} hands its messages to its "
                "receive callable, so it cannot be iterated; subscribe without receive= "
                "to read it with `async for`."
            )
        return self

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def __anext__(self) -> BaseModel:
        """The next message, waiting for one if none is queued.

        Raises:
            StopAsyncIteration: the subscription was closed.
            SlowConsumerError: it was cut off because its queue overflowed.
            ListenerFailedError: the process's listener failed.
        """
        while True:
            buffer = self._buffer
            if buffer:
                return buffer.popleft()
            if self._error is not None:
                raise self._error
            if self._state is not SubscriptionState.OPEN:
                raise StopAsyncIteration
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    async def close(self) -> None:
        """Unsubscribe: queued messages are discarded and iteration ends.

        Closing twice is harmless. The process's backend subscription to the topic ends
        when its last local subscriber closes.
        """
        if self._state is SubscriptionState.OPEN:
            self._end(None)
            await self._on_detach(self)

    def _deliver(self, message: BaseModel) -> None:
        """Queue ``message`` (or hand it to the receiver), or cut the subscriber off when
        its queue is full."""
        if self._state is not SubscriptionState.OPEN:
            return
        receive = self._receive
        if receive is not None:
            try:
                taken = receive(message)
            except Exception as error:  # against its contract: the fan-out goes on
                self._receiver_failed(error)
                return
            if not taken:
                self._overflow()
            return
        buffer = self._buffer
        if buffer is None:
            buffer = self._buffer = deque()
        elif len(buffer) >= self.max_queue:
            self._overflow()
            return
        buffer.append(message)
        self._wake()

    def _overflow(self) -> None:
        if self._receive is None:
            held = f"at most max_queue={self.max_queue} unread messages"
        else:
            held = "its receiver to take every message"
        self._end(
            SlowConsumerError(
                f"Subscription {self.id} to {self.topic!r} was cut off: expected {held}, "
                "but another arrived while the queue was full. Read faster, raise "
                "max_queue, or subscribe again and refetch."
            )
        )
        self._on_cut_off(self)

    def _receiver_failed(self, error: Exception) -> None:
        failure = SubscriptionError(
            f"Subscription {self.id} to {self.topic!r} was cut off: expected its receive "
            f"callable to take or refuse each message, but it raised {type(error).__name__}: "
            f"{error}. A receiver must not raise; subscribe again once it is fixed."
        )
        failure.__cause__ = error
        self._end(failure)
        self._on_cut_off(self)

    def _end(self, error: SubscriptionError | None) -> None:
        """Stop receiving and discard the queue: iteration ends (or raises) next."""
        if self._state is not SubscriptionState.OPEN:
            return
        self._state = SubscriptionState.CLOSED if error is None else SubscriptionState.FAILED
        self._error = error
        self._buffer = None
        self._wake()
        on_end = self._on_end
        if on_end is not None:
            self._on_end = None
            on_end(error)

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
