"""Which socket holds each session token, on every worker: one live socket per token, and
a token redeemable only while its session is recent.

A socket *claims* its token's session id before the view mounts and *releases* it when it
closes. The rules, the same in one process and across workers:

- while one socket holds the claim, a second socket on the same token is refused (it
  waits up to :data:`HANDOVER_SECONDS` first, for a tab whose old socket is still
  closing);
- a released claim stays redeemable for ``reconnect_seconds``: the tab that lost its
  connection reconnects with its token (on any worker) and resumes;
- a token never claimed is redeemable for ``reconnect_seconds`` after its page was
  rendered; after that, and once a released claim is older than that, the token is spent
  even if it has not expired: the socket is refused and the page reloads for a fresh one.

``memory://`` keeps claims in this process. ``redis://…`` (the recovery store's URL) keeps
them in Redis, where every worker sees them: a claim names its worker, each worker renews
a liveness key every :data:`WORKER_BEAT_SECONDS`, and a claim whose worker stopped renewing
(killed with SIGKILL) counts as released once that key expires (:data:`WORKER_TTL_SECONDS`),
so the tab reconnects to another worker within the handover wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import itertools
import logging
import time
import uuid
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Protocol

from redis.exceptions import RedisError

from ._protocol import CloseCode
from ._shield import shielded

if TYPE_CHECKING:
    from fastapi import WebSocket

    from .._settings import LiveSettings
    from ._token import SessionToken

logger = logging.getLogger("ember.live")

HANDOVER_SECONDS = 3.0
"""How long a second socket on one token waits for the first to close before refusal."""
WORKER_BEAT_SECONDS = 0.5
WORKER_TTL_SECONDS = 2.0
_POLL_SECONDS = 0.05
_SOCKETS = itertools.count(1)


class Claim(enum.Enum):
    """What a socket's attempt to claim its session got."""

    GRANTED = "granted"
    BUSY = "busy"
    """Another socket holds the session (past the handover wait)."""
    SPENT = "spent"
    """The token's session is older than the reconnect window, or was never live within it."""


class ClaimStore(Protocol):
    """Where claims live: this process (memory) or Redis (every worker)."""

    async def try_claim(self, session_id: str, owner: str, *, fresh: bool) -> Claim: ...

    async def release(self, session_id: str, owner: str) -> None: ...

    async def close(self) -> None: ...


class MemoryClaims:
    """Claims of this process; at most ``max_released`` closed sessions are remembered
    (the oldest are forgotten first: their tokens are spent early, and the page reloads)."""

    def __init__(self, reconnect_seconds: float, max_released: int = 100_000) -> None:
        self._window = reconnect_seconds
        self._max_released = max_released
        self._live: dict[str, str] = {}  # session id -> the socket holding it
        # Released sessions, oldest first -> when each stops being redeemable, by the hash
        # of their id: the id's string (81 bytes) would outlive its session by the whole
        # window, in the memory the session's other objects free (bench/RESULTS.md,
        # "memory left"). Two ids of one hash (1 in 2**64 a pair; ids are random, made and
        # signed by the server, so no client can choose one) would share a window.
        self._released: OrderedDict[int, float] = OrderedDict()

    async def try_claim(self, session_id: str, owner: str, *, fresh: bool) -> Claim:
        self._forget_expired(time.monotonic())
        if session_id in self._live:
            return Claim.BUSY
        if self._released.pop(hash(session_id), None) is None and not fresh:
            return Claim.SPENT
        self._live[session_id] = owner
        return Claim.GRANTED

    async def release(self, session_id: str, owner: str) -> None:
        if self._live.get(session_id) == owner:
            del self._live[session_id]
            self._released[hash(session_id)] = time.monotonic() + self._window
            while len(self._released) > self._max_released:
                self._released.popitem(last=False)

    async def close(self) -> None:
        return None

    def _forget_expired(self, now: float) -> None:
        while self._released:
            key, until = next(iter(self._released.items()))
            if until >= now:
                return
            del self._released[key]


# KEYS[1] the claim; ARGV: owner, fresh (1/0), window seconds, worker key prefix.
# A claim's value is "<worker>/<socket>" while held and "" once released.
_CLAIM = """
local current = redis.call('GET', KEYS[1])
if current then
  if current ~= '' then
    local worker = string.match(current, '^([^/]+)/')
    if worker and redis.call('EXISTS', ARGV[4] .. worker) == 1 then return 0 end
  end
elseif ARGV[2] ~= '1' then  -- never claimed, and the token is old
  return -1
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], '', 'EX', ARGV[2])
end
return 0
"""


