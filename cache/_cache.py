"""``Cache``: get/set/delete with TTLs, tags, a decorator with stampede protection, and
invalidation that reaches every worker, on cashews' memory and Redis backends.

With Redis every process reads the same store, so a delete is seen everywhere at once.
The memory backend is one store per process; give the cache the app's PubSub and every
delete, tag invalidation and pattern delete is broadcast, and the other processes drop
their copies when the message arrives. If the PubSub says messages may have been lost
(a reconnect), the process empties its memory cache rather than serve what it cannot
vouch for.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import uuid
import warnings
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

from cashews import Cache as CashewsCache
from pydantic import BaseModel

from ember.pubsub import MessagesMayBeLost, message

if TYPE_CHECKING:
    from ember.pubsub import PubSub, Subscription

__all__ = ["Cache", "CacheInvalidated"]

logger = logging.getLogger("ember.cache")

P = ParamSpec("P")
R = TypeVar("R")
Observer = Callable[[str, Mapping[str, object]], None]

_MISSING: Any = object()


@message("ember.cache.invalidated")
class CacheInvalidated(BaseModel):
    """Keys, tags or key patterns one process dropped; the others drop theirs."""

    origin: str
    keys: list[str] = []
    tags: list[str] = []
    patterns: list[str] = []


class Cache:
    """A cache on ``url``: ``mem://`` (the default) or ``redis://host:port/db``.

    Args:
        url: the cashews backend URL. On Redis values are stored as JSON.
        pubsub: carries invalidations between processes (the memory backend needs it
            once the app runs more than one worker process; Redis does not).
        name: keeps two caches on one Redis or one PubSub apart.
        lock_timeout: how long (seconds) one caller may hold a key's recompute lock
            before others stop waiting for it and compute themselves.
    """

    def __init__(
        self,
        url: str = "mem://",
        *,
        pubsub: PubSub | None = None,
        name: str = "default",
        lock_timeout: float = 30.0,
    ) -> None:
        self.url = url
        self.pubsub = pubsub
        self.name = name
        self.lock_timeout = lock_timeout
        self.prefix = f"ember:{name}:"
        self.shared = not url.startswith("mem://")
        self.counters: Counter[str] = Counter()
        self.observers: list[Observer] = []
        self._origin = uuid.uuid4().hex
        options: dict[str, Any] = {"pickle_type": "json"} if self.shared else {}
        # cashews' Cache wrapper parses the URL and builds the backend (with its JSON
        # serializer on Redis); ember calls the backend itself, skipping the wrapper's
        # per-call middlewares (auto-init, disable checks, callbacks): a memory hit costs
        # about a fifth as much that way.
        self._store = CashewsCache().setup(url, **options)
        self._flights: dict[str, asyncio.Future[Any]] = {}
        self._subscription: Subscription | None = None
        self._listener: asyncio.Task[None] | None = None

    @property
    def topic(self) -> str:
        return f"ember:cache:{self.name}"

    # -- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        """Connect, and listen for other processes' invalidations (memory + PubSub)."""
        await self._store.init()  # type: ignore[no-untyped-call]
        if self.pubsub is not None and not self.shared and self._listener is None:
            self._subscription = await self.pubsub.subscribe(self.topic, types=[CacheInvalidated])
            self._listener = asyncio.create_task(self._listen(), name="ember.cache listener")

    async def stop(self) -> None:
        """Stop listening and close the backend's connections."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)
        if self._subscription is not None:
            await self._subscription.close()
            self._subscription = None
        with warnings.catch_warnings():
            # cashews 7.6 closes redis-py's client with close(), which redis-py 5.0.1+
            # deprecates for aclose(); it still closes the connections.
            warnings.simplefilter("ignore", DeprecationWarning)
            await self._store.close()  # type: ignore[no-untyped-call]

    async def __aenter__(self) -> Cache:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- reads and writes -------------------------------------------------------------

    async def get(self, key: str, default: Any = None) -> Any:
        """The value under ``key``, or ``default`` (a miss)."""
        value = await self._store.get(self.prefix + key, default=_MISSING)
        if value is _MISSING:
            self._count("miss", key)
            return default
        self._count("hit", key)
        return value

    async def set(
        self, key: str, value: Any, *, ttl: float | None = None, tags: Iterable[str] = ()
    ) -> None:
        """Keep ``value`` under ``key`` for ``ttl`` seconds (None: until deleted).

        ``tags`` name groups to invalidate together (``invalidate_tags("user:7")``).
        """
        full = self.prefix + key
        await self._store.set(full, value, expire=ttl)
        for tag in tags:
            await self._store.set_add(self._tag_key(tag), full)
        self.counters["set"] += 1

    async def delete(self, *keys: str) -> None:
        """Drop ``keys`` here and, through the PubSub, in every other process."""
        await self._store.delete_many(*(self.prefix + key for key in keys))
        self._count("delete", ",".join(keys))
        await self._announce(CacheInvalidated(origin=self._origin, keys=list(keys)))

    async def delete_match(self, pattern: str) -> None:
        """Drop every key matching the glob ``pattern`` (``"report:*"``), everywhere."""
        await self._store.delete_match(self.prefix + pattern)
        self._count("delete", pattern)
        await self._announce(CacheInvalidated(origin=self._origin, patterns=[pattern]))

    async def invalidate_tags(self, *tags: str) -> None:
        """Drop every key set with one of ``tags``, everywhere."""
        await self._drop_tags(tags)
        self._count("invalidate", ",".join(tags))
        await self._announce(CacheInvalidated(origin=self._origin, tags=list(tags)))

    async def clear(self) -> None:
        """Drop everything this cache holds in this process's store."""
        await self._store.delete_match(self.prefix + "*")

    def _tag_key(self, tag: str) -> str:
        return f"{self.prefix}~tag:{tag}"

    async def _drop_tags(self, tags: Iterable[str]) -> None:
        for tag in tags:
            while True:
                keys = list(await self._store.set_pop(self._tag_key(tag), count=500))
                if not keys:
                    break
                await self._store.delete_many(*keys)

    # -- the decorator ----------------------------------------------------------------

    def cached(
        self,
        *,
        ttl: float | None,
        key: str | None = None,
        tags: Iterable[str] = (),
    ) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
        """Cache an async function's result per arguments, for ``ttl`` seconds.

        ``key`` is a template over the arguments (``"report:{day}"``; default: the
        function's name and every argument); ``tags`` may be templates too
        (``"user:{user_id}"``). On a miss one caller computes and the others wait for
        its result (in this process; across processes with Redis, through a lock), so a
        popular key expiring does not start a stampede.
        """

        def decorate(function: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
            parameters = inspect.signature(function).parameters
            names = tuple(parameters)
            defaults = {n: p.default for n, p in parameters.items() if p.default is not p.empty}
            name = f"{function.__module__}.{function.__qualname__}"
            tag_templates = tuple(tags)

            @functools.wraps(function)
            async def cached_call(*args: P.args, **kwargs: P.kwargs) -> R:
                # The arguments by name, as bind() + apply_defaults() would give them for
                # a valid call, without their cost on every hit (a wrong call still fails
                # in the function itself on a miss).
                arguments = {**defaults, **dict(zip(names, args, strict=False)), **kwargs}
                if key is None:
                    rendered = name + ":" + ":".join(f"{k}={v!r}" for k, v in arguments.items())
                else:
                    rendered = key.format(**arguments)
                value = await self.get(rendered, _MISSING)
                if value is not _MISSING:
                    return cast(R, value)
                labels = [template.format(**arguments) for template in tag_templates]
                return cast(
                    R,
                    await self._single_flight(
                        rendered, lambda: function(*args, **kwargs), ttl, labels
                    ),
                )

            return cached_call

        return decorate

    async def _single_flight(
        self,
        key: str,
        compute: Callable[[], Awaitable[Any]],
        ttl: float | None,
        tags: list[str],
    ) -> Any:
        flight = self._flights.get(key)
        if flight is not None:
            self.counters["waited"] += 1
            return await asyncio.shield(flight)
        flight = asyncio.get_running_loop().create_future()
        self._flights[key] = flight
        try:
            value = await self._compute_once(key, compute, ttl, tags)
        except BaseException as error:
            flight.set_exception(error)
            flight.exception()  # retrieved here: waiters re-raise it, nobody must
            raise
        else:
            flight.set_result(value)
            return value
        finally:
            del self._flights[key]

    async def _compute_once(
        self,
        key: str,
        compute: Callable[[], Awaitable[Any]],
        ttl: float | None,
        tags: list[str],
    ) -> Any:
        if not self.shared:
            value = await compute()
            await self.set(key, value, ttl=ttl, tags=tags)
            self.counters["computed"] += 1
            return value
        # Several processes: the first takes the key's lock in Redis, the others wait
        # for it and then read what it stored.
        async with self._store.lock(
            f"{self.prefix}~lock:{key}", expire=self.lock_timeout, check_interval=0.01
        ):
            value = await self._store.get(self.prefix + key, default=_MISSING)
            if value is not _MISSING:
                self.counters["waited"] += 1
                return value
            value = await compute()
            await self.set(key, value, ttl=ttl, tags=tags)
            self.counters["computed"] += 1
            return value

    # -- between processes ------------------------------------------------------------

    async def _announce(self, invalidated: CacheInvalidated) -> None:
        if self.pubsub is None or self.shared:
            return
        await self.pubsub.broadcast(self.topic, invalidated)

    async def _listen(self) -> None:
        assert self._subscription is not None  # noqa: S101 - set before the task starts
        async for received in self._subscription:
            try:
                await self._apply(received)
            except Exception:
                logger.exception("ember.cache: could not apply an invalidation; clearing")
                await self.clear()

    async def _apply(self, received: BaseModel) -> None:
        if isinstance(received, MessagesMayBeLost):
            await self.clear()  # an invalidation may be among the lost ones
            self.counters["cleared"] += 1
            return
        if not isinstance(received, CacheInvalidated) or received.origin == self._origin:
            return
        if received.keys:
            await self._store.delete_many(*(self.prefix + key for key in received.keys))
        for pattern in received.patterns:
            await self._store.delete_match(self.prefix + pattern)
        await self._drop_tags(received.tags)
        self.counters["remote_invalidation"] += 1

    # -- telemetry --------------------------------------------------------------------

    def _count(self, name: str, key: str) -> None:
        self.counters[name] += 1
        for observer in self.observers:
            try:
                observer(name, {"key": key, "cache": self.name})
            except Exception:
                logger.exception("a cache observer failed on %s", name)
