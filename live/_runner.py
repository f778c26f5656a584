"""The loop of one live session: frames in, events to handlers, renders out.

Three tasks serve a session: the reader (the socket's own task) validates every frame
before anything reaches ReactPy; the dispatcher runs events one at a time, in order (async
handlers on the loop, sync handlers in a worker thread); the writer sends each render.
The session's task group holds the tasks views start (``LiveSession.start_task``).
A handler that raises ends this session only: it is logged once with its context and the
socket closes with 1011, after which the browser reconnects and the view mounts afresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

import anyio
import anyio.lowlevel
import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from ._diff import ModelMirror
from ._errors import ProtocolError
from ._limits import SendDeadline, TokenBucket
from ._protocol import ClientMessage, CloseCode, LocationChange, Ping, ViewRequest, parse_frame
from ._reactpy import Connection, ConnectionContext, EmberLayout, Location, call_handler
from ._recovery import Snapshot
from ._reporting import report_error
from ._session import LiveSession, PageLocation
from ._telemetry import telemetry

if TYPE_CHECKING:
    from ._mount import Ember, Mount

logger = logging.getLogger("ember.live")

EVENT_QUEUE_SIZE = 64
RENDER_WAIT_SECONDS = 0.25


class _SessionFailed(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


async def run_session(
    ember: Ember, mounted: Mount, session: LiveSession, websocket: WebSocket
) -> None:
    """Serve ``session`` over ``websocket`` until either side closes it."""
    send_lock = asyncio.Lock()
    deadline = SendDeadline(ember.settings.send_timeout_seconds)

    async def send(message: dict[str, Any]) -> None:
        data = orjson.dumps(message).decode()
        async with send_lock:
            deadline.begin()
            try:
                await websocket.send_text(data)
            except asyncio.CancelledError:
                if not deadline.expired:
                    raise
                reason = f"The client took none of its updates for {deadline.seconds:g} s."
                logger.warning("Closing session %s of %s: %s", session.id, mounted.path, reason)
                raise _SessionFailed(CloseCode.SLOW_CLIENT, reason) from None
            finally:
                deadline.end()
        if telemetry.active:
            kind = message.get("type", "")
            telemetry.emit(
                "ember.live.send",
                0.0,
                session=session.id,
                view=mounted.path,
                kind=kind,
                bytes=len(data),
            )

    close: tuple[int, str] = (CloseCode.NORMAL, "")
    # The first failure is kept here as well as raised: a teardown that awaits inside the
    # cancelled session (a view's unmount, a layout's exit) can replace the raised error
    # with a cancellation, and the socket then closed as if all went well (1000).
    failures: list[BaseException] = []
    await _load_snapshot(ember, session)
    # asyncio's queue and lock on the per-event path: anyio's ask sniffio which loop runs
    # at every call, a cost each event paid several times over.
    events: asyncio.Queue[ClientMessage] = asyncio.Queue(EVENT_QUEUE_SIZE)
    writer = _Writer(send)
    snapshots = _SnapshotSaver(ember, session, writer)
    telemetry.emit("ember.live.session", session=session.id, view=mounted.path, event="connected")
    try:
        async with (
            anyio.create_task_group() as group,
            _Workers(group.cancel_scope, failures) as tasks,
        ):
            session._attach(tasks.start, send)
            with ember.watchdog.activity(f"session {session.id} view {mounted.path} mount"):
                root = await ember._root(mounted, session)
            connection = Connection(
                scope=session.scope,  # the socket's scope, copied once for the session
                location=Location(
                    path=session.location.path, query_string=session.location.query_string
                ),
                carrier=websocket,
            )
            context = f"session {session.id}, view {mounted.path}"
            layout_root = ConnectionContext(root, value=connection)
            async with (
                EmberLayout(layout_root, context=context) as layout,
                _Workers(group.cancel_scope, failures) as workers,
            ):
                snapshots.attach(group, layout)
                workers.start(writer.run(layout), f"ember writer {session.id}")
                workers.start(
                    _dispatch(ember, mounted, session, layout, writer, events),
                    f"ember dispatcher {session.id}",
                )
                await _read(ember, websocket, events)
                group.cancel_scope.cancel()
    except Exception as error:  # task groups raise groups; find out what failed
        failures.append(error)
    finally:
        if failures:
            close = _close_for(failures[0], session, mounted)
        deadline.close()
        with anyio.CancelScope(shield=True):
            with anyio.move_on_after(2):  # the last change before the socket closed
                await _flush_snapshot(ember, session)
            await session._close()
            telemetry.emit(
                "ember.live.session",
                session=session.id,
                view=mounted.path,
                event="closed",
                code=close[0],
            )
            if websocket.client_state is WebSocketState.CONNECTED:
                with contextlib.suppress(RuntimeError, WebSocketDisconnect, OSError):
                    await websocket.close(code=close[0], reason=close[1][:120])


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


async def _read(ember: Ember, websocket: WebSocket, events: asyncio.Queue[ClientMessage]) -> None:
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


async def _dispatch(
    ember: Ember,
    mounted: Mount,
    session: LiveSession,
    layout: EmberLayout,
    writer: _Writer,
    events: asyncio.Queue[ClientMessage],
) -> None:
    # Events the client queued while offline arrive right after it reconnects; handle them
    # against the first render (restored state, same deterministic handler ids).
    await writer.settle(layout)
    while True:
        frame = await events.get()
        if isinstance(frame, Ping):
            await writer.settle(layout)
            await writer.send({"type": "ember-pong", "id": frame.id})
            continue
        if isinstance(frame, LocationChange):
            await session._browser_moved(PageLocation(frame.path, frame.query_string))
            continue
        if isinstance(frame, ViewRequest):  # live navigation is the ember engine's: load it
            to = f"{frame.path}?{frame.query_string}" if frame.query_string else frame.path
            await writer.send({"type": "ember-navigate", "kind": "redirect", "to": to})
            continue
        if writer.sending:
            # The client is not taking its output: handle nothing more until it does (or
            # the send times out), so renders do not pile up behind a blocked socket.
            await writer.sent()
        await _between_renders(layout)
        handler = layout.handler_for(frame.target)
        if handler is None:
            # Stale (the element is gone) or forged: either way nothing runs, and no
            # queue or task is made for a target the render did not emit.
            logger.info(
                "Ignored an event for %r in session %s: the current render has no such handler",
                frame.target[:80],
                session.id,
            )
            await writer.acknowledge(frame.seq, layout)
            continue
        if frame.seq is not None:
            layout.record_event_seq(frame.target, frame.seq)
        name = f"session {session.id} view {mounted.path} handler {frame.target}"
        try:
            with (
                ember.watchdog.activity(name),
                telemetry.span(
                    "ember.live.handle_event",
                    session=session.id,
                    view=mounted.path,
                    target=frame.target,
                ),
            ):
                await call_handler(handler, frame.data)
        except Exception as error:
            logger.exception(
                "Handler %s failed in session %s (view %s); the session closes and the "
                "client remounts",
                frame.target,
                session.id,
                mounted.path,
            )
            report_error(
                error,
                kind="handler",
                session=session.id,
                view=mounted.path,
                target=frame.target,
            )
            raise _SessionFailed(
                CloseCode.INTERNAL_ERROR, "A handler failed; the view will remount."
            ) from None
        await writer.acknowledge(frame.seq, layout)


async def _between_renders(layout: EmberLayout) -> None:
    """Wait until no render is half done, as a LiveView process handles a message only
    between renders (bounded, so a view that renders without pause still gets events)."""
    running = layout.running_renders()
    if running:
        await asyncio.wait(running, timeout=RENDER_WAIT_SECONDS)


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


class _Writer:
    """Sends each render as it completes, as a patch of what changed (``ember.live._diff``);
    knows whether one is on its way."""

    def __init__(self, send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        self.send = send
        self._sending = False
        self._sent: asyncio.Event | None = None  # made only while someone waits
        self._mirror = ModelMirror()
        self._ack: int | None = None  # an event whose renders are still on their way

    @property
    def sending(self) -> bool:
        """True while a render is being sent (seen from another task: the socket is full)."""
        return self._sending

    async def sent(self) -> None:
        """Return once the render being sent has gone out."""
        if self._sending:
            self._sent = self._sent or asyncio.Event()
            await self._sent.wait()

    async def run(self, layout: EmberLayout) -> None:
        while True:
            update = await layout.next_update()
            self._sending = True
            try:
                for message in self._mirror.messages(update):
                    await self.send(message)
                while self._ack is not None and not layout.has_pending_renders():
                    seq, self._ack = self._ack, None
                    await self.send({"type": "ember-ack", "seq": seq})
            finally:
                self._sending = False
                if self._sent is not None:
                    self._sent.set()
                    self._sent = None

    async def acknowledge(self, seq: int | None, layout: EmberLayout) -> None:
        """Tell the client the event ``seq`` is handled: now if its renders are sent, else
        after them (the writer sends the ack with the render that settles)."""
        if seq is None:
            return
        await asyncio.sleep(0)  # a sync handler's render is scheduled by a loop callback
        if self._sending or layout.has_pending_renders():
            self._ack = seq
            return
        await self.send({"type": "ember-ack", "seq": seq})

    async def settle(self, layout: EmberLayout) -> None:
        """Return once no render is scheduled, running or being sent."""
        await anyio.lowlevel.checkpoint()
        while self._sending or layout.has_pending_renders():  # noqa: ASYNC110 - nothing to signal
            await anyio.sleep(0.001)


class _Signal:
    """A resettable event: ``set`` from anywhere on the loop, ``wait`` consumes it."""

    def __init__(self) -> None:
        self.pending = False
        self._event: anyio.Event | None = None  # made only while someone waits

    def set(self) -> None:
        self.pending = True
        if self._event is not None:
            self._event.set()

    async def wait(self) -> None:
        if not self.pending:
            self._event = anyio.Event()
            await self._event.wait()
        self.pending = False
        self._event = None


class _SnapshotSaver:
    """Writes the session's snapshot once the renders after a change have settled.

    Its task starts with the first change: a view without recoverable state never has
    one, and its sessions do not pay for it.
    """

    def __init__(self, ember: Ember, session: LiveSession, writer: _Writer) -> None:
        self.ember = ember
        self.session = session
        self.writer = writer
        self._due = _Signal()
        self._start: Callable[[], None] | None = None
        self._running = False
        session._saved_snapshot = _digest(session._snapshot.encode())
        session._snapshot_due = self.due

    def attach(self, group: anyio.abc.TaskGroup, layout: EmberLayout) -> None:
        """Save in ``group`` once ``layout`` has settled; changes before this wait for it."""

        def start() -> None:
            group.start_soon(self._run, layout, name=f"ember snapshots {self.session.id}")

        self._start = start
        if self._due.pending:
            self.due()

    def due(self) -> None:
        self._due.set()
        if not self._running and self._start is not None:
            self._running = True
            self._start()

    async def _run(self, layout: EmberLayout) -> None:
        while True:
            await self._due.wait()
            await self.writer.settle(layout)
            await _flush_snapshot(self.ember, self.session)


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
    encoded = session._snapshot.encode()
    digest = _digest(encoded)
    if digest == session._saved_snapshot:
        return
    try:
        await ember.recovery.save(session.id, encoded, ember.settings.recovery_ttl_seconds)
    except Exception:
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
