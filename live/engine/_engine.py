"""ember's render engine: ReactPy components, rendered by ember, patched as it compares.

Components are written with ReactPy (``@component``, ``html``, its hooks); the engine keeps
one tree node per element and component, one hook object per component (on ReactPy's hook
stack while it renders, see ``ember.live.engine._reactpy.EngineHook``), and the model the client
holds. State set on a component marks it dirty; :meth:`Engine.render` re-renders the dirty
components in tree order, synchronously, in one pass (no task, lock or event per render),
and returns the ``ember-patch`` operations (protocol 3, ``ember.live.engine._patch``) that the
reconciler (``ember.live.engine._reconcile``) wrote while it compared old and new children.

The model keeps ReactPy's shape: a component is a fragment (``tagName ""``) around what it
rendered; an element carries ``attributes``, ``eventHandlers`` (as the client sees them)
and ``children`` when it has some.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from reactpy.types import ContextProvider

from .._errors import drop_tracebacks
from ..ops._reporting import report_error
from ..ops._telemetry import telemetry
from ._boundary import BoundaryContext, render_error_model
from ._diff import sent_whole
from ._patch import Op, Path
from ._reactpy import HOOK_STATE, BaseEventHandler, Component, EngineHook, component_name
from ._reconcile import Node, Reconciler

logger = logging.getLogger("ember.live")

__all__ = ["Engine"]

MAX_ROUNDS = 25
"""Render-then-effects rounds in one pass, for state set while rendering or by effects."""


class Engine(Reconciler):
    """Renders one root component for one session (or one first paint).

    Args:
        root: the root component.
        context: who the engine renders for (session and view), for log lines.
        on_dirty: called (on the loop) when a component becomes dirty outside a render
            pass, so the session can schedule one.
    """

    # Slots: one engine per session (and per kept first paint).
    __slots__ = (
        "_dirty",
        "_loop",
        "_on_dirty",
        "_providers",
        "_rendered",
        "_rendering",
        "_stack",
        "_stopping",
        "_thread",
        "closed",
        "root",
    )

    def __init__(
        self, root: Any, *, context: str = "", on_dirty: Callable[[], None] | None = None
    ) -> None:
        super().__init__(context)
        self._on_dirty = on_dirty
        self._dirty: dict[Node, None] = {}
        """The components waiting for a render (a dict: an empty set is 216 bytes)."""
        self._rendering = False
        self._rendered: list[EngineHook] = []
        self._stack: list[Any] = []
        """ReactPy's hook stack while a pass renders (empty between passes)."""
        self._stopping: set[asyncio.Task[None]] | None = None
        """Async effects being stopped (made when the first one is)."""
        self._loop: asyncio.AbstractEventLoop | None
        try:  # not contextlib.suppress: one engine per page and per session
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            self._loop = None
        self._thread = threading.get_ident()
        # The context providers the server wraps every root in (the session, the
        # connection) are given to the root directly instead of rendered: each would be a
        # component, a hook and a fragment of the model for every session (about 1.5 KiB).
        self._providers: dict[Any, Any] = {}
        while (
            type(root) is ContextProvider and root.key is None and len(root.children) == 1
        ) and isinstance(root.children[0], Component):
            self._providers[root.type] = root  # an inner one of the same context wins
            root = root.children[0]
        self.root = Node(None, None, "")
        self.root.hook = EngineHook(self._mark_dirty)
        self.root.hook.owner = self.root
        self.root.component = root
        self.closed = False

    # -- reading -----------------------------------------------------------------------------

    @property
    def model(self) -> dict[str, Any]:
        """The model of the whole page as the client holds it after the last pass."""
        return self.root.model

    def provided(self, context: Any) -> Any:
        """The provider of ``context`` the root was given (its ``value`` may be set before
        the next render), or None."""
        return self._providers.get(context)

    def needs_render(self) -> bool:
        """True while some component waits for a render."""
        return bool(self._dirty)

    def handler_for(self, target: str) -> BaseEventHandler | None:
        """The handler the current render emitted under ``target``, or None."""
        return self._handlers.get(target) or self._kept.get(target)

    def record_event_seq(self, target: str, seq: int) -> None:
        """Remember the client's sequence number, echoed as ``_reactpy_ack_seq``."""
        if seq > self._seqs.get(target, -1):
            self._seqs[target] = seq

    # -- rendering ---------------------------------------------------------------------------

    def mount(self) -> dict[str, Any]:
        """Render the root for the first time and run its effects; return the model."""
        started = time.perf_counter()
        self._rendering = True
        token = HOOK_STATE.set(self._stack)
        try:
            self._render_component(self.root, [], None, self._providers)
            self._run_effects()
        finally:
            HOOK_STATE.reset(token)
            self._rendering = False
        if telemetry.active:
            elapsed = (time.perf_counter() - started) * 1000
            telemetry.emit("ember.live.render", elapsed, where=self.context)
        if self._sent_rows:  # a stream was rendered (each one's rows are listed there)
            sent_whole(self.root.model, self._seen)
        return self.root.model

    def render(self) -> list[Op]:
        """Re-render the dirty components (tree order); return the ops for the client."""
        if self._sent_rows:
            self._release_sent_rows()
        dirty = self._dirty
        if not dirty:
            return []
        ops: list[Op] = []
        timed = bool(telemetry._handlers) and telemetry.active  # no call while none listen
        started = time.perf_counter() if timed else 0.0
        self._rendering = True
        token = HOOK_STATE.set(self._stack)
        try:
            rounds = MAX_ROUNDS
            while rounds:
                rounds -= 1
                while dirty:
                    node = next(iter(dirty)) if len(dirty) == 1 else min(dirty, key=_position)
                    path, in_stream, providers = _place(node, self._providers)
                    self._render_component(node, path, None if in_stream else ops, providers)
                if self._rendered:
                    self._run_effects()
                if not dirty:
                    # Emptied by pops, a dict keeps its table (160 bytes a session, idle);
                    # clear() gives it back.
                    dirty.clear()
                    break
        finally:
            HOOK_STATE.reset(token)
            self._rendering = False
        if timed:
            elapsed = (time.perf_counter() - started) * 1000
            telemetry.emit("ember.live.render", elapsed, where=self.context)
        return ops

    def adopt(self, on_dirty: Callable[[], None]) -> None:
        """Take a mounted first paint over for a connected session: dirtiness now schedules
        the session's renders, and the components that read a context (the session, the
        connection, the location: what differs once connected) render again, so effects
        keyed on ``session.connected`` start. The others cannot tell the difference and
        keep their render; the effects of ember's own hooks that only wait for the
        connection (``use_subscription``: ``EngineHook.run_when_connected``) run again
        without a render. The model afterwards is what the client gets (:attr:`model`)."""
        self._on_dirty = on_dirty
        waiting: list[EngineHook] = []
        pending = [self.root]
        while pending:
            node = pending.pop()
            hook = node.hook
            if hook is not None:
                if hook.reads_context:
                    self._dirty[node] = None
                    hook.connect_effects = None  # its render runs them again
                elif hook.connect_effects is not None:
                    waiting.append(hook)
            pending.extend(e for e in node.children.values() if isinstance(e, Node))
        self.render()
        if not waiting:
            return
        for hook in waiting:  # parents first: their effects run after their children's
            effects, hook.connect_effects = hook.connect_effects or (), None
            if hook.unmounted:  # unmounted by a render above
                continue
            for effect in effects:
                if effect.connect():
                    hook.add_own_effect(effect)
            if hook.effects:
                self._rendered.append(hook)
        self._run_effects()

    @property
    def holds_streams(self) -> bool:
        """True once a stream was rendered: its rows leave the model after the next pass,
        so the model is no longer the whole page (a first paint with one is not kept)."""
        return bool(self._seen or self._sent_rows)

    async def close(self) -> None:
        """Unmount everything: effects are cleaned up, async effects stopped and awaited."""
        if self.closed:
            return
        self.closed = True
        self._on_dirty = None  # the session's mailbox, which refers to this engine
        self._dirty.clear()
        self._unmount(self.root)
        # The handlers' closures hold components' setters, which hold their hooks, whose
        # setter calls reach this engine: let go of them (see EngineHook._release).
        self._handlers.clear()
        self._kept.clear()
        self._rendered.clear()
        stopping = list(self._stopping or ())
        self._stopping = None
        for outcome in await asyncio.gather(*stopping, return_exceptions=True):
            if isinstance(outcome, Exception):
                logger.error("An effect failed (%s)", self.context, exc_info=outcome)

    # -- what the reconciler calls -------------------------------------------------------------

    def _render_component(
        self, node: Node, path: Path | None, ops: list[Op] | None, providers: dict[Any, Any]
    ) -> None:
        self._dirty.pop(node, None)
        hook = node.hook
        assert hook is not None  # noqa: S101 - a component node always has one
        mark = len(ops) if ops is not None else 0
        was_failed = node.failed
        try:
            raw = hook.render(node.component, providers, self._stack)
            if hook.effects:
                # Effects run children first (ReactPy's order): the parent is listed before
                # them. A render that added no effect (deps unchanged: most) is not listed.
                self._rendered.append(hook)
            if was_failed:
                node.failed = False
                node.model.clear()
                node.model["tagName"] = ""
            below = hook.context_providers  # this component's own providers included
            self._reconcile_one(node, raw, path, None if was_failed else ops, below)
        except Exception as error:
            if ops is not None:
                del ops[mark:]
            self._fail(node, error)
            if ops is not None and path is not None and not was_failed:
                ops.append(self._set_op(path, node.model))
        else:
            if was_failed and ops is not None and path is not None:
                ops.append(self._set_op(path, node.model))

    def _new_hook(self, node: Node) -> EngineHook:
        hook = EngineHook(self._mark_dirty)
        hook.owner = node
        return hook

    def _unmount_hook(self, node: Node) -> None:
        hook = node.hook
        if hook is None:
            return
        self._dirty.pop(node, None)
        try:
            tasks = hook.unmount()
        except Exception as error:
            logger.error("An effect's cleanup failed (%s)", self.context, exc_info=error)
            report_error(error, kind="effect", where=self.context)
            return
        if not tasks:
            return
        if self._stopping is None:
            self._stopping = set()
        for task in tasks:
            self._stopping.add(task)
            task.add_done_callback(self._stopping.discard)

    # -- internals -----------------------------------------------------------------------------

    def _fail(self, node: Node, error: Exception) -> None:
        for entry in node.children.values():
            if isinstance(entry, Node):
                self._unmount(entry)
        node.children = {}
        name = component_name(node.component)
        logger.error(
            "Component %s failed to render (%s); only it is replaced",
            name,
            self.context,
            exc_info=error,
        )
        report_error(error, kind="render", component=name, where=self.context)
        assert node.hook is not None  # noqa: S101 - a component node always has one
        report = node.hook.get_context_provider(BoundaryContext)
        if report is not None and report.value is not None:
            # The boundary keeps the error in its state; a traceback would keep every frame
            # of this render pass with it (the engine, the tree: a reference cycle through
            # the boundary). It has been logged with its traceback above.
            drop_tracebacks(error)
            report.value(error)
        node.model.clear()
        node.model.update(render_error_model())
        node.failed = True

    def _run_effects(self) -> None:
        rendered, self._rendered = self._rendered, []
        for hook in reversed(rendered):  # children's effects first, as in ReactPy
            if hook.unmounted or not hook.effects:
                continue
            try:
                hook.run_effects()
            except Exception as error:
                name = component_name(getattr(hook, "component", None))
                logger.error("An effect of %s failed (%s)", name, self.context, exc_info=error)
                report_error(error, kind="effect", component=name, where=self.context)

    def _mark_dirty(self, hook: EngineHook) -> None:
        if threading.get_ident() != self._thread and self._loop is not None:
            # State set in a worker thread (a sync handler): marked on the loop.
            self._loop.call_soon_threadsafe(self._mark_node, hook.owner)
            return
        node = hook.owner
        if node.dead or self.closed:
            return
        dirty = self._dirty
        was_clean = not dirty
        dirty[node] = None
        if was_clean and not self._rendering and self._on_dirty is not None:
            self._on_dirty()

    def _mark_node(self, node: Node | None) -> None:
        if node is None or node.dead or self.closed:  # None: unmounted meanwhile
            return
        was_clean = not self._dirty
        self._dirty[node] = None
        if was_clean and not self._rendering and self._on_dirty is not None:
            self._on_dirty()


def _path(node: Node) -> tuple[Path, bool]:
    """The wire path of ``node``, and whether it lies inside a stream row."""
    steps: Path = []
    in_stream = False
    current = node
    while current.parent is not None:
        steps.append(current.index)
        current = current.parent
        if current.rows is not None:
            in_stream = True
    steps.reverse()
    return steps, in_stream


def _place(node: Node, root_providers: dict[Any, Any]) -> tuple[Path, bool, dict[Any, Any]]:
    """The wire path of ``node``, whether it lies inside a stream row, and the context
    providers of the nearest component above it (one walk up the tree; the root's own
    ones, ``root_providers``, for the root)."""
    steps: Path = []
    in_stream = False
    providers: dict[Any, Any] | None = None
    current = node
    while current.parent is not None:
        steps.append(current.index)
        current = current.parent
        if providers is None and current.hook is not None:
            providers = current.hook.context_providers
        if current.rows is not None:
            in_stream = True
    steps.reverse()
    return steps, in_stream, root_providers if providers is None else providers


def _position(node: Node) -> list[int | str]:
    return _path(node)[0]
