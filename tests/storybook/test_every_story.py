"""Every variation of every ember story renders and passes the HTML checks (STYLE 15)."""

from __future__ import annotations

import pytest

from ember.live import Ember
from ember.storybook import StoryCase, check_story, story_cases

CASES = story_cases(["ember.storybook.stories"])


def test_every_story_cases_have_unique_ids() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    assert "button-primary" in ids


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
async def test_ember_story_renders_and_passes_html_checks(ember: Ember, case: StoryCase) -> None:
    html = await check_story(case, html_checks=True, ember=ember)
    assert html
