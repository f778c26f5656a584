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
import types
from collections import deque
from collections.abc import Awaitable, Callable
from time import perf_counter
from typing import TYPE_CHECKING, Any

import anyio
import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from .._errors import drop_tracebacks
from ..engine._engine import Engine
from ..engine._patch import apply_ops
from ..engine._reactpy import (
    BaseEventHandler,
    Component,
    Connection,
    ConnectionContext,
    Location,
    call_handler,
    is_lambda_handler,
    run_lambda_handler,
)
from ..ops._reporting import report_error
from ..ops._telemetry import telemetry
from ._adoption import FirstPaint, release_first_paint
from ._children import attach_tab
from ._eager import Starter, run_eagerly
from ._limits import SendDeadline
from ._protocol import ClientMessage, CloseCode, LayoutEvent, LocationChange, Ping, ViewRequest
from ._runner import (
    EVENT_QUEUE_SIZE,
    Interrupt,
    _close_for,
    _flush_snapshot,
    _load_snapshot,
    _read,
    _SessionFailed,
    _Workers,
)
from ._session import LiveSession, PageLocation
from ._shield import resume, shielded
from ._socket import asgi_callables

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


def _never() -> bool:
    return False


BUSY_RENDER_DELAY = 0.005
"""How long a render asked for while an item runs waits: a handler that returns by then is
rendered by its item's own pass (one message, no extra task); one still suspended shows
what it has set so far (a form's "saving")."""


