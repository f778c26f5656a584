"""ReactPy's element constructor (``reactpy.html.div(...)``), the same elements for less work.

Every ``html.*`` call of every render goes through ReactPy's ``Vdom.__call__``, and for the
small elements a component is made of, most of that call is generic work: the children
are flattened through a recursive helper that asks ``hasattr(child, "__iter__")`` of each
text, every attribute name is matched against a regular expression, every function given
as a handler is checked twice with ``inspect`` and its bytecode inspected by
``EventHandler``, and the result goes through ``VdomDict(**result)``'s key checks. That
was about half of the CPU of a render pass (bench/RESULTS.md, issue 21).

:func:`make_element_call` builds a drop-in ``Vdom.__call__`` that returns exactly what
ReactPy's returns (the same ``VdomDict`` type, keys and key order, the same
``EventHandler`` fields and ReactPy's own handler wrapper, the same errors) with the
common cases taken directly: known child types are kept without checks, an attribute
name's "is this an ``on*`` event name" answer is remembered, a plain function or method
becomes its ``EventHandler`` without ``EventHandler.__init__``'s second wrapping, and
what ReactPy learns from a handler's bytecode (``event.preventDefault()`` and the like)
is remembered per code object when the code alone decides it. Everything else (callable
objects, decorated functions, non-string attribute names, ``REACTPY_DEBUG`` or
``REACTPY_CHECK_JSON_ATTRS`` switched on) goes to ReactPy's own code.
``tests/live/test_elements.py`` compares the two on generated input.

The ReactPy pieces are handed in by the adapter (``_reactpy.py``), which installs the
result only for the ReactPy version it was written against.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from inspect import CO_COROUTINE
from types import CellType, CodeType, FunctionType, MethodType, NoneType
from typing import Any

from reactpy.types import BaseEventHandler, Component, InlineJavaScript, VdomDict

__all__ = ["ReactPyElementParts", "make_element_call", "remembering_getattr"]

_MAX_REMEMBERED = 4096
"""Attribute names and handler code objects remembered (a program has a few hundred)."""

_SINGLE_CHILDREN = frozenset({str, VdomDict, dict, NoneType, int, float, bool, Component})
"""Child types ReactPy keeps as one child (a string or mapping, or nothing to iterate)."""

_PLAIN_VALUES = frozenset({int, float, bool, NoneType, dict, list, tuple})
"""Attribute values that are neither callable, handlers nor strings: plain attributes."""

_NOTHING_FOUND = (False, False, None)
_HANDLER_NAMES = ("preventDefault", "stopPropagation", "debounce")


@dataclass(frozen=True)
class ReactPyElementParts:
    """What :func:`make_element_call` uses of ReactPy (``reactpy.core.vdom`` and
    ``reactpy.core.events``), handed in by the adapter."""

    original_call: Callable[..., Any]
    """``Vdom.__call__`` as ReactPy wrote it: the reference, and the way for what is
    uncommon."""
    separate_attributes: Callable[[Mapping[str, Any]], tuple[Any, Any, Any]]
    """``separate_attributes_handlers_and_inline_javascript``."""
    event_handler: type[BaseEventHandler]
    """``EventHandler``."""
    to_handler_function: Callable[..., Any]
    """``to_event_handler_function``."""
    inspect_handler: Callable[[Any], tuple[bool, bool, int | None]]
    """``inspect_event_handler``: what a handler's bytecode does with its event."""
    event_name: Any
    """``EVENT_ATTRIBUTE_PATTERN``: an ``on*`` name whose string value is JavaScript."""
    switches: tuple[Any, ...]
    """The options under which ReactPy checks more (``REACTPY_DEBUG``,
    ``REACTPY_CHECK_JSON_ATTRS``): while one is on, ReactPy's own code runs."""


async def _coroutine_template() -> None:
    """A coroutine function, to take ReactPy's wrapper of one as a template."""


