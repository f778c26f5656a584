"""The one place ember reaches into ReactPy's internals (ReactPy 2.0.0b13, pinned exactly).

Everything else in ember imports ReactPy's public names (``reactpy.component``,
``reactpy.html``, the hooks) or goes through this module, so an upgrade of ReactPy touches
this file only. ReactPy is ember's component language; ember's engine
(``ember.live.engine._engine``) renders the components. What the engine needs from ReactPy is
here: its hook stack and a hook object ReactPy's hooks accept (:class:`EngineHook`), the
element checks made at render time (snake_case handler names become camelCase, every
element's attributes pass ``live/engine/_sanitize.py``, ``reactpy.web`` modules and inline
JavaScript are refused), the handler wire shape, and how a handler is called (async on the
loop, sync in a worker thread).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
from collections.abc import Callable, Coroutine, Mapping, Sequence
from contextvars import ContextVar
from inspect import CO_COROUTINE
from types import FunctionType, NoneType
from typing import Any, TypeVar

import reactpy
from reactpy._html import HtmlConstructor, SvgConstructor
from reactpy.config import REACTPY_CHECK_JSON_ATTRS, REACTPY_DEBUG
from reactpy.core import hooks as reactpy_hooks
from reactpy.core import vdom as reactpy_vdom
from reactpy.core._event_inspect import inspect_event_handler
from reactpy.core._life_cycle_hook import HOOK_STACK
from reactpy.core.events import EventHandler as EventHandler
from reactpy.core.events import to_event_handler_function as to_event_handler_function
from reactpy.core.hooks import ConnectionContext as ConnectionContext
from reactpy.core.hooks import _CurrentState
from reactpy.types import BaseEventHandler as BaseEventHandler
from reactpy.types import Component, Connection, Event, Location, VdomDict

from .._errors import RenderError
from ._elements import ReactPyElementParts, make_element_call, remembering_getattr
from ._sanitize import refused_element
from ._threads import offload

logger = logging.getLogger("ember.live")

__all__ = [
    "Component",
    "Connection",
    "ConnectionContext",
    "EngineHook",
    "Location",
    "VdomDict",
]

T = TypeVar("T")
_SNAKE_HANDLER = re.compile(r"^on_[a-z0-9_]+$")


def _camel_handler_name(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def normalise_handlers(
    handlers: dict[str, BaseEventHandler],
) -> dict[str, BaseEventHandler]:
    """camelCase names; a form's submit never reloads the page (as with ``phx-submit``)."""
    for name in handlers:
        if "_" in name and _SNAKE_HANDLER.match(name):
            break
    else:
        submit = handlers.get("onSubmit")
        if submit is None or submit.prevent_default:
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
    return _handler_kind(handler.function) != _ASYNC


def _drive_to_completion(coroutine: Coroutine[Any, Any, None]) -> None:
    # ReactPy wraps a sync handler in a coroutine with no await inside; one send runs it.
    try:
        coroutine.send(None)
    except StopIteration:
        return
    coroutine.close()
    msg = "A handler ReactPy marked as synchronous awaited something; this is a bug in ember."
    raise RuntimeError(msg)


def is_lambda_handler(handler: BaseEventHandler) -> bool:
    """True when the user's function behind ``handler`` is a ``lambda``: an expression
    (``lambda event: set_count(count + 1)``), run on the loop like an async handler."""
    function = handler.function
    if getattr(function, "__code__", None) is _POSITIONAL_WRAPPER:
        # ReactPy's wrapper of a plain function (every click on a lambda): _handler_kind's
        # first answer, without its call.
        wrapped = getattr(function, "__wrapped__", None)
        return wrapped is not None and getattr(wrapped, "__name__", None) == "<lambda>"
    return _handler_kind(function) == _LAMBDA


_ASYNC, _LAMBDA, _BLOCKING = 0, 1, 2


