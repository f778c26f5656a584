"""JS commands (LiveView's ``JS``): small client-side effects, sent as data, run in the browser.

``JS.toggle("#menu").add_class("open", to="#button")`` is an event handler value like a Python
function: ``html.button({"onClick": JS.toggle("#menu")}, "Menu")``. The browser runs its
commands at once, with no round trip; a ``push`` in the chain also sends the event to a
Python handler. Commands travel as a list of ``[name, {options}]`` in the handler's wire
entry (``"js"``), never as code: the client knows a fixed set of command names and runs
nothing else, so the page's Content-Security-Policy (no inline script, no ``eval``) holds.
What a command changes on an element (shown or hidden, classes, attributes) is kept when
the server later patches that element, as in LiveView (``docs/js.md``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import Any

from .._errors import EmberError
from ..engine._reactpy import (
    BaseEventHandler,
    EventHandler,
    call_handler,
    to_event_handler_function,
)
from ..engine._sanitize import URL_ATTRIBUTES, attribute_key, is_event_attribute, is_script_url

__all__ = ["JS", "JSCommands", "rendering_view"]

Transition = str | tuple[str, str, str]
"""Classes for the whole transition, or ``(classes, start classes, end classes)``."""

_VIEW_EVENTS: ContextVar[Callable[[str], Callable[..., Any]] | None] = ContextVar(
    "ember_js_view_events", default=None
)


@contextlib.contextmanager
def rendering_view(on: Callable[[str], Callable[..., Any]]) -> Iterator[None]:
    """While a ``LiveView`` renders, ``JS.push("name")`` routes to its ``@on_event("name")``."""
    token = _VIEW_EVENTS.set(on)
    try:
        yield
    finally:
        _VIEW_EVENTS.reset(token)


class JSCommands(BaseEventHandler):
    """A chain of JS commands; every method returns a new, longer chain.

    Use :data:`JS` (the empty chain) to start one. A chain is an event handler value:
    ``{"onClick": JS.hide("#flash")}``. ``to`` is a CSS selector (every element it matches in
    the document); without it a command acts on the element whose handler runs.
    """

    __slots__ = ("ops", "pushes")

    def __init__(
        self, ops: tuple[tuple[str, dict[str, Any]], ...] = (), pushes: tuple[Any, ...] = ()
    ) -> None:
        self.ops = ops
        self.pushes = pushes
        self.prevent_default = False
        self.stop_propagation = False
        self.target = None
        self.debounce = None
        self.throttle = None

    @property
    def function(self) -> Callable[[Sequence[Any]], Awaitable[None]]:  # type: ignore[override]
        """What the event runs: the chain's pushes. Made on each read: a chain that held
        its own bound method would be a reference cycle (every chain, every render)."""
        return self._run

    def __repr__(self) -> str:
        return f"JS({[name for name, _ in self.ops]})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JSCommands) and (self.ops, self.pushes) == (
            other.ops,
            other.pushes,
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def js(self) -> list[list[Any]]:
        """The commands as the client reads them."""
        return [[name, options] for name, options in self.ops]

    def _add(self, command: str, /, **options: Any) -> JSCommands:
        kept = {k: v for k, v in options.items() if v is not None}
        return JSCommands((*self.ops, (command, kept)), self.pushes)

    async def _run(self, data: Sequence[Any]) -> None:
        # The browser sends the event once, for the whole chain; each push's handler runs.
        for handler in self.pushes:
            await call_handler(handler, data)

    # -- visibility ------------------------------------------------------------------------

    def show(
        self,
        to: str | None = None,
        *,
        display: str = "block",
        transition: Transition | None = None,
        time: int = 200,
    ) -> JSCommands:
        """Show the element(s): ``style.display`` becomes ``display``."""
        return self._add("show", to=to, display=display, transition=_classes(transition), time=time)

    def hide(
        self, to: str | None = None, *, transition: Transition | None = None, time: int = 200
    ) -> JSCommands:
        """Hide the element(s) (``display: none``), after ``transition`` when given."""
        return self._add("hide", to=to, transition=_classes(transition), time=time)

    def toggle(
        self,
        to: str | None = None,
        *,
        display: str = "block",
        transition_in: Transition | None = None,
        transition_out: Transition | None = None,
        time: int = 200,
    ) -> JSCommands:
        """Show the element(s) when hidden, hide them when shown."""
        return self._add(
            "toggle",
            to=to,
            display=display,
            ins=_classes(transition_in),
            outs=_classes(transition_out),
            time=time,
        )

    # -- classes and attributes ------------------------------------------------------------

    def add_class(self, names: str, to: str | None = None) -> JSCommands:
        """Add the space-separated class ``names``."""
        return self._add("add_class", to=to, names=names.split())

    def remove_class(self, names: str, to: str | None = None) -> JSCommands:
        """Remove the space-separated class ``names``."""
        return self._add("remove_class", to=to, names=names.split())

    def toggle_class(self, names: str, to: str | None = None) -> JSCommands:
        """Add each of ``names`` that is missing, remove each that is there."""
        return self._add("toggle_class", to=to, names=names.split())

    def set_attribute(self, name: str, value: str, to: str | None = None) -> JSCommands:
        """Set the attribute ``name`` to ``value``.

        Raises:
            EmberError: an event attribute (``on…``) or a script URL.
        """
        return self._add("set_attribute", to=to, name=_attribute(name, value), value=value)

    def remove_attribute(self, name: str, to: str | None = None) -> JSCommands:
        """Remove the attribute ``name``."""
        return self._add("remove_attribute", to=to, name=_attribute(name, ""))

    def toggle_attribute(
        self, name: str, on: str = "", off: str | None = None, to: str | None = None
    ) -> JSCommands:
        """Set ``name`` to ``on`` when it is not ``on``, else to ``off`` (``None``: remove it)."""
        _attribute(name, on)
        if off is not None:
            _attribute(name, off)
        return self._add("toggle_attribute", to=to, name=name.lower(), on=on, off=off)

    def transition(self, classes: Transition, to: str | None = None, time: int = 200) -> JSCommands:
        """Add ``classes`` for ``time`` ms (an animation), then take them off again."""
        return self._add("transition", to=to, transition=_classes(classes), time=time)

    # -- focus and events ------------------------------------------------------------------

    def focus(self, to: str | None = None) -> JSCommands:
        """Move the focus to the element."""
        return self._add("focus", to=to)

    def focus_first(self, to: str | None = None) -> JSCommands:
        """Move the focus to the first focusable element inside the element."""
        return self._add("focus_first", to=to)

    def dispatch(
        self, event: str, to: str | None = None, detail: Mapping[str, Any] | None = None
    ) -> JSCommands:
        """Dispatch a bubbling DOM ``CustomEvent`` named ``event`` (with ``detail``)."""
        return self._add("dispatch", to=to, event=event, detail=dict(detail or {}))

    def push(
        self, event: str | Callable[..., Any], value: Mapping[str, Any] | None = None
    ) -> JSCommands:
        """Send the event to a Python handler, at this point of the chain.

        Args:
            event: the handler (a function, as for ``onClick``), or in a ``LiveView``'s
                ``render`` the name of an ``@on_event`` method.
            value: extra params merged into the event (``params["id"]``).

        Raises:
            EmberError: a name outside a ``LiveView``'s render.
        """
        if isinstance(event, str):
            on = _VIEW_EVENTS.get()
            if on is None:
                msg = (
                    f"JS.push({event!r}) names an event, which only a LiveView's render can "
                    "route (to its @on_event method). In a component, pass the handler "
                    "function: JS.push(handler)."
                )
                raise EmberError(msg)
            event = on(event)
        handler: Any = event
        if not isinstance(handler, BaseEventHandler):
            # as ReactPy makes a handler of a function in html.*({"onClick": f})
            handler = EventHandler(to_event_handler_function(event))
        chain = self._add("push", value=dict(value) if value else None)
        return JSCommands(chain.ops, (*self.pushes, handler))


JS = JSCommands()
"""The empty chain: ``JS.show("#x")``, ``JS.toggle("#menu").push(opened)``."""


def _classes(transition: Transition | None) -> list[list[str]] | None:
    if transition is None:
        return None
    if isinstance(transition, str):
        return [transition.split(), [], []]
    return [part.split() for part in transition]


def _attribute(name: str, value: str) -> str:
    key = attribute_key(name)
    if is_event_attribute(name):
        msg = (
            f"JS commands may not set the event attribute {name!r}: its value would run as "
            "script. Use a JS command chain or a Python handler as the event's value."
        )
        raise EmberError(msg)
    if key in URL_ATTRIBUTES and is_script_url(value):
        msg = f"JS commands may not set {name!r} to a script URL ({value[:40]!r})."
        raise EmberError(msg)
    return name.lower()
