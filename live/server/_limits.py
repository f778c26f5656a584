"""Limits that keep one client from hurting the others.

- a token bucket per session for incoming frames: over the rate, the session's reader
  waits (the client's frames queue up in its own socket), so a flood slows only itself;
- per client IP: a token bucket its sessions share for incoming frames (fairness between
  addresses); how many sessions may be open at once, and how many handshakes may start
  within a sliding window; over either, the socket is closed with ``TOO_MANY`` (4429);
- a deadline on each send: a client that takes no output for ``EMBER_SEND_TIMEOUT_SECONDS``
  is closed with ``SLOW_CLIENT`` (4408).
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class TokenBucket:
    """``rate`` tokens per second, holding at most ``burst``."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._stamp = time.monotonic()

    def delay(self) -> float:
        """Take a token; return how long to wait before the frame may be handled (0 = now)."""
        return self.take(time.monotonic())

    def take(self, now: float) -> float:
        """:meth:`delay` at ``now`` (``time.monotonic()``), for callers that have it."""
        tokens = self._tokens + (now - self._stamp) * self.rate - 1
        if tokens >= self.burst:
            tokens = self.burst - 1
        self._tokens = tokens
        self._stamp = now
        if tokens >= 0:
            return 0.0
        return -tokens / self.rate


@dataclass
class _Client:
    sessions: int = 0
    handshakes: deque[float] = field(default_factory=deque)
    events: TokenBucket | None = None


class ClientLimits:
    """Counts sessions and recent handshakes per client IP."""

    def __init__(
        self,
        *,
        max_sessions: int,
        max_handshakes: int,
        window_seconds: float,
        events_per_second: float = float("inf"),
        event_burst: int = 1,
    ) -> None:
        self.max_sessions = max_sessions
        self.max_handshakes = max_handshakes
        self.window = window_seconds
        self.events_per_second = events_per_second
        self.event_burst = event_burst
        self._clients: dict[str, _Client] = {}

    def event_bucket(self, ip: str) -> TokenBucket | None:
        """The bucket of incoming frames ``ip``'s sessions share (a session looks it up once,
        on connect), or None when there is no per-address rate. Only an admitted address
        has one.

        The sessions of one address share one budget, so fifty flooding sockets from one
        address get no more than one address's share of the worker.
        """
        client = self._clients.get(ip)
        if client is None or self.events_per_second == float("inf"):
            return None
        if client.events is None:
            client.events = TokenBucket(self.events_per_second, self.event_burst)
        return client.events

    def admit(self, ip: str) -> str | None:
        """Count a handshake from ``ip``; return why it is refused, or None to admit it.

        An admitted handshake holds a session slot until :meth:`release`.
        """
        now = time.monotonic()
        client = self._clients.get(ip)
        if client is None:  # not setdefault: it would build a client (and its deque) each time
            client = self._clients[ip] = _Client()
        while client.handshakes and client.handshakes[0] <= now - self.window:
            client.handshakes.popleft()
        if len(client.handshakes) >= self.max_handshakes:
            return (
                f"{ip} opened {len(client.handshakes)} websockets in the last "
                f"{self.window:.0f} s; at most {self.max_handshakes} are allowed."
            )
        client.handshakes.append(now)
        if client.sessions >= self.max_sessions:
            return f"{ip} has {client.sessions} sessions open; at most {self.max_sessions}."
        client.sessions += 1
        return None

    def release(self, ip: str) -> None:
        """A session of ``ip`` ended."""
        client = self._clients.get(ip)
        if client is None:
            return
        client.sessions -= 1
        if client.sessions <= 0 and not client.handshakes:
            del self._clients[ip]

    def sessions_of(self, ip: str) -> int:
        client = self._clients.get(ip)
        return client.sessions if client else 0


class SendDeadline:
    """Fails a send that waits longer than ``seconds``: the client takes none of its output.

    A timer per send (``asyncio.timeout``) costs every message on the click path, and a
    timer per session stays in the loop's heap long after its last send (0.3-0.7 KiB an
    idle session); instead a send notes when it started (a clock read and a dict entry in
    its loop's :class:`_Sweeper`, which keeps one timer for all the sends in flight). Past
    the deadline it calls ``on_expire`` (ember's channel fails the session with
    ``SLOW_CLIENT``, which cancels the send); without one it cancels the sending task.
    """

    __slots__ = ("_on_expire", "_started", "_sweeper", "_task", "expired", "seconds")

    def __init__(self, seconds: float, on_expire: Callable[[], None] | None = None) -> None:
        self.seconds = seconds
        self.expired = False
        self._on_expire = on_expire
        self._sweeper = _Sweeper.of(asyncio.get_running_loop())
        self._task: asyncio.Task[Any] | None = None
        self._started = 0.0

    def begin(self) -> None:
        """A send starts (in the current task)."""
        if self._on_expire is None:
            self._task = asyncio.current_task()
        self._started = self._sweeper.add(self)

    def end(self) -> None:
        """The send is over (done or failed)."""
        self._sweeper.sending.pop(self, None)
        self._task = None

    def close(self) -> None:
        self.end()
        self._on_expire = None  # the sender's bound method: no cycle left behind

    def _expire(self) -> None:
        self.expired = True
        if self._on_expire is not None:
            self._on_expire()
        elif self._task is not None:
            self._task.cancel()


class _Sweeper:
    """The sends in flight on one loop, and one timer for the first of their deadlines."""

    __slots__ = ("_due", "_handle", "sending")

    def __init__(self) -> None:
        self.sending: dict[SendDeadline, None] = {}
        self._handle: asyncio.TimerHandle | None = None
        self._due = 0.0

    @classmethod
    def of(cls, loop: asyncio.AbstractEventLoop) -> _Sweeper:
        sweeper = _SWEEPERS.get(loop)
        if sweeper is None:
            sweeper = _SWEEPERS[loop] = cls()
        return sweeper

    def add(self, deadline: SendDeadline) -> float:
        """Note that ``deadline``'s send starts now; returns the loop's time."""
        now = asyncio.get_running_loop().time()
        self.sending[deadline] = None
        self._arm_by(now + deadline.seconds)
        return now

    def _arm_by(self, due: float) -> None:
        """Have the timer fire by ``due`` (it may already fire earlier)."""
        if self._handle is not None:
            if self._due <= due:
                return
            self._handle.cancel()
        self._due = due
        self._handle = asyncio.get_running_loop().call_at(due, self._check)

    def _check(self) -> None:
        self._handle = None
        now = asyncio.get_running_loop().time()
        first: float | None = None
        for deadline in list(self.sending):
            due = deadline._started + deadline.seconds
            if due <= now:
                del self.sending[deadline]
                deadline._expire()
            elif first is None or due < first:
                first = due
        if first is not None:  # an expiry's callback may have armed the timer already
            self._arm_by(first)


# One sweeper per loop; it holds no reference to its loop (a test run makes many loops).
_SWEEPERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Sweeper] = (
    weakref.WeakKeyDictionary()
)
