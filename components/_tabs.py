"""``tabs``: a tab list and the selected tab's panel, with the keyboard of the WAI-ARIA
tabs pattern (handled on the server; ``data-ember-focus`` moves focus)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reactpy import html, use_state
from reactpy.types import VdomDict

from ember.live import JS

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
    client: bool = False,
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
        client: switch tabs in the browser with JS commands, with no round trip (every
            panel is rendered, the others ``hidden``); ``on_select`` still hears of it.

    Raises:
        ComponentError: there are no tabs, or two share a key.
    """
    keys = [t.key for t in items]
    if not keys or len(set(keys)) != len(keys):
        raise ComponentError(f"Expected at least one tab and distinct tab keys, got {keys}.")
    enabled = [t.key for t in items if not t.disabled] or keys
    if client:
        return _client_tabs(
            items, selected if selected in keys else enabled[0], on_select, id, label
        )
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


def _client_tabs(
    items: Sequence[Tab],
    selected: str,
    on_select: Callable[[str], object] | None,
    id: str,
    label: str,
) -> VdomDict:
    # Every panel is in the page; a click runs JS commands (ember.live.JS) that hide the
    # others and mark its tab, in the browser. Arrow keys: static/ember-components.js.
    tabs_of = f'[id="{id}"] > [role=tablist] > [role=tab]'
    panels_of = f'[id="{id}"] > [role=tabpanel]'
    buttons = []
    panels = []
    for tab in items:
        chosen = tab.key == selected
        tab_id, panel_id = dom_id(id, "tab", tab.key), dom_id(id, "panel", tab.key)
        attributes: dict[str, object] = {
            "key": tab.key,
            "type": "button",
            "role": "tab",
            "id": tab_id,
            "aria-selected": "true" if chosen else "false",
            "aria-controls": panel_id,
            "tabIndex": 0 if chosen else -1,
            "className": classes("ember-tab", chosen and "ember-tab-selected"),
        }
        if tab.disabled:
            attributes["disabled"] = True
        else:
            show = (
                JS.set_attribute("hidden", "", to=panels_of)
                .remove_attribute("hidden", to=f'[id="{panel_id}"]')
                .remove_class("ember-tab-selected", to=tabs_of)
                .set_attribute("aria-selected", "false", to=tabs_of)
                .set_attribute("tabindex", "-1", to=tabs_of)
                .add_class("ember-tab-selected")
                .set_attribute("aria-selected", "true")
                .set_attribute("tabindex", "0")
            )
            if on_select is not None:
                show = show.push(lambda event, key=tab.key: on_select(key))
            attributes["onClick"] = show
        buttons.append(html.button(attributes, tab.label))
        content = tab.content() if callable(tab.content) else tab.content
        panels.append(
            html.div(
                {
                    "key": f"panel-{tab.key}",
                    "role": "tabpanel",
                    "id": panel_id,
                    "aria-labelledby": tab_id,
                    "tabIndex": 0,
                    "className": "ember-tabpanel",
                    "hidden": not chosen,
                },
                *kids(content),
            )
        )
    return html.div(
        {"className": "ember-tabs", "id": id, "data-ember-tabs": "client"},
        html.div({"role": "tablist", "aria-label": label, "className": "ember-tablist"}, *buttons),
        *panels,
    )
