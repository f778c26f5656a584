"""Controls read from a component's typed signature."""

from __future__ import annotations

import pytest

from ember.storybook import Control, ControlKind, Story, controls_for
from ember.storybook.stories import all_stories

from .sample_pkg.greeting_stories import Mood, greeting

GREETING = Story("greeting", greeting, {"plain": {"name": "Ada"}})


def by_name() -> dict[str, Control]:
    return {c.name: c for c in controls_for(GREETING)}


def test_controls_kinds_follow_the_annotations() -> None:
    kinds = {name: c.kind for name, c in by_name().items()}
    assert kinds == {
        "name": ControlKind.TEXT,
        "size": ControlKind.SELECT,
        "mood": ControlKind.SELECT,
        "times": ControlKind.NUMBER,
        "ratio": ControlKind.NUMBER,
        "shout": ControlKind.BOOLEAN,
        "nickname": ControlKind.TEXT,
        "accent_colour": ControlKind.COLOUR,
        "tags": ControlKind.JSON,
        "on_wave": ControlKind.EVENT,
        "row_key": ControlKind.CODE,  # a function: never a JSON text box
    }


def test_controls_carry_docs_defaults_and_choices() -> None:
    controls = by_name()
    assert controls["name"].required
    assert controls["name"].doc == "who to greet."
    assert controls["size"].choices == {"sm": "sm", "lg": "lg"}
    assert controls["mood"].choices == {"happy": Mood.happy, "grumpy": Mood.grumpy}
    assert controls["times"].integer
    assert not controls["ratio"].integer
    assert controls["nickname"].optional
    assert controls["tags"].type_name == "list[str] | None"


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("times", "3", 3),
        ("ratio", "0.25", 0.25),
        ("nickname", "", None),
        ("nickname", "Addy", "Addy"),
        ("mood", "grumpy", Mood.grumpy),
        ("shout", True, True),
        ("tags", '["a", "b"]', ["a", "b"]),
        ("accent_colour", "#112233", "#112233"),
    ],
)
def test_control_parse_valid_input(name: str, raw: str | bool, value: object) -> None:
    assert by_name()[name].parse(raw) == value


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("times", "2.5", "Expected a whole number, got '2.5'."),
        ("times", "many", "Expected a number, got 'many'."),
        ("tags", "[1,", "Expected JSON: Expecting value at character 3."),
        ("size", "xl", "Expected one of sm, lg, got 'xl'."),
        ("accent_colour", "orange", "Expected a colour like #ea580c, got 'orange'."),
    ],
)
def test_control_parse_invalid_input_says_why(name: str, raw: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("[", r"\[").replace(".", r"\.")):
        by_name()[name].parse(raw)


def test_control_url_round_trip_of_an_enum() -> None:
    mood = by_name()["mood"]
    assert mood.to_url(Mood.grumpy) == "grumpy"
    assert mood.from_url("grumpy") is Mood.grumpy
    with pytest.raises(ValueError, match="'sad' is not one of happy, grumpy"):
        mood.from_url("sad")


def test_control_to_text_is_none_for_values_set_in_code() -> None:
    controls = by_name()
    assert controls["name"].to_text("Ada") == "Ada"
    assert controls["name"].to_text({"tagName": "b"}) is None
    assert controls["times"].to_text(2) == "2"
    assert controls["row_key"].to_text(str) is None


def test_controls_for_children_is_one_text_control() -> None:
    button = next(s for s in all_stories() if s.name == "button")
    first = controls_for(button)[0]
    assert (first.name, first.kind, first.positional) == ("children", ControlKind.TEXT, True)


def test_controls_for_every_ember_story_are_readable() -> None:
    for story in all_stories():
        for control in controls_for(story):
            assert control.kind in ControlKind