def _handler_kind(function: Any) -> int:
    """How a handler runs: ``_ASYNC`` (awaited on the loop), ``_LAMBDA`` (driven on the
    loop: ReactPy's wrapper of a plain lambda) or ``_BLOCKING`` (in a worker thread)."""
    wrapped = getattr(function, "__wrapped__", None)
    if wrapped is None:
        return _ASYNC
    if getattr(function, "__code__", None) is _POSITIONAL_WRAPPER:
        # ReactPy chose its wrapper for a plain function (not a coroutine function), by
        # the rule below: only the name is left to read.
        return _LAMBDA if getattr(wrapped, "__name__", None) == "<lambda>" else _BLOCKING
    if type(wrapped) is FunctionType and getattr(wrapped, "_is_coroutine_marker", None) is None:
        # What inspect.iscoroutinefunction reads for a plain function, without its unwrapping
        # of partials and methods (this runs on every event).
        if wrapped.__code__.co_flags & CO_COROUTINE:
            return _ASYNC
    elif inspect.iscoroutinefunction(wrapped):
        return _ASYNC
    return _LAMBDA if getattr(wrapped, "__name__", None) == "<lambda>" else _BLOCKING


# The code of ReactPy's wrapper around a plain function that takes the event's items as
# positional arguments (``to_event_handler_function``'s default): a lambda behind it is
# called directly, without the wrapper's coroutine.
_POSITIONAL_WRAPPER = to_event_handler_function(lambda: None).__code__  # type: ignore[attr-defined]


def run_lambda_handler(handler: BaseEventHandler, data: Sequence[Any]) -> None:
    """Run a handler that :func:`is_lambda_handler` accepts with the event ``data``, at once
    (what :func:`call_handler` does for it, without a coroutine)."""
    args: list[Any] = []
    for item in data:
        args.append(Event(item) if isinstance(item, dict) else item)
    function: Any = handler.function
    if getattr(function, "__code__", None) is _POSITIONAL_WRAPPER:
        function.__wrapped__(*args)
    else:
        _drive_to_completion(function(args))


async def call_handler(handler: BaseEventHandler, data: Sequence[Any]) -> None:
    """Run ``handler`` with the event ``data``: async handlers and lambdas on the loop,
    ``def`` handlers in a worker thread (they may block)."""
    args: list[Any] = []
    for item in data:
        args.append(Event(item) if isinstance(item, dict) else item)
    function: Callable[[list[Any]], Coroutine[Any, Any, None]] = handler.function
    kind = _handler_kind(function)
    if kind == _LAMBDA:
        # A thread hop costs more than most lambdas do (bench/RESULTS.md).
        _drive_to_completion(function(args))
        return
    if kind == _BLOCKING:
        # The wrapper coroutine is made in the thread: if the session ends before the thread
        # starts, no coroutine is left behind un-awaited.
        await offload(lambda: _drive_to_completion(function(args)))
        return
    await function(args)


async def run_in_thread(function: Callable[..., T], *args: Any) -> T:
    """Run a blocking ``function(*args)`` in a worker thread, as sync handlers run.

    State it sets through hooks is rendered on the event loop, safely (the engine moves
    a render asked for from another thread onto its loop). Use it from an async handler
    that must call blocking code.
    """
    return await offload(lambda: function(*args))


# -- ember's engine: the hook object and the pieces of ReactPy's hook protocol it drives --------
#
# ember's engine (``ember.live.engine._engine``) renders components itself; what it needs from
# ReactPy lives here: the hook stack, a hook object that ReactPy's hooks accept (ReactPy's
# hooks call ``use_state``, ``add_effect``, ``schedule_render``, ``get_context_provider``
# and ``set_context_provider`` on it), and how a ``use_effect`` effect is driven without a
# task. See ``reactpy/core/_life_cycle_hook.py`` and ``reactpy/core/hooks.py``.


def _store_option_default(option: Any) -> None:
    """Store an unset ReactPy option's default as its value.

    ``reactpy.html``'s element constructor reads ``REACTPY_CHECK_JSON_ATTRS.current`` for
    every element; while the option holds no value of its own, that read raises and catches
    an ``AttributeError`` to fall back on the default (about 0.8 µs, a fifth of a small
    element's cost). Holding the same value reads the same (``REACTPY_DEBUG`` still turns
    the check on: the option follows its parent as before).
    """
    if not option.is_set():
        option._current = option.current


