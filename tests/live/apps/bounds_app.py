"""A small app served by real uvicorn processes in the robustness tests: a counter, a
handler that raises, and a page whose render is large (to fill a client's socket)."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import FastAPI
from reactpy import component, html, use_effect, use_state

from ember.live import Ember, use_session


@component
def Bounds() -> Any:
    count, set_count = use_state(0)

    def boom(event: Any) -> None:
        msg = "the handler failed on purpose"
        raise RuntimeError(msg)

    return html.div(
        html.button({"id": "inc", "onClick": lambda event: set_count(count + 1)}, "+1"),
        html.button({"id": "boom", "onClick": boom}, "boom"),
        html.p({"id": "count"}, f"{count}"),
        # About 100 KiB per render, so a client that never reads fills its socket fast.
        html.pre({"id": "bulk"}, f"{count:06d}-" * 14_000),
    )


@component
def Ticker() -> Any:
    """Renders 20 times a second on its own (as a subscription or a timer would)."""
    session = use_session()
    tick, set_tick = use_state(0)

    def start() -> None:
        async def run() -> None:
            n = 0
            while True:
                await anyio.sleep(0.05)
                n += 1
                set_tick(n)

        if session.connected:
            session.start_task(run, name="ticker")

    use_effect(start, [session.connected])
    return html.pre({"id": "tick"}, f"{tick:06d}-" * 14_000)


ember = Ember()
app = FastAPI(lifespan=ember.lifespan)
ember.mount(app, "/bounds", Bounds)
ember.mount(app, "/ticker", Ticker)
