"""Plain ReactPy 2.0.0b13: its standalone ASGI app, its own client protocol, no ember.

Broadcasts go through a module-level registry of state setters, the usual way to share
state between sessions in plain ReactPy.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from reactpy import component, html, use_effect, use_location, use_state
from reactpy.executors.asgi.standalone import ReactPy

from ._views import EMAIL, Counter, Table

_setters: set[Callable[[int], None]] = set()
_ticks = itertools.count(1)


@component
def Subscribed() -> Any:
    count, set_count = use_state(0)

    def register() -> Callable[[], None]:
        _setters.add(set_count)
        return lambda: _setters.discard(set_count)

    use_effect(register, [])

    def fire(event: Any) -> None:
        n = next(_ticks)
        for setter in list(_setters):
            setter(n)

    return html.div(
        html.p({"id": "count"}, f"Count: {count}"),
        html.button({"id": "fire", "onClick": fire}, "broadcast"),
    )


@component
def Form() -> Any:
    values, set_values = use_state(lambda: {"name": "ada", "email": ""})

    def change(event: Any) -> None:
        set_values({**values, "email": event["target"]["value"]})

    error = "" if EMAIL.match(values["email"]) else "must have the @ sign"
    return html.form(
        html.input({"id": "email", "name": "email", "onChange": change}),
        html.p({"id": "email-error"}, error),
    )


VIEWS = {"/counter": Counter, "/subscribed": Subscribed, "/form": Form, "/table": Table}


@component
def Root() -> Any:
    return VIEWS.get(use_location().path, Counter)()


app = ReactPy(Root)
