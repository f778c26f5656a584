"""The one place ember reaches into ReactPy's internals (ReactPy 2.0.0b13, pinned exactly).

Everything else in ember imports ReactPy's public names (``reactpy.component``,
``reactpy.html``, the hooks) or goes through this module, so an upgrade of ReactPy touches
this file only. What it adds to ReactPy's ``Layout``:

- state set from a worker thread (a sync handler) schedules its render on the event loop
  (ReactPy's ``LifeCycleHook.schedule_render`` is wrapped for that, once, at import);
- snake_case handler names (``on_click``) become camelCase (``onClick``) at render time, so
  the browser fires them, and every element's attributes pass ember's attribute rules
  (``live/_sanitize.py``: no inline JavaScript, no script URLs, one spelling per name);
- a handler lookup by target, so ember can reject events for handlers the current render
  did not emit instead of letting ReactPy open a queue and a task per unknown target.
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import inspect
import itertools
import logging
import re
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast

import anyio
import anyio.lowlevel
from reactpy.core._life_cycle_hook import HOOK_STACK, LifeCycleHook
from reactpy.core.events import EventHandler as EventHandler
from reactpy.core.events import to_event_handler_function as to_event_handler_function
from reactpy.core.hooks import ConnectionContext as ConnectionContext
from reactpy.core.layout import Layout
from reactpy.types import BaseEventHandler as BaseEventHandler
from reactpy.types import Component, Connection, Event, Location

from ._boundary import BoundaryContext, render_error_model
from ._errors import RenderError
from ._reporting import report_error
from ._sanitize import refused_element, safe_attributes
from ._telemetry import telemetry
from ._threads import offload

logger = logging.getLogger("ember.live")

__all__ = [
    "Component",
    "Connection",
    "ConnectionContext",
    "EmberLayout",
    "Location",
    "UpdateMessage",
    "render_first_model",
]

UpdateMessage = dict[str, Any]
"""A ``layout-update`` message: ``{"type": "layout-update", "path": str, "model": dict}``."""

T = TypeVar("T")
FIRST_PAINT_RERENDERS = 10
_SNAKE_HANDLER = re.compile(r"^on_[a-z0-9_]+$")


def _camel_handler_name(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


STREAM_ATTRIBUTE = "data-ember-stream"


class _StreamAwareLayout(Layout):
    """Renders in order, and lets go of stream rows once they are sent.

    Stream rows (``ember.live._stream``) are rendered once and sent; the layout then drops
    their models (the container's children, once its render was handed out, and the rows'
    model states), so the server keeps no copy of the list. Their handlers stay reachable
    here, per container and row key, until the row leaves the page. Rows holding
    components stay mounted until the container's next render, as ReactPy would do.
    """

    _kept_handlers: dict[str, BaseEventHandler]
    _rows_by_stream: dict[str, dict[Any, list[str]]]
    _done_order: dict[asyncio.Task[Any], int]
    _containers: dict[asyncio.Task[Any] | None, list[dict[str, Any]]]
    _handed_out: list[dict[str, Any]]

    def _kept(self) -> dict[str, BaseEventHandler]:
        if "_kept_handlers" not in self.__dict__:
            self._kept_handlers, self._rows_by_stream, self._done_order = {}, {}, {}
            self._containers, self._handed_out = {}, []
        return self._kept_handlers

    def kept_handler(self, target: str) -> BaseEventHandler | None:
        return self._kept().get(target)

    def _schedule_render_task(self, lcs_id: Any) -> None:
        super()._schedule_render_task(lcs_id)
        task = self._render_tasks_by_id.get(lcs_id)
        self._kept()
        if task is not None and task not in self._done_order:
            self._done_order[task] = 0
            task.add_done_callback(self._note_done)

    def _note_done(self, task: asyncio.Task[Any]) -> None:
        if task in self._done_order:
            self._done_order[task] = next(_DONE_COUNTER)

    async def render(self) -> Any:
        # The previous render has been handed out (and sent): its stream rows can go.
        self._kept()
        for container in self._handed_out:
            container["children"] = []
        self._handed_out = []
        return await super().render()

    async def _parallel_render(self) -> Any:
        # ReactPy returns any finished render; ember returns them in the order they
        # finished, so an older subtree never lands after a newer one (stream operations
        # in a render must reach the client in order).
        while True:
            await self._render_tasks_ready.acquire()
            if not self._render_tasks:
                continue
            done, _ = await asyncio.wait(self._render_tasks, return_when=asyncio.FIRST_COMPLETED)
            order = self._done_order
            task = min(done, key=lambda t: order.get(t) or 0)
            self._render_tasks.discard(task)
            order.pop(task, None)
            containers = self._containers.pop(task, [])
            try:
                result = task.result()
            except asyncio.CancelledError:
                continue
            self._handed_out = containers
            return result

    async def _render_model_children(
        self, exit_stack: Any, old_state: Any, new_state: Any, raw_children: Any
    ) -> None:
        mark = new_state.model.current.get("attributes", {}).get(STREAM_ATTRIBUTE)
        if not hasattr(mark, "ops"):
            await super()._render_model_children(exit_stack, old_state, new_state, raw_children)
            return
        kept = self._kept()
        rows = self._rows_by_stream.setdefault(str(mark), {})
        gone = list(rows) if mark.fresh or mark.reset else mark.deleted
        for key in gone:
            for target in rows.pop(key, ()):
                kept.pop(target, None)
        await super()._render_model_children(exit_stack, old_state, new_state, raw_children)
        for key, child in list(new_state.children_by_key.items()):
            for target in rows.pop(key, ()):
                kept.pop(target, None)
            alive = mark.alive(key)  # not deleted since (renders can finish late)
            states = list(_states_of(child))
            holds_components = any(state.is_component_state for state in states)
            targets: list[str] = []
            for state in states:
                targets.extend(state.targets_by_event.values())
            if not holds_components:
                # ReactPy would unmount the row at the container's next render; it goes
                # now, and its handlers move here (or go, if the row is already deleted).
                del new_state.children_by_key[key]
                for target in targets:
                    handler = self._event_handlers.pop(target, None)
                    if handler is not None and alive:
                        kept[target] = handler
            elif alive:
                for target in targets:
                    kept[target] = self._event_handlers[target]
            if alive:
                rows[key] = targets
        self._containers.setdefault(asyncio.current_task(), []).append(new_state.model.current)

    async def _unmount_model_states(self, old_states: list[Any]) -> None:
        kept = self._kept()
        if self._rows_by_stream:
            for state in (s for old in old_states for s in _states_of(old)):
                current = getattr(state.model, "current", None) or {}
                mark = current.get("attributes", {}).get(STREAM_ATTRIBUTE)
                if hasattr(mark, "ops"):
                    for targets in self._rows_by_stream.pop(str(mark), {}).values():
                        for target in targets:
                            kept.pop(target, None)
        # ReactPy's own loop, tolerant of a state unmounted twice: a component that
        # re-renders by itself while its parent re-renders it inline (a stream insert and
        # a state change in one handler) renders both from the same old children, and
        # ReactPy then failed with a KeyError on the second unmount.
        to_unmount = old_states[::-1]
        states = self._model_states_by_life_cycle_state_id
        while to_unmount:
            state = to_unmount.pop()
            for target in state.targets_by_event.values():
                self._event_handlers.pop(target, None)
            if state.is_component_state and states.pop(state.life_cycle_state.id, None):
                await state.life_cycle_state.hook.affect_component_will_unmount()
            to_unmount.extend(state.children_by_key.values())


def _states_of(state: Any) -> Iterator[Any]:
    pending = [state]
    while pending:
        current = pending.pop()
        yield current
        pending.extend(current.children_by_key.values())


_DONE_COUNTER = itertools.count(1)


class EmberLayout(_StreamAwareLayout):
    """ReactPy's ``Layout`` with ember's render-time checks and thread-safe scheduling."""

    def __init__(self, root: Any, *, context: str = "") -> None:
        super().__init__(root)
        self.context = context
        """Who this layout renders for (session and view), for log lines."""

    async def __aenter__(self) -> EmberLayout:
        await super().__aenter__()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        # A session closes its layout inside its cancelled task group: unshielded, the
        # first component whose effects are awaited is cancelled there, the unmount stops,
        # and every later component's effect tasks stay pending until they are collected.
        with anyio.CancelScope(shield=True):
            await super().__aexit__(*exc_info)

    async def _create_layout_update(self, old_state: Any) -> Any:
        started = time.perf_counter()
        try:
            return await super()._create_layout_update(old_state)
        finally:
            if telemetry.active:
                elapsed = (time.perf_counter() - started) * 1000
                telemetry.emit("ember.live.render", elapsed, where=self.context)

    def _schedule_render_task(self, lcs_id: Any) -> None:
        # State set by a worker thread can land after the layout closed; nothing to render.
        if not hasattr(self, "_model_states_by_life_cycle_state_id"):
            return
        super()._schedule_render_task(lcs_id)

    async def _render_component(
        self,
        exit_stack: Any,
        old_state: Any,
        parent: Any,
        index: int,
        key: Any,
        component: Any,
    ) -> Any:
        token = _RENDER_FAILURE.set(None)
        try:
            new_state = await super()._render_component(
                exit_stack, old_state, parent, index, key, component
            )
            failure = _RENDER_FAILURE.get()
        finally:
            _RENDER_FAILURE.reset(token)
        if failure is None or "error" not in new_state.model.current:
            return new_state
        name = getattr(component.type, "__qualname__", repr(component.type))
        logger.error(
            "Component %s failed to render (%s); only it is replaced",
            name,
            self.context,
            exc_info=failure,
        )
        report_error(failure, kind="render", component=name, where=self.context)
        report = new_state.life_cycle_state.hook.get_context_provider(BoundaryContext)
        if report is not None and report.value is not None:
            report.value(failure)
        new_state.model.current = render_error_model()
        return new_state

    def _render_model_attributes(
        self, old_state: Any, new_state: Any, raw_model: dict[str, Any]
    ) -> None:
        if raw_model.get("inlineJavaScript"):
            names = ", ".join(sorted(raw_model["inlineJavaScript"]))
            msg = (
                f"<{raw_model.get('tagName')}> has string event attributes ({names}). ember "
                "refuses inline JavaScript because a string there runs as code in the "
                "browser; pass a Python function as the handler instead."
            )
            raise RenderError(msg)
        tag = raw_model.get("tagName", "")
        if tag[:1] in "sSbB":
            refused = refused_element(tag)
            if refused is not None:
                raise RenderError(refused)
        attributes = raw_model.get("attributes")
        if attributes:
            safe = safe_attributes(tag, attributes, self.context)
            if safe is not attributes:
                raw_model = {**raw_model, "attributes": safe}
        handlers = raw_model.get("eventHandlers")
        if handlers:
            fixed = _normalise_handlers(handlers)
            if fixed is not handlers:
                raw_model = {**raw_model, "eventHandlers": fixed}
        super()._render_model_attributes(old_state, new_state, raw_model)

    @staticmethod
    def _serialize_event_handler(handler: Any, target: str) -> dict[str, Any]:
        return serialize_handler(handler, target)  # JS commands travel with their handler

    def handler_for(self, target: str) -> BaseEventHandler | None:
        """The handler the current render emitted under ``target``, or None."""
        return self._event_handlers.get(target) or self.kept_handler(target)

    def has_handler(self, target: str) -> bool:
        return self.handler_for(target) is not None

    def record_event_seq(self, target: str, seq: int) -> None:
        """Remember the client's sequence number so ReactPy echoes it back as ``ackSeq``."""
        seen = self._last_event_seq_by_target
        if seq > seen.get(target, -1):
            seen[target] = seq

    def has_pending_renders(self) -> bool:
        """True while a render is scheduled or running."""
        return bool(self._render_tasks)

    def running_renders(self) -> list[asyncio.Task[Any]]:
        """The renders that have started and not finished.

        ReactPy renders a component and then its children in one task, with awaits in
        between; an event handled in such a gap would see the parent rendered and its
        children not (a form, say, whose inputs have not registered their values yet).
        """
        return [task for task in self._render_tasks if not task.done()]

    async def next_update(self) -> UpdateMessage:
        """Wait for the next render and return its ``layout-update`` message."""
        return cast(UpdateMessage, await self.render())