_store_option_default(REACTPY_CHECK_JSON_ATTRS)

REACTPY_VERSION = "2.0.0b13"
"""The ReactPy this adapter was written against (pyproject.toml pins it exactly)."""
STOCK_ELEMENT_CALL: Callable[..., Any] = getattr(
    reactpy_vdom.Vdom.__call__, "__wrapped__", reactpy_vdom.Vdom.__call__
)
"""ReactPy's own ``Vdom.__call__`` (``reactpy.html.div(...)``), kept as the reference."""


def install_element_call(version: str) -> bool:
    """Make ``reactpy.html.*`` build elements through ``ember.live.engine._elements`` (the
    same elements as ReactPy's, for about half the CPU), for ReactPy ``REACTPY_VERSION``.

    Another ReactPy keeps its own constructor (logged): the fast one copies its rules.
    """
    if version != REACTPY_VERSION:
        logger.warning(
            "ReactPy %s is installed; ember's faster element constructor was written for "
            "ReactPy %s, so ReactPy's own is used (correct, slower). Install reactpy==%s.",
            version,
            REACTPY_VERSION,
            REACTPY_VERSION,
        )
        return False
    parts = ReactPyElementParts(
        original_call=STOCK_ELEMENT_CALL,
        separate_attributes=reactpy_vdom.separate_attributes_handlers_and_inline_javascript,
        event_handler=EventHandler,
        to_handler_function=to_event_handler_function,
        inspect_handler=inspect_event_handler,
        event_name=reactpy_vdom.EVENT_ATTRIBUTE_PATTERN,
        switches=(REACTPY_DEBUG, REACTPY_CHECK_JSON_ATTRS),
    )
    reactpy_vdom.Vdom.__call__ = make_element_call(parts)  # type: ignore[method-assign]
    for constructor in (HtmlConstructor, SvgConstructor):
        found = constructor.__getattr__
        constructor.__getattr__ = remembering_getattr(  # type: ignore[method-assign]
            getattr(found, "__wrapped__", found)
        )
    return True


FAST_ELEMENTS = install_element_call(reactpy.__version__)
"""True when ``reactpy.html.*`` runs ember's element constructor."""

STOCK_STRICTLY_EQUAL: Callable[[Any, Any], bool] = getattr(
    reactpy_hooks.strictly_equal, "__wrapped__", reactpy_hooks.strictly_equal
)
"""ReactPy's own ``strictly_equal`` (a state setter's "did it change", a hook's deps)."""
_EQUAL_BY_VALUE = frozenset({int, float, complex, str, bytes, bool, NoneType})
"""Types whose ``==`` never raises and never calls user code: ReactPy compares them with
``==`` after its checks for functions, which these are not."""


def strictly_equal(x: Any, y: Any) -> bool:
    """ReactPy's ``strictly_equal``, with the commonest case first: every ``set_count(n)``
    compares two ints, which ReactPy reaches after a ``getattr`` that raises and catches
    an ``AttributeError`` for each value and a ``contextlib.suppress`` block (about
    0.5 µs a call against 0.1 µs)."""
    kind = type(x)
    if kind is not type(y):
        return False
    if kind in _EQUAL_BY_VALUE:
        return x == y  # type: ignore[no-any-return]
    return STOCK_STRICTLY_EQUAL(x, y)


def install_strictly_equal(version: str) -> bool:
    """Make ReactPy's hooks compare state and deps with :func:`strictly_equal`, for
    ReactPy ``REACTPY_VERSION`` (its hooks read the module's global at each call)."""
    if version != REACTPY_VERSION:
        return False
    strictly_equal.__wrapped__ = STOCK_STRICTLY_EQUAL  # type: ignore[attr-defined]
    reactpy_hooks.strictly_equal = strictly_equal
    return True


