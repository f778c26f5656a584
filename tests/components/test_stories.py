"""Every story variation renders, in the first paint and live (STYLE 15: stories are tests)."""

from __future__ import annotations

import inspect

import pytest
from reactpy import component, html

from ember.storybook.stories import Story, all_stories, render

from .conftest import OpenView

STORIES = all_stories()
CASES = [(story, name) for story in STORIES for name in story.variations]

COMPONENTS = {
    "async_result", "avatar", "badge", "button", "card", "description_list", "dropdown",
    "empty_state", "flash_group", "form", "header", "icon", "input", "inputs_for", "link",
    "modal", "pagination", "progress", "spinner", "submit_button", "table", "tabs", "toast",
}  # fmt: skip


def test_stories_cover_every_component() -> None:
    assert {story.name for story in STORIES} >= COMPONENTS


def test_stories_have_keyword_only_controls() -> None:
    for story in STORIES:
        signature = inspect.signature(story.component)
        for variation in story.variations.values():
            signature.bind_partial(*story.children, **variation)


@pytest.mark.parametrize(("story", "variation"), CASES, ids=[f"{s.name}-{v}" for s, v in CASES])
async def test_story_variation_renders(open_view: OpenView, story: Story, variation: str) -> None:
    @component
    def Root():
        return html.div({"id": "story"}, render(story, variation))

    async with open_view(Root) as page:
        assert page.find("#story")
        assert page.find_all("#story *"), f"{story.name}/{variation} rendered nothing"
        assert 'id="story"' in page.static_html
