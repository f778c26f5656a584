"""The loop-lag watchdog: notices when something holds the event loop, and names it.

A ticker sleeps a short interval and measures how late it wakes. Handlers and renders
record what they are (session, view, handler) while they run; when the ticker wakes later
than the threshold, the watchdog logs the activities that overlapped the stall, and where
the loop's thread was while it was held: a sampler thread sees the ticker's heartbeat go
stale and takes the loop thread's stack then (an activity that merely awaited during
someone else's stall overlaps it too; the stack names the code that held the loop).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from types import FrameType

logger = logging.getLogger("ember.live.watchdog")


@dataclass(slots=True)
class _Activity:
    name: str
    started: float
    ended: float | None = None
    args: tuple[object, ...] = ()
    """``name`` is a %-template for these (formatted only when a stall names it)."""

    def label(self) -> str:
        return self.name % self.args if self.args else self.name

    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        self.ended = time.perf_counter()


@dataclass(frozen=True, slots=True)
class Stall:
    """One time the loop was held: how long, and what ran then."""

    lag_ms: float
    culprits: tuple[str, ...]
    stack: tuple[str, ...] = ()
    """Where the loop's thread was during the stall, innermost frame last (when sampled)."""
    gc_ms: float = 0.0
    """How much of the stall was the garbage collector (any thread, any generation)."""


class LoopWatchdog:
    """Measures event-loop lag and logs what held the loop past ``threshold_ms``."""

    def __init__(self, threshold_ms: float = 100.0, *, interval_ms: float = 20.0) -> None:
        self.threshold_ms = threshold_ms
        self.interval_s = interval_ms / 1000
        self.stalls: deque[Stall] = deque(maxlen=100)
        self._recent: deque[_Activity] = deque(maxlen=256)
        self._task: asyncio.Task[None] | None = None
        self._users = 0
        self._beat = 0.0  # when the ticker last ran (perf_counter), read by the sampler
        self._sample: tuple[float, tuple[str, ...]] = (0.0, ())  # (beat, stack) of a stall
        self._sampler: threading.Thread | None = None
        self._stop = threading.Event()
        self._collections: deque[tuple[float, float]] = deque(maxlen=64)  # (start, end)
        self._collecting = 0.0

    def activity(self, name: str) -> _Activity:
        """Mark code that runs on the loop, so a stall it causes is blamed on ``name``
        (``with watchdog.activity(name):``; the entry is its own context manager)."""
        return self.begin(name)

    def begin(self, name: str) -> _Activity:
        """:meth:`activity` without the context manager, for the per-event path: set the
        returned entry's ``ended`` (``time.perf_counter()``) when the code is done."""
        entry = _Activity(name, time.perf_counter())
        self._recent.append(entry)
        return entry

    def begin_lazy(self, template: str, *args: object) -> _Activity:
        """:meth:`begin` with the name as a %-template and its arguments, put together only
        if a stall names the activity (the per-event path builds no string)."""
        entry = _Activity(template, time.perf_counter(), None, args)
        self._recent.append(entry)
        return entry

    def acquire(self) -> None:
        """Start the ticker on the running loop if it is not running (reference counted)."""
        self._users += 1
        if self._task is None or self._task.done():
            self._beat = time.perf_counter()
            self._task = asyncio.get_running_loop().create_task(self._tick(), name="ember watchdog")
            self._stop = threading.Event()
            self._sampler = threading.Thread(
                target=self._watch,
                args=(threading.get_ident(), self._stop),
                name="ember watchdog sampler",
                daemon=True,
            )
            self._sampler.start()
            gc.callbacks.append(self._on_gc)

    def release(self) -> None:
        """Stop the ticker once its last user released it."""
        self._users -= 1
        if self._users <= 0 and self._task is not None:
            self._users = 0
            self._task.cancel()
            self._task = None
            self._stop.set()
            self._sampler = None
            if self._on_gc in gc.callbacks:
                gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._collecting = time.perf_counter()
        else:
            self._collections.append((self._collecting, time.perf_counter()))

    async def _tick(self) -> None:
        while True:
            before = self._beat = time.perf_counter()
            await asyncio.sleep(self.interval_s)
            woke = time.perf_counter()
            lag_ms = (woke - before - self.interval_s) * 1000
            if lag_ms >= self.threshold_ms:
                self._report(lag_ms, before, woke)

    def _watch(self, loop_thread: int, stop: threading.Event) -> None:
        """In the sampler thread: take the loop thread's stack once per stale heartbeat."""
        stale_after = self.interval_s + self.threshold_ms / 1000
        while not stop.wait(self.threshold_ms / 2000):
            beat = self._beat
            if time.perf_counter() - beat < stale_after or self._sample[0] == beat:
                continue
            frame = sys._current_frames().get(loop_thread)
            if frame is not None:
                self._sample = (beat, _where(frame))

    def _report(self, lag_ms: float, start: float, end: float) -> None:
        culprits = tuple(
            a.label()
            for a in self._recent
            if a.started <= end
            and (a.ended is None or a.ended >= start)
            and ((a.ended or end) - max(a.started, start)) * 1000 >= self.threshold_ms / 2
        )
        beat, stack = self._sample
        gc_ms = 1000 * sum(
            max(0.0, min(stop, end) - max(begin, start)) for begin, stop in self._collections
        )
        stall = Stall(
            lag_ms=lag_ms,
            culprits=culprits,
            stack=stack if beat == start else (),
            gc_ms=gc_ms,
        )
        self.stalls.append(stall)
        collector = (
            f" {gc_ms:.0f} ms of it was Python's garbage collector (see EMBER_GC_* in "
            "docs/deployment.md)."
            if gc_ms >= self.threshold_ms / 4
            else ""
        )
        logger.warning(
            "The event loop was held for %.0f ms (threshold %.0f ms) by: %s. Make blocking "
            "work a sync handler (it runs in a thread) or move it to start_async/use_async.%s%s",
            lag_ms,
            self.threshold_ms,
            ", ".join(culprits) or "code outside ember's handlers",
            collector,
            "\nThe loop was at (innermost last):\n  " + "\n  ".join(stall.stack)
            if stall.stack
            else "",
        )


# Frames of the event loop and its libraries say nothing about what held it.
_PLUMBING = (
    "/asyncio/",
    "/anyio/",
    "/contextlib.py",
    "/threading.py",
    "uvloop",
    "/live/ops/_watchdog.py",  # its own GC callback, where a collection ends
)


def _where(frame: FrameType, limit: int = 8) -> tuple[str, ...]:
    """The innermost ``limit`` frames of a stack that are not loop plumbing, innermost last.

    Walked by hand, not with ``traceback.extract_stack``: that reads each frame's source
    line through ``linecache``, which keeps every file it read for the process's life, and
    the sampler runs during stalls such as a burst of a thousand closing sessions, so the
    cached files landed among the burst's allocations and kept their memory from being
    reused (bench/RESULTS.md, "memory left")."""
    own: list[str] = []
    current: FrameType | None = frame
    while current is not None and len(own) < limit:
        code = current.f_code
        if not any(part in code.co_filename for part in _PLUMBING):
            own.append(f"{code.co_filename}:{current.f_lineno} in {code.co_name}")
        current = current.f_back
    own.reverse()
    return tuple(own)
