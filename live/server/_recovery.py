"""Recoverable session state: snapshots that let a view resume after its socket drops.

After each handled event the runtime writes the session's snapshot (the recoverable assigns
of a ``LiveView``, the ``use_recoverable_state`` values of hook-style components) to a
store keyed by the session id from the signed token. A reconnect, to this worker or
another, reads it back: the view mounts, then takes the snapshot's values, so the user sees
the same assigns and the same form input. Stores are chosen by URL (``EMBER_RECOVERY_URL``):
``memory://`` keeps snapshots in this process, ``sqlite:///file`` in a file that outlives
it (``_recovery_sqlite``), ``redis://…`` shares them between processes.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Protocol

import orjson

from .._errors import ConfigurationError

logger = logging.getLogger("ember.live")

SNAPSHOT_FORMAT = 1
DEFAULT_TTL_SECONDS = 3600


class RecoveryStore(Protocol):
    """Where snapshots live between a socket dropping and its reconnect."""

    async def load(self, session_id: str) -> bytes | None: ...

    async def save(self, session_id: str, snapshot: bytes, ttl_seconds: int) -> None: ...

    async def delete(self, session_id: str) -> None: ...

    async def close(self) -> None: ...


class MemoryRecoveryStore:
    """Snapshots in this process (lost when it exits); expired entries are dropped lazily."""

    def __init__(self, max_entries: int = 100_000) -> None:
        self._entries: dict[str, tuple[float, bytes]] = {}
        self._max_entries = max_entries

    async def load(self, session_id: str) -> bytes | None:
        entry = self._entries.get(session_id)
        if entry is None:
            return None
        expires, snapshot = entry
        if expires < time.monotonic():
            del self._entries[session_id]
            return None
        return snapshot

    async def save(self, session_id: str, snapshot: bytes, ttl_seconds: int) -> None:
        if len(self._entries) >= self._max_entries and session_id not in self._entries:
            self._evict()
        self._entries[session_id] = (time.monotonic() + ttl_seconds, snapshot)

    async def delete(self, session_id: str) -> None:
        self._entries.pop(session_id, None)

    async def close(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _evict(self) -> None:
        now = time.monotonic()
        for key in [k for k, (expires, _) in self._entries.items() if expires < now]:
            del self._entries[key]
        while len(self._entries) >= self._max_entries:
            del self._entries[next(iter(self._entries))]  # oldest first (insertion order)


class RedisRecoveryStore:
    """Snapshots in Redis (``SET key value EX ttl``), shared by every worker."""

    def __init__(self, url: str, *, prefix: str = "ember:recovery:") -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(url)
        self._prefix = prefix

    async def load(self, session_id: str) -> bytes | None:
        value: bytes | str | None = await self._redis.get(self._prefix + session_id)
        return value.encode() if isinstance(value, str) else value

    async def save(self, session_id: str, snapshot: bytes, ttl_seconds: int) -> None:
        await self._redis.set(self._prefix + session_id, snapshot, ex=ttl_seconds)

    async def delete(self, session_id: str) -> None:
        await self._redis.delete(self._prefix + session_id)

    async def close(self) -> None:
        await self._redis.aclose()


def create_store(url: str) -> RecoveryStore:
    """The store for ``url``: ``memory://``, ``sqlite:///file`` or ``redis://…``.

    Raises:
        ConfigurationError: another scheme, or a ``sqlite:`` URL that names no file.
    """
    if url.startswith("memory://"):
        return MemoryRecoveryStore()
    if url.startswith("sqlite:"):
        from ._recovery_sqlite import SQLiteRecoveryStore, sqlite_path

        return SQLiteRecoveryStore(sqlite_path(url))
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisRecoveryStore(url)
    msg = (
        "Expected EMBER_RECOVERY_URL to start with memory://, sqlite:/// or redis://, got "
        f"{url!r}. Use memory:// for one process, sqlite:///recovery.db to keep snapshots "
        "across restarts of one server, redis://host:6379/0 to share them between workers."
    )
    raise ConfigurationError(msg)


class Snapshot:
    """One session's recoverable state: per-view sections and hook values."""

    def __init__(self, views: dict[str, Any] | None = None, hooks: dict[str, Any] | None = None):
        self.views: dict[str, Any] = views or {}
        self.hooks: dict[str, Any] = hooks or {}

    def encode(self) -> bytes:
        state = {"format": SNAPSHOT_FORMAT, "views": self.views, "hooks": self.hooks}
        encoded = orjson.dumps(state)
        # orjson's result keeps its 4 KiB buffer; a store holds a snapshot per session, so
        # it gets an exact copy.
        return bytes(memoryview(encoded))

    @classmethod
    def decode(cls, raw: bytes | None, *, session_id: str) -> Snapshot | None:
        """The snapshot in ``raw``, or None (logged) when it is unreadable or of another format."""
        if raw is None:
            return None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            logger.warning("Dropped an unreadable snapshot of session %s", session_id)
            return None
        if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT:
            logger.info("Dropped a snapshot of session %s in another format", session_id)
            return None
        views, hooks = data.get("views"), data.get("hooks")
        if not isinstance(views, dict) or not isinstance(hooks, dict):
            return None
        return cls(views, hooks)
