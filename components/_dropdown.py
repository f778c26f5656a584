"""``dropdown``: a button that opens a menu of actions, used with the keyboard.

Keys are handled on the server; the element that should take focus next carries
``data-ember-focus`` with a new value, and ``static/ember-components.js`` focuses it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reactpy import html, use_state
from reactpy.types import VdomDict

from ._base import classes, event_key, kids, typed_component
from ._basic import Variant
from ._icons import icon

__all__ = ["MenuItem", "dropdown"]


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
        # Enter and Space are the button's click (toggle): handled here too, they opened the
        # menu and the click that follows closed it again.
        if event_key(event) == "ArrowDown" and not opened:
            show(enabled[0] if enabled else 0)
        elif event_key(event) == "ArrowUp" and not opened:
            show(enabled[-1] if enabled else 0)

    def menu_key(event: Mapping[str, Any]) -> object:
        key = event_key(event)
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
        "data-ember-key": "ArrowDown ArrowUp",
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
