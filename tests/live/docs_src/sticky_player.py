from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from reactpy import html

import ember.live
from ember.live import LiveView, Socket, live_render, on_event


class Player(LiveView):
    """Keeps playing while the user browses the views of the "music" live_session."""

    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        socket.assign(track=1)

    @on_event("next")
    async def next(self, params: Any, socket: Socket) -> None:
        socket.update("track", lambda track: track + 1)

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.footer(
            {"id": "player"},
            html.span({"id": "track"}, f"Now playing: track {assigns['track']}"),
            html.button({"id": "next", "onClick": self.on("next")}, "Next"),
        )


def layout(title: str, *content: Any) -> Any:
    """What every view of the group renders around its content: the player included."""
    return html.div(
        html.nav(html.a({"href": "/albums"}, "Albums"), html.a({"href": "/artists"}, "Artists")),
        html.h1(title),
        *content,
        live_render(Player, id="player", sticky=True),
    )


class Albums(LiveView):
    def render(self, assigns: Mapping[str, Any]) -> Any:
        return layout("Albums", html.p("Blue Train, Kind of Blue"))


class Artists(LiveView):
    def render(self, assigns: Mapping[str, Any]) -> Any:
        return layout("Artists", html.p("Coltrane, Davis"))


app = FastAPI()
ember.live.mount(app, "/albums", Albums, live_session="music")
ember.live.mount(app, "/artists", Artists, live_session="music")
