"""Stories for modal, dropdown and tabs."""

from __future__ import annotations

from reactpy import component, html, use_state
from reactpy.types import VdomDict

from ember.components import MenuItem, Tab, button, dropdown, modal, show_modal, tabs

from . import Story


@component
def modal_demo(
    title: str = "Delete project?", body: str = "This cannot be undone.", open: bool = True
) -> VdomDict:
    """A button that opens a modal; Escape, the close button or Cancel close it."""
    shown, set_shown = use_state(open)
    return html.div(
        button("Open modal", variant="secondary", on_click=lambda e: set_shown(True), id="open"),
        modal(
            html.p(body),
            open=shown,
            on_close=lambda event: set_shown(False),
            title=title,
            footer=html.div(
                {"className": "ember-modal-actions"},
                button("Cancel", variant="secondary", on_click=lambda e: set_shown(False)),
                button("Delete", variant="danger", on_click=lambda e: set_shown(False)),
            ),
        ),
    )


@component
def client_modal_demo(
    title: str = "Keyboard shortcuts", body: str = "Press ? to see this."
) -> VdomDict:
    """A modal opened and closed in the browser (JS commands): no server state, no round trip."""
    return html.div(
        html.button(
            {
                "type": "button",
                "className": "ember-button ember-button-secondary ember-button-md",
                "id": "open-client-modal",
                "onClick": show_modal("shortcuts"),
            },
            "Show shortcuts",
        ),
        modal(html.p(body), title=title, id="shortcuts", client=True),
    )


def _nothing() -> None:
    return None


ITEMS = [
    MenuItem("Edit", _nothing, icon_name="edit"),
    MenuItem("Settings", _nothing, icon_name="settings"),
    MenuItem("Archived", _nothing, disabled=True),
    MenuItem("Delete", _nothing, icon_name="trash", danger=True),
]

TABS = [
    Tab("profile", "Profile", html.p("Name, email and avatar.")),
    Tab("security", "Security", html.p("Password and two-factor sign-in.")),
    Tab("billing", "Billing", html.p("Plan and invoices.")),
    Tab("danger", "Danger zone", disabled=True),
]

stories = [
    Story(
        name="modal",
        component=modal_demo,
        variations={"open": {"open": True}, "closed": {"open": False}},
    ),
    Story(
        name="client modal",
        component=client_modal_demo,
        description="modal(client=True) with show_modal(id): opened in the browser.",
        variations={"closed": {}},
    ),
    Story(
        name="dropdown",
        component=dropdown,
        variations={
            "actions": {"label": "Actions", "items": ITEMS},
            "aligned to the end": {"label": "More", "items": ITEMS, "align": "end", "id": "more"},
        },
    ),
    Story(
        name="tabs",
        component=tabs,
        variations={
            "first selected": {"items": TABS},
            "second selected": {"items": TABS, "selected": "security", "id": "settings"},
            "switched in the browser": {"items": TABS, "client": True, "id": "client-tabs"},
        },
    ),
]
