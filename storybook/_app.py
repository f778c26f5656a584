"""The storybook view: sidebar, canvas, and the controls, events, docs and source panels.

Everything the page shows is named by its URL (see :class:`ViewState`): selecting a story
or editing a control is a ``push_patch``, so back and forward work and a link reopens the
same state. The canvas is part of the live view, so the story's own events work.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reactpy import component, html, use_state
from reactpy.types import Component, VdomDict

import ember.components as ui
from ember.live import error_boundary, use_page_location, use_session

from ._controls import Control, ControlKind, controls_for
from ._events import LoggedEvent, logging_handler
from ._panels import controls_panel, docs_panel, events_panel, source_panel
from ._state import BACKGROUNDS, THEMES, WIDTHS, ViewState
from ._story import Story, render

__all__ = ["Catalog", "Selection", "storybook_view"]

MAX_EVENTS = 200
logger = logging.getLogger("ember.storybook")


@dataclass
class Catalog:
    """The stories a storybook shows, and their controls (read once per story)."""

    stories: Sequence[Story]
    title: str = "Storybook"
    _controls: dict[str, list[Control]] = field(default_factory=dict, repr=False)

    def find(self, story_id: str) -> Story | None:
        return next((s for s in self.stories if s.id == story_id), None)

    def controls(self, story: Story) -> list[Control]:
        if story.id not in self._controls:
            self._controls[story.id] = controls_for(story)
        return self._controls[story.id]

    def groups(self) -> list[tuple[str, list[Story]]]:
        """The stories by sidebar group, groups in order of first appearance."""
        out: dict[str, list[Story]] = {}
        for story in self.stories:
            out.setdefault(story.group or "Stories", []).append(story)
        return list(out.items())


@dataclass(frozen=True)
class Selection:
    """The story and variation a view names, with the controls' values resolved."""

    story: Story
    variation: str
    controls: list[Control]
    values: dict[str, object]
    """Every control's current value (variation, then URL overrides)."""
    overrides: dict[str, object]
    """The URL's arguments that apply, as Python values."""
    problems: list[str]

    @classmethod
    def resolve(cls, catalog: Catalog, view: ViewState) -> Selection:
        story = catalog.find(view.story) or catalog.stories[0]
        variation = (
            view.variation if view.variation in story.variations else next(iter(story.variations))
        )
        controls = catalog.controls(story)
        given = story.variations[variation]
        values: dict[str, object] = {}
        overrides: dict[str, object] = {}
        problems: list[str] = []
        for control in controls:
            if control.positional:
                values[control.name] = story.children[0] if story.children else ""
            elif control.kind is ControlKind.EVENT:
                values[control.name] = callable(given.get(control.name))
            elif control.name in given:
                values[control.name] = given[control.name]
            elif not control.required:
                values[control.name] = control.default
        by_name = {c.name: c for c in controls}
        for name, raw in view.args.items():
            found = by_name.get(name)
            if found is None:
                problems.append(f"The URL sets {name!r}, which {story.name} does not take.")
                continue
            try:
                overrides[name] = values[name] = found.from_url(raw)
            except ValueError as error:
                problems.append(f"The URL's value for {name!r} was ignored: {error}")
        return cls(story, variation, controls, values, overrides, problems)

    def call(
        self, record: Callable[[LoggedEvent], None]
    ) -> tuple[dict[str, object], tuple[object, ...] | None]:
        """The keyword arguments and children to render with, handlers logged."""
        kwargs = dict(self.story.variations[self.variation])
        children: tuple[object, ...] | None = None
        for control in self.controls:
            name = control.name
            if control.positional:
                if name in self.overrides:
                    children = (self.overrides[name],)
            elif control.kind is ControlKind.EVENT:
                original = kwargs.get(name)
                if self.values.get(name):
                    handler = original if callable(original) else None
                    kwargs[name] = logging_handler(name, handler, record)
                elif name in self.overrides and not control.required:
                    kwargs[name] = None
            elif name in self.overrides:
                kwargs[name] = self.overrides[name]
        return kwargs, children


