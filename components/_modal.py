"""``modal``: a ``<dialog>`` the parent opens and closes.

Escape is handled on the server (``onKeyDown`` with the key). ``static/ember-components.js``
opens the dialog with ``showModal()``, so the browser makes the rest of the page inert
(the focus trap); it also leaves Escape to the server (which closes the modal) and
returns focus to where it was on close.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from reactpy import html
from reactpy.types import VdomDict

from ember.live import JS, JSCommands

from ._base import Child, ComponentError, Handler, classes, event_key, kids, typed_component
from ._icons import icon

__all__ = ["hide_modal", "modal", "show_modal"]


def show_modal(id: str = "modal") -> JSCommands:
    """JS commands that open the client-side ``modal(client=True, id=id)`` (no round trip)."""
    return JS.dispatch("ember:show-modal", to=f'[id="{id}"]')


def hide_modal(id: str = "modal") -> JSCommands:
    """JS commands that close the client-side ``modal(client=True, id=id)``."""
    return JS.dispatch("ember:hide-modal", to=f'[id="{id}"]')


@typed_component
def modal(
    *children: Child,
    open: bool = False,
    on_close: Handler | None = None,
    title: str,
    footer: Child = None,
    id: str = "modal",
    size: Literal["sm", "md", "lg"] = "md",
    close_label: str = "Close",
    client: bool = False,
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
        client: the dialog is always in the page and opens and closes in the browser:
            ``show_modal(id)`` / ``hide_modal(id)`` (JS commands) on any handler; the close
            button, Escape and the backdrop close it without a round trip (``on_close``,
            when given, still hears of the close button).
    """
    if client:
        return _client_modal(children, on_close, title, footer, id, size, close_label)
    if not open:
        return None
    if on_close is None:
        msg = (
            "Expected on_close for modal(open=True): the server owns its state. Pass a "
            "handler, or client=True for a modal that opens and closes in the browser."
        )
        raise ComponentError(msg)
    title_id = f"{id}-title"

    def keydown(event: Mapping[str, Any]) -> object:
        if event_key(event) == "Escape":
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
            "data-ember-key": "Escape",
            "onClick": backdrop_click,
        },
        _panel(
            children, title, title_id, footer, close_label, on_close, {"data-ember-focus": "open"}
        ),
    )


def _client_modal(
    children: tuple[Child, ...],
    on_close: Handler | None,
    title: str,
    footer: Child,
    id: str,
    size: str,
    close_label: str,
) -> VdomDict:
    # Opened by show_modal(id): static/ember-components.js calls showModal() on the
    # ember:show-modal event (the rest of the page goes inert) and close() on ember:hide-modal.
    title_id = f"{id}-title"
    close = hide_modal(id) if on_close is None else hide_modal(id).push(on_close)
    return html.dialog(
        {
            "id": id,
            "className": classes("ember-modal", f"ember-modal-{size}"),
            "aria-labelledby": title_id,
            "data-ember-modal-client": "true",
        },
        _panel(children, title, title_id, footer, close_label, close),
    )


def _panel(
    children: tuple[Child, ...],
    title: str,
    title_id: str,
    footer: Child,
    close_label: str,
    on_close: Any,
    close_attributes: Mapping[str, Any] | None = None,
) -> VdomDict:
    # What a modal shows, opened by the server or by the browser: title, close, body, footer.
    return html.div(
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
                    **(close_attributes or {}),
                    "onClick": on_close,
                },
                icon("x"),
            ),
        ),
        html.div({"className": "ember-modal-body"}, *kids(*children)),
        *kids(html.div({"className": "ember-modal-foot"}, footer) if footer else None),
    )
