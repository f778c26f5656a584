"""The plumbing of one live session around its mailbox (``ember.live.server._channel``).

The reader (the socket's own task) validates every frame before it reaches the mailbox,
within the session's rate and its address's share; the session's tasks run as plain asyncio
tasks (``_Workers``); a failure becomes a close code; recoverable state is loaded before the
first render and saved after the renders that changed it. A handler that raises ends this
session only: it is logged once with its context and the socket closes with 1011, after
which the browser reconnects and the view mounts afresh.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Protocol

import anyio
from starlette.websockets import WebSocket

from .._errors import ProtocolError
from ..ops._reporting import report_error
from ._limits import TokenBucket
from ._protocol import ClientMessage, CloseCode, parse_frame
from ._recovery import Snapshot
from ._session import LiveSession

if TYPE_CHECKING:
    from ._mount import Ember, Mount

logger = logging.getLogger("ember.live")

EVENT_QUEUE_SIZE = 64


class _Inbox(Protocol):
    async def put(self, frame: ClientMessage) -> None: ...


class _SessionFailed(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _close_for(error: BaseException, session: LiveSession, mounted: Mount) -> tuple[int, str]:
    """The close code and reason for a session that failed with ``error`` (logged once
    here unless it is a failure that was logged where it happened)."""
    failure = _first_failure(error)
    if failure is not None:
        return failure.code, failure.reason
    logger.error(
        "Session %s of %s failed; closing its socket so the client remounts",
        session.id,
        mounted.path,
        exc_info=error,
    )
    report_error(error, kind="session", session=session.id, view=mounted.path)
    return CloseCode.INTERNAL_ERROR, "The view failed; it will remount."


async def _read(ember: Ember, websocket: WebSocket, events: _Inbox) -> None:
    max_bytes = ember.settings.max_frame_bytes
    bucket = TokenBucket(ember.settings.events_per_second, ember.settings.event_burst)
    ip = websocket.client.host if websocket.client else "unknown"
    while True:
        # Its own rate, and its address's share: the sessions of one address share one
        # budget, so many sockets from one address cannot crowd out the others.
        wait = max(bucket.delay(), ember.limits.event_delay(ip))
        if wait:
            # Over its rate: this session stops reading until it is back within it,
            # so a flood only slows its own socket.
            await anyio.sleep(wait)
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        try:
            frame = parse_frame(message.get("text"), message.get("bytes"), max_bytes=max_bytes)
        except ProtocolError as error:
            logger.warning("Closing a websocket after a bad frame: %s", error)
            raise _SessionFailed(error.close_code, str(error)) from None
        await events.put(frame)


class _Workers:
    """A session's tasks (its writer and dispatcher; the tasks views start), as plain
    asyncio tasks.

    An anyio task costs about 5 KiB (its handle, cancel scope and event) against 1.4 KiB
    for the asyncio task alone, and every session has several for its whole life. The
    first task to fail cancels ``scope`` (the session's task group, the reader with it)
    and its error is raised on the way out, as a task group would; leaving cancels the
    tasks still running and waits for them.
    """

    def __init__(self, scope: anyio.CancelScope, failures: list[BaseException]) -> None:
        self._scope = scope
        self._failures = failures
        self._tasks: set[asyncio.Task[None]] = set()
        self._failure: BaseException | None = None
        self._closing = False

    def start(self, work: Coroutine[Any, Any, None], name: str) -> None:
        if self._closing:  # as in a cancelled task group: it would not get to run
            work.close()
            return
        task = asyncio.get_running_loop().create_task(work, name=name)
        task.add_done_callback(self._finished)
        self._tasks.add(task)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if task.cancelled() or task.exception() is None or self._failure is not None:
            return
        failure = task.exception()
        self._failure = failure
        if failure is not None:
            self._failures.append(failure)
        self._scope.cancel()

    async def __aenter__(self) -> _Workers:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._closing = True
        running = list(self._tasks)
        for task in running:
            task.cancel()
        with anyio.CancelScope(shield=True):
            await asyncio.gather(*running, return_exceptions=True)
        if self._failure is not None:
            raise self._failure


async def _load_snapshot(ember: Ember, session: LiveSession) -> None:
    try:
        raw = await ember.recovery.load(session.id)
    except Exception:
        logger.warning(
            "Could not read the snapshot of session %s; it mounts fresh", session.id, exc_info=True
        )
        return
    session.restored = Snapshot.decode(raw, session_id=session.id)
    if session.restored is not None:
        session._snapshot = Snapshot(dict(session.restored.views), dict(session.restored.hooks))


def _digest(encoded: bytes) -> bytes:
    # What was saved is remembered by digest: the encoded snapshot itself is bigger, and
    # orjson's buffer behind it bigger still (4 KiB).
    return hashlib.blake2b(encoded, digest_size=16).digest()


async def _flush_snapshot(ember: Ember, session: LiveSession) -> None:
    """Save the session's snapshot if it changed since the last save; never raises."""
    if not session._snapshot_changed:  # most items remember nothing: no encoding, no hash
        return
    session._snapshot_changed = False
    encoded = session._snapshot.encode()
    digest = _digest(encoded)
    if digest == session._saved_snapshot:
        return
    try:
        await ember.recovery.save(session.id, encoded, ember.settings.recovery_ttl_seconds)
    except Exception:
        session._snapshot_changed = True  # the next item's pass tries again
        logger.warning("Could not save the snapshot of session %s", session.id, exc_info=True)
        return
    session._saved_snapshot = digest


def _first_failure(error: BaseException) -> _SessionFailed | None:
    if isinstance(error, _SessionFailed):
        return error
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            found = _first_failure(inner)
            if found is not None:
                return found
    return None
