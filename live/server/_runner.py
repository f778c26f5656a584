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
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from time import monotonic
from typing import TYPE_CHECKING, Any, Protocol

import anyio
from starlette.websockets import WebSocket, WebSocketState

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
# How much a session over its rate reads ahead of the frames it handles, looking for the
# client's disconnect (``_ReadAhead``); past it, the client's frames wait in its socket.
READ_AHEAD_BYTES = 256 * 1024


class _Inbox(Protocol):
    def deliver(self, frame: ClientMessage) -> Awaitable[None]: ...


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


async def _read(
    ember: Ember, websocket: WebSocket, receive: Callable[[], Awaitable[Any]], events: _Inbox
) -> None:
    """Read ``websocket``'s frames through its ASGI ``receive`` until the client leaves;
    hand each valid one to ``events``."""
    max_bytes = ember.settings.max_frame_bytes
    bucket = TokenBucket(ember.settings.events_per_second, ember.settings.event_burst)
    client = websocket.scope.get("client")  # what .client wraps in an Address each time
    ip = str(client[0]) if client else "unknown"
    # Its address's share: the sessions of one address share one budget, so many sockets
    # from one address cannot crowd out the others (None: no such limit).
    shared = ember.limits.event_bucket(ip)
    # Looked up once: this loop runs for every frame of the session.
    take, take_shared = bucket.take, None if shared is None else shared.take
    deliver = events.deliver
    ahead: _ReadAhead | None = None  # only while the session is over its rate
    while True:
        now = monotonic()
        wait = take(now)
        if take_shared is not None:
            shared_wait = take_shared(now)
            if shared_wait > wait:
                wait = shared_wait
        if wait:
            # Over its rate: this session handles no frame until it is back within it,
            # so a flood only slows its own socket. It reads ahead meanwhile, so that a
            # client that floods and leaves ends its session now, not after its queued
            # frames at the allowed rate.
            if ahead is None:
                ahead = _ReadAhead()
            if await ahead.wait(receive, wait):
                websocket.client_state = WebSocketState.DISCONNECTED
                return
        if ahead is None:
            message = await receive()
        elif ahead.frames:
            message = ahead.next()
        else:
            ahead = None
            message = await receive()
        kind = message["type"]
        if kind != "websocket.receive":
            if kind == "websocket.disconnect":
                websocket.client_state = WebSocketState.DISCONNECTED
                return
            msg = f"Expected a 'websocket.receive' or 'websocket.disconnect' message, got {kind!r}."
            raise RuntimeError(msg)
        try:
            frame = parse_frame(message.get("text"), message.get("bytes"), max_bytes=max_bytes)
        except ProtocolError as error:
            logger.warning("Closing a websocket after a bad frame: %s", error)
            raise _SessionFailed(error.close_code, str(error)) from None
        await deliver(frame)


class _Cancellable(Protocol):
    def cancel(self) -> Any: ...


class Interrupt:
    """Cancels the session's own task while it waits in the session (the mount, the first
    sends, the reader), once; the cancellation ends where the ``with`` block does, and the
    teardown (after ``disarm``) is never cancelled by it.

    What an anyio ``CancelScope`` did there, for about 60 bytes against 0.8 KiB with its
    sets and task state (every idle session keeps one). Cancelling takes effect at the
    task's wait, which is inside the armed part: ``cancel`` is called from callbacks (a
    task's end, the send deadline), never from the task itself.
    """

    __slots__ = ("_armed", "_fired", "_task")

    def __init__(self) -> None:
        self._task: asyncio.Task[Any] | None = None
        self._armed = False
        self._fired = False

    def cancel(self) -> None:
        if self._armed and not self._fired and self._task is not None:
            self._fired = True
            self._task.cancel()

    def __enter__(self) -> Interrupt:
        self._task = asyncio.current_task()
        self._armed = True
        return self

    def disarm(self) -> None:
        """From here on (the teardown) nothing cancels the task."""
        self._armed = False

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> bool:
        self._armed = False
        if not self._fired or self._task is None:
            return False
        self._fired = False
        # Ours is consumed here; a cancellation from outside (the server's) still counts.
        return self._task.uncancel() == 0 and kind is asyncio.CancelledError


