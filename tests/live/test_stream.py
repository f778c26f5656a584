"""Streams through the real websocket: rows change one at a time, and handlers keep working."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from reactpy import component, html, use_effect, use_state

from ember.live import (
    Ember,
    LiveView,
    Socket,
    on_event,
    stream,
    stream_delete,
    stream_insert,
    use_stream,
)
from ember.live.testing import LiveClient


def _people(store: list[dict[str, Any]]):
    @component
    def People() -> Any:
        people = use_stream(lambda: list(store), name="people")
        next_id, set_next_id = use_state(max(p["id"] for p in store) + 1)

        def add(at: int) -> None:
            person = {"id": next_id, "name": f"p{next_id}"}
            store.insert(len(store) if at == -1 else at, person)
            people.insert(person, at=at)
            set_next_id(next_id + 1)

        def remove(person: dict[str, Any]) -> None:
            store.remove(person)
            people.delete(person)

        def row(person: dict[str, Any]) -> Any:
            return html.li(
                html.span(person["name"]),
                html.button({"class": "rm", "onClick": lambda _: remove(person)}, "x"),
            )

        return html.main(
            html.button({"id": "first", "onClick": lambda _: add(0)}, "first"),
            html.button({"id": "last", "onClick": lambda _: add(-1)}, "last"),
            html.button({"id": "second", "onClick": lambda _: add(1)}, "second"),
            people.render(row, tag="ul", attributes={"id": "people"}),
        )

    return People


async def test_stream_insert_and_delete_match_a_fresh_render(ember: Ember):
    store = [{"id": 1, "name": "p1"}, {"id": 2, "name": "p2"}]
    app = FastAPI()
    ember.mount(app, "/people", _people(store))
    async with LiveClient(app) as client:
        page = await client.live("/people")
        assert [e.text() for e in page.find_all("#people li span")] == ["p1", "p2"]
        await page.click("#first")
        await page.click("#last")
        await page.click("#second")
        assert [e.text() for e in page.find_all("#people li span")] == [
            "p3",
            "p5",
            "p1",
            "p2",
            "p4",
        ]
        # p1's delete button was rendered two renders ago; its handler still works.
        await page.click("#people-1 button")
        await page.click("#people-3 button")
        assert [e.text() for e in page.find_all("#people li span")] == ["p5", "p2", "p4"]
        fresh = await client.live("/people")
        assert page.find("#people").attributes.keys() == fresh.find("#people").attributes.keys()
        assert [e.attr("id") for e in page.find_all("#people li")] == [
            e.attr("id") for e in fresh.find_all("#people li")
        ]
        assert _without_token(page.html()) == _without_token(fresh.html())


def _without_token(text: str) -> str:
    import re

    return re.sub(r'data-ember-stream="[0-9a-f]+"', "", text)


class FeedLive(LiveView):
    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        stream(socket, "posts", [{"id": i} for i in range(3)], limit=-3)
        socket.assign(count=3)

    @on_event("post")
    async def post(self, params: Any, socket: Socket) -> None:
        stream_insert(socket, "posts", {"id": socket.assigns["count"]})
        socket.assign(count=socket.assigns["count"] + 1)

    @on_event("drop")
    async def drop(self, params: Any, socket: Socket) -> None:
        stream_delete(socket, "posts", {"id": socket.assigns["count"] - 1})

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.div(
            html.button({"id": "post", "onClick": self.on("post")}, "post"),
            html.button({"id": "drop", "onClick": self.on("drop")}, "drop"),
            assigns["posts"].render(lambda p: html.p(str(p["id"])), attributes={"id": "posts"}),
        )


async def test_liveview_stream_with_a_limit_keeps_the_newest_rows(ember: Ember):
    app = FastAPI()
    ember.mount(app, "/feed", FeedLive)
    async with LiveClient(app) as client:
        page = await client.live("/feed")
        assert [e.text() for e in page.find_all("#posts p")] == ["0", "1", "2"]
        await page.click("#post")
        await page.click("#post")
        assert [e.text() for e in page.find_all("#posts p")] == ["2", "3", "4"]
        await page.click("#drop")
        assert [e.text() for e in page.find_all("#posts p")] == ["2", "3"]


@component
def Badge(label: str) -> Any:
    shown, set_shown = use_state("first")
    # Re-renders itself once mounted: inside a stream row, that update is not sent.
    use_effect(lambda: set_shown("second"), [])
    return html.b(f"{label}:{shown}")


def _with_components():
    @component
    def Page() -> Any:
        items = use_stream([{"id": 1}], name="c")
        count, set_count = use_state(1)

        def add(_: Any) -> None:
            items.insert({"id": count + 1}, at=0)
            set_count(count + 1)

        return html.div(
            html.button({"id": "add", "onClick": add}, "add"),
            html.p({"id": "count"}, str(count)),
            items.render(
                lambda item: html.p(
                    Badge(str(item["id"])),
                    html.button({"onClick": lambda _: items.delete(item)}, "x"),
                ),
                attributes={"id": "rows"},
            ),
        )

    return Page


async def test_components_inside_rows_render_once_and_their_row_handlers_work(ember: Ember):
    app = FastAPI()
    ember.mount(app, "/rows", _with_components())
    async with LiveClient(app) as client:
        page = await client.live("/rows")
        await page.click("#add")
        await page.click("#add")
        await page.render()
        assert [e.text() for e in page.find_all("#rows b")] == ["3:first", "2:first", "1:first"]
        await page.click("#c-2 button")
        assert [e.attr("id") for e in page.find_all("#rows p")] == ["c-3", "c-1"]
        assert page.find("#count").text() == "3"
