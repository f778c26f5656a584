"""The app the security browser tests drive.

- ``/urls``: a payload from the query string lands in every kind of attribute a browser
  navigates to or loads, in the first paint or (with ``live=1``) only after a click,
  through a live update;
- ``/attrs``: elements described in the query string (tag, attribute name, value), each in
  its own component, so a refused one fails alone; ``live=1`` as above;
- ``/go?to=…``: a button that calls ``push_navigate(to)``;
- ``/names``: a label and an input named with every spelling of ``class`` and ``for``;
- ``/ran``: a plain page whose script shows a dialog: an iframe that loads it proves that a
  page's sinks are live (the checks above would otherwise pass on a dead page).

Its ember sends no Content-Security-Policy, so these tests show what ember's own attribute
rules stop; the headers are tested on their own (tests/browser/test_headers_browser.py).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from reactpy import component, html, use_state

from ember.live import Ember, LiveSettings, use_page_location, use_session

app = FastAPI()
ember = Ember(LiveSettings(content_security_policy=""))
# A keyframe rule, so an element styled with it fires animation events with no interaction.
HEAD = "<style>@keyframes ember-probe{from{opacity:.99}to{opacity:1}}</style>"


@app.get("/ran", response_class=HTMLResponse)
def ran() -> str:
    return "<!doctype html><script>alert('ran')</script>"


def _shown() -> tuple[bool, Any]:
    live = use_page_location().params.get("live") == "1"
    shown, set_shown = use_state(not live)
    toggle = html.button({"id": "show", "onClick": lambda _event: set_shown(True)}, "show")
    state = html.p({"id": "state"}, "shown" if shown else "hidden")
    return shown, html.div(toggle, state)


@component
def UrlSinks() -> Any:
    payload = use_page_location().params.get("p", "")
    shown, controls = _shown()
    url = payload if shown else "#"
    return html.main(
        controls,
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


@component
def Element(tag: str, name: str, value: str, index: int) -> Any:
    attributes = {"id": f"el-{index}", name: value}
    if tag == "div":
        attributes["style"] = "animation: ember-probe 10ms"
    elif tag == "img":
        attributes["src"] = "/missing.png"
    return html.div({"className": "cell"}, {"tagName": tag, "attributes": attributes})


@component
def Elements() -> Any:
    items = json.loads(use_page_location().params.get("items", "[]"))
    shown, controls = _shown()
    cells = [Element(*item, index, key=str(index)) for index, item in enumerate(items)]
    return html.main(controls, html.section({"id": "cells"}, cells if shown else []))


@component
def Names() -> Any:
    shown, controls = _shown()
    if not shown:
        return html.main(controls)
    return html.main(
        controls,
        html.label({"id": "snake", "html_for": "field", "class_name": "a"}, "snake"),
        html.label({"id": "react", "htmlFor": "field", "className": "b"}, "react"),
        html.label({"id": "plain", "for": "field", "class": "c"}, "plain"),
        html.input({"id": "field", "tab_index": 0, "aria_label": "field", "data_x": "y"}),
    )


@component
def Go() -> Any:
    session = use_session()
    target = use_page_location().params.get("to", "/")

    async def go(_event: Any) -> None:
        await session.push_navigate(target)

    return html.main(html.button({"id": "go", "onClick": go}, "go"))


@component
def Twice() -> Any:
    return html.p({"id": "twice", "class": "a", "className": "b"}, "twice")


ember.mount(app, "/urls", UrlSinks, title="urls")
ember.mount(app, "/attrs", Elements, title="attrs", head=HEAD)
ember.mount(app, "/names", Names, title="names")
ember.mount(app, "/twice", Twice, title="twice")
ember.mount(app, "/go", Go, title="go")
