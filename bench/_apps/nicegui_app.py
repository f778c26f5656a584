"""NiceGUI: the four views as ``@ui.page`` functions in a FastAPI app (``ui.run_with``).

Driven without a browser: the page carries the client id, then the harness speaks
socket.io over one websocket (``/_nicegui_ws/socket.io/?EIO=4&transport=websocket``).
Elements are found by their ``data-bench`` prop.
"""

from __future__ import annotations

import itertools
from typing import Any

from fastapi import FastAPI
from nicegui import ui

from ._views import EMAIL, table_rows

_labels: dict[str, Any] = {}
_ticks = itertools.count(1)


@ui.page("/counter")
def counter() -> None:
    state = {"count": 0}
    label = ui.label("Count: 0").props("data-bench=count")

    def inc() -> None:
        state["count"] += 1
        label.text = f"Count: {state['count']}"

    ui.button("+", on_click=inc).props("data-bench=inc")


@ui.page("/subscribed")
def subscribed() -> None:
    client = ui.context.client
    _labels[client.id] = ui.label("Count: 0").props("data-bench=count")
    client.on_delete(lambda: _labels.pop(client.id, None))

    def fire() -> None:
        text = f"Count: {next(_ticks)}"
        for label in list(_labels.values()):
            label.text = text

    ui.button("broadcast", on_click=fire).props("data-bench=fire")


@ui.page("/form")
def form() -> None:
    ui.input(
        "email",
        validation={"must have the @ sign": lambda value: bool(EMAIL.match(value or ""))},
    ).props("data-bench=email")


@ui.page("/table")
def table(rows: int = 100) -> None:
    columns = [
        {"name": "id", "label": "id", "field": "id"},
        {"name": "name", "label": "name", "field": "name"},
        {"name": "value", "label": "value", "field": "value"},
    ]
    data = [{"id": i, "name": name, "value": value} for i, name, value in table_rows(rows)]
    grid = ui.table(columns=columns, rows=data, row_key="id", pagination=0)

    def bump() -> None:
        grid.rows[len(grid.rows) // 2]["value"] += 1
        grid.update()

    ui.button("bump", on_click=bump).props("data-bench=bump")


app = FastAPI()
ui.run_with(app, show_welcome_message=False, reconnect_timeout=3.0)