def make_element_call(parts: ReactPyElementParts) -> Callable[..., Any]:
    """A ``Vdom.__call__`` that returns what ``parts.original_call`` returns, faster."""
    original = parts.original_call
    separate = parts.separate_attributes
    handler_type: Any = parts.event_handler
    to_handler_function = parts.to_handler_function
    inspect_handler = parts.inspect_handler
    event_name = parts.event_name.match
    new_handler = object.__new__
    new_element = dict.__new__
    set_item = dict.__setitem__
    names: dict[str, bool] = {}
    """Attribute names seen: whether a string under it is JavaScript (an ``on*`` name)."""
    inspected: dict[CodeType, tuple[bool, bool, int | None]] = {}
    checking = [False]
    # ReactPy's wrapper of a plain function (``to_event_handler_function``'s default): the
    # same function, made from its code with the handler in its one cell, without the
    # ``inspect.iscoroutinefunction`` that ReactPy asks first (about 1 µs a handler).
    template: Any = to_handler_function(lambda: None)
    wrapper_code: CodeType = template.__code__
    wrapper_globals = template.__globals__
    wrapper_name, wrapper_qualname = template.__name__, template.__qualname__
    wrapper_annotations = template.__annotations__
    own_wrapper = wrapper_code.co_freevars == ("function",)  # else ReactPy's own, always
    # Its wrapper of a coroutine function, the same way (``async def`` handlers are common).
    async_code: CodeType = to_handler_function(_coroutine_template).__code__
    own_async = async_code.co_freevars == ("function",) and bool(async_code.co_flags & CO_COROUTINE)
    new_function = FunctionType

    def follow(_value: object) -> None:
        checking[0] = any(option.current for option in parts.switches)

    for option in parts.switches:
        option.subscribe(follow)  # called now, and on every change

    def make_handler(value: Any) -> Any:
        """``EventHandler(to_event_handler_function(value))`` for a function or method."""
        function = value if type(value) is FunctionType else value.__func__
        if type(function) is not FunctionType or hasattr(value, "__wrapped__"):
            return handler_type(to_handler_function(value))
        # EventHandler's own steps, for ReactPy's wrapper of a function: the wrapper is a
        # coroutine function (kept as it is), and the function's bytecode is inspected.
        code = function.__code__
        found = inspected.get(code)
        if found is None:
            used = code.co_names
            if code.co_argcount <= 0 or not any(name in used for name in _HANDLER_NAMES):
                found = _NOTHING_FOUND
            else:
                found = inspect_handler(value)
            # A debounce read from the bytecode may come from the function's defaults
            # or closure: that answer belongs to this function only.
            if "debounce" not in used and len(inspected) < _MAX_REMEMBERED:
                inspected[code] = found
        handler = new_handler(handler_type)
        if code.co_flags & CO_COROUTINE:
            made: CodeType | None = async_code if own_async else None
        else:
            made = wrapper_code if own_wrapper else None
        if made is None or hasattr(function, "_is_coroutine_marker"):  # markcoroutinefunction
            handler.function = to_handler_function(value)
        else:
            wrapper = new_function(made, wrapper_globals, wrapper_name, None, (CellType(value),))
            wrapper.__qualname__ = wrapper_qualname
            wrapper.__annotations__ = wrapper_annotations
            wrapper.__wrapped__ = value  # type: ignore[attr-defined]
            handler.function = wrapper
        handler.prevent_default = found[0]
        handler.stop_propagation = found[1]
        handler.debounce = found[2]
        handler.throttle = None
        handler.target = None
        return handler

    def flatten(values: Any, children: list[Any]) -> None:
        """``_flatten_children``: nested iterables (not strings or mappings) are opened."""
        for child in values:
            kind = type(child)
            if kind in _SINGLE_CHILDREN:
                children.append(child)
            elif kind is list or kind is tuple:
                flatten(child, children)
            elif isinstance(child, (str, Mapping)) or not hasattr(child, "__iter__"):
                children.append(child)
            else:
                flatten(child, children)

    def element_call(self: Any, *values: Any) -> Any:
        """The entry point for the VDOM API, for example reactpy.html(<WE_ARE_HERE>)."""
        if checking[0]:
            return original(self, *values)
        plain: Any = None
        handlers: Any = None
        inline: Any = None
        children: list[Any] = []
        if values:
            attributes = None
            if type(values[0]) is dict:
                attributes = values[0]
                values = values[1:]
            for child in values:  # first, as ReactPy does (a generator may raise)
                if type(child) in _SINGLE_CHILDREN:
                    children.append(child)
                else:
                    flatten((child,), children)
            if attributes:
                # separate_attributes_handlers_and_inline_javascript(attributes), written in
                # (one call fewer per element); the rarer mappings are made when needed.
                plain = {}
                for name, value in attributes.items():
                    event = names.get(name)
                    if event is None:
                        if type(name) is not str:
                            plain, handlers, inline = separate(attributes)  # ReactPy's error
                            break
                        event = bool(event_name(name))
                        if len(names) < _MAX_REMEMBERED:
                            names[name] = event
                    kind = type(value)
                    if kind is str:
                        if event:
                            if inline is None:
                                inline = {}
                            inline[name] = InlineJavaScript(value)
                        else:
                            plain[name] = value
                    elif kind in _PLAIN_VALUES:
                        plain[name] = value
                    else:
                        if kind is FunctionType or kind is MethodType:
                            handler = make_handler(value)
                        elif callable(value):
                            handler = handler_type(to_handler_function(value))
                        elif isinstance(value, BaseEventHandler):
                            handler = value
                        elif event and isinstance(value, str):
                            if inline is None:
                                inline = {}
                            inline[name] = InlineJavaScript(value)
                            continue
                        elif isinstance(value, InlineJavaScript):
                            if inline is None:
                                inline = {}
                            inline[name] = value
                            continue
                        else:
                            plain[name] = value
                            continue
                        if handlers is None:
                            handlers = {}
                        handlers[name] = handler
        if self.custom_constructor:
            result = self.custom_constructor(
                children=children,
                attributes={} if plain is None else plain,
                event_handlers={} if handlers is None else handlers,
            )
            result = result | {"tagName": self.__name__}
            if children and not self.allow_children:
                msg = f"{self.__name__!r} nodes cannot have children."
                raise TypeError(msg)
            return VdomDict(**result)
        element = new_element(VdomDict)
        if children:
            set_item(element, "children", children)
        if plain:
            set_item(element, "attributes", plain)
        if handlers:
            set_item(element, "eventHandlers", handlers)
        if inline:
            set_item(element, "inlineJavaScript", inline)
        if self.import_source:
            set_item(element, "importSource", self.import_source)
        set_item(element, "tagName", self.__name__)
        if children and not self.allow_children:
            msg = f"{self.__name__!r} nodes cannot have children."
            raise TypeError(msg)
        return element

    element_call.__wrapped__ = original  # type: ignore[attr-defined]
    return element_call


def remembering_getattr(original: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    """``HtmlConstructor.__getattr__`` (``html.div``) that stores what it found on the
    instance, so the next ``html.div`` is a plain attribute read (the constructor per tag
    is cached by ReactPy already; only the lookup of that cache is saved)."""

    def getattr_remembering(self: Any, name: str) -> Any:
        found = original(self, name)
        if not name.startswith("__"):
            self.__dict__[name] = found
        return found

    getattr_remembering.__wrapped__ = original  # type: ignore[attr-defined]
    return getattr_remembering
