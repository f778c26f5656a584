"""The event log's handlers and payloads, and the URL state."""

from __future__ import annotations

import inspect

from reactpy import html

from ember.storybook import Story
from ember.storybook._events import LoggedEvent, logging_handler, summarize
from ember.storybook._state import ViewState

from .conftest import OpenStorybook, canvas


def test_summarize_keeps_the_useful_part_of_a_browser_event() -> None:
    event = {
        "type": "click",
        "clientX": 10,
        "key": "Enter",
        "target": {"tagName": "BUTTON", "value": "", "offsetWidth": 80, "form": None},
    }
    assert summarize((event,)) == (
        '{"type": "click", "key": "Enter", "target": {"tagName": "BUTTON", "value": ""}}'
    )
    assert summarize(("security", 2)) == '["security", 2]'
    assert summarize(("x" * 1000,)).endswith("…")
    assert len(summarize(("x" * 1000,))) == 600


async def test_logging_handler_keeps_async_handlers_async() -> None:
    seen: list[LoggedEvent] = []
    calls: list[object] = []

    async def original(value: object) -> str:
        calls.append(value)
        return "done"

    handler = logging_handler("on_save", original, seen.append)
    assert inspect.iscoroutinefunction(handler)
    assert await handler({"type": "submit"}) == "done"
    assert calls == [{"type": "submit"}]
    assert [(e.handler, e.payload) for e in seen] == [("on_save", '{"type": "submit"}')]
    assert len(seen[0].clock) == len("12:00:00.000")


def test_logging_handler_without_original_only_logs() -> None:
    seen: list[LoggedEvent] = []
    handler = logging_handler("on_close", None, seen.append)
    assert handler("x") is None
    assert seen[0].payload == '"x"'


def test_view_state_query_leaves_defaults_out_and_round_trips() -> None:
    view = ViewState(story="button", variation="big one", args={"size": "lg"}, theme="dark")
    assert view.query() == (
        "story=button&variation=big+one&args=%7B%22size%22%3A%22lg%22%7D&theme=dark"
    )
    params = {"story": "button", "variation": "big one", "args": '{"size":"lg"}', "theme": "dark"}
    assert ViewState.from_params(params) == view
    assert ViewState().query() == ""


def test_view_state_malformed_values_fall_back_to_defaults() -> None:
    view = ViewState.from_params({"args": "[1,", "theme": "neon", "bg": "x", "width": "99"})
    assert view == ViewState()
    assert ViewState.from_params({"args": "[1]"}).args == {}


async def test_storybook_shows_stories_given_in_code(open_storybook: OpenStorybook) -> None:
    inline = Story("inline", lambda text="hi": html.p({"id": "inline"}, text), {"one": {}})
    async with open_storybook(packages=(), stories=[inline]) as page:
        assert (await canvas(page)).find("#inline").text() == "hi"
        assert page.find(".sb-group-title").text() == "Stories"


async def test_storybook_without_stories_says_how_to_add_them(
    open_storybook: OpenStorybook,
) -> None:
    async with open_storybook(packages=()) as page:
        assert page.find(".ember-empty").text().startswith("No stories found")
