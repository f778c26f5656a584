"""The app the nested-view browser tests drive (uvicorn in a subprocess).

``/form`` is a view with a form next to a nested ``Chat`` whose "boom" button crashes it;
``/one`` and ``/two`` share the ``live_session`` "music" and both render the sticky
``Player`` (a track counter and a running timer), ``/plain`` is in the group without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from reactpy import html

from ember.live import Ember, LiveSettings, LiveView, Socket, live_render, on_event, on_info


class Chat(LiveView):
    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        socket.assign(sent=0)

    @on_event("send")
    async def send(self, params: Any, socket: Socket) -> None:
        socket.update("sent", lambda sent: sent + 1)
        await socket.send_parent(socket.assigns["sent"])

    @on_event("boom")
    async def boom(self, params: Any, socket: Socket) -> None:
        raise RuntimeError("the chat fails on purpose")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.section(
            {"id": "chat"},
            html.p({"id": "sent"}, f"{assigns['sent']} sent"),
            html.button({"id": "send", "onClick": self.on("send")}, "send"),
            html.button({"id": "boom", "onClick": self.on("boom")}, "boom"),
        )


class FormLive(LiveView):
    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        socket.assign(name="", clicks=0, heard=0)

    @on_event("validate")
    async def validate(self, params: Any, socket: Socket) -> None:
        socket.assign(name=params["value"])

    @on_event("click")
    async def click(self, params: Any, socket: Socket) -> None:
        socket.update("clicks", lambda clicks: clicks + 1)

    @on_info(int)
    async def heard(self, message: int, socket: Socket) -> None:
        socket.assign(heard=message)

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.main(
            html.h1("Form"),
            html.input({"id": "name", "value": assigns["name"], "onChange": self.on("validate")}),
            html.p({"id": "echo"}, f"name: {assigns['name']}"),
            html.button(
                {"id": "click", "onClick": self.on("click")}, f"clicks {assigns['clicks']}"
            ),
            html.p({"id": "heard"}, f"heard {assigns['heard']}"),
            live_render(Chat, id="chat"),
        )


class Player(LiveView):
    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        socket.assign(track=1, ticks=0)
        if socket.connected:
            socket.send_after(0.2, "tick")

    @on_event("next")
    async def next(self, params: Any, socket: Socket) -> None:
        socket.update("track", lambda track: track + 1)

    @on_info(str)
    async def tick(self, message: str, socket: Socket) -> None:
        socket.update("ticks", lambda ticks: ticks + 1)
        socket.send_after(0.2, "tick")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.aside(
            {"id": "player"},
            html.p({"id": "track"}, f"track {assigns['track']}"),
            html.p({"id": "ticks"}, f"{assigns['ticks']}"),
            html.button({"id": "next", "onClick": self.on("next")}, "next"),
        )


def layout(title: str, *, player: bool = True) -> Any:
    return html.div(
        html.nav(
            html.a({"id": "to-one", "href": "/one"}, "one"),
            html.a({"id": "to-two", "href": "/two"}, "two"),
            html.a({"id": "to-plain", "href": "/plain"}, "plain"),
        ),
        html.h1({"id": "title"}, title),
        live_render(Player, id="player", sticky=True) if player else None,
    )


class One(LiveView):
    def render(self, assigns: Mapping[str, Any]) -> Any:
        return layout("one")


class Two(LiveView):
    def render(self, assigns: Mapping[str, Any]) -> Any:
        return layout("two")


class Plain(LiveView):
    def render(self, assigns: Mapping[str, Any]) -> Any:
        return layout("plain", player=False)


ember = Ember(LiveSettings())
app = FastAPI()
ember.mount(app, "/form", FormLive, title="form")
for path, view in (("/one", One), ("/two", Two), ("/plain", Plain)):
    ember.mount(app, path, view, title=path.strip("/"), live_session="music")
