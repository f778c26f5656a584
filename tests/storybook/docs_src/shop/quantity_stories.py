"""A LiveComponent as a story: the class is the story's component."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reactpy import html

import ember.components as ui
from ember.live import ComponentSocket, LiveComponent, on_event
from ember.storybook import Story


class QuantityPicker(LiveComponent):
    """How many to buy: its count is its own state; ``on_change`` hears of each change."""

    def mount(self, socket: ComponentSocket) -> None:
        socket.assign(count=None)

    @on_event("step")
    async def step(self, params: Any, socket: ComponentSocket) -> None:
        count = self.count(socket.assigns) + int(params["step"])
        socket.assign(count=max(socket.assigns["least"], count))
        if socket.assigns["on_change"] is not None:
            socket.assigns["on_change"](socket.assigns["count"])

    def count(self, assigns: Mapping[str, Any]) -> int:
        return int(assigns["count"] if assigns["count"] is not None else assigns["start"])

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.div(
            {"className": "quantity"},
            html.button(
                {"data-step": "-1", "aria-label": "Fewer", "onClick": self.on("step")}, "-"
            ),
            html.output({"className": "count"}, str(self.count(assigns))),
            html.button({"data-step": "1", "aria-label": "More", "onClick": self.on("step")}, "+"),
            ui.badge("Minimum reached", tone="warning")
            if self.count(assigns) <= assigns["least"]
            else None,
        )


def changed(count: int) -> None:
    """What the app would do with the new count; the storybook logs each call."""


stories = [
    Story(
        name="Quantity picker",
        component=QuantityPicker,
        group="Catalogue",
        description="A LiveComponent: state and events of its own.",
        variations={
            "one": {"start": 1, "least": 1, "on_change": changed},
            "a dozen": {"start": 12, "least": 6, "on_change": changed},
        },
    ),
]