# A sync handler runs in a worker thread, and the state it sets schedules a render from
# there. ReactPy's hook keeps a "render scheduled" flag that the loop resets while rendering,
# so scheduling from another thread races with it (a lost render). Every schedule is
# therefore moved onto the loop that runs the handler's session.
_HANDLER_LOOP: contextvars.ContextVar[tuple[asyncio.AbstractEventLoop, int]] = (
    contextvars.ContextVar("ember_handler_loop")
)
_original_schedule_render = LifeCycleHook.schedule_render


def _schedule_render_on_loop(hook: LifeCycleHook) -> None:
    home = _HANDLER_LOOP.get(None)
    if home is not None and threading.get_ident() != home[1]:
        home[0].call_soon_threadsafe(_original_schedule_render, hook)
        return
    _original_schedule_render(hook)


LifeCycleHook.schedule_render = _schedule_render_on_loop  # type: ignore[method-assign, assignment]


# ReactPy logs a failed render itself and renders nothing; ember logs it once with the
# session's context and renders a fallback. This filter takes ReactPy's record out of the
# log and hands its exception to EmberLayout (same task, so a context variable carries it).
_RENDER_FAILURE: contextvars.ContextVar[BaseException | None] = contextvars.ContextVar(
    "ember_render_failure", default=None
)


