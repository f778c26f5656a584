"""The storybook view: sidebar, canvas, and the controls, events, docs and source panels.

Everything the page shows is named by its URL (see :class:`ViewState`): selecting a story
or editing a control is a ``push_patch`` (what is typed in one control at a time is one
history entry), so back and forward work and a link reopens the same state. The story
itself renders in an iframe, a live page of its own (see ``_canvas``), whose calls of
event props come back to the events panel through the PubSub.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from reactpy import component, html, use_state
from reactpy.types import Component, VdomDict

import ember.components as ui
from ember.live import use_page_location, use_session, use_subscription

from ._canvas import CANVAS_PATH, StoryEvent, events_topic
from ._controls import ControlKind
from ._events import LoggedEvent, new_event
from ._panels import controls_panel, docs_panel, events_panel, source_panel
from ._selection import Catalog, Selection
from ._sidebar import calling, menu_button, sidebar
from ._state import BACKGROUNDS, THEMES, WIDTHS, ViewState
from ._story import Story

__all__ = ["storybook_view"]

MAX_EVENTS = 200
TYPED = frozenset({ControlKind.TEXT, ControlKind.NUMBER, ControlKind.COLOUR, ControlKind.JSON})
"""Controls edited a keystroke (or a colour picker's drag) at a time."""
logger = logging.getLogger("ember.storybook")


def storybook_view(catalog: Catalog) -> Callable[[], Component]:
    """The root component of a storybook showing ``catalog``."""

    @component
    def Storybook() -> VdomDict:
        session = use_session()
        location = use_page_location()
        events, set_events = use_state(tuple[LoggedEvent, ...]())
        search, set_search = use_state("")
        # The story list on a narrow screen: folded (the canvas first), or shown; and how
        # many times choosing a story folded it (the menu button takes the focus back).
        menu, set_menu = use_state(False)
        folded, set_folded = use_state(0)
        # The control last typed in and the URL query its edit made (see set_arg).
        typed, set_typed = use_state(("", ""))
        # The same on the first paint and on the socket (one session id), so the frame the
        # page was loaded with is kept when the live view takes over: a frame replaced
        # after the page loaded adds an entry to the tab's history that Back then stops at.
        channel = hashlib.sha256(f"ember.storybook:{session.id}".encode()).hexdigest()[:32]
        view = ViewState.from_params(location.params)

        async def go(target: ViewState, *, replace: bool = False) -> None:
            await session.push_patch(f"{location.path}?{target.query()}", replace=replace)

        def record(event: LoggedEvent) -> None:
            set_events(lambda old: (event, *old)[:MAX_EVENTS])

        def story_event(sent: StoryEvent) -> None:
            if isinstance(sent, StoryEvent):  # not MessagesMayBeLost
                record(new_event(sent.handler, sent.payload, sent.at))

        use_subscription(events_topic(channel), story_event, on=StoryEvent)

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
        if view.story and catalog.find(view.story) is None:
            return _not_found(catalog, view, search, set_search, go)
        chosen = Selection.resolve(catalog, view)
        view = view.replace(story=chosen.story.id, variation=chosen.variation)

        async def select(story: Story, variation: str) -> None:
            set_events(())
            if menu:
                set_menu(False)
                set_folded(folded + 1)
            await go(view.replace(story=story.id, variation=variation, args={}, every=False))

        def toggle_menu(event: object) -> None:
            set_menu(not menu)

        async def show_all(event: object) -> None:
            set_events(())
            await go(view.replace(args={}, every=True))

        async def set_arg(name: str, value: object) -> None:
            control = next(c for c in chosen.controls if c.name == name)
            target = view.with_arg(name, control.to_url(value))
            typing = control.kind in TYPED
            # Typing on in the control last typed in, nothing else changed since: the word
            # is one history entry (each keystroke was a Back step of its own).
            again = typing and typed == (name, view.query())
            set_typed((name, target.query()) if typing else ("", ""))
            await go(target, replace=again)

        async def reset_arg(name: str) -> None:
            await go(view.without_arg(name))

        _, children = chosen.call(record)
        return html.div(
            {"className": "sb", "data-theme": view.theme, "id": "storybook"},
            _top(catalog, view, chosen, go),
            html.div(
                {"className": "sb-body sb-menu-open" if menu else "sb-body"},
                menu_button(chosen, menu, folded, toggle_menu),
                sidebar(catalog, chosen, search, set_search, select),
                html.main(
                    {"className": "sb-main", "id": "sb-main", "tabIndex": -1},
                    _title(chosen, select, show_all, every=view.every),
                    *[html.p({"className": "sb-warning", "key": p}, p) for p in chosen.problems],
                    _stage(chosen, view, canvas_url(location.path, view, channel)),
                    *(
                        []
                        if view.every
                        else [_panel(chosen, events, children, set_arg, reset_arg, set_events)]
                    ),
                ),
            ),
        )

    Storybook.__name__ = Storybook.__qualname__ = "Storybook"
    return Storybook


def _not_found(
    catalog: Catalog,
    view: ViewState,
    search: str,
    set_search: Callable[[str], None],
    go: Callable[[ViewState], Awaitable[None]],
) -> VdomDict:
    """An unknown ``?story=``: say so (a stale link must not show another story)."""
    first = catalog.stories[0]
    ids = ", ".join(story.id for story in catalog.stories[:8])
    more = ", …" if len(catalog.stories) > 8 else ""

    async def select(story: Story, variation: str) -> None:
        await go(view.replace(story=story.id, variation=variation, args={}))

    return html.div(
        {"className": "sb", "data-theme": view.theme, "id": "storybook"},
        _top(catalog, view, None, go),
        html.div(
            {"className": "sb-body"},
            sidebar(catalog, None, search, set_search, select),
            html.main(
                {"className": "sb-main", "id": "sb-not-found"},
                ui.empty_state(
                    f"No story named {view.story!r}",
                    description=f"This storybook has: {ids}{more}. Pick one in the list, "
                    "or check the link.",
                    icon_name="search",
                    action=html.a(
                        {
                            "href": f"?story={first.id}",
                            "className": "ember-button ember-button-secondary ember-button-sm",
                        },
                        f"Open {first.name}",
                    ),
                ),
            ),
        ),
    )


def _panel(
    chosen: Selection,
    events: tuple[LoggedEvent, ...],
    children: tuple[object, ...] | None,
    set_arg: Callable[[str, object], Awaitable[None]],
    reset_arg: Callable[[str], Awaitable[None]],
    set_events: Callable[[tuple[LoggedEvent, ...]], None],
) -> VdomDict:
    """The tabs under the canvas; only the shown tab's panel is built."""
    story = chosen.story
    tabs = [
        ui.Tab(
            "controls",
            "Controls",
            lambda: controls_panel(
                story,
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
            lambda: events_panel(events, lambda event: set_events(())),
        ),
        ui.Tab("docs", "Docs", lambda: docs_panel(story, chosen.controls)),
        ui.Tab("source", "Source", lambda: source_panel(story, chosen.code_args(), children)),
    ]
    return html.section(
        {"className": "sb-panel", "aria-label": "Story panels"},
        ui.tabs(tabs, id="sb-panel", label="Story panels"),
    )


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
        # The first Tab stop: past the top bar and the story list (dozens of stops) to the
        # story's title, its variations and its frame.
        html.a({"className": "sb-skip", "href": "#sb-main"}, "Skip to the story")
        if chosen is not None
        else None,
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


def _title(
    chosen: Selection,
    select: Callable[[Story, str], Awaitable[None]],
    show_all: Callable[[object], Awaitable[None]],
    *,
    every: bool,
) -> VdomDict:
    story = chosen.story

    def pill(name: str) -> VdomDict:
        return html.button(
            {
                "key": name,
                "type": "button",
                "className": "sb-pill",
                "aria-pressed": "true" if name == chosen.variation and not every else "false",
                "data-variation": name,
                "onClick": calling(select, story, name),
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
            html.button(
                {
                    "key": "*all",
                    "type": "button",
                    "className": "sb-pill sb-pill-all",
                    "id": "sb-all",
                    "aria-pressed": "true" if every else "false",
                    "onClick": show_all,
                },
                "All variations",
            ),
        ),
    )


def canvas_url(page_path: str, view: ViewState, channel: str) -> str:
    """The URL of the canvas page that shows ``view`` (the width is the frame's own)."""
    query = view.replace(width="full").query()
    return f"{page_path.rstrip('/')}{CANVAS_PATH}?{query}&channel={channel}"


def _stage(chosen: Selection, view: ViewState, src: str) -> VdomDict:
    """The frame the canvas page is shown in, at the chosen viewport width."""
    frame: dict[str, object] = {"className": "sb-frame", "id": "sb-frame"}
    if view.width != "full":
        frame["style"] = {"width": f"{view.width}px", "maxWidth": "100%"}
        frame["data-width"] = view.width
    shown = "every variation" if view.every else chosen.variation
    return html.section(
        {
            "className": "sb-stage sb-stage-every" if view.every else "sb-stage",
            "aria-label": "Canvas",
            "id": "sb-canvas",
        },
        html.div(
            frame,
            # A new frame for each URL (keyed by it), never a new src on the same frame: a
            # frame that navigates adds an entry to the tab's history, so Back would step
            # through the story's frame instead of the storybook's states.
            html.iframe(
                {
                    "key": src,
                    "src": src,
                    "title": f"Story {chosen.story.name}: {shown}",
                    "id": "sb-iframe",
                    "className": "sb-iframe",
                }
            ),
        ),
    )
