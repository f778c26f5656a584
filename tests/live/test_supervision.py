"""Supervision: a failing render or handler takes down only its own part."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from reactpy import component, html, use_state

from ember.live import AsyncResult, LiveView, error_boundary, on_async, on_event
from ember.live.testing import LiveClient

from .conftest import Counter


@component
def Fragile(explode: bool) -> Any:
    if explode:
        raise ValueError("kaboom")
    return html.p({"id": "fragile"}, "fine")


@component
def Page() -> Any:
    broken, set_broken = use_state(False)
    return html.main(
        html.button({"id": "break", "onClick": lambda e: set_broken(True)}, "break"),
        html.button({"id": "fix", "onClick": lambda e: set_broken(False)}, "fix"),
        Fragile(broken),
        html.section(
            {"id": "guarded"},
            error_boundary(Fragile(broken)),
        ),
        Counter(),
    )


def failures(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info and "kaboom" in str(r.exc_info[1])]


async def test_failed_render_is_replaced_and_the_rest_stays_live(ember, caplog):
    app = FastAPI()
    ember.mount(app, "/page", Page)
    async with LiveClient(app) as client:
        page = await client.live("/page")
        await page.click("#break")
        alerts = page.find_all(".ember-render-error")
        assert len(alerts) == 1
        assert alerts[0].attr("role") == "alert"
        assert page.has("#guarded .ember-boundary-error")
        await page.click("#inc")
        assert page.find("#count").text() == "Count: 1"
        assert page.close_code is None
    # Logged once per failed component, with the session, and never by ReactPy itself.
    records = failures(caplog)
    assert len(records) == 2
    assert all("session" in r.getMessage() and "view /page" in r.getMessage() for r in records)
    assert not [r for r in caplog.records if r.name.startswith("reactpy")]


async def test_boundary_reset_remounts_its_children(ember):
    app = FastAPI()
    ember.mount(app, "/page", Page)
    async with LiveClient(app) as client:
        page = await client.live("/page")
        await page.click("#break")
        await page.click("#fix")
        assert page.has("#guarded .ember-boundary-error")  # still showing its fallback
        await page.click("#guarded .ember-boundary-error button")
        assert page.find("#guarded #fragile").text() == "fine"


async def test_failed_first_paint_still_serves_the_page(ember, caplog):
    @component
    def Broken() -> Any:
        return html.main(Fragile(True), html.p({"id": "ok"}, "rest"))

    app = FastAPI()
    ember.mount(app, "/broken", Broken)
    async with LiveClient(app) as client:
        response = await client.get("/broken")
        assert response.status_code == 200
        assert "ember-render-error" in response.text
        assert '<p id="ok">rest</p>' in response.text
    assert "first paint of session" in failures(caplog)[0].getMessage()


class Crashy(LiveView):
    async def mount(self, params, session, socket):
        socket.assign(result=AsyncResult.loading(), started=False)

    @on_event("go")
    async def go(self, params, socket):
        async def work():
            raise RuntimeError("task died")

        socket.assign(started=True)
        socket.start_async("work", work)

    @on_async("work")
    async def done(self, result, socket):
        socket.assign(result=result)

    def render(self, assigns):
        result = assigns["result"]
        state = "failed: " + str(result.error) if result.failed else result.status.value
        return html.main(
            html.p({"id": "state"}, state),
            html.button({"id": "go", "onClick": self.on("go")}, "go"),
        )


async def test_crashed_async_task_reports_failed_never_hangs(ember):
    app = FastAPI()
    ember.mount(app, "/crashy", Crashy)
    async with LiveClient(app) as client:
        page = await client.live("/crashy")
        await page.click("#go")
        await page.wait_for(lambda p: p.find("#state").text() == "failed: task died")
        assert page.close_code is None


async def test_boundary_catches_a_child_failing_on_its_first_render_in_the_first_paint(ember):
    @component
    def Broken() -> Any:
        return html.main(error_boundary(Fragile(True)), html.p({"id": "rest"}, "rest"))

    app = FastAPI()
    ember.mount(app, "/first", Broken)
    async with LiveClient(app) as client:
        page = await client.live("/first")
        assert "ember-boundary-error" in page.static_html
        assert "ember-render-error" not in page.static_html
        assert page.has(".ember-boundary-error")
        assert page.find("#rest").text() == "rest"
