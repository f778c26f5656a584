from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel
from reactpy import html

import ember.live
from ember.live import (
    ComponentSocket,
    LiveComponent,
    LiveView,
    Socket,
    live_component,
    on_event,
    on_info,
)
from ember.pubsub import message

ROWS = {1: "apples", 2: "pears", 3: "plums"}  # your database


@message("docs.rows.renamed")
class Renamed(BaseModel):
    id: int
    name: str


class Save(BaseModel):
    """What a row editor tells its view (child → parent)."""

    id: int
    name: str


class RowEditor(LiveComponent):
    """One row: its own draft and its own handlers; the view passes it `row_id` and `name`."""

    def mount(self, socket: ComponentSocket) -> None:
        socket.assign(editing=False, draft="")

    @on_event("edit")
    async def edit(self, params: Any, socket: ComponentSocket) -> None:
        socket.assign(editing=True, draft=socket.assigns["name"])

    @on_event("type")
    async def type(self, params: Any, socket: ComponentSocket) -> None:
        socket.assign(draft=params["value"])

    @on_event("save")
    async def save(self, params: Any, socket: ComponentSocket) -> None:
        await socket.send_parent(Save(id=socket.assigns["row_id"], name=params["name"]))
        socket.assign(editing=False)

    def render(self, assigns: Mapping[str, Any]) -> Any:
        row = f"row-{assigns['row_id']}"
        if not assigns["editing"]:
            return html.li(
                {"id": row},
                html.span({"class": "name"}, assigns["name"]),
                html.button({"class": "edit", "onClick": self.on("edit")}, "Edit"),
            )
        return html.li(
            {"id": row},
            html.form(
                {"onSubmit": self.on("save")},
                html.input(
                    {"name": "name", "value": assigns["draft"], "onChange": self.on("type")}
                ),
                html.button({"type": "submit"}, "Save"),
            ),
        )


class RowsLive(LiveView):
    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        socket.assign(rows=dict(ROWS), saves=0)
        if socket.connected:
            await socket.subscribe("rows", types=[Renamed])

    @on_info(Save)  # from a RowEditor
    async def save(self, msg: Save, socket: Socket) -> None:
        ROWS[msg.id] = msg.name
        socket.update("saves", lambda saves: saves + 1)
        await ember.live.default_ember().pubsub.broadcast("rows", Renamed(**msg.model_dump()))

    @on_info(Renamed)  # from any tab: every row re-renders with its new name
    async def renamed(self, msg: Renamed, socket: Socket) -> None:
        socket.update("rows", lambda rows: {**rows, msg.id: msg.name})

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.main(
            html.p({"id": "saves"}, f"{assigns['saves']} saved here"),
            html.ul(
                [
                    live_component(RowEditor, row_id, row_id=row_id, name=name)
                    for row_id, name in assigns["rows"].items()
                ]
            ),
        )


app = FastAPI(lifespan=ember.live.lifespan)
ember.live.mount(app, "/rows", RowsLive)
