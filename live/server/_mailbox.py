"""A live session's mailbox (a Phoenix channel process's message queue): browser frames,
PubSub messages, timers, finished async work and render requests wait here and are taken
one at a time by the session's channel (``_channel.py``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from ._protocol import ClientMessage
from ._runner import EVENT_QUEUE_SIZE

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