class _RenderFailureFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("Failed to render") and record.exc_info:
            _RENDER_FAILURE.set(record.exc_info[1])
            return False
        return True


logging.getLogger("reactpy.core.layout").addFilter(_RenderFailureFilter())


def _normalise_handlers(
    handlers: dict[str, BaseEventHandler],
) -> dict[str, BaseEventHandler]:
    """camelCase names; a form's submit never reloads the page (as with ``phx-submit``)."""
    if not any("_" in n and _SNAKE_HANDLER.match(n) for n in handlers) and (
        "onSubmit" not in handlers or handlers["onSubmit"].prevent_default
    ):
        return handlers
    fixed = {
        _camel_handler_name(n) if _SNAKE_HANDLER.match(n) else n: h for n, h in handlers.items()
    }
    submit = fixed.get("onSubmit")
    if submit is not None and not submit.prevent_default:
        fixed["onSubmit"] = EventHandler(
            submit.function,
            stop_propagation=submit.stop_propagation,
            prevent_default=True,
            target=submit.target,
            debounce=submit.debounce,
            throttle=submit.throttle,
        )
    return fixed


def is_sync_handler(handler: BaseEventHandler) -> bool:
    """True when the user's function behind ``handler`` is a plain (blocking) function."""
    wrapped = getattr(handler.function, "__wrapped__", None)
    return wrapped is not None and not inspect.iscoroutinefunction(wrapped)


