"""The LiveView class facade: LiveView's callbacks, routed and re-rendered."""

from __future__ import annotations

from typing import Annotated

import anyio
import anyio.lowlevel
import pytest
from fastapi import Depends, FastAPI
from pydantic import BaseModel
from reactpy import html

from ember.live import AsyncResult, ConfigurationError, LiveView, on_async, on_event, on_info
from ember.live.testing import LiveClient


class Tick(BaseModel):
    n: int


def current_user() -> str:
    return "ada"


class CounterLive(LiveView):
    mounts: list[bool] = []
    terminated: list[str] = []

    async def mount(self, params, session, socket, user: Annotated[str, Depends(current_user)]):
        CounterLive.mounts.append(socket.connected)
        socket.assign(count=int(params.get("start", 0)), user=user, sort="asc", ticks=0)

    async def handle_params(self, params, url, socket):
        socket.assign(sort=params.get("sort", "asc"))

    @on_event("inc")
    async def inc(self, params, socket):
        socket.update("count", lambda c: c + 1)

    @on_event("save")
    async def save(self, params, socket):
        socket.assign(saved=dict(params))
        socket.put_flash("info", "saved")

    @on_event("sort")
    async def sort(self, params, socket):
        await socket.push_patch("/counter?sort=desc")

    @on_event("load")
    async def load(self, params, socket):
        async def work():
            await anyio.lowlevel.checkpoint()
            return 42

        socket.assign(answer=AsyncResult.loading())
        socket.start_async("answer", work)

    @on_event("tick")
    async def tick(self, params, socket):
        await socket.send_info(Tick(n=5))

    @on_async("answer")
    async def answer_ready(self, result, socket):
        socket.assign(answer=result)

    @on_info(Tick)
    async def ticked(self, message, socket):
        socket.update("ticks", lambda t: t + message.n)

    async def terminate(self, reason, socket):
        CounterLive.terminated.append(reason)

    def render(self, assigns):
        answer = assigns.get("answer")
        return html.div(
            html.p({"id": "count"}, f"{assigns['count']} for {assigns['user']}"),
            html.p({"id": "sort"}, assigns["sort"]),
            html.p({"id": "ticks"}, str(assigns["ticks"])),
            html.p({"id": "answer"}, str(answer.result) if answer and answer.ok else "-"),
            html.p({"id": "saved"}, str(assigns.get("saved", ""))),
            html.button({"id": "inc", "onClick": self.on("inc")}, "+"),
            html.button({"id": "sort-btn", "onClick": self.on("sort")}, "sort"),
            html.button({"id": "load", "onClick": self.on("load")}, "load"),
            html.button({"id": "tick", "onClick": self.on("tick")}, "tick"),
            html.button({"id": "nope", "onClick": self.on("nope")}, "nope"),
            html.form(
                {"id": "f", "onSubmit": self.on("save")},
                html.input({"name": "title", "value": "draft"}),
            ),
        )


@pytest.fixture
def app(ember):
    CounterLive.mounts.clear()
    CounterLive.terminated.clear()
    app = FastAPI()
    ember.mount(app, "/counter", CounterLive)
    return app


async def test_mount_runs_static_then_connected_with_dependencies(app):
    async with LiveClient(app) as client:
        page = await client.live("/counter?start=5")
        assert "5 for ada" in page.static_html
        assert page.find("#count").text() == "5 for ada"
    assert CounterLive.mounts == [False, True]


async def test_on_event_updates_assigns_and_rerenders(app):
    async with LiveClient(app) as client:
        page = await client.live("/counter")
        await page.click("#inc")
        await page.click("#inc")
        assert page.find("#count").text() == "2 for ada"


async def test_form_submit_params_reach_the_handler(app):
    async with LiveClient(app) as client:
        page = await client.live("/counter")
        await page.submit("#f", {"title": "final"})
        assert page.find("#saved").text() == "{'title': 'final'}"


async def test_push_patch_runs_handle_params_and_tells_the_browser(app):
    async with LiveClient(app) as client:
        page = await client.live("/counter")
        await page.click("#sort-btn")
        assert page.find("#sort").text() == "desc"
        assert page.navigations == [{"kind": "patch", "to": "/counter?sort=desc"}]


