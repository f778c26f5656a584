from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import html

import ember.live
from ember.live import LiveView, Socket, live_render, on_event, on_info


class Asked(BaseModel):
    """What the chat tells the page that rendered it (child → parent)."""

    question: str


class SupportChat(LiveView):
    """A child view: its own session, mailbox and state, next to the page's form."""

    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        # `topic` came from the parent: live_render(..., session={"topic": ...}).
        socket.assign(questions=[])

    @on_event("ask")
    async def ask(self, params: Any, socket: Socket) -> None:
        question = f"About {socket.assigns['topic']}: {params['value']}"
        socket.update("questions", lambda questions: [*questions, question])
        await socket.send_parent(Asked(question=question))

    @on_event("crash")
    async def crash(self, params: Any, socket: Socket) -> None:
        raise RuntimeError("the chat service is down")  # remounts the chat only

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.aside(
            {"id": "chat"},
            html.ul([html.li({"key": q}, q) for q in assigns["questions"]]),
            html.input({"id": "ask", "onChange": self.on("ask")}),
            html.button({"id": "crash", "onClick": self.on("crash")}, "Crash the chat"),
        )


class OrderPage(LiveView):
    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        socket.assign(address="", asked=0)

    @on_event("address")
    async def address(self, params: Any, socket: Socket) -> None:
        socket.assign(address=params["value"])

    @on_info(Asked)
    async def asked(self, message: Asked, socket: Socket) -> None:
        socket.update("asked", lambda asked: asked + 1)

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.main(
            html.input(
                {"id": "address", "value": assigns["address"], "onChange": self.on("address")}
            ),
            html.p({"id": "asked"}, f"{assigns['asked']} questions asked"),
            live_render(SupportChat, id="support", session={"topic": "shipping"}),
        )


app = FastAPI()
ember.live.mount(app, "/order", OrderPage)
