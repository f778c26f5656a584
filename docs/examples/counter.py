from fastapi import FastAPI
from reactpy import component, html, use_state

import ember.live


@component
def Counter():
    count, set_count = use_state(0)
    return html.div(
        html.p({"id": "count"}, f"Count: {count}"),
        html.button({"id": "inc", "onClick": lambda event: set_count(count + 1)}, "+1"),
    )


app = FastAPI()  # your existing app, with its own routes


@app.get("/api/health")
def health():
    return {"ok": True}


ember.live.mount(app, "/counter", Counter)  # GET /counter renders; a websocket makes it live
