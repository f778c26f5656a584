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

from ._base import Child, Handler, classes, event_key, kids, typed_component
from ._icons import icon

__all__ = ["modal"]


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