async def test_start_async_result_reaches_handle_async(app):
    async with LiveClient(app) as client:
        page = await client.live("/counter")
        await page.click("#load")
        await page.wait_for(lambda p: p.find("#answer").text() == "42")


async def test_on_info_routes_by_message_type(app):
    async with LiveClient(app) as client:
        page = await client.live("/counter")
        await page.click("#tick")
        assert page.find("#ticks").text() == "5"


async def test_unknown_event_fails_the_session_with_a_clear_log(app, caplog):
    async with LiveClient(app) as client:
        page = await client.live("/counter")
        await page.click("#nope")
        assert await page.wait_closed() == 1011
    assert "has no handler for event 'nope'" in caplog.text


async def test_terminate_runs_when_the_socket_closes(app, ember):
    async with LiveClient(app) as client:
        page = await client.live("/counter")
        await page.close()
    with anyio.fail_after(2):
        while not CounterLive.terminated:
            await anyio.sleep(0.01)
    assert CounterLive.terminated == ["closed"]


async def test_dependency_override_reaches_mount(app):
    app.dependency_overrides[current_user] = lambda: "grace"
    async with LiveClient(app) as client:
        page = await client.live("/counter")
        assert page.find("#count").text() == "0 for grace"


def other_user() -> str:
    return "x"


def test_conflicting_dependency_names_are_refused(ember):
    class Conflicted(LiveView):
        async def mount(self, params, session, socket, user: Annotated[str, Depends(current_user)]):
            pass

        @on_event("go")
        async def go(self, params, socket, user: Annotated[str, Depends(other_user)]):
            pass

        def render(self, assigns):
            return html.p("x")

    with pytest.raises(ConfigurationError, match="declares the dependency 'user' twice"):
        ember.mount(FastAPI(), "/c", Conflicted)


async def test_update_of_a_missing_assign_explains_itself(ember):
    class Broken(LiveView):
        async def mount(self, params, session, socket):
            socket.update("missing", lambda v: v)

        def render(self, assigns):
            return html.p("x")

    app = FastAPI()
    ember.mount(app, "/broken", Broken)
    async with LiveClient(app) as client:
        with pytest.raises(Exception, match="never assigned"):
            await client.get("/broken")


def test_unresolvable_annotations_are_explained(ember):
    def local_dependency() -> str:
        return "x"

    class Local(LiveView):
        async def mount(
            self, params, session, socket, user: Annotated[str, Depends(local_dependency)]
        ):
            pass

        def render(self, assigns):
            return html.p("x")

    with pytest.raises(ConfigurationError, match="must be importable at module level"):
        ember.mount(FastAPI(), "/local", Local)


class Leaver(LiveView):
    async def mount(self, params, session, socket):
        socket.assign()

    @on_event("leave")
    async def leave(self, params, socket):
        socket.put_flash("info", "Bye")
        await socket.push_navigate("/counter?start=3")

    def render(self, assigns):
        return html.button({"id": "leave", "onClick": self.on("leave")}, "leave")


async def test_follow_opens_the_navigated_page_and_flash_is_readable(app, ember):
    ember.mount(app, "/leaver", Leaver)
    async with LiveClient(app) as client:
        page = await client.live("/leaver")
        await page.click("#leave")
        assert page.flash(ember) == {"info": "Bye"}
        assert page.session(ember).id == page.session_id
        target = await page.follow()
        assert target.find("#count").text() == "3 for ada"
        assert page.close_code == 1000


def test_event_params_come_from_the_element_the_handler_is_on_not_the_icon_clicked():
    # Regression: a click on the icon inside <button data-id="7"> reached the handler
    # without "id" (the demo's like button, in Chromium).
    from ember.live.api._events import event_params

    button = {"tagName": "BUTTON", "dataset": {"id": "7", "pressed": "false"}}
    icon = {"tagName": "svg", "dataset": {}}
    params = event_params(({"type": "click", "target": icon, "currentTarget": button},))
    assert params["id"] == "7"
    assert params["pressed"] == "false"
    plain = event_params(({"type": "click", "target": button},))
    assert plain["id"] == "7"