class _ReadAhead:
    """The frames a session over its rate has read but not handled yet.

    While it waits for its rate, the session reads on (up to :data:`READ_AHEAD_BYTES`), so
    it sees the client's disconnect behind the frames the client queued: the session ends
    at once, and the queued frames are dropped unhandled, as Phoenix drops a channel's
    pending messages when its transport goes away (the frames already handed to the
    session's mailbox go with it, as on any disconnect). Without it, a client that flooded
    and left held its session, its memory and its share of its address's budget for as
    long as its frames took at the allowed rate (seconds). The bound keeps the rest of a
    flood in the client's socket, where it costs the server nothing.

    The wait's end cancels the ``receive`` under way: uvicorn's (an ``asyncio.Queue``) loses
    nothing to it, and anyio does not cancel a task whose message was already handed over
    (the test client's memory stream). No task is started: a session that was once over its
    rate and then goes idle keeps nothing of this.
    """

    __slots__ = ("frames", "size")

    def __init__(self) -> None:
        self.frames: deque[Any] = deque()
        self.size = 0

    async def wait(self, receive: Callable[[], Awaitable[Any]], seconds: float) -> bool:
        """Wait ``seconds``, reading ahead meanwhile; return whether the client left."""
        with anyio.move_on_after(seconds):
            while self.size < READ_AHEAD_BYTES:
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    return True
                self.frames.append(message)
                self.size += len(message.get("text") or message.get("bytes") or b"")
            await anyio.sleep_forever()  # read far enough ahead: the rest waits in the socket
        return False

    def next(self) -> Any:
        """The first frame read ahead (there is one)."""
        message = self.frames.popleft()
        self.size -= len(message.get("text") or message.get("bytes") or b"")
        return message


class _Workers:
    """A session's tasks (its writer and dispatcher; the tasks views start), as plain
    asyncio tasks.

    An anyio task costs about 5 KiB (its handle, cancel scope and event) against 1.4 KiB
    for the asyncio task alone, and every session has several for its whole life. The
    first task to fail cancels ``scope`` (the session's task group, the reader with it)
    and its error is raised on the way out, as a task group would; leaving cancels the
    tasks still running and waits for them.
    """

    __slots__ = ("_closing", "_failure", "_failures", "_scope", "_tasks")

    def __init__(self, scope: _Cancellable, failures: list[BaseException]) -> None:
        self._scope = scope
        self._failures = failures
        # A dict as an ordered set: empty, 64 bytes against a set's 216 (two per session).
        self._tasks: dict[asyncio.Task[None], None] = {}
        self._failure: BaseException | None = None
        self._closing = False

    def start(self, work: Coroutine[Any, Any, None], name: str) -> None:
        if self._closing:  # as in a cancelled task group: it would not get to run
            work.close()
            return
        task = asyncio.get_running_loop().create_task(work, name=name)
        task.add_done_callback(self._finished)
        self._tasks[task] = None

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.pop(task, None)
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
        if self._tasks:  # else nothing to wait for, and no cancel scope to make
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


async def _flush_snapshot(ember: Ember, session: LiveSession) -> None:
    """Save the session's snapshot if it changed since the last save; never raises.

    ``LiveSession.remember`` (the one place a snapshot is written) marks it dirty, so an
    item that changed nothing recoverable costs a flag test, not an encode.
    """
    if not session._snapshot_dirty or session._snapshot is None:
        return
    session._snapshot_dirty = False  # a change made while the save awaits saves again
    encoded = session._snapshot.encode()
    try:
        await ember.recovery.save(session.id, encoded, ember.settings.recovery_ttl_seconds)
    except Exception:
        session._snapshot_dirty = True  # the next item tries again
        logger.warning("Could not save the snapshot of session %s", session.id, exc_info=True)


def _first_failure(error: BaseException) -> _SessionFailed | None:
    if isinstance(error, _SessionFailed):
        return error
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            found = _first_failure(inner)
            if found is not None:
                return found
    return None
