"""The PostgreSQL backend: LISTEN/NOTIFY with separate publish and listen connections.

Why not broadcaster's own: it publishes and listens on one connection (a slow NOTIFY
delays delivery, and an error there ends both), and its listener dies silently when the
server restarts. Here NOTIFY goes through a small pool, LISTEN through a dedicated
connection that is reopened with backoff when it dies; every channel is listened to
again and one :class:`Reconnected` event per channel tells the PubSub that messages may
be lost.

NOTIFY channel names are identifiers of at most 63 bytes, so a longer topic is carried
on a channel named after its hash. A payload is limited to 8,000 bytes by PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging

import asyncpg  # type: ignore[import-untyped]
from broadcaster import Event

from ._base import Backoff, EmberBackend, Reconnected

logger = logging.getLogger("ember.pubsub")

_LOST = (
    OSError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,  # e.g. "another operation is in progress" as it dies
    asyncio.TimeoutError,
)


def channel_name(topic: str) -> str:
    """The NOTIFY channel that carries ``topic``."""
    if 0 < len(topic.encode("utf-8")) <= 63:
        return topic
    return "ember:" + hashlib.sha256(topic.encode("utf-8")).hexdigest()[:48]


class PostgresBackend(EmberBackend):
    """LISTEN/NOTIFY with a publish pool, a dedicated listen connection and reconnects."""

    def __init__(
        self, url: str, *, backoff: Backoff | None = None, health_check: float | None = None
    ) -> None:
        super().__init__(url.replace("postgresql+asyncpg://", "postgresql://", 1))
        self._backoff = backoff or Backoff()
        self._health = health_check or 5.0
        self._watchdog: asyncio.Task[None] | None = None
        # One operation at a time on the listen connection (asyncpg refuses overlaps).
        self._listen_lock = asyncio.Lock()
        self._topics: dict[str, str] = {}  # channel name -> topic
        self._pool: asyncpg.Pool | None = None
        self._listen: asyncpg.Connection | None = None
        self._lost = asyncio.Event()
        self._supervisor: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self._pool = await asyncpg.create_pool(self.url, min_size=1, max_size=4)
        self._listen = await self._open()
        self._supervisor = asyncio.create_task(self._supervise(), name="ember.pubsub postgres")
        self._watchdog = asyncio.create_task(self._watch(), name="ember.pubsub postgres watchdog")

    async def disconnect(self) -> None:
        for task in (self._supervisor, self._watchdog):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._supervisor = self._watchdog = None
        conn, self._listen = self._listen, None
        if conn is not None:
            with contextlib.suppress(*_LOST):
                await conn.close(timeout=2)
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def subscribe(self, channel: str) -> None:
        name = channel_name(channel)
        self._topics[name] = channel
        # Under the lock: a reconnect in progress either lists this channel or hands us
        # the new connection.
        async with self._listen_lock:
            conn = self._listen
            if conn is None or conn.is_closed():
                return  # down: the reconnect listens again and reports Reconnected
            try:
                # Bounded: on a hung server the watchdog waits for this lock.
                await asyncio.wait_for(conn.add_listener(name, self._notified), 3 * self._health)
            except _LOST:
                self._lost.set()

    async def unsubscribe(self, channel: str) -> None:
        name = channel_name(channel)
        self._topics.pop(name, None)
        async with self._listen_lock:
            conn = self._listen
            if conn is None or conn.is_closed():
                return
            try:
                await asyncio.wait_for(conn.remove_listener(name, self._notified), 3 * self._health)
            except _LOST:
                self._lost.set()

    async def publish(self, channel: str, message: str) -> None:
        if self._pool is None:
            raise RuntimeError("publish() before connect()")
        await self._pool.execute("SELECT pg_notify($1, $2)", channel_name(channel), message)

    async def _open(self) -> asyncpg.Connection:
        conn: asyncpg.Connection = await asyncpg.connect(self.url, timeout=5)
        lost = asyncio.Event()  # this connection's own: a late callback of a dead one is moot
        conn.add_termination_listener(lambda _conn: lost.set())
        self._lost = lost
        return conn

    def _notified(self, _conn: object, _pid: int, name: str, payload: str) -> None:
        topic = self._topics.get(name)
        if topic is not None:
            self._push(Event(channel=topic, message=payload))

    async def _watch(self) -> None:
        """Probe the listen connection with ``SELECT 1`` every interval.

        A probe that fails, or gets no answer within the interval, marks the connection
        lost: a hung server or a half-open socket is replaced like a closed one.
        """
        while True:
            await asyncio.sleep(self._health)
            conn = self._listen
            if conn is None or self._lost.is_set():
                continue
            try:
                async with self._listen_lock:
                    await asyncio.wait_for(conn.fetchval("SELECT 1"), self._health)
            except _LOST as exc:
                logger.warning("PostgreSQL listen connection failed its health check: %r", exc)
                self._lost.set()

    async def _supervise(self) -> None:
        while True:
            await self._lost.wait()
            logger.warning(
                "Lost the PostgreSQL listen connection; reconnecting with backoff. "
                "Subscribers will receive MessagesMayBeLost."
            )
            old, self._listen = self._listen, None
            if old is not None:
                old.terminate()
            attempt = 0
            while self._listen is None:
                await asyncio.sleep(self._backoff.delay(attempt))
                attempt += 1
                try:
                    conn = await self._open()
                except _LOST as exc:
                    logger.debug("PostgreSQL is still unreachable: %s", exc)
                    continue
                async with self._listen_lock:
                    try:
                        for name in list(self._topics):
                            await conn.add_listener(name, self._notified)
                    except _LOST as exc:
                        logger.debug("LISTEN failed on a fresh PostgreSQL connection: %s", exc)
                        conn.terminate()
                        continue
                    self._listen = conn
            logger.warning("Reconnected to PostgreSQL; listening on %d channels", len(self._topics))
            for topic in list(self._topics.values()):
                self._push(Reconnected(channel=topic, message="the PostgreSQL connection was lost"))
