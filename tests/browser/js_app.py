"""The app of the JS commands and client hooks browser tests (served by uvicorn)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import FileResponse
from reactpy import component, html, use_state

import ember.components as ui
from ember.live import JS, LiveView, Socket, mount, on_event, use_session

app = FastAPI()
HOOKS = Path(__file__).parent / "static" / "hooks.js"


@app.get("/static/hooks.js")
def hooks_script() -> FileResponse:
    return FileResponse(HOOKS, media_type="text/javascript")


@component
def Commands() -> Any:
    count, set_count = use_state(0)
    pushed, set_pushed = use_state("")

    def opened(event: Mapping[str, Any]) -> None:
        set_pushed(f"opened {event.get('item')}")

    return html.main(
        {"id": "main", "className": f"count-{count}"},
        html.button({"id": "toggle", "onClick": JS.toggle("#menu")}, "Menu"),
        html.button(
            {
                "id": "toggle-push",
                "onClick": JS.toggle("#menu")
                .add_class("open", to="#main")
                .push(opened, value={"item": 7}),
            },
            "Menu and tell",
        ),
        html.button({"id": "inc", "onClick": lambda event: set_count(count + 1)}, "+1"),
        html.ul(
            {"id": "menu", "className": f"menu rendered-{count}", "style": {"color": "red"}},
            html.li(f"item {count}"),
            html.li(html.a({"id": "first-link", "href": "#a"}, "a")),
        ),
        html.button({"id": "focus", "onClick": JS.show("#menu").focus_first(to="#menu")}, "Focus"),
        html.button(
            {
                "id": "attrs",
                "onClick": JS.set_attribute("aria-expanded", "true", to="#menu")
                .toggle_attribute("data-state", "on", "off", to="#menu")
                .remove_class("menu", to="#menu"),
            },
            "Attributes",
        ),
        html.button(
            {"id": "dispatch", "onClick": JS.dispatch("menu:poke", to="#menu", detail={"n": 1})},
            "Dispatch",
        ),
        html.button(
            {
                "id": "fade",
                "onClick": JS.transition(
                    ("fading", "fade-start", "fade-end"), to="#menu", time=300
                ),
            },
            "Fade",
        ),
        html.p({"id": "count"}, f"Count: {count}"),
        html.p({"id": "pushed"}, pushed),
    )


class NamedPushLive(LiveView):
    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        socket.assign(said="")

    @on_event("opened")
    async def opened(self, params: Mapping[str, Any], socket: Socket) -> None:
        socket.assign(said=f"opened {params.get('id')}")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.main(
            html.button(
                {"id": "named", "onClick": JS.hide("#gone").push("opened", value={"id": 3})},
                "Go",
            ),
            html.p({"id": "gone"}, "visible"),
            html.p({"id": "said"}, assigns["said"]),
        )


@component
def Hooks() -> Any:
    session = use_session()
    points, set_points = use_state([3, 1, 4, 1, 5])
    clicked, set_clicked = use_state("")
    shown, set_shown = use_state(True)

    def chart_event(event: Mapping[str, Any]) -> None:
        set_clicked(f"{event['event']}:{event['value']['index']}")

    def add(event: object) -> None:
        set_points([*points, len(points)])

    def ping(event: object) -> None:
        session.push_event("highlight", {"index": 2})

    return html.main(
        html.button({"id": "add", "onClick": add}, "Add a point"),
        html.button({"id": "ping", "onClick": ping}, "Highlight"),
        html.button({"id": "remove", "onClick": lambda event: set_shown(not shown)}, "Remove"),
        html.canvas(
            {
                "id": "chart",
                "width": 200,
                "height": 80,
                "data-ember-hook": "Chart",
                "data-points": ",".join(map(str, points)),
                "onHookEvent": chart_event,
            }
        )
        if shown
        else html.p({"id": "no-chart"}, "no chart"),
        html.div({"id": "broken", "data-ember-hook": "Broken"}),
        html.div({"id": "unknown", "data-ember-hook": "NoSuchHook"}),
        html.p({"id": "clicked"}, clicked),
        html.p({"id": "size"}, str(len(points))),
    )


@component
def Kit() -> Any:
    count, set_count = use_state(0)
    return html.main(
        {"className": f"count-{count}"},
        html.button({"id": "inc", "onClick": lambda event: set_count(count + 1)}, f"{count}"),
        ui.tabs(
            [
                ui.Tab("a", "Alpha", f"alpha {count}"),
                ui.Tab("b", "Beta", "beta"),
                ui.Tab("c", "Gamma", "gamma"),
            ],
            id="kit-tabs",
            client=True,
        ),
        html.button({"id": "open-modal", "onClick": ui.show_modal("kit-modal")}, "Open"),
        ui.modal(html.p("Inside"), title="Client modal", id="kit-modal", client=True),
    )


mount(app, "/", Commands)
ui.mount_static(app)
mount(app, "/kit", Kit, head=ui.head())
mount(app, "/named", NamedPushLive)
mount(app, "/hooks", Hooks, head='<script src="/static/hooks.js"></script>')
