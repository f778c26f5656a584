"""The canvas: a story rendered in a page of its own, which the storybook shows in an iframe.

As in Storybook, the story lives in a separate document: its CSS, its focus, its top layer
(a modal's ``<dialog>``) and its script globals stay in the frame, and the storybook's own
styles never reach the story. The frame's URL is the storybook's query (``?story=…&args=…``)
at ``…/iframe``, so the canvas is a live ember page like any other (its own session and
websocket; events, state and async work behave as in the app), and its width is the real
viewport width the story's media queries see.

Each call of an event prop is sent to the storybook's session through ember's PubSub, on a
topic named by a random channel the storybook puts in the frame's URL (it reaches another
worker too when the PubSub is Redis or PostgreSQL).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from reactpy import component, html, use_effect
from reactpy.types import Component, VdomDict

import ember.components as ui
from ember.live import Ember, error_boundary, use_page_location, use_session
from ember.pubsub import PubSubError, message

from ._events import LoggedEvent
from ._selection import Catalog, Selection
from ._state import ViewState
from ._story import Story, render

__all__ = [
    "CANVAS_PATH",
    "FOCUS_GUARD",
    "StoryEvent",
    "canvas_view",
    "events_topic",
    "every_variation",
    "story_canvas",
]

CANVAS_PATH = "/iframe"
"""Where the canvas page is served, under the storybook's own path."""
logger = logging.getLogger("ember.storybook")

# The storybook page's own script (in its head, so it carries the page's CSP nonce). A
# story that takes focus when it mounts (a modal's showModal, an autofocus field) would
# take it from the storybook each time the frame reloads, e.g. at every keystroke in a
# control: focus that moves into the frame without a Tab or a pointer press in the frame
# goes back where it was. A Tab counts only for the focus move it makes itself (in the
# same task): a story chosen with Enter just after a Tab must not take the focus either.
FOCUS_GUARD = """<script type="module">
let entered = 0;
let tabbing = false;
const mark = () => { entered = Date.now(); };
document.addEventListener("keydown", (event) => {
  if (event.key !== "Tab") return;
  tabbing = true;
  setTimeout(() => { tabbing = false; }, 0);
}, true);
// A frame in the first paint may have loaded before this script ran, and no mutation
// shows it: watch the frames there now, listen in the document each holds now, and again
// in each document it loads later (adding the same listener twice is a no-op).
const listenIn = (frame) => {
  try { frame.contentWindow.addEventListener("pointerdown", mark, true); } catch {}
};
const watchAll = () => document.querySelectorAll("iframe.sb-iframe:not([data-watched])")
  .forEach((frame) => {
    frame.dataset.watched = "";
    frame.addEventListener("load", () => listenIn(frame));
    listenIn(frame);
  });
new MutationObserver(watchAll).observe(document.documentElement, {childList: true, subtree: true});
watchAll();
document.addEventListener("focusout", (event) => {
  const left = event.target;
  if (!(left instanceof HTMLElement) || !left.closest(".sb-top, .sb-side, .sb-panel")) return;
  const tabbed = tabbing;
  setTimeout(() => {
    const now = document.activeElement;
    const pressed = Date.now() - entered < 1000;
    if (now && now.matches("iframe.sb-iframe") && !tabbed && !pressed) left.focus();
  }, 0);
});
</script>"""


@message("ember.storybook.event")
class StoryEvent(BaseModel):
    """One call of a story's event prop, from the canvas to the storybook's events panel."""

    handler: str
    payload: str
    at: float


def events_topic(channel: str) -> str:
    """The PubSub topic a canvas sends its events on."""
    return f"ember.storybook.events:{channel}"