class RedisClaims:
    """Claims shared by every worker through Redis."""

    def __init__(self, url: str, reconnect_seconds: float, *, prefix: str = "ember:") -> None:
        from redis.asyncio import Redis

        self._redis: Any = Redis.from_url(url)
        self._window = max(1, int(reconnect_seconds))
        self._claim_prefix = prefix + "claim:"
        self._worker_prefix = prefix + "worker:"
        self.worker = uuid.uuid4().hex
        self._held: set[str] = set()
        self._beat: tuple[asyncio.AbstractEventLoop, asyncio.Task[None]] | None = None
        self._claim = self._redis.register_script(_CLAIM)
        self._release = self._redis.register_script(_RELEASE)
        # While Redis cannot be reached, this process's own claims still hold.
        self._local = MemoryClaims(reconnect_seconds)

    async def try_claim(self, session_id: str, owner: str, *, fresh: bool) -> Claim:
        try:
            await self._start_beat()
            answer = await self._claim(
                keys=[self._claim_prefix + session_id],
                args=[f"{self.worker}/{owner}", int(fresh), self._window, self._worker_prefix],
            )
        except (OSError, RedisError):
            logger.warning(
                "Could not reach Redis to claim session %s; only this worker's sockets are "
                "checked for it",
                session_id,
                exc_info=True,
            )
            return await self._local.try_claim(session_id, owner, fresh=fresh)
        if answer == 1:
            self._held.add(session_id)
            return Claim.GRANTED
        return Claim.BUSY if answer == 0 else Claim.SPENT

    async def release(self, session_id: str, owner: str) -> None:
        await self._local.release(session_id, owner)
        if session_id not in self._held:
            return
        self._held.discard(session_id)
        try:
            await self._release(
                keys=[self._claim_prefix + session_id],
                args=[f"{self.worker}/{owner}", self._window],
            )
        except (OSError, RedisError):  # the claim lapses with this worker's liveness
            logger.warning("Could not release the claim of session %s", session_id, exc_info=True)

    async def close(self) -> None:
        if self._beat is not None:
            self._beat[1].cancel()
            self._beat = None
        with contextlib.suppress(Exception):  # Redis may be gone at shutdown: the key expires
            await self._redis.delete(self._worker_prefix + self.worker)
        await self._redis.aclose()

    async def _start_beat(self) -> None:
        loop = asyncio.get_running_loop()
        if self._beat is not None and self._beat[0] is loop and not self._beat[1].done():
            return
        await self._renew_worker()
        self._beat = (loop, loop.create_task(self._keep_alive(), name="ember-claims-beat"))

    async def _renew_worker(self) -> None:
        ttl_ms = int(WORKER_TTL_SECONDS * 1000)
        await self._redis.set(self._worker_prefix + self.worker, "1", px=ttl_ms)

    async def _keep_alive(self) -> None:
        """Renew this worker's liveness often, and its held claims once a third of the
        reconnect window has passed (so a long session's claim never lapses)."""
        last_claims = time.monotonic()
        while True:
            await asyncio.sleep(WORKER_BEAT_SECONDS)
            with contextlib.suppress(Exception):  # a Redis hiccup: the next beat retries
                await self._renew_worker()
                if time.monotonic() - last_claims >= self._window / 3 and self._held:
                    async with self._redis.pipeline(transaction=False) as pipe:
                        for session_id in self._held:
                            pipe.expire(self._claim_prefix + session_id, self._window)
                        await pipe.execute()
                    last_claims = time.monotonic()


def create_claims(url: str, reconnect_seconds: float) -> ClaimStore:
    """The claim store for the recovery store's ``url``: Redis there, else this process."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisClaims(url, reconnect_seconds)
    return MemoryClaims(reconnect_seconds)


async def claim_session(store: ClaimStore, session_id: str, owner: str, *, fresh: bool) -> Claim:
    """Claim ``session_id`` for ``owner``, waiting up to :data:`HANDOVER_SECONDS` while
    another socket still holds it (a reconnecting tab may arrive before its old socket is
    closed, or before a killed worker's liveness lapses)."""
    deadline = time.monotonic() + HANDOVER_SECONDS
    while True:
        outcome = await store.try_claim(session_id, owner, fresh=fresh)
        if outcome is not Claim.BUSY or time.monotonic() >= deadline:
            return outcome
        await asyncio.sleep(_POLL_SECONDS)


_REFUSALS = {
    Claim.BUSY: (
        "session %s already has a live socket (one socket per page token at a time)",
        "This page's session is live in another socket; reload the page.",
    ),
    Claim.SPENT: (
        "session %s ended longer ago than EMBER_TOKEN_RECONNECT_SECONDS (its token is spent)",
        "This page's session ended too long ago; reload the page.",
    ),
}


async def claim_token(
    store: ClaimStore,
    settings: LiveSettings,
    mount_path: str,
    token: SessionToken,
    connection: WebSocket,
) -> str | None:
    """Claim ``token``'s session for this socket: the owner to give to
    :func:`release_token` when the socket is done, or None once the socket is refused
    (closed with 4401, so the page reloads) and logged.

    Two calls, not a context manager: an idle session would keep the manager and its
    generator frame (0.5 KiB) for its whole life.
    """
    owner = str(next(_SOCKETS))  # unique in this process; Redis claims add the worker's id
    fresh = time.time() - token.issued_at <= settings.token_reconnect_seconds
    outcome = await claim_session(store, token.session_id, owner, fresh=fresh)
    if outcome is not Claim.GRANTED:
        logged, reason = _REFUSALS[outcome]
        logger.warning("Refused a websocket for %s: " + logged, mount_path, token.session_id)
        await connection.close(code=CloseCode.BAD_TOKEN, reason=reason)
        return None
    return owner


async def release_token(store: ClaimStore, token: SessionToken, owner: str) -> None:
    """Give back the claim :func:`claim_token` took (shielded: it runs on the way out)."""
    await shielded(store.release(token.session_id, owner))
