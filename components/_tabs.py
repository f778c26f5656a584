"""``tabs``: a tab list and the selected tab's panel, with the keyboard of the WAI-ARIA
tabs pattern (handled on the server; ``data-ember-focus`` moves focus)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reactpy import html, use_state
from reactpy.types import VdomDict

from ._base import Child, ComponentError, classes, dom_id, event_key, kids, typed_component

__all__ = ["Tab", "tabs"]


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
        key = event_key(event)
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
