"""Every story variation of the shop is a test (with the pytest plugin loaded)."""

import pytest

from ember.storybook import StoryCase, check_story

pytestmark = pytest.mark.storybook("shop")


async def test_story(story_case: StoryCase) -> None:
    await check_story(story_case, html_checks=True)