def _drive_to_completion(coroutine: Coroutine[Any, Any, None]) -> None:
    # ReactPy wraps a sync handler in a coroutine with no await inside; one send runs it.
    try:
        coroutine.send(None)
    except StopIteration:
        return
    coroutine.close()
    msg = "A handler ReactPy marked as synchronous awaited something; this is a bug in ember."
    raise RuntimeError(msg)


async def call_handler(handler: BaseEventHandler, data: Sequence[Any]) -> None:
    """Run ``handler`` with the event ``data``: async on the loop, sync in a worker thread."""
    args = [Event(item) if isinstance(item, dict) else item for item in data]
    function = cast(Callable[[list[Any]], Awaitable[None]], handler.function)
    if is_sync_handler(handler):
        # The context (and so this value) is copied into the worker thread.
        _HANDLER_LOOP.set((asyncio.get_running_loop(), threading.get_ident()))
        # The wrapper coroutine is made in the thread: if the session ends before the thread
        # starts, no coroutine is left behind un-awaited.
        await offload(lambda: _drive_to_completion(cast(Coroutine[Any, Any, None], function(args))))
        return
    await function(args)


async def run_in_thread(function: Callable[..., T], *args: Any) -> T:
    """Run a blocking ``function(*args)`` in a worker thread, as sync handlers run.

    State it sets through hooks is rendered on the event loop, safely. Use it from an
    async handler that must call blocking code.
    """
    _HANDLER_LOOP.set((asyncio.get_running_loop(), threading.get_ident()))
    return await offload(lambda: function(*args))


async def render_first_model(root: Component, *, context: str = "") -> dict[str, Any]:
    """Render ``root`` once through a real Layout and return its VDOM model.

    Used for the server-rendered first paint: hooks work (ReactPy's own
    ``reactpy_to_string`` renders outside a Layout, where they do not), and the layout is
    closed again, so effects are cleaned up.
    """
    from ._diff import set_pointer

    async with EmberLayout(root, context=context) as layout:
        model = cast(dict[str, Any], (await layout.next_update())["model"])
        # State set during the first render (an error boundary catching a child, say)
        # renders again at once; the page should show that, not the moment before.
        for _ in range(FIRST_PAINT_RERENDERS):
            await anyio.lowlevel.checkpoint()
            if not layout.has_pending_renders():
                break
            # Copies: the layout lets go of stream rows it handed out at its next render.
            model = copy.deepcopy(model)
            update = await layout.next_update()
            set_pointer(model, update["path"], copy.deepcopy(update["model"]))
    return model


