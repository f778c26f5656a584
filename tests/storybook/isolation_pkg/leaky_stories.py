"""A story for the isolation test: the storybook's own class names on the story's elements
(the storybook's rules must not style them), styled by the stories' stylesheet."""

from __future__ import annotations

from typing import Any

from reactpy import html

from ember.storybook import Story


def leaky(label: str = "Styled by the stories' stylesheet") -> Any:
    """A button the stories' stylesheet paints red, and a span with the storybook's pill
    class."""
    return html.div(
        html.button({"id": "leaky-button", "type": "button"}, label),
        html.span({"id": "leaky-pill", "className": "sb-pill"}, "not the storybook's pill"),
    )


stories = [Story("leaky", leaky, {"global styles": {}}, group="Isolation")]
