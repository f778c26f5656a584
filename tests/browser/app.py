"""The app the browser tests drive (served by uvicorn in a subprocess)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from reactpy import component, html, use_state

from ember.live import LiveView, Socket, form_data, mount, on_event, use_flash

app = FastAPI()


@app.get("/api/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@component
def Counter() -> Any:
    count, set_count = use_state(0)
    return html.main(
        html.a({"id": "to-form", "href": "/form"}, "form"),
        html.p({"id": "count"}, f"Count: {count}"),
        html.button({"id": "inc", "on_click": lambda event: set_count(count + 1)}, "+1"),
    )


@component
def HookForm() -> Any:
    submitted, set_submitted = use_state(cast_dict({}))

    def submit(event: dict[str, Any]) -> None:
        set_submitted(form_data(event))

    return html.main(
        html.a({"id": "to-counter", "href": "/"}, "counter"),
        html.form(
            {"id": "f", "onSubmit": submit},
            html.input({"name": "title"}),
            html.input({"name": "agree", "type": "checkbox"}),
            html.button({"id": "send", "type": "submit"}, "send"),
        ),
        html.p({"id": "submitted"}, repr(sorted(submitted.items()))),
    )


def cast_dict(value: dict[str, Any]) -> dict[str, Any]:
    return value


class PatchLive(LiveView):
    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        socket.assign(tab="one")

    async def handle_params(self, params: Mapping[str, str], url: str, socket: Socket) -> None:
        socket.assign(tab=params.get("tab", "one"))

    @on_event("two")
    async def two(self, params: Any, socket: Socket) -> None:
        await socket.push_patch("/patch?tab=two")

    @on_event("three")
    async def three(self, params: Any, socket: Socket) -> None:
        await socket.push_patch("/patch?tab=three", replace=True)

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.main(
            html.p({"id": "tab"}, assigns["tab"]),
            html.button({"id": "two", "onClick": self.on("two")}, "two"),
            html.button({"id": "three", "onClick": self.on("three")}, "three"),
        )


class SaveLive(LiveView):
    """put_flash, then push_navigate: the next page shows the flash."""

    @on_event("save")
    async def save(self, params: Any, socket: Socket) -> None:
        socket.put_flash("info", "Saved, and shown on the next page.")
        await socket.push_navigate("/saved")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.button({"id": "save", "onClick": self.on("save")}, "save")


@component
def Saved() -> Any:
    flash = use_flash()
    return html.main(html.h1("Saved"), html.p({"id": "flash"}, flash.get("info", "")))


@component
def Slow() -> Any:
    """A handler that takes 0.6 s, and a form whose submit does: loading states show."""
    count, set_count = use_state(0)

    async def slow(event: dict[str, Any]) -> None:
        await asyncio.sleep(0.6)
        set_count(count + 1)

    return html.main(
        html.p({"id": "count"}, f"Count: {count}"),
        html.button({"id": "slow", "onClick": slow}, "slow"),
        html.form(
            {"id": "f", "onSubmit": slow},
            html.input({"name": "title"}),
            html.button({"id": "send", "type": "submit", "data-disable-with": "Sending…"}, "send"),
        ),
    )


@component
def Icons() -> Any:
    """An SVG icon in the first paint, and one more built by the client on a click."""
    count, set_count = use_state(1)

    def tick(n: int) -> Any:
        return html.svg(
            {"key": str(n), "className": "tick", "viewBox": "0 0 24 24", "width": "24"},
            html.path({"d": "M20 6 9 17l-5-5"}),
        )

    return html.main(
        html.button({"id": "more", "onClick": lambda event: set_count(count + 1)}, "more"),
        *[tick(n) for n in range(count)],
    )


mount(app, "/", Counter, title="counter")
mount(app, "/icons", Icons, title="icons")
mount(app, "/slow", Slow, title="slow")
mount(app, "/save", SaveLive, title="save")
mount(app, "/saved", Saved, title="saved")
mount(app, "/form", HookForm, title="form")
mount(app, "/patch", PatchLive, title="patch")