# -- ember's engine: the hook object and the pieces of ReactPy's hook protocol it drives --------
#
# ember's engine (``ember.live._engine``) renders components itself; what it needs from
# ReactPy lives here: the hook stack, a hook object that ReactPy's hooks accept (ReactPy's
# hooks call ``use_state``, ``add_effect``, ``schedule_render``, ``get_context_provider``
# and ``set_context_provider`` on it), and how a ``use_effect`` effect is driven without a
# task. See ``reactpy/core/_life_cycle_hook.py`` and ``reactpy/core/hooks.py``.

_SYNC_EFFECT = "use_effect.<locals>.decorator.<locals>.effect"
_PARKED: Any = object()


class _Parked:
    """What ``stop.wait()`` returns to a sync effect: awaiting it suspends the effect's
    coroutine with a marker the engine recognises, and resuming it runs the cleanup."""

    __slots__ = ()

    def __await__(self) -> Any:
        yield _PARKED


class _ParkingStop:
    __slots__ = ()

    def wait(self) -> _Parked:
        return _Parked()


_PARKING_STOP = _ParkingStop()


def is_component(value: object) -> bool:
    """True for a ReactPy component (a ``@component`` call or a context provider)."""
    return isinstance(value, Component)


def component_type(value: Any) -> Any:
    """What makes two components "the same" for reconciliation (their render function)."""
    return value.type


def component_name(value: Any) -> str:
    kind = getattr(value, "type", None)
    return str(getattr(kind, "__qualname__", None) or repr(value))


class EngineHook:
    """One component's hook object: its state slots, pending effects and context providers.

    It stands where ReactPy's ``LifeCycleHook`` stands on ReactPy's hook stack, without the
    asyncio ``Event`` and anyio ``Semaphore`` per hook, and with no task per effect: a sync
    ``use_effect`` runs inline after the render pass and waits, parked, for its cleanup.
    """

    __slots__ = (
        "__weakref__",
        "_context_providers",
        "_current_state_index",
        "_effect_funcs",
        "_owns_providers",
        "_parked",
        "_rendered_atleast_once",
        "_scheduled_render",
        "_state",
        "_tasks",
        "component",
        "mark_dirty",
        "owner",
        "unmounted",
    )

    def __init__(self, mark_dirty: Callable[[EngineHook], None]) -> None:
        self.mark_dirty = mark_dirty
        self.owner: Any = None
        """What the engine keeps for this component (its tree node)."""
        self._context_providers: dict[Any, Any] = {}
        self._owns_providers = False
        self._state: list[Any] = []
        self._current_state_index = 0
        self._rendered_atleast_once = False
        self._scheduled_render = False
        self._effect_funcs: list[Callable[[Any], Coroutine[Any, Any, None]]] = []
        self._parked: dict[int, Coroutine[Any, Any, None]] = {}
        self._tasks: list[tuple[asyncio.Task[None], asyncio.Event]] = []
        self.unmounted = False

    # -- what ReactPy's hooks call ------------------------------------------------------------

    def schedule_render(self) -> None:
        if self._scheduled_render or self.unmounted:
            return
        self._scheduled_render = True
        self.mark_dirty(self)

    def use_state(self, function: Callable[[], T]) -> T:
        if not self._rendered_atleast_once:
            result = function()
            self._state.append(result)
        else:
            result = self._state[self._current_state_index]
        self._current_state_index += 1
        return result

    def add_effect(self, effect_func: Callable[[Any], Coroutine[Any, Any, None]]) -> None:
        self._effect_funcs.append(effect_func)

    def set_context_provider(self, provider: Any) -> None:
        if not self._owns_providers:
            self._context_providers = dict(self._context_providers)
            self._owns_providers = True
        self._context_providers[provider.type] = provider

    def get_context_provider(self, context: Any) -> Any:
        return self._context_providers.get(context)

    # -- what ember's engine calls ---------------------------------------------------------------

    def render(self, component: Any, providers: dict[Any, Any]) -> Any:
        """Run ``component``'s render function with this hook current; return its output."""
        self._scheduled_render = False
        self._context_providers = providers
        self._owns_providers = False
        self.component = component
        stack: list[Any] = HOOK_STACK.get()
        stack.append(self)
        try:
            return component.render()
        finally:
            stack.pop()
            self._rendered_atleast_once = True
            self._current_state_index = 0

    def providers(self) -> dict[Any, Any]:
        return self._context_providers

    def run_effects(self) -> None:
        """Start the effects the last render added (sync ones inline, others as tasks)."""
        effects, self._effect_funcs = self._effect_funcs, []
        for effect in effects:
            if getattr(effect, "__qualname__", "") != _SYNC_EFFECT:
                stop = asyncio.Event()
                self._tasks.append((asyncio.get_running_loop().create_task(effect(stop)), stop))
                continue
            slot = _effect_slot(effect)
            previous = self._parked.pop(slot, None)
            if previous is not None:
                # The new run cleans up the previous one (the cleanup is in a shared ref).
                previous.close()
            coroutine = effect(_PARKING_STOP)
            try:
                parked = coroutine.send(None)
            except StopIteration:
                continue
            if parked is not _PARKED:
                coroutine.close()
                msg = "A use_effect effect awaited something; this is a bug in ember's engine."
                raise RuntimeError(msg)
            self._parked[slot] = coroutine

    def unmount(self) -> list[asyncio.Task[None]]:
        """Run the cleanups of sync effects; stop async ones (returned, to await)."""
        self.unmounted = True
        self._effect_funcs.clear()
        parked, self._parked = list(self._parked.values()), {}
        failure: BaseException | None = None
        for coroutine in parked:
            try:
                coroutine.send(None)
            except StopIteration:
                pass
            except Exception as error:  # every cleanup runs; the first failure is raised
                failure = failure or error
            else:
                coroutine.close()
        tasks = []
        for task, stop in self._tasks:
            stop.set()
            tasks.append(task)
        self._tasks.clear()
        if failure is not None:
            raise failure
        return tasks


