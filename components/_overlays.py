"""``modal``, ``dropdown`` and ``tabs``: the components with keyboard behaviour.

Keys are handled on the server (``onKeyDown`` with the key). Moving focus is the one thing
the server cannot do, so an element that should take focus carries ``data-ember-focus``
with a new value each time, and ``static/ember-components.js`` (a few lines) focuses it.
The modal is a ``<dialog>`` that the same script opens with ``showModal()``: the browser
then makes the rest of the page inert (the focus trap); the script also keeps Escape for
the server (which closes the modal) and returns focus to where it was on close.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reactpy import html, use_state
from reactpy.types import VdomDict

from ._base import Child, ComponentError, Handler, classes, dom_id, kids, typed_component
from ._basic import Variant
from ._icons import icon

__all__ = ["MenuItem", "Tab", "dropdown", "modal", "tabs"]


def _key(event: object) -> str:
    return str(event.get("key", "")) if isinstance(event, Mapping) else ""


@typed_component
def modal(
    *children: Child,
    open: bool,
    on_close: Handler,
    title: str,
    footer: Child = None,
    id: str = "modal",
    size: Literal["sm", "md", "lg"] = "md",
    close_label: str = "Close",
) -> VdomDict | None:
    """A modal dialog. Escape, the close button and a click on the backdrop call
    ``on_close``; focus starts on the close button, stays inside while open and returns
    to where it was on close.

    Args:
        children: the dialog's body.
        open: whether it is shown (the parent owns this state).
        on_close: called with the event when the user asks to close it.
        title: the dialog's heading and accessible name.
        footer: a slot for the dialog's buttons.
        id: the element id (the title's id derives from it).
        size: ``"sm"``, ``"md"`` or ``"lg"``.
        close_label: the close button's accessible name.
    """
    if not open:
        return None
    title_id = f"{id}-title"

    def keydown(event: Mapping[str, Any]) -> object:
        if _key(event) == "Escape":
            return on_close(event)
        return None

    def backdrop_click(event: Mapping[str, Any]) -> object:
        # With showModal(), a click on the backdrop targets the dialog itself; the panel
        # fills the dialog, so any other click targets something inside it.
        target = event.get("target")
        if isinstance(target, Mapping) and str(target.get("tagName", "")).upper() == "DIALOG":
            return on_close(event)
        return None

    return html.dialog(
        {
            "id": id,
            "open": True,
            "className": classes("ember-modal", f"ember-modal-{size}"),
            "role": "dialog",
            "aria-modal": "true",
            "aria-labelledby": title_id,
            "data-ember-modal": "true",
            "onKeyDown": keydown,
            "onClick": backdrop_click,
        },
        html.div(
            {"className": "ember-modal-panel"},
            html.div(
                {"className": "ember-modal-head"},
                html.h2({"className": "ember-modal-title", "id": title_id}, title),
                html.button(
                    {
                        "type": "button",
                        "className": "ember-modal-close ember-button ember-button-ghost",
                        "aria-label": close_label,
                        "autoFocus": True,
                        "data-ember-focus": "open",
                        "onClick": on_close,
                    },
                    icon("x"),
                ),
            ),
            html.div({"className": "ember-modal-body"}, *kids(*children)),
            *kids(html.div({"className": "ember-modal-foot"}, footer) if footer else None),
        ),
    )


@dataclass(frozen=True)
class MenuItem:
    """One entry of a :func:`dropdown` menu.

    Args:
        label: the entry's text.
        on_select: called (with no arguments) when the entry is chosen.
        icon_name: an icon before the text.
        danger: styles a destructive action.
        disabled: the entry cannot be chosen.
    """

    label: str
    on_select: Callable[[], object]
    icon_name: str | None = None
    danger: bool = False
    disabled: bool = False


@typed_component
def dropdown(
    label: str,
    items: Sequence[MenuItem],
    *,
    id: str = "menu",
    align: Literal["start", "end"] = "start",
    variant: Variant = "secondary",
) -> VdomDict:
    """A button that opens a menu of actions.

    Keyboard: Enter, Space or ArrowDown on the button opens the menu; ArrowUp/ArrowDown,
    Home and End move through it, Enter or Space chooses, Escape or Tab closes it and
    focus returns to the button.

    Args:
        label: the button's text.
        items: the menu's entries.
        id: the element id (the button's and the entries' ids derive from it).
        align: which edge of the button the menu lines up with.
        variant: the button's variant.
    """
    opened, set_opened = use_state(False)
    active, set_active = use_state(0)
    focus, set_focus = use_state(("", 0))
    enabled = [i for i, item in enumerate(items) if not item.disabled]
    button_id, menu_id = f"{id}-button", f"{id}-list"

    def show(index: int) -> None:
        set_opened(True)
        set_active(index)
        set_focus(("menu", focus[1] + 1))

    def close() -> None:
        set_opened(False)
        set_focus(("button", focus[1] + 1))

    def choose(index: int) -> object:
        close()
        return items[index].on_select()

    def toggle(event: object) -> None:
        if opened:
            close()
        else:
            show(enabled[0] if enabled else 0)

    def button_key(event: Mapping[str, Any]) -> None:
        if _key(event) in {"ArrowDown", "Enter", " "} and not opened:
            show(enabled[0] if enabled else 0)
        elif _key(event) == "ArrowUp" and not opened:
            show(enabled[-1] if enabled else 0)

    def menu_key(event: Mapping[str, Any]) -> object:
        key = _key(event)
        if key in {"Escape", "Tab"}:
            close()
        elif enabled and key in {"ArrowDown", "ArrowUp", "Home", "End"}:
            position = enabled.index(active) if active in enabled else 0
            step = {"ArrowDown": position + 1, "ArrowUp": position - 1}
            target = {"Home": 0, "End": len(enabled) - 1}.get(key, step.get(key, 0))
            set_active(enabled[target % len(enabled)])
        elif key in {"Enter", " "} and active in enabled:
            return choose(active)
        return None

    trigger: dict[str, object] = {
        "type": "button",
        "id": button_id,
        "className": f"ember-button ember-button-{variant} ember-button-md ember-dropdown-button",
        "aria-haspopup": "menu",
        "aria-expanded": "true" if opened else "false",
        "aria-controls": menu_id,
        "onClick": toggle,
        "onKeyDown": button_key,
    }
    if focus[0] == "button":
        trigger["data-ember-focus"] = str(focus[1])
    parts: list[VdomDict] = [html.button(trigger, label, icon("chevron-down", size="sm"))]
    if opened:
        entries = []
        for index, item in enumerate(items):
            attributes: dict[str, object] = {
                "key": f"{index}",
                "id": f"{id}-item-{index}",
                "role": "menuitem",
                "className": classes(
                    "ember-menu-item",
                    index == active and "ember-menu-item-active",
                    item.danger and "ember-menu-item-danger",
                ),
            }
            if item.disabled:
                attributes["aria-disabled"] = "true"
            else:
                attributes["onClick"] = lambda event, i=index: choose(i)
            entries.append(
                html.li(
                    attributes, *kids(icon(item.icon_name) if item.icon_name else None, item.label)
                )
            )
        menu: dict[str, object] = {
            "id": menu_id,
            "role": "menu",
            "tabIndex": -1,
            "className": classes("ember-menu", f"ember-menu-{align}"),
            "aria-labelledby": button_id,
            "onKeyDown": menu_key,
        }
        if active in enabled:
            menu["aria-activedescendant"] = f"{id}-item-{active}"
        if focus[0] == "menu":
            menu["data-ember-focus"] = str(focus[1])
        parts.append(html.ul(menu, *entries))
    return html.div({"className": "ember-dropdown", "id": id}, *parts)


@dataclass(frozen=True)
class Tab:
    """One tab of :func:`tabs`: its key, label and panel content."""

    key: str
    label: str
    content: Child | Callable[[], Child] = None
    disabled: bool = False


@typed_component
def tabs(
    items: Sequence[Tab],
    *,
    selected: str | None = None,
    on_select: Callable[[str], object] | None = None,
    id: str = "tabs",
    label: str = "Tabs",
) -> VdomDict:
    """Tabs: a tab list and the selected tab's panel.

    Keyboard: ArrowLeft/ArrowRight move to the previous/next tab (and select it), Home
    and End to the first and last; the selected tab is the one Tab stop.

    Args:
        items: the tabs, in order.
        selected: the key of the tab shown first (by default the first enabled one).
        on_select: called with a tab's key when it is selected.
        id: the element id (tab and panel ids derive from it).
        label: the tab list's accessible name.

    Raises:
        ComponentError: there are no tabs, or two share a key.
    """
    keys = [t.key for t in items]
    if not keys or len(set(keys)) != len(keys):
        raise ComponentError(f"Expected at least one tab and distinct tab keys, got {keys}.")
    enabled = [t.key for t in items if not t.disabled] or keys
    current, set_current = use_state(selected if selected in keys else enabled[0])
    focus, set_focus = use_state(0)

    def pick(key: str, *, move_focus: bool) -> object:
        set_current(key)
        if move_focus:
            set_focus(focus + 1)
        return on_select(key) if on_select is not None else None

    def keydown(event: Mapping[str, Any]) -> object:
        key = _key(event)
        position = enabled.index(current) if current in enabled else 0
        moves = {
            "ArrowRight": position + 1,
            "ArrowLeft": position - 1,
            "Home": 0,
            "End": len(enabled) - 1,
        }
        if key not in moves:
            return None
        return pick(enabled[moves[key] % len(enabled)], move_focus=True)

    buttons = []
    for tab in items:
        chosen = tab.key == current
        tab_id = dom_id(id, "tab", tab.key)
        attributes: dict[str, object] = {
            "key": tab.key,
            "type": "button",
            "role": "tab",
            "id": tab_id,
            "aria-selected": "true" if chosen else "false",
            "aria-controls": dom_id(id, "panel", tab.key),
            "tabIndex": 0 if chosen else -1,
            "className": classes("ember-tab", chosen and "ember-tab-selected"),
            "onKeyDown": keydown,
        }
        if tab.disabled:
            attributes["disabled"] = True
        else:
            attributes["onClick"] = lambda event, key=tab.key: pick(key, move_focus=False)
        if chosen and focus:
            attributes["data-ember-focus"] = str(focus)
        buttons.append(html.button(attributes, tab.label))
    shown = next(t for t in items if t.key == current)
    content = shown.content() if callable(shown.content) else shown.content
    return html.div(
        {"className": "ember-tabs", "id": id},
        html.div({"role": "tablist", "aria-label": label, "className": "ember-tablist"}, *buttons),
        html.div(
            {
                "role": "tabpanel",
                "id": dom_id(id, "panel", shown.key),
                "aria-labelledby": dom_id(id, "tab", shown.key),
                "tabIndex": 0,
                "className": "ember-tabpanel",
                "key": shown.key,
            },
            *kids(content),
        ),
    )
