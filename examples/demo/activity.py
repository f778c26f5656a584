"""The top bar's activity pill: a sticky nested view (``live_render(..., sticky=True)``).

It counts the chirps posted since the tab opened and names the last one's author. It has
its own session and mailbox on the page's socket, so it keeps counting while the timeline
handles a post, and, being sticky, it keeps its count and its DOM as the top bar's links
switch between the pages of the live session (a page load starts it again). Its count is
recoverable: after a reconnect (a network blip, a server restart) the tab resumes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from reactpy import html

from ember.live import LiveSession, LiveView, Socket, live_render, on_event, on_info

from .chirps import TOPIC, ChirpPosted

CSS = """
.demo-activity { display: inline-flex; align-items: center; gap: .35rem; padding: .15rem .6rem;
  border-radius: 999px; border: 1px solid var(--ember-border); background: none;
  color: var(--ember-text-muted); font: inherit; cursor: pointer; }
.demo-activity[data-new] { color: var(--ember-primary-text); border-color: var(--ember-primary); }
"""


class ActivityState(BaseModel):
    """What survives a reconnect: the count and the last author."""

    new: int = 0
    last: str = ""


class ActivityLive(LiveView):
    """New chirps since this tab opened."""

    recoverable = ActivityState

    async def mount(self, params: Mapping[str, str], session: LiveSession, socket: Socket) -> None:
        socket.assign(new=0, last="")
        if socket.connected:
            await socket.subscribe(TOPIC, types=[ChirpPosted])

    @on_info(ChirpPosted)
    async def posted(self, message: ChirpPosted, socket: Socket) -> None:
        socket.update("new", lambda new: new + 1)
        socket.assign(last=message.chirp.author)

    @on_info(object)
    async def other(self, message: object, socket: Socket) -> None:
        """Other chirp news (likes, deletes) and MessagesMayBeLost: nothing to count."""

    @on_event("seen")
    async def seen(self, params: Any, socket: Socket) -> None:
        socket.assign(new=0, last="")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        new, last = assigns["new"], assigns["last"]
        label = f"{new} new chirp{'' if new == 1 else 's'}" + (f" · last by {last}" if last else "")
        return html.button(
            {
                "id": "activity",
                "type": "button",
                "className": "demo-activity",
                "title": "Chirps posted since you opened this tab (click to clear)",
                "onClick": self.on("seen"),
                **({"data-new": ""} if new else {}),
            },
            label,
        )


def activity() -> Any:
    """The pill, for the top bar of every page of the live session."""
    return live_render(ActivityLive, id="activity", sticky=True)