def _effect_slot(effect: Any) -> int:
    # The effect's cleanup lives in a ref made by use_effect's own use_ref: one per call site.
    names = effect.__code__.co_freevars
    return id(effect.__closure__[names.index("cleanup_func")].cell_contents)


class RenderScope:
    """ReactPy's hook stack, set up once for a render pass (``with RenderScope(): …``)."""

    __slots__ = ("_token",)

    def __enter__(self) -> RenderScope:
        self._token = HOOK_STACK.initialize()
        return self

    def __exit__(self, *exc_info: object) -> None:
        HOOK_STACK.reset(self._token)


def serialize_handler(handler: BaseEventHandler, target: str) -> dict[str, Any]:
    """A handler as the client sees it (ReactPy's wire shape)."""
    entry: dict[str, Any] = {
        "target": target,
        "preventDefault": handler.prevent_default,
        "stopPropagation": handler.stop_propagation,
    }
    if handler.debounce is not None:
        entry["debounce"] = handler.debounce
    if handler.throttle is not None:
        entry["throttle"] = handler.throttle
    js = getattr(handler, "js", None)  # JS commands travel as data (ember.live._js)
    if js is not None:
        entry["js"] = js
    return entry


def check_element(raw: Mapping[str, Any], context: str) -> dict[str, Any]:
    """An element's attributes, event handlers (camelCase) and refusals, as rendered.

    Returns the model of the element without its children: ``tagName``, and
    ``attributes``/``eventHandlers`` (the handler objects) when it has some.

    Raises:
        RenderError: inline JavaScript, raw HTML, or a ``reactpy.web`` module.
    """
    tag = raw["tagName"]
    if "importSource" in raw:
        msg = (
            f"<{tag}> comes from a reactpy.web JavaScript module, which needs ReactPy's "
            "browser client; ember renders with its own client and refuses it. Render "
            "ember components or plain elements instead, or wrap the widget as a custom "
            "element and load its script in the page's head (ember.live.mount(head=...))."
        )
        raise RenderError(msg)
    if raw.get("inlineJavaScript"):
        names = ", ".join(sorted(raw["inlineJavaScript"]))
        msg = (
            f"<{tag}> has string event attributes ({names}). ember refuses inline "
            "JavaScript because a string there runs as code in the browser; pass a Python "
            "function as the handler instead."
        )
        raise RenderError(msg)
    refused = refused_element(tag)
    if refused is not None:
        raise RenderError(refused)
    model: dict[str, Any] = {"tagName": tag}
    attributes = raw.get("attributes")
    if attributes:
        model["attributes"] = dict(safe_attributes(tag, attributes, context))
    handlers = raw.get("eventHandlers")
    if handlers:
        model["eventHandlers"] = _normalise_handlers(handlers)
    return model
