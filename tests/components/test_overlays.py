"""modal, dropdown and tabs: roles, labels, and the keyboard handled on the server."""

from __future__ import annotations

import pytest
from reactpy import component, html, use_state

from ember.components import ComponentError, MenuItem, Tab, button, dropdown, modal, tabs

from .conftest import OpenView


def modal_view():
    @component
    def View():
        shown, set_shown = use_state(False)
        return html.div(
            button("Open", id="open", on_click=lambda e: set_shown(True)),
            modal(
                html.p({"id": "body"}, "Sure?"),
                open=shown,
                on_close=lambda e: set_shown(False),
                title="Delete project",
                id="confirm",
                footer=button("Cancel", id="cancel", on_click=lambda e: set_shown(False)),
            ),
        )

    return View


async def test_modal_opens_with_dialog_semantics(open_view: OpenView) -> None:
    async with open_view(modal_view()) as page:
        assert not page.has("dialog")
        await page.click("#open")
        dialog = page.find("dialog#confirm")
        assert dialog.attr("role") == "dialog"
        assert dialog.attr("aria-modal") == "true"
        assert dialog.attr("aria-labelledby") == "confirm-title"
        assert page.find("#confirm-title").text() == "Delete project"
        assert "open" in dialog.attributes
        close = page.find(".ember-modal-close")
        assert close.attr("aria-label") == "Close"
        assert "autofocus" in close.attributes  # focus starts inside
        assert close.attr("data-ember-focus") is not None
        assert page.find("#body").text() == "Sure?"


async def test_modal_closes_on_escape_close_button_and_backdrop(open_view: OpenView) -> None:
    async with open_view(modal_view()) as page:
        await page.click("#open")
        # Only Escape goes to the server; the client (and page.keydown) drops Tab.
        assert page.find("dialog").attr("data-ember-key") == "Escape"
        await page.keydown("dialog", "Tab")
        assert page.has("dialog")
        await page.keydown("dialog", "Escape")
        assert not page.has("dialog")

        await page.click("#open")
        await page.click(".ember-modal-close")
        assert not page.has("dialog")

        await page.click("#open")
        await page.fire("dialog", "onClick", {"target": {"tagName": "P"}})
        assert page.has("dialog")  # a click inside the panel does not close it
        await page.click("dialog")  # the backdrop: the target is the dialog itself
        assert not page.has("dialog")


def menu_view(chosen: list[str]):
    @component
    def View():
        return dropdown(
            "Actions",
            [
                MenuItem("Edit", lambda: chosen.append("edit")),
                MenuItem("Archive", lambda: chosen.append("archive"), disabled=True),
                MenuItem("Delete", lambda: chosen.append("delete"), danger=True),
            ],
            id="actions",
        )

    return View


async def test_dropdown_button_and_menu_roles(open_view: OpenView) -> None:
    async with open_view(menu_view([])) as page:
        trigger = page.find("#actions-button")
        assert (trigger.attr("aria-haspopup"), trigger.attr("aria-expanded")) == ("menu", "false")
        assert not page.has("[role=menu]")
        await page.click("#actions-button")
        assert page.find("#actions-button").attr("aria-expanded") == "true"
        menu = page.find("[role=menu]")
        assert menu.attr("aria-labelledby") == "actions-button"
        assert menu.attr("data-ember-focus") is not None  # focus moves into the menu
        assert [i.text() for i in page.find_all("[role=menuitem]")] == ["Edit", "Archive", "Delete"]
        assert page.find("#actions-item-1").attr("aria-disabled") == "true"


async def test_dropdown_click_chooses_and_closes(open_view: OpenView) -> None:
    chosen: list[str] = []
    async with open_view(menu_view(chosen)) as page:
        await page.click("#actions-button")
        await page.click("#actions-item-2")
        assert chosen == ["delete"]
        assert not page.has("[role=menu]")
        assert page.find("#actions-button").attr("data-ember-focus") is not None


