"""The demo app that `ember demo` runs: a FastAPI app with live pages mounted into it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from reactpy import component, html, use_state

from ember.live import LiveView, Socket, mount, on_event, use_async, use_session

app = FastAPI(title="ember demo")


@app.get("/api/health")
def health() -> dict[str, str]:
    """A plain JSON route, next to the live pages."""
    return {"status": "ok"}


def nav() -> Any:
    return html.nav(html.a({"href": "/"}, "Counter"), " · ", html.a({"href": "/greet"}, "Greeting"))


@component
def Counter() -> Any:
    """Hook style: state in use_state, a sync handler, async work with use_async."""
    count, set_count = use_state(0)
    session = use_session()

    async def server_time() -> str:
        import datetime

        return datetime.datetime.now(datetime.UTC).strftime("%H:%M:%S UTC")

    started = use_async(server_time)
    return html.main(
        nav(),
        html.h1("ember counter"),
        html.p({"id": "count"}, f"Count: {count}"),
        html.button({"id": "inc", "onClick": lambda event: set_count(lambda c: c + 1)}, "+1"),
        html.p(
            {"id": "status"},
            "live" if session.connected else "server-rendered",
            f" · connected at {started.result}" if started.ok else "",
        ),
    )


class GreetLive(LiveView):
    """Class style: assigns, an event routed by name, a form."""

    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        socket.assign(name=params.get("name", ""), greetings=0)

    @on_event("greet")
    async def greet(self, params: Mapping[str, str], socket: Socket) -> None:
        name = params.get("name", "").strip()
        socket.assign(name=name, greetings=socket.assigns["greetings"] + 1)
        if name:
            socket.put_flash("info", f"Greeted {name}")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        greeting = f"Hello, {assigns['name']}!" if assigns["name"] else "Who are you?"
        return html.main(
            nav(),
            html.h1("ember greeting"),
            html.form(
                {"id": "greet-form", "onSubmit": self.on("greet")},
                html.input({"name": "name", "placeholder": "your name"}),
                html.button({"type": "submit"}, "Greet"),
            ),
            html.p({"id": "greeting"}, greeting),
            html.p({"id": "greetings"}, f"{assigns['greetings']} greetings so far"),
        )


mount(app, "/", Counter, title="ember demo")
mount(app, "/greet", GreetLive, title="ember greeting")