FAST_COMPARE = install_strictly_equal(reactpy.__version__)
"""True when ReactPy's hooks compare through :func:`strictly_equal`."""

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


class OwnEffect:
    """An effect of one of ember's own hooks (``use_subscription``), held by the component's
    hook object as one object of the hook's state.

    The hook object calls :meth:`run` after the render pass that added it
    (:meth:`EngineHook.add_own_effect`: ember's hook compares its dependencies itself and
    adds it only when they changed) and :meth:`cleanup` when the component unmounts;
    ``run`` cleans up the previous run first.
    A render that adds none costs nothing here: no memo, refs, closures or parked coroutine
    per render, as ReactPy's ``use_effect`` makes.
    """

    __slots__ = ()

    def run(self) -> None:
        raise NotImplementedError

    def cleanup(self) -> None:
        raise NotImplementedError


class ConnectEffect(OwnEffect):
    """An :class:`OwnEffect` that runs again when the session connects
    (:meth:`EngineHook.run_when_connected`)."""

    __slots__ = ()

    def connect(self) -> bool:
        """Take the session's connection as the effect's new dependency: True when the
        effect should run again (False: a render since has run it connected)."""
        raise NotImplementedError


def current_engine_hook() -> EngineHook | None:
    """The hook object of the component ember's engine is rendering, or None when none
    renders or another renderer (ReactPy's ``Layout``) does."""
    stack = HOOK_STATE.get(None)
    if stack:
        hook = stack[-1]
        if type(hook) is EngineHook:
            return hook
    return None


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
        "_current_state_index",
        "_owns_providers",
        "_parked",
        "_rendered_atleast_once",
        "_scheduled_render",
        "_state",
        "_tasks",
        "component",
        "connect_effects",
        "context_providers",
        "effects",
        "mark_dirty",
        "owner",
        "reads_context",
        "unmounted",
    )

    def __init__(self, mark_dirty: Callable[[EngineHook], None]) -> None:
        self.mark_dirty = mark_dirty
        self.owner: Any = None
        """What the engine keeps for this component (its tree node)."""
        self.context_providers: dict[Any, Any] = {}
        """The context providers this component sees (its own included, once rendered)."""
        self._owns_providers = False
        self._state: list[Any] = []
        self._current_state_index = 0
        self._rendered_atleast_once = False
        self._scheduled_render = False
        # The lists are made on first use (56 bytes each per component otherwise): most
        # renders add no effect, and most components start no async one.
        self.effects: list[Callable[[Any], Coroutine[Any, Any, None]] | OwnEffect] | None = None
        """The effects the last render added, for :meth:`run_effects`."""
        # The running sync effects, to clean up: ReactPy's parked coroutines (by their
        # cleanup ref) and ember's own effects (by themselves).
        self._parked: dict[int, Coroutine[Any, Any, None] | OwnEffect] = {}
        self._tasks: list[tuple[asyncio.Task[None], asyncio.Event]] | None = None
        self.unmounted = False
        self.reads_context = False
        """The component read a context (``use_context``: the session, the connection,
        the location): an adopted first paint renders it again (``Engine.adopt``)."""
        self.connect_effects: list[ConnectEffect] | None = None
        """ember's own effects that wait for the session to connect, in a component that
        read no context otherwise (:meth:`run_when_connected`)."""

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
        if self.effects is None:
            self.effects = [effect_func]
        else:
            self.effects.append(effect_func)

    def add_own_effect(self, effect: OwnEffect) -> None:
        """Run ``effect`` after this render pass (see :class:`OwnEffect`)."""
        if self.effects is None:
            self.effects = [effect]
        else:
            self.effects.append(effect)

    def run_when_connected(self, effect: ConnectEffect) -> None:
        """Run ``effect`` again once an adopted first paint turns connected, without
        rendering this component again: for ember's hooks that read the session only for
        an effect (``use_subscription``), whose render cannot tell the difference."""
        if self.connect_effects is None:
            self.connect_effects = [effect]
        elif effect not in self.connect_effects:
            self.connect_effects.append(effect)

    def set_context_provider(self, provider: Any) -> None:
        if not self._owns_providers:
            self.context_providers = dict(self.context_providers)
            self._owns_providers = True
        self.context_providers[provider.type] = provider

    def get_context_provider(self, context: Any) -> Any:
        self.reads_context = True
        return self.context_providers.get(context)

    # -- what ember's engine calls ---------------------------------------------------------------

    def render(self, component: Any, providers: dict[Any, Any], stack: list[Any]) -> Any:
        """Run ``component``'s render function with this hook current; return its output.

        ``stack`` is ReactPy's hook stack of the render pass (:data:`HOOK_STATE`).
        """
        self._scheduled_render = False
        self.context_providers = providers
        self._owns_providers = False
        self.component = component
        stack.append(self)
        try:
            if type(component) is Component:  # Component.render, without its own call
                return component.type(*component._args, **component._kwargs)
            return component.render()
        finally:
            stack.pop()
            self._rendered_atleast_once = True
            self._current_state_index = 0

    def run_effects(self) -> None:
        """Start the effects the last render added (sync ones inline, others as tasks)."""
        effects, self.effects = self.effects or (), None
        for effect in effects:
            if isinstance(effect, OwnEffect):
                effect.run()
                self._parked[id(effect)] = effect
                continue
            if getattr(effect, "__qualname__", "") != _SYNC_EFFECT:
                stop = asyncio.Event()
                if self._tasks is None:
                    self._tasks = []
                self._tasks.append((asyncio.get_running_loop().create_task(effect(stop)), stop))
                continue
            slot = _effect_slot(effect)
            previous = self._parked.pop(slot, None)
            if previous is not None and not isinstance(previous, OwnEffect):
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
        """Run the cleanups of sync effects; stop async ones (returned, to await); let go
        of the state (:meth:`_release`)."""
        self.unmounted = True
        self.effects = None
        parked, self._parked = list(self._parked.values()), {}
        failure: BaseException | None = None
        for coroutine in parked:
            try:
                if isinstance(coroutine, OwnEffect):
                    coroutine.cleanup()
                    continue
                coroutine.send(None)
            except StopIteration:
                pass
            except Exception as error:  # every cleanup runs; the first failure is raised
                failure = failure or error
            else:
                coroutine.close()
        tasks = []
        for task, stop in self._tasks or ():
            stop.set()
            tasks.append(task)
        self._tasks = None
        self._release()
        if failure is not None:
            raise failure
        return tasks

    def _release(self) -> None:
        """Drop what an unmounted component held, so reference counting frees it at once.

        A component's hook sits in reference cycles: ``use_state``'s setter refers to its
        own state object and to this hook, which holds the state; a context provider's
        value (a setter) to the hook that provides it; the hook to its tree node, which
        holds the hook. Cycles are freed only by a full collection, which a server holding
        many sessions runs rarely (``ember.live.ops._gc``), so a closed session's memory
        would stay. A setter called after this still works (it finds the hook unmounted).
        """
        for slot in self._state:
            if type(slot) is _CurrentState:
                del slot.dispatch  # the setter lives on in the caller's hands, if anywhere
        self._state = []
        self.context_providers = {}
        self.connect_effects = None
        self.owner = None
        self.component = None
        self.mark_dirty = _never_dirty  # a bound method of the engine, which holds the tree


