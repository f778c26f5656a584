"""A live session's way out to its socket: one message at a time, each within the send
deadline, in the order the session made them."""

from __future__ import annotations

import asyncio
import logging
import types
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import orjson

from ..ops._telemetry import telemetry
from ._limits import SendDeadline
from ._protocol import CloseCode
from ._runner import Interrupt, _SessionFailed
from ._shield import resume

if TYPE_CHECKING:
    from ._mount import Ember, Mount
    from ._session import LiveSession

logger = logging.getLogger("ember.live")


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
