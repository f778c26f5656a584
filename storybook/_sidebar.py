"""The sidebar: stories by group, the open story's variations, and the search box; on a
narrow screen it folds behind a Stories button, so the story is what a phone shows first."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from reactpy import html
from reactpy.types import VdomDict

import ember.components as ui

from ._selection import Catalog, Selection
from ._story import Story

__all__ = ["calling", "menu_button", "sidebar"]


def calling(
    function: Callable[..., Awaitable[None]], *args: object
) -> Callable[[object], Awaitable[None]]:
    """An async event handler that awaits ``function(*args)`` (a lambda would return the
    coroutine from a worker thread, unawaited)."""

    async def handler(event: object) -> None:
        await function(*args)

    return handler


def sidebar(
    catalog: Catalog,
    chosen: Selection | None,
    search: str,
    set_search: Callable[[str], None],
    select: Callable[[Story, str], Awaitable[None]],
) -> VdomDict:
    """The story tree: groups, stories, and the open story's variations; searchable."""
    needle = search.strip().lower()
    sections = []
    for group, stories in catalog.groups():
        items = []
        for story in stories:
            variations = list(story.variations)
            if needle and needle not in f"{group} {story.name}".lower():
                variations = [v for v in variations if needle in v.lower()]
                if not variations:
                    continue
            items.append(_tree_item(story, chosen, variations, bool(needle), select))
        if items:
            sections.append(
                html.section(
                    {"className": "sb-group", "key": group},
                    html.h2({"className": "sb-group-title"}, group),
                    html.ul({"className": "sb-tree"}, *items),
                )
            )
    return html.nav(
        {"className": "sb-side", "id": "sb-side", "aria-label": "Stories"},
        html.div(
            {"className": "sb-search", "role": "search"},
            ui.icon("search", size="sm"),
            html.input(
                {
                    "id": "sb-search",
                    "type": "search",
                    "className": "ember-control",
                    "placeholder": "Find a story",
                    "aria-label": "Find a story",
                    "value": search,
                    "onChange": lambda event: set_search(
                        str(event.get("target", {}).get("value", ""))
                    ),
                }
            ),
        ),
        *sections,
        html.p({"className": "sb-none"}, f"No story matches “{search}”.") if not sections else None,
    )


def menu_button(
    chosen: Selection | None, is_open: bool, closed: int, toggle: Callable[[object], None]
) -> VdomDict:
    """The button that shows or hides the story list on a narrow screen (hidden on a wide
    one, where the list is always there). It names the open story, as the top bar's
    breadcrumbs do on a wide screen; it takes the focus back (``closed`` changes) when a
    story chosen in the list folds the list away, so the keyboard keeps its place."""
    current = f"{chosen.story.name} / {chosen.variation}" if chosen is not None else ""
    return html.button(
        {
            "type": "button",
            "id": "sb-menu",
            "className": "sb-menu",
            "aria-expanded": "true" if is_open else "false",
            "aria-controls": "sb-side",
            "onClick": toggle,
            **({"data-ember-focus": str(closed)} if closed else {}),
        },
        ui.icon("menu", size="sm"),
        "Stories",
        html.span({"className": "sb-menu-current"}, current) if current else None,
    )


def _tree_item(
    story: Story,
    chosen: Selection | None,
    variations: list[str],
    searching: bool,
    select: Callable[[Story, str], Awaitable[None]],
) -> VdomDict:
    current = chosen is not None and story.id == chosen.story.id
    is_open = current or searching
    head = html.button(
        {
            "type": "button",
            "className": "sb-item sb-item-story",
            "data-story": story.id,
            "aria-expanded": "true" if is_open else "false",
            "onClick": calling(select, story, variations[0]),
        },
        ui.icon("chevron-down" if is_open else "chevron-right", size="sm"),
        story.name,
    )
    entries: list[VdomDict] = []
    if is_open:
        for group, names in story.grouped_variations():
            shown = [n for n in names if n in variations]
            if group and shown:
                entries.append(
                    html.li(
                        {"key": f"group-{group}", "className": "sb-vgroup", "role": "presentation"},
                        group,
                    )
                )
            for name in shown:
                entries.append(
                    html.li(
                        {"key": name},
                        html.button(
                            {
                                "type": "button",
                                "className": "sb-item",
                                "data-story": story.id,
                                "data-variation": name,
                                "aria-current": "page"
                                if chosen is not None and current and name == chosen.variation
                                else "false",
                                "onClick": calling(select, story, name),
                            },
                            name,
                        ),
                    )
                )
    return html.li(
        {"key": story.id},
        head,
        html.ul({"className": "sb-variations"}, *entries) if entries else None,
    )
