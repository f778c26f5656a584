"""Views written the same way for ember and for plain ReactPy (both render ReactPy)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

from reactpy import component, html, use_location, use_state

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


@component
def Counter() -> Any:
    """The README's counter: a sync handler that sets state."""
    count, set_count = use_state(0)
    return html.div(
        html.p({"id": "count"}, f"Count: {count}"),
        html.button({"id": "inc", "onClick": lambda event: set_count(count + 1)}, "+"),
    )


def table_rows(count: int) -> list[tuple[int, str, int]]:
    return [(i, f"row {i}", 0) for i in range(count)]


@component
def Table() -> Any:
    """An N-row table (``?rows=N``); the button changes one cell in the middle."""
    query = parse_qs(use_location().query_string.lstrip("?"))
    count = int(query.get("rows", ["100"])[0])
    rows, set_rows = use_state(lambda: table_rows(count))

    def bump(event: Any) -> None:
        changed = list(rows)
        index, name, value = changed[len(changed) // 2]
        changed[index] = (index, name, value + 1)
        set_rows(changed)

    return html.div(
        html.button({"id": "bump", "onClick": bump}, "bump"),
        html.table(
            html.tbody(
                [
                    html.tr({"key": str(i)}, html.td(str(i)), html.td(name), html.td(str(value)))
                    for i, name, value in rows
                ]
            )
        ),
    )
