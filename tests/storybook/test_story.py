"""The story format and discovery."""

from __future__ import annotations

import sys
import types

import pytest
from reactpy import html

from ember.storybook import Story, StorybookError, discover, render
from ember.storybook.stories import all_stories

from .sample_pkg import greeting_stories

PACKAGE = "tests.storybook.sample_pkg"


def test_render_variation_with_args_and_children_overrides() -> None:
    story = Story("b", lambda *kids, **kw: (kids, kw), {"one": {"a": 1}}, children=("x",))
    assert render(story, "one") == (("x",), {"a": 1})
    assert render(story, "one", {"a": 2, "b": 3}, children=["y"]) == (("y",), {"a": 2, "b": 3})


def test_render_template_wraps_the_variation() -> None:
    story = Story(
        "wrapped",
        lambda: html.span("inside"),
        {"v": {}},
        template=lambda element: html.div({"className": "frame"}, element),
    )
    assert render(story, "v") == html.div({"className": "frame"}, html.span("inside"))


def test_render_unknown_variation_names_the_known_ones() -> None:
    story = Story("s", dict, {"a": {}, "b": {}})
    with pytest.raises(KeyError, match="has no variation 'c'; it has 'a', 'b'"):
        render(story, "c")


def test_story_id_is_the_slug_of_its_name() -> None:
    assert Story("Submit button", dict, {}).id == "submit-button"


def test_grouped_variations_puts_the_rest_under_other() -> None:
    story = Story("s", dict, {"a": {}, "b": {}, "c": {}}, variation_groups={"G": ["b", "zz"]})
    assert story.grouped_variations() == [("G", ["b"]), ("Other", ["a", "c"])]
    assert Story("s", dict, {"a": {}}).grouped_variations() == [("", ["a"])]


def test_discover_finds_stories_modules_and_names_groups() -> None:
    found = discover([PACKAGE])
    assert [s.name for s in found] == ["greeting", "broken"]
    assert {s.group for s in found} == {"Samples"}


def test_discover_gives_a_group_from_the_module_name() -> None:
    assert [s.group for s in all_stories()][:2] == ["Button", "Button"]
    assert {s.group for s in all_stories()} == {
        "Button", "Client", "Feedback", "Form", "Layout", "Live", "Overlay", "Table",
    }  # fmt: skip


def test_discover_unknown_package_says_so() -> None:
    with pytest.raises(StorybookError, match="Could not import the story package 'no_such_pkg'"):
        discover(["no_such_pkg"])


def test_discover_refuses_stories_that_are_not_story_objects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = types.ModuleType("bad_stories")
    module.stories = [{"name": "x"}]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bad_stories", module)
    with pytest.raises(StorybookError, match=r"Expected bad_stories\.stories to be a list"):
        discover(["bad_stories"])


def test_discover_refuses_duplicate_story_names(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("twice_stories")
    module.stories = [greeting_stories.stories[0]]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "twice_stories", module)
    with pytest.raises(StorybookError, match="Two stories have the id 'greeting'"):
        discover([PACKAGE, "twice_stories"])