def _never_dirty(hook: EngineHook) -> None:
    """What an unmounted hook marks dirty with (nothing: ``schedule_render`` stops first)."""


def _effect_slot(effect: Any) -> int:
    # The effect's cleanup lives in a ref made by use_effect's own use_ref: one per call site.
    names = effect.__code__.co_freevars
    return id(effect.__closure__[names.index("cleanup_func")].cell_contents)


HOOK_STATE: ContextVar[list[Any]] = HOOK_STACK._state
"""ReactPy's hook stack: a render pass sets it to the engine's own list once
(``token = HOOK_STATE.set(stack)``, then ``HOOK_STATE.reset(token)``), and every
component's hook goes on that list while it renders (:meth:`EngineHook.render`)."""


def current_hook() -> Any:
    """ReactPy's ``HOOK_STACK.current_hook()`` in one call instead of two (it reads the
    stack through a method of its own, in a ``try``): every hook of every component
    (``use_state``, ``use_effect``, ``use_ref``, ``use_context``) calls it once."""
    stack = HOOK_STATE.get(None)
    if not stack:
        msg = "No life cycle hook is active. Are you rendering in a layout?"
        raise RuntimeError(msg)
    return stack[-1]


def use_const(function: Callable[[], T]) -> T:
    """ReactPy's ``_use_const`` (``use_state`` and ``use_ref`` keep their object through
    it) with :func:`current_hook`'s steps and :meth:`EngineHook.use_state` written in: one
    call instead of three."""
    stack = HOOK_STATE.get(None)
    if not stack:
        msg = "No life cycle hook is active. Are you rendering in a layout?"
        raise RuntimeError(msg)
    hook = stack[-1]
    if type(hook) is not EngineHook:
        return hook.use_state(function)  # type: ignore[no-any-return]
    # EngineHook.use_state, written in: every use_state, use_ref and use_memo of every
    # render comes this way.
    result: T
    if hook._rendered_atleast_once:
        result = hook._state[hook._current_state_index]
    else:
        result = function()
        hook._state.append(result)
    hook._current_state_index += 1
    return result