def storybook_view(catalog: Catalog) -> Callable[[], Component]:
    """The root component of a storybook showing ``catalog``."""

    @component
    def Storybook() -> VdomDict:
        session = use_session()
        location = use_page_location()
        events, set_events = use_state(tuple[LoggedEvent, ...]())
        search, set_search = use_state("")
        view = ViewState.from_params(location.params)

        async def go(target: ViewState) -> None:
            await session.push_patch(f"{location.path}?{target.query()}")

        def record(event: LoggedEvent) -> None:
            set_events(lambda old: (event, *old)[:MAX_EVENTS])

        if not catalog.stories:
            return html.div(
                {"className": "sb", "data-theme": view.theme},
                _top(catalog, view, None, go),
                html.main(
                    {"className": "sb-main"},
                    ui.empty_state(
                        "No stories found",
                        description="Add a module named *_stories.py that defines "
                        "stories: list[Story] to one of the storybook's packages.",
                    ),
                ),
            )
        chosen = Selection.resolve(catalog, view)
        view = view.replace(story=chosen.story.id, variation=chosen.variation)

        async def select(story: Story, variation: str) -> None:
            set_events(())
            await go(view.replace(story=story.id, variation=variation, args={}))

        async def set_arg(name: str, value: object) -> None:
            control = next(c for c in chosen.controls if c.name == name)
            await go(view.with_arg(name, control.to_url(value)))

        async def reset_arg(name: str) -> None:
            await go(view.without_arg(name))

        kwargs, children = chosen.call(record)
        shown_args = dict(kwargs)
        return html.div(
            {"className": "sb", "data-theme": view.theme, "id": "storybook"},
            _top(catalog, view, chosen, go),
            html.div(
                {"className": "sb-body"},
                sidebar(catalog, chosen, search, set_search, select),
                html.main(
                    {"className": "sb-main"},
                    _title(chosen, select),
                    *[html.p({"className": "sb-warning", "key": p}, p) for p in chosen.problems],
                    _canvas(chosen, view, kwargs, children),
                    html.section(
                        {"className": "sb-panel", "aria-label": "Story panels"},
                        ui.tabs(
                            [
                                ui.Tab(
                                    "controls",
                                    "Controls",
                                    controls_panel(
                                        chosen.story,
                                        chosen.variation,
                                        chosen.controls,
                                        chosen.values,
                                        set(chosen.overrides),
                                        on_set=set_arg,
                                        on_reset=reset_arg,
                                    ),
                                ),
                                ui.Tab(
                                    "events",
                                    f"Events ({len(events)})" if events else "Events",
                                    events_panel(events, lambda event: set_events(())),
                                ),
                                ui.Tab("docs", "Docs", docs_panel(chosen.story, chosen.controls)),
                                ui.Tab(
                                    "source",
                                    "Source",
                                    source_panel(chosen.story, shown_args, children),
                                ),
                            ],
                            id="sb-panel",
                            label="Story panels",
                        ),
                    ),
                ),
            ),
        )

    Storybook.__name__ = Storybook.__qualname__ = "Storybook"
    return Storybook


def _top(
    catalog: Catalog,
    view: ViewState,
    chosen: Selection | None,
    go: Callable[[ViewState], Any],
) -> VdomDict:
    def choose(field_name: str, options: Sequence[str]) -> Callable[[Mapping[str, Any]], Any]:
        async def change(event: Mapping[str, Any]) -> None:
            value = _selected(event)
            if value in options:
                await go(view.replace(**{field_name: value}))

        return change

    crumbs: list[Any] = []
    if chosen is not None:
        crumbs = [
            chosen.story.group,
            " / ",
            html.strong(chosen.story.name),
            " / ",
            chosen.variation,
        ]
    return html.header(
        {"className": "sb-top"},
        html.div(
            {"className": "sb-brand"},
            html.span({"className": "sb-logo", "aria-hidden": "true"}, "e"),
            catalog.title,
        ),
        html.div({"className": "sb-crumbs"}, *crumbs),
        html.div(
            {"className": "sb-tools"},
            _select(
                "sb-theme",
                "Theme",
                view.theme,
                {t: t.capitalize() for t in THEMES},
                choose("theme", THEMES),
            ),
            _select(
                "sb-background",
                "Canvas background",
                view.background,
                BACKGROUNDS,
                choose("background", tuple(BACKGROUNDS)),
            ),
            _select(
                "sb-width", "Viewport width", view.width, WIDTHS, choose("width", tuple(WIDTHS))
            ),
        ),
    )


def _select(
    element_id: str,
    label: str,
    value: str,
    options: Mapping[str, str],
    on_change: Callable[[Mapping[str, Any]], Any],
) -> VdomDict:
    return html.select(
        {
            "id": element_id,
            "className": "ember-control",
            "aria-label": label,
            "title": label,
            "value": value,
            "onChange": on_change,
        },
        *[html.option({"value": key, "key": key}, text) for key, text in options.items()],
    )


