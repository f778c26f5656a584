"""First paints kept for their websocket: one mount per page.

The page's GET mounts the view and renders its first paint. Instead of throwing that away
and mounting again when the page's websocket arrives, the worker keeps the mounted session
(engine, ``LiveSession``, the ``LiveView`` instance) for a short window, keyed by the
session id the page's signed token carries. The websocket that presents that token to the
same worker within the window adopts it (``ember.live.server._channel``): the session turns
connected, the connected part runs (``on_mount`` hooks, ``LiveView.handle_connect``, hook
effects that wait for ``session.connected``) and the engine re-renders what it already
holds, with no second mount. Any other case (another worker, an expired window, a recovery
snapshot, a reconnect, a second socket with the same token) mounts afresh as before.

A kept first paint is reachable only by its session id, which only the page's signed
token carries (``_admit`` verifies it, ``_serve_socket`` checks its identity), and it is
taken at most once. Pages fetched by clients that never open a socket (no JavaScript,
bots) cost their first paint for the window only: a timer lets each one go when its
window ends, and the count and the HTML bytes kept are bounded (the oldest goes first).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..api._view import LiveView
    from ..engine._engine import Engine
    from ._session import LiveSession

logger = logging.getLogger("ember.live")


@dataclass(eq=False, slots=True)
class FirstPaint:
    """One mounted first paint, waiting for its websocket."""

    session: LiveSession
    engine: Engine
    view: LiveView | None
    """The ``LiveView`` instance (None for a hook component)."""
    size: int
    """The HTML bytes of the page (what the memory bound counts)."""
    loop: asyncio.AbstractEventLoop
    expires: float = field(default=0.0, repr=False)
    """When its window ends, in ``loop.time()``."""


class FirstPaints:
    """The first paints one worker keeps, by session id, for ``seconds`` each.

    They are kept in the order they came, which is the order their windows end (one
    window for all): one timer, for the oldest, lets the expired ones go, so a page
    costs no timer of its own and taking one costs a dict pop.

    Args:
        seconds: the adoption window (0 keeps nothing).
        max_count: how many are kept at most.
        max_bytes: how much page HTML they hold together at most.
    """

    def __init__(self, seconds: float, *, max_count: int, max_bytes: int) -> None:
        self.seconds = seconds
        self.max_count = max_count
        self.max_bytes = max_bytes
        self._kept: OrderedDict[str, FirstPaint] = OrderedDict()
        self._bytes = 0
        self._timer: asyncio.TimerHandle | None = None
        self._closing: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._kept)

    @property
    def kept_bytes(self) -> int:
        """The HTML bytes of the first paints kept now."""
        return self._bytes

    @property
    def enabled(self) -> bool:
        return self.seconds > 0 and self.max_count > 0

    def keep(self, paint: FirstPaint) -> bool:
        """Keep ``paint`` for its websocket; False (the caller closes it) when it cannot be."""
        if not self.enabled or paint.size > self.max_bytes:
            return False
        now = paint.loop.time()
        self._let_expired_go(now)
        while self._kept and (
            len(self._kept) >= self.max_count or self._bytes + paint.size > self.max_bytes
        ):
            _, oldest = self._kept.popitem(last=False)
            self._let_go(oldest)
        paint.expires = now + self.seconds
        self._kept[paint.session.id] = paint
        self._bytes += paint.size
        if self._timer is None:
            self._timer = paint.loop.call_at(paint.expires, self._sweep)
        return True

    def take(self, session_id: str, mount_path: str) -> FirstPaint | None:
        """The first paint of ``session_id`` for the view at ``mount_path``, taken (a token is
        adopted at most once), or None. One whose window is over, or kept on another event
        loop (a test client's earlier loop: its engine belongs to that loop), is let go."""
        paint = self._kept.pop(session_id, None)
        if paint is None:
            return None
        self._bytes -= paint.size
        if (
            paint.session.mount_path != mount_path
            or paint.loop is not _running_loop()
            or paint.loop.time() >= paint.expires
        ):
            self._close_soon(paint)
            return None
        return paint

    def _sweep(self) -> None:
        self._timer = None
        if not self._kept:
            return
        oldest = next(iter(self._kept.values()))
        self._let_expired_go(oldest.loop.time())
        if self._kept:  # the next window to end
            oldest = next(iter(self._kept.values()))
            self._timer = oldest.loop.call_at(oldest.expires, self._sweep)

    def _let_expired_go(self, now: float) -> None:
        kept = self._kept
        while kept:
            oldest = next(iter(kept.values()))
            if oldest.expires > now:
                return
            kept.popitem(last=False)
            self._let_go(oldest)

    def _let_go(self, paint: FirstPaint) -> None:
        self._bytes -= paint.size
        self._close_soon(paint)

    def _close_soon(self, paint: FirstPaint) -> None:
        if paint.loop.is_closed():
            return  # its loop is gone, and its tasks with it: nothing left to stop
        if paint.loop is not _running_loop():
            paint.loop.call_soon_threadsafe(self._close_soon, paint)
            return
        task = paint.loop.create_task(close_first_paint(paint))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        """Let every kept first paint go (at shutdown) and wait until they are closed."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while self._kept:
            _, paint = self._kept.popitem(last=False)
            self._let_go(paint)
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)


async def close_first_paint(paint: FirstPaint) -> None:
    """Unmount a first paint no websocket adopted (effects cleaned up); never raises."""
    try:
        await paint.engine.close()
        await paint.session._close()
    except Exception:
        logger.exception("Closing the kept first paint of session %s failed", paint.session.id)


async def release_first_paint(paint: FirstPaint) -> None:
    """Unmount a first paint's engine but keep its session for a fresh mount (a recovery
    snapshot of the session turned up): what the first paint's renders registered on the
    session goes with the engine."""
    try:
        await paint.engine.close()
    except Exception:
        logger.exception("Closing the kept first paint of session %s failed", paint.session.id)
    session = paint.session
    session._listeners = session._location_callbacks = None
    session._deferred = None  # the first paint's tasks: the fresh mount starts its own


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