class Mailbox:
    """The session's one queue. Frames wait for room (a flood slows only its own socket);
    render requests are coalesced and never wait; PubSub messages are posted without
    waiting (each subscription bounds its own backlog, see ``LiveSession.subscribe``).

    One item runs at a time, whoever runs it: the mailbox's task takes queued items
    (:meth:`get`), and the reader runs a frame itself when the mailbox is idle and empty
    (:meth:`claim`), which spares a click the queue and a task switch. An item queued
    while the reader runs one waits for it (:meth:`end` hands the mailbox over).

    A list read from ``_head`` and a future only while someone waits: an
    ``asyncio.Queue`` is four deques and an ``Event`` (3 KiB), a deque alone 760 bytes, and
    every session holds its mailbox for its whole life, nearly always empty.
    """

    __slots__ = (
        "_asked_while_busy",
        "_busy_render",
        "_getter",
        "_handover",
        "_head",
        "_items",
        "_putters",
        "_render_asked",
        "_serve",
        "busy",
        "needs_render",
        "quick",
        "run_now",
        "while_busy",
    )

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._head = 0  # items before it were taken
        self._getter: asyncio.Future[None] | None = None  # the channel, waiting for an item
        self._putters: list[asyncio.Future[None]] = []  # senders waiting for room
        self.busy = False
        self.quick = False
        """The running item cannot suspend (a lambda handler, a ping, a synchronous PubSub
        callback until :meth:`may_suspend`): a render asked for while it runs waits for its
        own pass, with no timer."""
        self._handover: asyncio.Future[None] | None = None
        self._render_asked = False
        self._asked_while_busy = False
        self._busy_render: asyncio.TimerHandle | None = None
        self.while_busy: Callable[[], None] | None = None
        self.needs_render: Callable[[], bool] = _never
        self._serve: Callable[[], None] | None = None  # starts the task that takes items
        self.run_now: Callable[[Work], bool] | None = None
        """Runs posted work at once, on the poster's stack, when the mailbox is idle and
        empty (the channel's :meth:`_Channel.work_now`); False when it cannot."""

    def close(self) -> None:
        """The session ended: drop the queued items and the channel's callbacks (they
        refer to the channel and the engine, which refer to this mailbox)."""
        if self._busy_render is not None:
            self._busy_render.cancel()
            self._busy_render = None
        self._items.clear()
        self._head = 0
        self.while_busy = None
        self.needs_render = _never
        self._serve = None
        self.run_now = None

    def _append(self, item: Any) -> None:
        self._items.append(item)
        getter = self._getter
        if getter is not None:
            if not getter.done():
                getter.set_result(None)
        elif self._serve is not None:
            start, self._serve = self._serve, None
            start()

    def serve_with(self, start: Callable[[], None]) -> None:
        """Have ``start`` start the task that takes queued items (:meth:`get`) once the
        first item is queued, or now if one is. Until then the session has no such task:
        the reader runs what it can itself, and an idle session keeps no task, frame and
        registry entries for its mailbox (about 1 KiB)."""
        if self._waiting():
            start()
        else:
            self._serve = start

    def _waiting(self) -> int:
        return len(self._items) - self._head

    async def _room(self) -> None:
        """Wait until the mailbox holds fewer than ``EVENT_QUEUE_SIZE`` items."""
        while self._waiting() >= EVENT_QUEUE_SIZE:
            putter = asyncio.get_running_loop().create_future()
            self._putters.append(putter)
            try:
                await putter
            except BaseException:
                putter.cancel()
                with contextlib.suppress(ValueError):
                    self._putters.remove(putter)
                if self._waiting() < EVENT_QUEUE_SIZE and not putter.cancelled():
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
        handler's does. With the mailbox idle and empty it runs here and now (a PubSub
        broadcast renders every idle subscriber in its own loop, with no task switch)."""
        run_now = self.run_now
        if run_now is None or self.busy or self._head != len(self._items) or not run_now(function):
            self._append(_Work(function, None))

    def drain(self) -> list[Any]:
        """Take what is still queued (a nested view that failed answers its pings)."""
        items = self._items[self._head :]
        self._items.clear()
        self._head = 0
        return items

    def ask_render(self) -> None:
        """State changed: render. Outside an item, as an item of its own; while an item
        runs, once its handler has been suspended for ``BUSY_RENDER_DELAY``; the item's
        own pass follows anyway."""
        if self.busy:
            self._asked_while_busy = True
            if not self.quick:
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

    def may_suspend(self) -> None:
        """The running item's handler is about to be awaited: renders it asks for from now
        on go out while it is suspended."""
        self.quick = False
        if self._asked_while_busy:
            self._arm_busy_render()

    def claim(self) -> bool:
        """Take the mailbox for an item the caller runs at once; False while an item runs
        or items wait (the caller queues its item instead)."""
        if self.busy or self._head != len(self._items):  # _waiting(), without its call
            return False
        self.busy = True
        return True

    async def get(self) -> Any:
        """The next queued item, with the mailbox taken for it (one task, the channel's,
        takes them)."""
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
        if self._putters and self._waiting() < EVENT_QUEUE_SIZE:
            self._wake_putter()
        if self.busy:  # the reader runs a frame: this item is next
            handover = asyncio.get_running_loop().create_future()
            self._handover = handover
            await handover  # end() hands the mailbox over: still busy, now for this item
        else:
            self.busy = True
        if item is _RENDER:
            self._render_asked = False
        return item

    def end(self) -> None:
        """The item (and its pass) is done; what became dirty since gets a pass of its own
        (or the item waiting for the mailbox renders it)."""
        self.quick = False
        if self._busy_render is not None:
            self._busy_render.cancel()
            self._busy_render = None
        asked, self._asked_while_busy = self._asked_while_busy, False
        handover, self._handover = self._handover, None
        if handover is not None and not handover.done():
            handover.set_result(None)
            return
        self.busy = False
        if asked and self.needs_render():
            self.ask_render()


class _Turns:
    """Whose turn it is to write to the socket, first come first served; taking a free
    turn costs a flag (an ``asyncio.Lock`` costs three coroutine calls per message), and
    the queue of waiters exists only once two sends meet (a session lives long and idle)."""

    __slots__ = ("_held", "_waiters")

    def __init__(self) -> None:
        self._held = False
        self._waiters: deque[asyncio.Future[None]] | None = None

    def take_now(self) -> bool:
        if self._held:
            return False
        self._held = True
        return True

    async def take(self) -> None:
        if self.take_now():
            return
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = deque()
        self._waiters.append(waiter)
        try:
            await waiter  # give() hands the turn over: _held stays True
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.give()  # handed over, but cancelled before it ran: pass it on
            raise

    def give(self) -> None:
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._held = False


async def run_channel(
    ember: Ember,
    mounted: Mount,
    session: LiveSession,
    websocket: WebSocket,
    adopted: FirstPaint | None = None,
) -> Handover | None:
    """Serve ``session`` over ``websocket`` until either side closes it, or until the
    browser navigates to another view (returned: the socket stays open for it).

    ``adopted``: the page's first paint, kept by this worker (``session`` is its session):
    the socket takes it over instead of mounting the view again.
    """
    # The first failure is kept here as well as raised: a teardown that awaits inside the
    # cancelled session (a view's unmount, an effect's stop) can replace the raised error
    # with a cancellation, and the socket then closed as if all went well (1000).
    failures: list[BaseException] = []
    receive, asgi_send = asgi_callables(websocket)
    sender = _Sender(ember, mounted, session, asgi_send, failures)
    send = sender.send  # one bound method for all who send (the session, the tab, the channel)
    close: tuple[int, str] = (CloseCode.NORMAL, "")
    await _load_snapshot(ember, session)
    if adopted is not None and session.restored is not None:
        # A snapshot of this session exists (its socket ran elsewhere first): it wins.
        await release_first_paint(adopted)
        adopted = None
    mailbox = Mailbox()
    telemetry.emit("ember.live.session", session=session.id, view=mounted.path, event="connected")
    # Cancels the waits below (the mount, the first sends, the reader) on a failure or when
    # the client takes no updates; never the teardown, after ``disarm``. An idle session
    # keeps it for its whole life: about 60 bytes, an anyio cancel scope 0.8 KiB.
    interrupt = Interrupt()
    sender.scope = interrupt
    try:
        with interrupt:
            async with _Workers(interrupt, failures) as tasks:
                try:
                    session._attach(tasks.start, send)
                    session._mailbox, session._post = mailbox.run, mailbox.post_nowait
                    tab = attach_tab(ember, websocket, session, send)  # nested views (_children)
                    connection = Connection(
                        scope=session.scope,
                        location=Location(
                            path=session.location.path, query_string=session.location.query_string
                        ),
                        carrier=websocket,
                    )
                    adopted_model: dict[str, Any] | None = None
                    if adopted is None:
                        activity = ember.watchdog.begin_lazy(
                            "session %s view %s mount", session.id, mounted.path
                        )
                        with activity:
                            root = await ember._root(mounted, session)
                        context = f"session {session.id}, view {mounted.path}"
                        engine = Engine(
                            ConnectionContext(root, value=connection),
                            context=context,
                            on_dirty=mailbox.ask_render,
                        )
                    else:
                        activity = ember.watchdog.begin_lazy(
                            "session %s view %s adopt", session.id, mounted.path
                        )
                        with activity:
                            await ember._connect_root(mounted, session, adopted)
                            engine, adopted = adopted.engine, None  # closed below from now on
                            # The first paint's connection context now gives the socket's.
                            engine.provided(ConnectionContext).value = connection
                            engine.adopt(mailbox.ask_render)
                        adopted_model = engine.model
                    try:
                        async with _Workers(interrupt, failures) as workers:
                            try:
                                model = engine.mount() if adopted_model is None else adopted_model
                                await send({"type": "layout-update", "path": "", "model": model})
                                channel = _Channel(ember, mounted, session, engine, mailbox, send)
                                # Renders the first one set off (effects that set state, an error
                                # boundary) come first; events the client queued while offline are
                                # then handled against the restored state.
                                mailbox.claim()
                                try:
                                    await channel.flush()
                                finally:
                                    mailbox.end()
                                tab.settle()  # sticky children this view did not render stop
                                mailbox.serve_with(
                                    lambda: workers.start(
                                        channel.serve(), f"ember channel {session.id}"
                                    )
                                )
                                channel.start = workers.start
                                mailbox.run_now = channel.work_now
                                await _read(ember, websocket, receive, tab.inbox(channel))
                            finally:
                                interrupt.disarm()  # the workers' and engine's teardown
                    finally:
                        session._ending = True
                        await shielded(engine.close())
                finally:
                    interrupt.disarm()
    except Exception as error:  # a failure of the reader, a task or the mount
        failures.append(error)
    finally:
        if adopted is not None:  # failed before the engine was taken over
            with anyio.CancelScope(shield=True):
                await release_first_paint(adopted)
        if failures:
            close = _close_for(failures[0], session, mounted)
        sender.deadline.close()
        session._mailbox = session._post = None
        mailbox.close()
        # The teardown is shielded from cancellation, with no cancel scope for what has
        # nothing to wait for (a session's end made eight, about 2 µs each).
        if session._snapshot_dirty:  # the last change before the socket closed
            with anyio.CancelScope(shield=True), anyio.move_on_after(2):
                await _flush_snapshot(ember, session)
        await session._close()  # shielded within, when it has cleanups to run
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
            with (
                anyio.CancelScope(shield=True),
                contextlib.suppress(RuntimeError, WebSocketDisconnect, OSError),
            ):
                await websocket.close(code=close[0], reason=close[1][:120])
        for failure in failures:  # logged: their frames hold this one, which holds them
            drop_tracebacks(failure)
    return handover


class _Sender:
    """The session's way out: one message at a time (``_Turns``), each within the send
    deadline. An object with slots rather than closures: an idle session keeps it for its
    whole life, and closures keep a cell per name they use."""

    __slots__ = ("asgi_send", "deadline", "failures", "mounted", "scope", "session", "turns")

    def __init__(
        self,
        ember: Ember,
        mounted: Mount,
        session: LiveSession,
        asgi_send: Callable[[dict[str, Any]], Awaitable[None]],
        failures: list[BaseException],
    ) -> None:
        self.mounted = mounted
        self.session = session
        self.asgi_send = asgi_send
        self.failures = failures
        self.turns = _Turns()
        self.deadline = SendDeadline(ember.settings.send_timeout_seconds, self.too_slow)
        self.scope: Interrupt | None = None  # the session's, once open

    def too_slow(self) -> None:
        reason = f"The client took none of its updates for {self.deadline.seconds:g} s."
        session, mounted = self.session, self.mounted
        logger.warning("Closing session %s of %s: %s", session.id, mounted.path, reason)
        self.failures.append(_SessionFailed(CloseCode.SLOW_CLIENT, reason))
        if self.scope is not None:  # the send that waits is cancelled with the session
            self.scope.cancel()

    async def send(self, message: dict[str, Any]) -> None:
        data = orjson.dumps(message).decode()
        turns = self.turns
        # The turn's flag is read and set here (take_now and give, without their calls):
        # every message of every session comes this way, and most find the turn free.
        if turns._held:
            await turns.take()
        else:
            turns._held = True
        try:
            # The send is stepped once here: a socket that takes the frame at once (the
            # usual case) finishes it without suspending, and a send that cannot be
            # cancelled meanwhile needs no deadline (the sweeper runs only while it waits).
            sending = self.asgi_send({"type": "websocket.send", "text": data})
            if type(sending) is types.CoroutineType:
                try:
                    waits_for = sending.send(None)
                except StopIteration:
                    pass
                else:
                    await self._wait(resume(sending, waits_for))
            else:  # another kind of awaitable: awaited whole, within the deadline
                await self._wait(sending)
        except OSError:
            # The server's ClientDisconnected: the client left (a reload, a closed tab)
            # while its update was on the way. The session ends; nothing failed.
            raise _SessionFailed(CloseCode.GOING_AWAY, "The client left.") from None
        finally:
            if turns._waiters:
                turns.give()
            else:
                turns._held = False
        if telemetry._handlers and telemetry.active:
            telemetry.emit(
                "ember.live.send",
                0.0,
                session=self.session.id,
                view=self.mounted.path,
                kind=message.get("type", ""),
                bytes=len(data),
            )

    async def _wait(self, sending: Awaitable[None]) -> None:
        """The rest of a send that suspended, within the send deadline."""
        deadline = self.deadline
        deadline.begin()
        try:
            await sending
        except asyncio.CancelledError:
            if not deadline.expired:
                raise
            reason = f"The client took none of its updates for {deadline.seconds:g} s."
            raise _SessionFailed(CloseCode.SLOW_CLIENT, reason) from None
        finally:
            deadline.end()


class _Channel:
    """Runs the session's items, one at a time: one item, one render pass, one patch
    message. The mailbox's task runs queued items (:meth:`serve`); the reader hands every
    frame to :meth:`deliver`, which runs it at once when the mailbox is idle and the frame
    cannot suspend (a ping, an event for a lambda), and queues it otherwise: a handler
    that awaits runs in the mailbox's task, so the reader goes on watching the socket (a
    disconnect ends the session without waiting for the handler)."""

    __slots__ = ("ember", "engine", "mailbox", "mounted", "outbox", "send", "session", "start")

    def __init__(
        self,
        ember: Ember,
        mounted: Mount,
        session: LiveSession,
        engine: Engine,
        mailbox: Mailbox,
        send: Callable[[dict[str, Any]], Awaitable[None]],
    ) -> None:
        self.ember = ember
        self.mounted = mounted
        self.session = session
        self.engine = engine
        self.mailbox = mailbox
        self.outbox = _Outbox(send)
        self.send = self.outbox.send
        self.start: Starter | None = None  # the session's task starter, once it serves
        mailbox.while_busy = self._render_while_busy
        mailbox.needs_render = engine.needs_render

    def _render_while_busy(self) -> None:
        ops = self.engine.render()
        if ops:
            self.outbox.push({"type": "ember-patch", "ops": ops})

    async def deliver(self, frame: ClientMessage) -> None:
        """A frame from the reader: run it now if it may, else queue it."""
        mailbox = self.mailbox
        if type(frame) is LayoutEvent:
            handler = self.engine.handler_for(frame.target)
            # An event for a lambda (or for no handler) cannot suspend: with the mailbox
            # idle it runs here, and its render pass and patch follow at once. A control
            # message made by an earlier item goes out from a task of its own: a frame run
            # at once would overtake it.
            if (
                (handler is None or is_lambda_handler(handler))
                and not self.session._controls_pending
                and mailbox.claim()
            ):
                mailbox.quick = True
                try:
                    self._event_now(frame, handler)
                    await self.flush(frame.seq)
                finally:
                    mailbox.end()
                return
        elif (
            type(frame) is Ping and not self.session._controls_pending and mailbox.claim()
        ):  # a pong before the navigation it follows would mislead the client
            mailbox.quick = True
            try:
                await self.run(frame)
            finally:
                mailbox.end()
            return
        await mailbox.put(frame)

    def _event_now(self, frame: LayoutEvent, handler: BaseEventHandler | None) -> None:
        """Run the event for a lambda ``handler`` (or for none: it is ignored)."""
        if handler is None:
            _ignore(frame, self.session)
            return
        session, mounted = self.session, self.mounted
        if frame.seq is not None:
            self.engine.record_event_seq(frame.target, frame.seq)
        activity = self.ember.watchdog.begin_lazy(
            _HANDLER_ACTIVITY, session.id, mounted.path, frame.target
        )
        try:
            if telemetry._handlers and telemetry.active:
                with telemetry.span(
                    "ember.live.handle_event",
                    session=session.id,
                    view=mounted.path,
                    target=frame.target,
                ):
                    run_lambda_handler(handler, frame.data)
            else:
                run_lambda_handler(handler, frame.data)
        except Exception as error:
            raise _handler_failed(error, frame, session, mounted) from None
        finally:
            activity.ended = perf_counter()

    def work_now(self, function: Work) -> bool:
        """Posted work (a PubSub message) with the mailbox idle and empty: run it, render
        and send, here on the poster's stack (a broadcast serves every idle subscriber in
        its own loop, with no task switch each). False (the caller queues it) while a
        control message is on its way, which the patch must not overtake.

        Only ember's own code runs on the poster's stack: an awaitable the work returns
        (an async handler), a snapshot to save and a send the socket cannot take yet go
        on in a task of the session's, since what they await may belong to the task that
        awaits it (``asyncio.timeout``, anyio's cancel scopes). A failure fails this
        session only, as in :meth:`serve`: the poster (the fan-out to every other
        session) goes on."""
        start, mailbox = self.start, self.mailbox
        if start is None or self.session._controls_pending or not mailbox.claim():
            return False
        mailbox.quick = True  # synchronous until it returns an awaitable
        try:
            outcome = function()
        except Exception as error:
            mailbox.end()
            start(_raise(error), "ember channel work failed")
            return True
        if outcome is not None:
            start(self._await_and_flush(outcome), "ember channel work")
        elif self.session._snapshot_dirty:
            start(self._flush_and_end(), "ember channel work")
        else:
            try:  # the pass ends the item, whether it raises or not (_flush_and_end)
                run_eagerly(self._flush_and_end(eager=True), start, "ember channel work")
            except Exception as error:
                start(_raise(error), "ember channel work failed")
        return True

    async def _await_and_flush(self, outcome: Awaitable[None]) -> None:
        try:
            self.mailbox.may_suspend()
            await outcome
            await self.flush()
        finally:
            self.mailbox.end()

    async def _flush_and_end(self, *, eager: bool = False) -> None:
        """The item's pass; ``eager``: it may run on the poster's stack, so a snapshot the
        render changed is saved from a task of the session's, which then ends the item."""
        saving = False
        try:
            await self.flush(save=not eager)
            if eager and self.session._snapshot_dirty and self.start is not None:
                self.start(self._save_and_end(), "ember channel snapshot")
                saving = True
        finally:
            if not saving:
                self.mailbox.end()

    async def _save_and_end(self) -> None:
        try:
            await _flush_snapshot(self.ember, self.session)
        finally:
            self.mailbox.end()

    async def serve(self) -> None:
        """The mailbox's task: each queued item in turn."""
        mailbox = self.mailbox
        while True:
            item = await mailbox.get()
            # Work (a PubSub message, a timer) is synchronous until it returns an awaitable.
            mailbox.quick = isinstance(item, _Work)
            try:
                await self.run(item)
            finally:
                mailbox.end()

    async def run(self, item: Any, handler: BaseEventHandler | None = None) -> None:
        """One item and its render pass (the caller holds the mailbox); ``handler`` is an
        event's, when the caller has looked it up."""
        ember, session, engine, send = self.ember, self.session, self.engine, self.send
        if isinstance(item, LayoutEvent):
            if handler is None:
                handler = engine.handler_for(item.target)
            if handler is None or is_lambda_handler(handler):
                self.mailbox.quick = True
                self._event_now(item, handler)
            else:
                await _handle_event(ember, self.mounted, session, engine, item, handler)
        elif isinstance(item, _Work):
            await _run_work(item, self.mailbox)
        elif isinstance(item, Ping):
            await send({"type": "ember-pong", "id": item.id})
        elif isinstance(item, ViewRequest):
            from ._navigation import Handover  # this view ends; ember.live.server._navigation

            raise Handover(item)
        elif isinstance(item, LocationChange):
            await session._browser_moved(PageLocation(item.path, item.query_string))
        if isinstance(item, LayoutEvent) and item.seq is not None:
            await self.flush(item.seq)
        else:
            await self.flush()

    async def flush(self, ack: int | None = None, *, save: bool = True) -> None:
        """Render what is dirty and send it; ``ack``: the event whose renders these are;
        ``save``: then save the session's snapshot if it changed (else the caller does).

        Protocol 4 acks an event once it and the renders it caused are in (loading ends):
        in the patch that carries them (``"ack"``, one message per click), or in an
        ``ember-ack`` of its own when the event changed nothing.
        """
        ops = self.engine.render()
        outbox = self.outbox
        # With nothing made while the item ran still on its way, straight to the socket.
        send = self.send if outbox._writer is not None or outbox._pending else outbox.direct
        if ops:
            if ack:  # the client reads a patch's ack when it is truthy: seq 0 goes alone
                await send({"type": "ember-patch", "ops": ops, "ack": ack})
                ack = None
            else:
                await send({"type": "ember-patch", "ops": ops})
        if ack is not None:
            await send({"type": "ember-ack", "seq": ack})
        if save and self.session._snapshot_dirty:
            await _flush_snapshot(self.ember, self.session)


class _Outbox:
    """Messages in the order they were made: a render made while a handler is suspended
    goes out from a task of its own, and the item's own messages wait behind it."""

    __slots__ = ("_pending", "_send", "_writer", "direct")

    def __init__(self, send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        self._send = self.direct = send
        self._pending: list[dict[str, Any]] = []
        self._writer: asyncio.Task[None] | None = None

    @property
    def busy(self) -> bool:
        """Messages pushed earlier are still to go (``send`` waits for them)."""
        return self._writer is not None or bool(self._pending)

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


async def _raise(error: BaseException) -> None:
    raise error  # in a task of the session's: it fails the session (``_Workers``)


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


_HANDLER_ACTIVITY = "session %s view %s handler %s"


def _ignore(frame: LayoutEvent, session: LiveSession) -> None:
    # Stale (the element is gone) or forged: either way nothing runs.
    logger.info(
        "Ignored an event for %r in session %s: the current render has no such handler",
        frame.target[:80],
        session.id,
    )


def _handler_failed(
    error: Exception, frame: LayoutEvent, session: LiveSession, mounted: Mount
) -> _SessionFailed:
    logger.error(
        "Handler %s failed in session %s (view %s); the session closes and the client remounts",
        frame.target,
        session.id,
        mounted.path,
        exc_info=error,
    )
    report_error(error, kind="handler", session=session.id, view=mounted.path, target=frame.target)
    return _SessionFailed(CloseCode.INTERNAL_ERROR, "A handler failed; the view will remount.")


async def _handle_event(
    ember: Ember,
    mounted: Mount,
    session: LiveSession,
    engine: Engine,
    frame: LayoutEvent,
    handler: BaseEventHandler,
) -> None:
    """Run the event for a handler that may suspend (async, or a blocking ``def`` run in a
    worker thread); a lambda's runs at once (``_Channel._event_now``)."""
    if frame.seq is not None:
        engine.record_event_seq(frame.target, frame.seq)
    activity = ember.watchdog.begin_lazy(_HANDLER_ACTIVITY, session.id, mounted.path, frame.target)
    try:
        if telemetry._handlers and telemetry.active:
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
        raise _handler_failed(error, frame, session, mounted) from None
    finally:
        activity.ended = perf_counter()


async def first_paint_model(root: Component, *, context: str = "") -> dict[str, Any]:
    """Render ``root`` with the engine for the server-rendered first paint; return its model.

    State set while rendering or by effects (an error boundary catching a child, say) is
    rendered too, so the page shows where the first renders settle; then everything is
    unmounted (effects cleaned up).
    """
    model, _ = await first_paint(root, context=context, keep=False)
    return model


async def first_paint(
    root: Component, *, context: str = "", keep: bool
) -> tuple[dict[str, Any], Engine | None]:
    """:func:`first_paint_model`, and with ``keep`` the engine still mounted, for the
    page's websocket to adopt (``ember.live.server._adoption``); None when it cannot be
    kept (it holds a stream, whose rows leave the engine's model once sent)."""
    engine = Engine(root, context=context)
    kept: Engine | None = None
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
        if keep and not engine.holds_streams and not engine.needs_render():
            kept = engine
        return model, kept
    finally:
        if kept is None:
            await engine.close()
