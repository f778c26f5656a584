"""ember.storybook's public names (STYLE 2)."""

from __future__ import annotations

import ember.storybook


def test_storybook_exports() -> None:
    assert ember.storybook.__all__ == [
        "Control",
        "ControlKind",
        "Story",
        "StoryCase",
        "StoryCheckError",
        "Storybook",
        "StorybookError",
        "check_html",
        "check_story",
        "controls_for",
        "discover",
        "render",
        "story_cases",
    ]
    for name in ember.storybook.__all__:
        assert getattr(ember.storybook, name) is not None


def test_storybook_errors_derive_from_ember_error() -> None:
    from ember.live import EmberError

    assert issubclass(ember.storybook.StorybookError, EmberError)
    assert issubclass(ember.storybook.StoryCheckError, AssertionError)