def canvas_view(catalog: Catalog, runtime: Callable[[], Ember]) -> Callable[[], Component]:
    """The root component of the canvas page for ``catalog``'s stories."""

    @component
    def StorybookCanvas() -> VdomDict:
        session = use_session()
        location = use_page_location()
        view = ViewState.from_params(location.params)
        channel = location.params.get("channel", "")

        def start_pubsub() -> None:
            # Started before the first event: a sync handler's thread can only wait for a
            # running PubSub (broadcast_sync).
            if session.connected and channel:
                _keep(asyncio.ensure_future(runtime().start_pubsub()))

        use_effect(start_pubsub, [session.connected, channel])

        def record(event: LoggedEvent) -> None:
            if channel and session.connected:
                _send(runtime(), events_topic(channel), event)

        story = catalog.find(view.story) if view.story else None
        root: dict[str, Any] = {
            "className": f"sb-canvas-page sb-bg-{view.background}",
            "data-theme": view.theme,
            "id": "sb-canvas-page",
        }
        if story is None and (view.story or not catalog.stories):
            return html.div(root, ui.empty_state(f"No story named {view.story!r}"))
        chosen = Selection.resolve(catalog, view)
        if view.every:
            root["className"] += " sb-canvas-every"
            return html.div(root, every_variation(catalog, chosen.story, view, record))
        kwargs, children = chosen.call(record)
        return html.div(root, story_canvas(chosen, view, kwargs, children))

    StorybookCanvas.__name__ = StorybookCanvas.__qualname__ = "StorybookCanvas"
    return StorybookCanvas


_sending: set[asyncio.Future[Any]] = set()


def _send(runtime: Ember, topic: str, event: LoggedEvent) -> None:
    """Broadcast ``event``: from the loop (an async handler) or a worker thread (a sync one)."""
    sent = StoryEvent(handler=event.handler, payload=event.payload, at=event.at)
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # a sync handler in one of ember's threads: wait for it
        try:
            runtime.pubsub.broadcast_sync(topic, sent)
        except (PubSubError, TimeoutError) as error:
            # The panel misses one entry; the story itself carries on.
            logger.warning("Could not send a story event to the storybook: %s", error)
        return
    _keep(asyncio.ensure_future(runtime.pubsub.broadcast(topic, sent)))


def _keep(task: asyncio.Future[Any]) -> None:
    """Hold ``task`` until it is done (the loop keeps only weak references) and log its
    failure."""
    _sending.add(task)
    task.add_done_callback(_done)


def _done(task: asyncio.Future[Any]) -> None:
    _sending.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.warning("Could not send a story event to the storybook: %s", task.exception())


def story_canvas(
    chosen: Selection,
    view: ViewState,
    kwargs: dict[str, object],
    children: tuple[object, ...] | None,
) -> VdomDict:
    """The selected variation with the controls' arguments, in an error boundary."""
    # A new key whenever the arguments change: the story mounts afresh with them, so a
    # component that copies a prop into its state shows the new value too.
    key = json.dumps(
        [chosen.story.id, chosen.variation, dict(view.args)], sort_keys=True, default=str
    )
    return html.div(
        {"className": "sb-frame", "id": "sb-story"},
        error_boundary(
            preview(chosen.story, chosen.variation, kwargs, children, key=key),
            fallback=_failed,
            key=key,
        ),
    )


def every_variation(
    catalog: Catalog, story: Story, view: ViewState, record: Callable[[LoggedEvent], None]
) -> VdomDict:
    """Every variation of the story side by side, each under its name, live."""
    figures = []
    for name in story.variations:
        chosen = Selection.resolve(catalog, view.replace(variation=name, args={}))
        kwargs, children = chosen.call(record)
        key = f"{story.id}/{name}"
        figures.append(
            html.figure(
                {"className": "sb-variation", "key": key, "data-variation": name},
                html.figcaption(name),
                html.div(
                    {"className": f"sb-canvas sb-bg-{view.background}"},
                    error_boundary(
                        preview(story, name, kwargs, children, key=key), fallback=_failed, key=key
                    ),
                ),
            )
        )
    return html.section(
        {"className": "sb-every", "aria-label": "Every variation", "id": "sb-every"}, *figures
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
