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
from time import perf_counter
from typing import TYPE_CHECKING, Any

import anyio
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
from ._mailbox import Mailbox, Work, _run_work, _Work
from ._protocol import ClientMessage, CloseCode, LayoutEvent, LocationChange, Ping, ViewRequest
from ._runner import (
    Interrupt,
    _close_for,
    _flush_snapshot,
    _load_snapshot,
    _read,
    _SessionFailed,
    _Workers,
)
from ._sending import _Outbox, _Sender
from ._session import LiveSession, PageLocation
from ._shield import shielded
from ._socket import asgi_callables

if TYPE_CHECKING:
    from ._mount import Ember, Mount
    from ._navigation import Handover

logger = logging.getLogger("ember.live")

FIRST_PAINT_RERENDERS = 10


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


async def _raise(error: BaseException) -> None:
    raise error  # in a task of the session's: it fails the session (``_Workers``)


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
