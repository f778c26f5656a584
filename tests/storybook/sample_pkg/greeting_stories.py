"""A small typed component and stories used by the storybook tests."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Literal

from reactpy import html
from reactpy.types import VdomDict

from ember.storybook import Story


class Mood(enum.Enum):
    happy = "happy"
    grumpy = "grumpy"


def greeting(
    name: str,
    *,
    size: Literal["sm", "lg"] = "sm",
    mood: Mood = Mood.happy,
    times: int = 1,
    ratio: float = 0.5,
    shout: bool = False,
    nickname: str | None = None,
    accent_colour: str = "#ea580c",
    tags: list[str] | None = None,
    on_wave: Callable[[dict[str, object]], object] | None = None,
    row_key: Callable[[object], str] | None = None,
) -> VdomDict:
    """Greets someone.

    Shows a line of text and a wave button.

    Args:
        name: who to greet.
        size: how big.
        mood: the greeting's mood.
        times: how often.
        ratio: a fraction.
        shout: in capitals.
        nickname: used instead of the name.
        accent_colour: the text colour.
        tags: shown after the name.
        on_wave: called when the wave button is clicked.
        row_key: not an event, a callable.
    """
    text = f"Hello {nickname or name}" * times
    if shout:
        text = text.upper()
    return html.div(
        {
            "className": f"greeting greeting-{size} mood-{mood.value}",
            "style": {"color": accent_colour},
        },
        html.p({"id": "greeting-text"}, text, *(f" #{t}" for t in tags or [])),
        html.button({"id": "wave", "type": "button", "onClick": on_wave}, "Wave")
        if on_wave
        else html.span({"id": "no-wave"}, "no wave"),
    )


def broken(message: str = "boom") -> VdomDict:
    """A component that always fails."""
    raise RuntimeError(message)


waves: list[object] = []

stories = [
    Story(
        name="greeting",
        component=greeting,
        description="A greeting with a wave.",
        notes="Greetings are short.\n\nThey wave back.",
        group="Samples",
        variations={
            "plain": {"name": "Ada"},
            "waving": {"name": "Grace", "on_wave": waves.append, "tags": ["x"]},
            "big": {"name": "Alan", "size": "lg", "shout": True},
        },
        variation_groups={"Basics": ["plain", "waving"]},
    ),
    Story(
        name="broken",
        component=broken,
        group="Samples",
        variations={"fails": {}},
    ),
]
