"""Layout and feedback components without state: render, attributes, accessibility."""

from __future__ import annotations

import pytest
from reactpy import component, html, use_state

from ember.components import (
    ICONS,
    ComponentError,
    avatar,
    badge,
    button,
    card,
    description_list,
    empty_state,
    header,
    icon,
    link,
    progress,
    safe_url,
    spinner,
)

from .conftest import OpenView


async def test_button_variants_sizes_and_click(open_view: OpenView) -> None:
    @component
    def View():
        count, set_count = use_state(0)
        return html.div(
            button(
                "Add",
                id="add",
                variant="secondary",
                size="lg",
                on_click=lambda e: set_count(count + 1),
            ),
            html.p({"id": "count"}, str(count)),
        )

    async with open_view(View) as page:
        add = page.find("#add")
        assert add.attr("type") == "button"
        assert add.attr("class") == "ember-button ember-button-secondary ember-button-lg"
        await page.click("#add")
        await page.click("#add")
        assert page.find("#count").text() == "2"


async def test_loading_button_is_busy_disabled_and_not_clickable(open_view: OpenView) -> None:
    @component
    def View():
        return html.div(
            button("Save", id="save", loading=True, on_click=lambda e: None),
            button(icon("trash"), id="delete", label="Delete", variant="danger"),
        )

    async with open_view(View) as page:
        save = page.find("#save")
        assert "disabled" in save.attributes
        assert save.attr("aria-busy") == "true"
        assert save.handlers == {}
        assert page.find("#save [role=status]").text() == "Working"
        assert page.find("#delete").attr("aria-label") == "Delete"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x00javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "JAVASCRIPT:alert(1)",
    ],
)
def test_safe_url_refuses_script_urls(url: str) -> None:
    assert safe_url(url) is None


@pytest.mark.parametrize(
    "url", ["/users", "users/1", "#top", "?page=2", "https://example.com", "mailto:a@b.c", "tel:+1"]
)
def test_safe_url_keeps_ordinary_urls(url: str) -> None:
    assert safe_url(url) == url


async def test_link_refuses_javascript_urls(open_view: OpenView) -> None:
    @component
    def View():
        return html.div(
            link("Evil", href="javascript:alert(1)", id="evil"),
            link("Docs", href="https://example.com/docs", external=True, id="docs"),
        )

    async with open_view(View) as page:
        evil = page.find("#evil")
        assert evil.attr("href") is None
        assert evil.attr("data-unsafe-href") == "true"
        assert "javascript" not in page.static_html.lower()
        docs = page.find("#docs")
        assert docs.attr("href") == "https://example.com/docs"
        assert (docs.attr("target"), docs.attr("rel")) == ("_blank", "noopener noreferrer")


async def test_header_card_and_description_list(open_view: OpenView) -> None:
    @component
    def View():
        return html.div(
            header("Users", subtitle="Everyone", actions=button("New", id="new")),
            card(
                "Body text", title="Profile", id="profile", footer="Foot", actions=badge("Active")
            ),
            description_list([("Name", "Ada"), ("Email", "ada@example.com")]),
        )

    async with open_view(View) as page:
        assert page.find("header h1").text() == "Users"
        assert page.find(".ember-header-subtitle").text() == "Everyone"
        assert page.find(".ember-header-actions #new")
        section = page.find("section#profile")
        assert section.attr("aria-labelledby") == "profile-title"
        assert page.find("#profile-title").text() == "Profile"
        assert page.find(".ember-card-footer").text() == "Foot"
        assert [e.text() for e in page.find_all("dl dt")] == ["Name", "Email"]
        assert [e.text() for e in page.find_all("dl dd")] == ["Ada", "ada@example.com"]


async def test_badge_avatar_spinner_progress_empty_state(open_view: OpenView) -> None:
    @component
    def View():
        return html.div(
            badge("Paid", tone="success"),
            avatar("Ada Lovelace", size="sm"),
            avatar("Grace", src="https://example.com/g.png"),
            avatar("Eve", src="javascript:alert(1)"),
            spinner(label="Loading users"),
            progress(40, max=80, label="Upload", show_value=True),
            progress(None, label="Waiting"),
            empty_state("No users", description="Invite someone.", action=button("Invite")),
        )

    async with open_view(View) as page:
        assert page.find(".ember-badge-success").text() == "Paid"
        initials = page.find_all(".ember-avatar[role=img]")
        assert [a.attr("aria-label") for a in initials] == ["Ada Lovelace", "Eve"]
        assert initials[0].text() == "AL"
        image = page.find("img.ember-avatar")
        assert (image.attr("src"), image.attr("alt")) == ("https://example.com/g.png", "Grace")
        assert page.find(".ember-spinner").attr("role") == "status"
        assert page.find(".ember-spinner").text() == "Loading users"
        bars = page.find_all("progress")
        assert (bars[0].attr("value"), bars[0].attr("max"), bars[0].attr("aria-label")) == (
            "40",
            "80",
            "Upload",
        )
        assert page.find(".ember-progress-value").text() == "50%"
        assert bars[1].attr("value") is None  # indeterminate
        assert page.find(".ember-empty-title").text() == "No users"


def test_progress_refuses_a_non_positive_max() -> None:
    with pytest.raises(ComponentError, match="positive max"):
        progress(1, max=0)


def test_icons_are_decorative_unless_labelled() -> None:
    plain = icon("check")
    assert plain["attributes"]["aria-hidden"] == "true"
    labelled = icon("alert", label="Warning")
    assert (labelled["attributes"]["role"], labelled["attributes"]["aria-label"]) == (
        "img",
        "Warning",
    )
    assert all(isinstance(d, str) and d for paths in ICONS.values() for d in paths)


def test_unknown_icon_names_the_known_ones() -> None:
    with pytest.raises(ComponentError, match=r"one of: .*check.*Got 'nope'"):
        icon("nope")