def install_current_hook(version: str) -> bool:
    """Make ReactPy's hooks find the rendering hook through :func:`current_hook` and
    :func:`use_const`, for ReactPy ``REACTPY_VERSION`` (its hooks call
    ``HOOK_STACK.current_hook()`` and the module's global ``_use_const`` at each call)."""
    if version != REACTPY_VERSION:
        return False
    HOOK_STACK.current_hook = current_hook  # type: ignore[method-assign]
    reactpy_hooks._use_const = use_const
    return True


install_current_hook(reactpy.__version__)


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
    js = getattr(handler, "js", None)  # JS commands travel as data (ember.live.api._js)
    if js is not None:
        entry["js"] = js
    return entry


def check_element(raw: Mapping[str, Any]) -> None:
    """Refuse what ember never sends: an element from a ``reactpy.web`` module, inline
    JavaScript, and the tags of :func:`~ember.live.engine._sanitize.refused_element`.

    The reconciler calls it for an element with ``importSource`` or ``inlineJavaScript``
    or a tag not seen before (:data:`KNOWN_TAGS`); a tag that passes joins them.

    Raises:
        RenderError: inline JavaScript, a refused tag, or a ``reactpy.web`` module.
    """
    tag = raw.get("tagName")
    if "importSource" in raw:
        msg = (
            f"<{tag}> comes from a reactpy.web JavaScript module, which needs ReactPy's "
            "browser client; ember renders with its own client and refuses it. Render "
            "ember components or plain elements instead, or wrap the widget as a custom "
            "element and load its script in the page's head (ember.live.mount(head=...))."
        )
        raise RenderError(msg)
    inline = raw.get("inlineJavaScript")
    if inline:
        names = ", ".join(sorted(inline))
        msg = (
            f"<{tag}> has string event attributes ({names}). ember refuses inline "
            "JavaScript because a string there runs as code in the browser; pass a Python "
            "function as the handler instead."
        )
        raise RenderError(msg)
    if tag not in KNOWN_TAGS:
        if not isinstance(tag, str):
            msg = f"Expected an element's tagName to be a string, got {tag!r}."
            raise RenderError(msg)
        refused = refused_element(tag)
        if refused is not None:
            raise RenderError(refused)
        if len(KNOWN_TAGS) < _MAX_KNOWN_TAGS:
            KNOWN_TAGS.add(tag)


KNOWN_TAGS: set[str] = set()
"""Tags that passed :func:`check_element` (a page uses a few dozen)."""
_MAX_KNOWN_TAGS = 4096
