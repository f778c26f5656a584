"""The app the script-URL browser tests drive: a payload from the query string lands in
every kind of attribute a browser navigates to or loads, in the first paint or (with
``live=1``) only after a click, through a live update."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from reactpy import component, html, use_state

from ember.live import mount, use_page_location

app = FastAPI()


@component
def UrlSinks() -> Any:
    params = use_page_location().params
    payload = params.get("p", "")
    live = params.get("live") == "1"
    shown, set_shown = use_state(not live)
    url = payload if shown else "#"
    return html.main(
        html.button({"id": "show", "onClick": lambda _event: set_shown(True)}, "show"),
        html.p({"id": "state"}, "shown" if shown else "hidden"),
        html.a({"id": "link", "href": url}, "link"),
        html.form(
            {"id": "form", "action": url, "method": "get"},
            html.button({"id": "submit", "type": "submit"}, "submit"),
        ),
        html.form(
            {"id": "other", "action": "#", "method": "get"},
            html.button({"id": "formaction", "type": "submit", "formAction": url}, "go"),
        ),
        html.iframe({"id": "frame", "src": url if shown else "about:blank"}),
    )


mount(app, "/urls", UrlSinks, title="urls")
