"""docs/client.md, "Navigation": two views in one live_session; links between them switch
views over the page's socket."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from reactpy import component, html

import ember.live


def top_bar() -> Any:
    return html.nav(
        html.a({"href": "/"}, "Timeline"),
        html.a({"href": "/users"}, "Members"),  # live: a view of the same live_session
        html.a({"href": "/admin"}, "Admin"),  # a page load: not in the live_session
        html.a({"href": "/users?tab=new", "data-ember-patch": ""}, "New"),  # patch on /users
    )


@component
def Timeline() -> Any:
    return html._(top_bar(), html.main(html.h1("Timeline")))


@component
def Members() -> Any:
    return html._(top_bar(), html.main(html.h1("Members")))


@component
def Admin() -> Any:
    return html._(top_bar(), html.main(html.h1("Admin")))


app = FastAPI(lifespan=ember.live.lifespan)
ember.live.mount(app, "/", Timeline, title="Timeline", live_session="main")
ember.live.mount(app, "/users", Members, title="Members", live_session="main")
ember.live.mount(app, "/admin", Admin, title="Admin")  # its own page
