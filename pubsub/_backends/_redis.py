"""The Redis backend: one listen connection per process, reconnected and resubscribed.

Why not broadcaster's own: with redis-py 8 it delivers nothing (it marks the channel
ready before SUBSCRIBE completes), one non-UTF-8 payload kills its listener, and the
listener dies silently when the server restarts. Here ``subscribe`` returns once Redis
confirmed the SUBSCRIBE, payloads stay bytes (the PubSub decides what is valid), and a
lost connection is reopened with backoff, every channel is subscribed again, and one
:class:`Reconnected` event per channel tells the PubSub that messages may be lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from typing import Any

from redis import asyncio as aioredis
from redis.asyncio.connection import AbstractConnection, Connection, parse_url
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .._errors import ConfigurationError
from ._base import Backoff, EmberBackend, Published, Reconnected, redact

logger = logging.getLogger("ember.pubsub")

_LOST = (RedisConnectionError, RedisTimeoutError, OSError, EOFError)


class RedisBackend(EmberBackend):
    """Redis PUBLISH/SUBSCRIBE with confirmed subscribes and reconnect-and-resubscribe."""

    def __init__(
        self, url: str, *, backoff: Backoff | None = None, health_check: float | None = None
    ) -> None:
        super().__init__(url)
        self._backoff = backoff or Backoff()
        try:
            kwargs = dict(parse_url(url))
        except ValueError as exc:
            raise ConfigurationError(
                f"Expected a Redis URL like redis://host:6379/0, got {redact(url)!r}: {exc}"
            ) from None
        connection_class: type[AbstractConnection] = kwargs.pop("connection_class", Connection)  # type: ignore[assignment]
        # Our own watchdog PINGs the listen connection; redis-py's would read its replies.
        health = kwargs.pop("health_check_interval", None)
        if health_check is None:
            health_check = float(health) if isinstance(health, int | float) and health else 5.0
        self._health = health_check
        # RESP2 on the listen connection: subscribe-mode replies arrive as plain arrays.
        self._listen_kwargs: dict[str, Any] = {
            "socket_connect_timeout": 5.0,
            "socket_timeout": 5.0,  # the handshake; reads in subscribe mode never time out
            **kwargs,
            "protocol": 2,
            "socket_keepalive": True,
        }
        self._last_reply = 0.0
        self._send_lock = asyncio.Lock()
        self._connection_class = connection_class
        self._client = aioredis.Redis.from_url(
            url,
            retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), 2),
            socket_connect_timeout=2,
        )
        self._channels: set[str] = set()
        self._confirming: dict[str, deque[asyncio.Future[None]]] = {}
        self._resubscribing: set[str] = set()
        self._conn: AbstractConnection | None = None
        self._supervisor: asyncio.Task[None] | None = None
        # Checked by the supervisor: redis-py sometimes swallows a cancellation mid-command.
        self._closing = asyncio.Event()

    async def connect(self) -> None:
        self._closing.clear()
        self._conn = await self._open()
        self._supervisor = asyncio.create_task(self._supervise(), name="ember.pubsub redis")

    async def disconnect(self) -> None:
        self._closing.set()
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None
        await self._drop_connection()
        await self._client.aclose()

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)
        conn = self._conn
        if conn is None:
            return  # down: the reconnect subscribes it and reports Reconnected
        confirmed = asyncio.get_running_loop().create_future()
        self._confirming.setdefault(channel, deque()).append(confirmed)
        if await self._send(conn, "SUBSCRIBE", channel):
            await confirmed
        # else: the connection is being replaced; the reconnect subscribes the channel
        # and resolves ``confirmed``.

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        self._resubscribing.discard(channel)
        conn = self._conn
        if conn is not None:
            await self._send(conn, "UNSUBSCRIBE", channel)

    async def _send(self, conn: AbstractConnection, *command: str) -> bool:
        """Send ``command`` on the listen connection; False if that connection is gone.

        Any failure means the connection's state is unknown, so it is closed: the reader
        then fails and the supervisor reconnects and subscribes every channel again.
        """
        async with self._send_lock:
            if self._conn is not conn:
                return False
            try:
                await conn.send_command(*command)
            except Exception as exc:
                logger.warning(
                    "Sending %s to Redis at %s failed (%r); reconnecting",
                    command[0],
                    self._where(),
                    exc,
                )
                with contextlib.suppress(Exception):
                    await conn.disconnect(nowait=True)
                return False
        if self._conn is not conn:
            # Dropped while we sent: redis-py may have reopened the socket to send it.
            with contextlib.suppress(Exception):
                await conn.disconnect(nowait=True)
            return False
        return True

    async def publish(self, channel: str, message: str | bytes) -> None:
        await self._client.publish(channel, message)

    async def _open(self) -> AbstractConnection:
        conn = self._connection_class(**self._listen_kwargs)
        await conn.connect()  # type: ignore[no-untyped-call]
        return conn

    async def _supervise(self) -> None:
        attempt = 0
        while not self._closing.is_set():
            conn = self._conn
            if conn is None:
                await asyncio.sleep(self._backoff.delay(attempt))
                attempt += 1
                try:
                    conn = await self._open()
                except _LOST as exc:
                    logger.debug("Redis at %s is still unreachable: %s", self._where(), exc)
                    continue
                attempt = 0
                if self._closing.is_set():
                    await conn.disconnect(nowait=True)
                    return
                self._conn = conn
                logger.warning(
                    "Reconnected to Redis at %s; resubscribing %d channels",
                    self._where(),
                    len(self._channels),
                )
                if self._channels:
                    self._resubscribing = set(self._channels)
                    if not await self._send(conn, "SUBSCRIBE", *sorted(self._channels)):
                        await self._drop_connection()
                        continue
            watchdog = asyncio.create_task(self._watch(conn), name="ember.pubsub redis watchdog")
            try:
                await self._read(conn)
            except _LOST as exc:
                logger.warning(
                    "Lost the Redis listen connection to %s (%s); reconnecting with backoff. "
                    "Subscribers will receive MessagesMayBeLost.",
                    self._where(),
                    exc,
                )
            finally:
                watchdog.cancel()
            await self._drop_connection()

    async def _watch(self, conn: AbstractConnection) -> None:
        """PING an idle connection; close it when nothing came back for three intervals.

        Catches what TCP does not report quickly: a server that hangs, or a half-open
        connection after a network failure. Closing makes the reader fail and reconnect.
        """
        loop = asyncio.get_running_loop()
        self._last_reply = loop.time()
        while True:
            await asyncio.sleep(self._health)
            idle = loop.time() - self._last_reply
            if idle >= 3 * self._health:
                logger.warning(
                    "Redis at %s sent nothing for %.1fs, not even a PONG; reconnecting",
                    self._where(),
                    idle,
                )
                await conn.disconnect(nowait=True)
                return
            if idle >= self._health:
                # Bounded, so a send stuck on a hung server cannot stop this watchdog.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._send(conn, "PING"), self._health)

    async def _read(self, conn: AbstractConnection) -> None:
        while True:
            reply = await conn.read_response(timeout=math.inf)
            self._last_reply = asyncio.get_running_loop().time()
            if not isinstance(reply, list) or len(reply) < 3:
                continue
            kind = reply[0]
            if kind == b"message":
                channel = bytes(reply[1]).decode("utf-8", "replace")
                self._push(Published(channel=channel, message=bytes(reply[2])))
            elif kind == b"subscribe":
                self._confirmed(bytes(reply[1]).decode("utf-8", "replace"))

    def _confirmed(self, channel: str) -> None:
        waiting = self._confirming.get(channel)
        if waiting:
            future = waiting.popleft()
            if not waiting:
                del self._confirming[channel]
            if not future.done():
                future.set_result(None)
        if channel in self._resubscribing:
            self._resubscribing.discard(channel)
            self._push(Reconnected(channel=channel, message="the Redis connection was lost"))

    async def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        self._resubscribing.clear()
        # Subscribes in flight return now; the reconnect subscribes their channels.
        for waiting in self._confirming.values():
            for future in waiting:
                if not future.done():
                    future.set_result(None)
        self._confirming.clear()
        if conn is not None:
            with contextlib.suppress(*_LOST):
                await conn.disconnect(nowait=True)

    def _where(self) -> str:
        return f"{self._listen_kwargs.get('host', '?')}:{self._listen_kwargs.get('port', '?')}"
