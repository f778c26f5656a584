"""check_story and check_html: stories as render, escaping and accessibility tests."""

from __future__ import annotations

import pytest
from reactpy import component, html

from ember.live import Ember
from ember.storybook import Story, StoryCase, StoryCheckError, check_html, check_story

from .sample_pkg.greeting_stories import broken, greeting


@pytest.mark.parametrize(
    ("markup", "problem"),
    [
        ("<script>alert(1)</script>", "a <script> element is in the markup."),
        ('<p onclick="x()">hi</p>', "<p> has an inline event attribute onclick."),
        ('<a href="javascript:alert(1)">go</a>', "has a script-capable URL in href"),
        ('<img src="/a.png">', "<img> has no alt text."),
        ('<input id="q" type="text">', "has no label"),
        ("<button></button>", "<button> has no accessible name"),
        ('<a href="/x"></a>', "has no accessible name"),
        ('<div role="fancy">x</div>', "has role 'fancy', which is not an ARIA role."),
        ('<p id="a">1</p><p id="a">2</p>', "ids used more than once: a."),
        ('<p aria-describedby="nope">x</p>', "has aria-describedby='nope', but no element"),
        ('<img data-sb-probe alt="">', "text was turned into markup"),
    ],
)
def test_check_html_finds_the_problem(markup: str, problem: str) -> None:
    problems = check_html(markup)
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(
    "markup",
    [
        '<label for="q">Search</label><input id="q">',
        '<label>Name <input name="n"></label>',
        '<input type="hidden" name="t"><input aria-label="Find">',
        '<button aria-label="Close"><svg aria-hidden="true"></svg></button>',
        '<a href="/x"><img src="/a.png" alt="Home"></a>',
        '<div role="tablist"><button role="tab">One</button></div>',
        '<img src="/a.png" alt="">',
    ],
)
def test_check_html_passes_good_markup(markup: str) -> None:
    assert check_html(markup) == []


def test_check_html_without_accessibility_checks_escaping_only() -> None:
    assert check_html("<button></button>", accessibility=False) == []


async def test_check_story_raises_with_the_exception_chained(ember: Ember) -> None:
    case = StoryCase(Story("broken", broken, {"fails": {}}), "fails")
    with pytest.raises(StoryCheckError, match="broken / fails raised RuntimeError: boom") as info:
        await check_story(case, ember=ember)
    assert isinstance(info.value.__cause__, RuntimeError)


async def test_check_story_catches_a_failing_inner_component(ember: Ember) -> None:
    @component
    def inner() -> html:  # type: ignore[valid-type]
        raise ValueError("inner")

    def outer() -> object:
        return html.div(inner())

    with pytest.raises(StoryCheckError, match="outer / v raised ValueError: inner"):
        await check_story(StoryCase(Story("outer", outer, {"v": {}}), "v"), ember=ember)


async def test_check_story_html_checks_report_every_problem(ember: Ember) -> None:
    def unlabelled(src: str = "/a.png") -> object:
        return html.div(html.img({"src": src}), html.input({"type": "text"}))

    case = StoryCase(Story("unlabelled", unlabelled, {"v": {}}), "v")
    assert await check_story(case, ember=ember)  # renders fine without the checks
    with pytest.raises(StoryCheckError) as info:
        await check_story(case, html_checks=True, ember=ember)
    message = str(info.value)
    assert "unlabelled / v failed its HTML checks" in message
    assert "first paint: <img> has no alt text." in message
    assert "has no label" in message


async def test_check_story_escaping_probe_passes_text_props(ember: Ember) -> None:
    case = StoryCase(Story("greeting", greeting, {"plain": {"name": "Ada"}}), "plain")
    assert "Hello Ada" in await check_story(case, html_checks=True, ember=ember)


async def test_check_story_empty_render_fails(ember: Ember) -> None:
    def nothing() -> object:
        return html.div()

    with pytest.raises(StoryCheckError, match="rendered nothing"):
        await check_story(StoryCase(Story("nothing", nothing, {"v": {}}), "v"), ember=ember)