async def test_dropdown_keyboard_moves_skips_disabled_chooses_and_escapes(
    open_view: OpenView,
) -> None:
    chosen: list[str] = []
    async with open_view(menu_view(chosen)) as page:
        await page.keydown("#actions-button", "ArrowDown")
        menu = page.find("[role=menu]")
        assert menu.attr("aria-activedescendant") == "actions-item-0"
        await page.keydown("[role=menu]", "ArrowDown")  # Archive is disabled: skipped
        assert page.find("[role=menu]").attr("aria-activedescendant") == "actions-item-2"
        await page.keydown("[role=menu]", "ArrowDown")  # wraps around
        assert page.find("[role=menu]").attr("aria-activedescendant") == "actions-item-0"
        await page.keydown("[role=menu]", "End")
        assert page.find("[role=menu]").attr("aria-activedescendant") == "actions-item-2"
        await page.keydown("[role=menu]", "Escape")
        assert not page.has("[role=menu]")
        assert chosen == []
        await page.keydown("#actions-button", "ArrowUp")
        assert page.find("[role=menu]").attr("aria-activedescendant") == "actions-item-2"
        await page.keydown("[role=menu]", "Home")
        await page.keydown("[role=menu]", "Enter")
        assert chosen == ["edit"]
        assert not page.has("[role=menu]")


TABS = [
    Tab("one", "One", html.p({"id": "p1"}, "First")),
    Tab("two", "Two", lambda: html.p({"id": "p2"}, "Second")),
    Tab("off", "Off", disabled=True),
    Tab("three", "Three", "Third"),
]


async def test_tabs_roles_and_click(open_view: OpenView) -> None:
    picked: list[str] = []

    @component
    def View():
        return tabs(TABS, id="t", label="Sections", on_select=picked.append)

    async with open_view(View) as page:
        assert page.find("[role=tablist]").attr("aria-label") == "Sections"
        selected = page.find("[role=tab][aria-selected=true]")
        assert selected.text() == "One"
        assert selected.attr("tabindex") == "0"
        assert [t.attr("tabindex") for t in page.find_all("[role=tab]")] == ["0", "-1", "-1", "-1"]
        panel = page.find("[role=tabpanel]")
        assert panel.attr("aria-labelledby") == selected.attr("id")
        assert selected.attr("aria-controls") == panel.attr("id")
        await page.click("#t_tab_two")
        assert page.find("#p2").text() == "Second"
        assert picked == ["two"]
        assert "disabled" in page.find("#t_tab_off").attributes


async def test_tabs_arrow_keys_skip_disabled_and_move_focus(open_view: OpenView) -> None:
    @component
    def View():
        return tabs(TABS, id="t", selected="two")

    async with open_view(View) as page:
        assert page.find("[aria-selected=true]").text() == "Two"
        await page.keydown("#t_tab_two", "ArrowRight")
        tab = page.find("[aria-selected=true]")
        assert tab.text() == "Three"
        assert tab.attr("data-ember-focus") is not None
        assert page.find("[role=tabpanel]").text() == "Third"
        await page.keydown("#t_tab_three", "ArrowRight")  # wraps to the first
        assert page.find("[aria-selected=true]").text() == "One"
        await page.keydown("#t_tab_one", "End")
        assert page.find("[aria-selected=true]").text() == "Three"
        await page.keydown("#t_tab_three", "Home")
        assert page.find("[aria-selected=true]").text() == "One"
        await page.keydown("#t_tab_one", "ArrowLeft")
        assert page.find("[aria-selected=true]").text() == "Three"
        await page.keydown("#t_tab_three", "x")
        assert page.find("[aria-selected=true]").text() == "Three"


def test_tabs_refuse_duplicate_keys() -> None:
    with pytest.raises(ComponentError, match="distinct tab keys"):
        tabs([Tab("a", "A"), Tab("a", "B")]).render()