def _selected(event: Mapping[str, Any]) -> str:
    target = event.get("target")
    if isinstance(target, list):
        chosen = [
            o.get("value", "") for o in target if isinstance(o, Mapping) and o.get("selected")
        ]
        return str(chosen[0]) if chosen else ""
    return str(target.get("value", "")) if isinstance(target, Mapping) else ""


def _title(chosen: Selection, select: Callable[[Story, str], Awaitable[None]]) -> VdomDict:
    story = chosen.story

    def pill(name: str) -> VdomDict:
        return html.button(
            {
                "key": name,
                "type": "button",
                "className": "sb-pill",
                "aria-pressed": "true" if name == chosen.variation else "false",
                "data-variation": name,
                "onClick": _calling(select, story, name),
            },
            name,
        )

    return html.div(
        {"className": "sb-title"},
        html.h1(story.name),
        ui.badge(story.group, tone="neutral") if story.group else None,
        html.p(story.description) if story.description else None,
        html.div(
            {"className": "sb-pills", "role": "group", "aria-label": "Variations"},
            *[pill(n) for n in story.variations],
        ),
    )


def _canvas(
    chosen: Selection,
    view: ViewState,
    kwargs: dict[str, object],
    children: tuple[object, ...] | None,
) -> VdomDict:
    # A new key whenever the arguments change: the story mounts afresh with them, so a
    # component that copies a prop into its state shows the new value too.
    key = json.dumps(
        [chosen.story.id, chosen.variation, dict(view.args)], sort_keys=True, default=str
    )
    frame: dict[str, object] = {"className": "sb-frame", "id": "sb-story"}
    if view.width != "full":
        frame["style"] = {"width": f"{view.width}px", "maxWidth": "100%"}
        frame["data-width"] = view.width
    return html.section(
        {
            "className": f"sb-canvas sb-bg-{view.background}",
            "aria-label": "Canvas",
            "id": "sb-canvas",
        },
        html.div(
            frame,
            error_boundary(
                preview(chosen.story, chosen.variation, kwargs, children, key=key),
                fallback=_failed,
                key=key,
            ),
        ),
    )


@component
def preview(
    story: Story, variation: str, kwargs: dict[str, object], children: tuple[object, ...] | None
) -> Any:
    """The story itself: one variation with the controls' arguments.

    A story that raises shows the error in the canvas (and is logged once); the rest of
    the storybook stays live. Components inside the story that fail later are caught by
    the error boundary around it.
    """
    try:
        return render(story, variation, kwargs, children=children)
    except Exception as error:
        logger.exception("Story %s / %s failed to render", story.name, variation)
        return _failed(error, None)


def _calling(
    function: Callable[..., Awaitable[None]], *args: object
) -> Callable[[object], Awaitable[None]]:
    """An async event handler that awaits ``function(*args)`` (a lambda would return the
    coroutine from a worker thread, unawaited)."""

    async def handler(event: object) -> None:
        await function(*args)

    return handler


def _failed(error: BaseException, reset: Callable[[], None] | None) -> VdomDict:
    return html.div(
        {"role": "alert", "className": "ember-toast ember-toast-error", "id": "sb-story-error"},
        ui.icon("error"),
        html.div(
            {"className": "ember-toast-text"},
            html.p({"className": "ember-toast-title"}, "This story failed to render"),
            html.p({"className": "ember-toast-message"}, f"{type(error).__name__}: {error}"),
        ),
        ui.button("Try again", variant="secondary", size="sm", on_click=lambda event: reset())
        if reset is not None
        else None,
    )


def sidebar(
    catalog: Catalog,
    chosen: Selection,
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
        {"className": "sb-side", "aria-label": "Stories"},
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


def _tree_item(
    story: Story,
    chosen: Selection,
    variations: list[str],
    searching: bool,
    select: Callable[[Story, str], Awaitable[None]],
) -> VdomDict:
    is_open = story.id == chosen.story.id or searching
    current = story.id == chosen.story.id
    head = html.button(
        {
            "type": "button",
            "className": "sb-item sb-item-story",
            "data-story": story.id,
            "aria-expanded": "true" if is_open else "false",
            "onClick": _calling(select, story, variations[0]),
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
                                if current and name == chosen.variation
                                else "false",
                                "onClick": _calling(select, story, name),
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
