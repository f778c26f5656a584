"""One live session as one mailbox (a Phoenix channel process), rendered by ember's engine.

Everything that can change a session goes through its mailbox and is handled one item at
a time: browser events, URL changes, pings, PubSub messages, timers, finished async work
(``start_async`` outcomes), and render requests from state set outside an item (a
``use_async`` result, an async effect). After each item the engine renders the dirty
components in one pass and one ``ember-patch`` message goes out. So an event never lands
in the middle of a render, and a message never runs while a handler is suspended at an
``await`` (the handler reads, awaits, and writes as if alone, as in LiveView).

The reader (the socket's own task) validates every frame before it reaches the mailbox;
async handlers run in the mailbox's task, sync ``def`` handlers in ember's worker threads
(the mailbox waits for them without blocking the loop).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import anyio
import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from ..engine._engine import Engine
from ..engine._patch import apply_ops
from ..engine._reactpy import Component, Connection, ConnectionContext, Location, call_handler
from ..ops._reporting import report_error
from ..ops._telemetry import telemetry
from ._limits import SendDeadline
from ._protocol import ClientMessage, CloseCode, LayoutEvent, LocationChange, Ping, ViewRequest
from ._runner import (
    EVENT_QUEUE_SIZE,
    _close_for,
    _digest,
    _flush_snapshot,
    _load_snapshot,
    _read,
    _SessionFailed,
    _Workers,
)
from ._session import LiveSession, PageLocation

if TYPE_CHECKING:
    from ._mount import Ember, Mount
    from ._navigation import Handover

logger = logging.getLogger("ember.live")

FIRST_PAINT_RERENDERS = 10
Work = Callable[[], Awaitable[None] | None]


class _Work:
    __slots__ = ("done", "function")

    def __init__(self, function: Work, done: asyncio.Future[None] | None) -> None:
        self.function = function
        self.done = done


_RENDER: Any = object()
BUSY_RENDER_DELAY = 0.005
"""How long a render asked for while an item runs waits: a handler that returns by then is
rendered by its item's own pass (one message, no extra task); one still suspended shows
what it has set so far (a form's "saving")."""


class Mailbox:
    """The session's one queue. Frames wait for room (a flood slows only its own socket);
    render requests are coalesced and never wait; PubSub messages are posted without
    waiting (each subscription bounds its own backlog, see ``LiveSession.subscribe``).

    A list read from ``_head`` and a future only while someone waits: an
    ``asyncio.Queue`` is four deques and an ``Event`` (3 KiB), a deque alone 760 bytes, and
    every session holds its mailbox for its whole life, nearly always empty."""

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._head = 0  # items before it were taken
        self._getter: asyncio.Future[None] | None = None  # the channel, waiting for an item
        self._putters: list[asyncio.Future[None]] = []  # senders waiting for room
        self.busy = False
        self._render_asked = False
        self._busy_render: asyncio.TimerHandle | None = None
        self._asked_while_busy = False
        self._may_suspend = True
        self.while_busy: Callable[[], None] | None = None
        self.needs_render: Callable[[], bool] = lambda: False

    def _append(self, item: Any) -> None:
        self._items.append(item)
        getter = self._getter
        if getter is not None and not getter.done():
            getter.set_result(None)

    async def _room(self) -> None:
        """Wait until the mailbox holds fewer than ``EVENT_QUEUE_SIZE`` items."""
        while len(self._items) - self._head >= EVENT_QUEUE_SIZE:
            putter = asyncio.get_running_loop().create_future()
            self._putters.append(putter)
            try:
                await putter
            except BaseException:
                putter.cancel()
                with contextlib.suppress(ValueError):
                    self._putters.remove(putter)
                room = len(self._items) - self._head < EVENT_QUEUE_SIZE
                if room and not putter.cancelled():
                    self._wake_putter()  # it was handed the room: pass it on
                raise

    def _wake_putter(self) -> None:
        while self._putters:
            putter = self._putters.pop(0)
            if not putter.done():
                putter.set_result(None)
                return

    async def put(self, frame: ClientMessage) -> None:
        await self._room()
        self._append(frame)

    async def run(self, function: Work) -> None:
        """Run ``function`` as one item of the mailbox; return once it has run."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        await self._room()
        self._append(_Work(function, done))
        await done

    def post_nowait(self, function: Work) -> None:
        """Queue ``function`` as one item of the mailbox at once, even when the mailbox is
        full (the caller bounds what it posts); a failure fails the session, as a
        handler's does."""
        self._append(_Work(function, None))

    def ask_render(self) -> None:
        """State changed: render. Outside an item, as an item of its own; while an item
        runs, once its handler has been suspended for ``BUSY_RENDER_DELAY``; the item's
        own pass follows anyway."""
        if self.busy:
            self._asked_while_busy = True
            if self._may_suspend:
                self._arm_busy_render()
            return
        if not self._render_asked:
            self._render_asked = True
            self._append(_RENDER)

    def _arm_busy_render(self) -> None:
        if self._busy_render is None and self.while_busy is not None:
            loop = asyncio.get_running_loop()
            self._busy_render = loop.call_later(BUSY_RENDER_DELAY, self._render_while_busy)

    def _render_while_busy(self) -> None:
        self._busy_render = None
        if self.busy and self.while_busy is not None:
            self.while_busy()

    def begin(self, *, may_suspend: bool = True) -> None:
        """An item starts. One that cannot be suspended (a synchronous PubSub handler or
        callback, until :meth:`may_suspend`) arms no timer for the renders it asks for:
        its own pass renders them."""
        self.busy = True
        self._may_suspend = may_suspend

    def may_suspend(self) -> None:
        """The item's handler is about to be awaited."""
        self._may_suspend = True
        if self._asked_while_busy:
            self._arm_busy_render()

    def end(self) -> None:
        """The item (and its pass) is done; what became dirty since gets a pass of its own."""
        self.busy = False
        if self._busy_render is not None:
            self._busy_render.cancel()
            self._busy_render = None
        if self._asked_while_busy:
            self._asked_while_busy = False
            if self.needs_render():
                self.ask_render()

    async def get(self) -> Any:
        """The next item (one task, the channel's, takes them)."""
        items = self._items
        while self._head == len(items):
            getter = self._getter = asyncio.get_running_loop().create_future()
            try:
                await getter
            finally:
                self._getter = None
        item = items[self._head]
        items[self._head] = None
        self._head += 1
        if self._head == len(items):
            items.clear()  # the usual case: empty again, its storage freed
            self._head = 0
        elif self._head >= 32 and self._head * 2 >= len(items):
            del items[: self._head]  # a long backlog: drop what was taken
            self._head = 0
        if self._putters and len(items) - self._head < EVENT_QUEUE_SIZE:
            self._wake_putter()
        if item is _RENDER:
            self._render_asked = False
        return item


async def run_channel(
    ember: Ember, mounted: Mount, session: LiveSession, websocket: WebSocket
) -> Handover | None:
    """Serve ``session`` over ``websocket`` until either side closes it, or until the
    browser navigates to another view (returned: the socket stays open for it)."""
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
            telemetry.emit(
                "ember.live.send",
                0.0,
                session=session.id,
                view=mounted.path,
                kind=message.get("type", ""),
                bytes=len(data),
            )

    close: tuple[int, str] = (CloseCode.NORMAL, "")
    # The first failure is kept here as well as raised: a teardown that awaits inside the
    # cancelled session (a view's unmount, an effect's stop) can replace the raised error
    # with a cancellation, and the socket then closed as if all went well (1000).
    failures: list[BaseException] = []
    await _load_snapshot(ember, session)
    session._saved_snapshot = _digest(session._snapshot.encode())
    mailbox = Mailbox()
    telemetry.emit("ember.live.session", session=session.id, view=mounted.path, event="connected")
    try:
        async with (
            anyio.create_task_group() as group,
            _Workers(group.cancel_scope, failures) as tasks,
        ):
            session._attach(tasks.start, send)
            session._mailbox, session._post = mailbox.run, mailbox.post_nowait
            with ember.watchdog.activity(f"session {session.id} view {mounted.path} mount"):
                root = await ember._root(mounted, session)
            connection = Connection(
                scope=session.scope,
                location=Location(
                    path=session.location.path, query_string=session.location.query_string
                ),
                carrier=websocket,
            )
            context = f"session {session.id}, view {mounted.path}"
            engine = Engine(
                ConnectionContext(root, value=connection),
                context=context,
                on_dirty=mailbox.ask_render,
            )
            try:
                async with _Workers(group.cancel_scope, failures) as workers:
                    await send({"type": "layout-update", "path": "", "model": engine.mount()})
                    workers.start(
                        _process(ember, mounted, session, engine, mailbox, send),
                        f"ember channel {session.id}",
                    )
                    await _read(ember, websocket, mailbox)
                    group.cancel_scope.cancel()
            finally:
                with anyio.CancelScope(shield=True):
                    await engine.close()
    except Exception as error:  # task groups raise groups; find out what failed
        failures.append(error)
    finally:
        if failures:
            close = _close_for(failures[0], session, mounted)
        deadline.close()
        session._mailbox = session._post = None
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
            from ._navigation import handover_in  # live navigation: the socket goes on

            handover = handover_in(failures)
            if handover is None and websocket.client_state is WebSocketState.CONNECTED:
                with contextlib.suppress(RuntimeError, WebSocketDisconnect, OSError):
                    await websocket.close(code=close[0], reason=close[1][:120])
    return handover


async def _process(
    ember: Ember,
    mounted: Mount,
    session: LiveSession,
    engine: Engine,
    mailbox: Mailbox,
    send: Callable[[dict[str, Any]], Awaitable[None]],
) -> None:
    """The channel's loop: one item, one render pass, one patch message."""
    outbox = _Outbox(send)

    def render_while_busy() -> None:
        ops = engine.render()
        if ops:
            outbox.push({"type": "ember-patch", "ops": ops})

    mailbox.while_busy = render_while_busy
    mailbox.needs_render = engine.needs_render
    send = outbox.send
    # Renders the first one set off (effects that set state, an error boundary) come first;
    # events the client queued while offline are then handled against the restored state.
    await _flush(ember, session, engine, send)
    while True:
        item = await mailbox.get()
        mailbox.begin(may_suspend=not isinstance(item, _Work))
        try:
            if isinstance(item, LayoutEvent):
                await _handle_event(ember, mounted, session, engine, item)
            elif isinstance(item, _Work):
                await _run_work(item, mailbox)
            elif isinstance(item, Ping):
                await send({"type": "ember-pong", "id": item.id})
            elif isinstance(item, ViewRequest):
                from ._navigation import Handover  # this view ends; ember.live.server._navigation

                raise Handover(item)
            elif isinstance(item, LocationChange):
                await session._browser_moved(PageLocation(item.path, item.query_string))
            await _flush(ember, session, engine, send)
            if isinstance(item, LayoutEvent) and item.seq is not None:
                # Protocol 4: the event and the renders it caused are in (loading ends).
                await send({"type": "ember-ack", "seq": item.seq})
        finally:
            mailbox.end()


class _Outbox:
    """Messages in the order they were made: a render made while a handler is suspended
    goes out from a task of its own, and the item's own messages wait behind it."""

    def __init__(self, send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        self._send = send
        self._pending: list[dict[str, Any]] = []
        self._writer: asyncio.Task[None] | None = None

    def push(self, message: dict[str, Any]) -> None:
        self._pending.append(message)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        while self._pending:
            await self._send(self._pending.pop(0))

    async def send(self, message: dict[str, Any]) -> None:
        writer = self._writer
        if writer is not None:
            self._writer = None
            await writer
        if self._pending:
            await self._drain()
        await self._send(message)


async def _run_work(item: _Work, mailbox: Mailbox) -> None:
    done = item.done
    try:
        outcome = item.function()
        if outcome is not None:
            mailbox.may_suspend()
            await outcome
    except BaseException:
        if done is not None:
            done.cancel()  # the session fails; whoever waits for it goes with it
        raise
    if done is not None and not done.done():
        done.set_result(None)


async def _flush(
    ember: Ember,
    session: LiveSession,
    engine: Engine,
    send: Callable[[dict[str, Any]], Awaitable[None]],
) -> None:
    ops = engine.render()
    if ops:
        await send({"type": "ember-patch", "ops": ops})
    await _flush_snapshot(ember, session)


async def _handle_event(
    ember: Ember, mounted: Mount, session: LiveSession, engine: Engine, frame: LayoutEvent
) -> None:
    handler = engine.handler_for(frame.target)
    if handler is None:
        # Stale (the element is gone) or forged: either way nothing runs.
        logger.info(
            "Ignored an event for %r in session %s: the current render has no such handler",
            frame.target[:80],
            session.id,
        )
        return
    if frame.seq is not None:
        engine.record_event_seq(frame.target, frame.seq)
    try:
        name = f"session {session.id} view {mounted.path} handler {frame.target}"
        with ember.watchdog.activity(name):
            if telemetry.active:
                with telemetry.span(
                    "ember.live.handle_event",
                    session=session.id,
                    view=mounted.path,
                    target=frame.target,
                ):
                    await call_handler(handler, frame.data)
            else:
                await call_handler(handler, frame.data)
    except Exception as error:
        logger.exception(
            "Handler %s failed in session %s (view %s); the session closes and the client remounts",
            frame.target,
            session.id,
            mounted.path,
        )
        report_error(
            error, kind="handler", session=session.id, view=mounted.path, target=frame.target
        )
        raise _SessionFailed(
            CloseCode.INTERNAL_ERROR, "A handler failed; the view will remount."
        ) from None


async def first_paint_model(root: Component, *, context: str = "") -> dict[str, Any]:
    """Render ``root`` with the engine for the server-rendered first paint; return its model.

    State set while rendering or by effects (an error boundary catching a child, say) is
    rendered too, so the page shows where the first renders settle; then everything is
    unmounted (effects cleaned up).
    """
    engine = Engine(root, context=context)
    try:
        model = engine.mount()
        await asyncio.sleep(0)  # async effects start
        if engine.needs_render():
            model = copy.deepcopy(model)  # the engine lets go of stream rows once sent
            for _ in range(FIRST_PAINT_RERENDERS):
                apply_ops(model, engine.render())
                await asyncio.sleep(0)
                if not engine.needs_render():
                    break
        return model
    finally:
        await engine.close()
