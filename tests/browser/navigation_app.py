"""The app the live-navigation browser tests drive (uvicorn in a subprocess, ember's engine).

Three views share the ``live_session`` "site" (home, inbox, outbox: links, push_navigate
and back/forward between them switch views over one socket); ``/settings`` is on its own
(a page load). The same group is mounted again in a sub-application under ``/app``, where
every navigation URL carries that prefix.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from reactpy import component, html, use_state

from ember.live import Ember, LiveSettings, LiveView, Socket, on_event, use_flash

HEAD = (
    "<style>body{margin:0;font:16px/1.5 system-ui,sans-serif}"
    "nav{display:flex;flex-wrap:wrap;gap:1rem;padding:.75rem 1rem;background:#eef}"
    "main{padding:1rem;max-width:40rem}</style>"
)


def bar() -> Any:
    return html.nav(
        {"aria-label": "main"},
        html.a({"id": "to-home", "href": "./"}, "Home"),
        html.a({"id": "to-inbox", "href": "inbox"}, "Inbox"),
        html.a({"id": "to-outbox", "href": "outbox?box=sent"}, "Outbox"),
        html.a({"id": "to-settings", "href": "settings"}, "Settings"),
        html.a({"id": "to-broken", "href": "broken"}, "Broken"),
        html.a({"id": "to-top", "href": "#end"}, "End"),
    )


@component
def Home() -> Any:
    count, set_count = use_state(0)
    return html._(
        bar(),
        html.main(
            html.h1({"id": "home-title"}, "Home"),
            html.p({"id": "count"}, f"Count: {count}"),
            html.button({"id": "inc", "onClick": lambda event: set_count(count + 1)}, "+1"),
            html.div({"style": {"height": "1600px"}}),
            html.p({"id": "end"}, "the end"),
        ),
    )


class InboxLive(LiveView):
    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        socket.assign(count=0)

    @on_event("inc")
    async def inc(self, params: Any, socket: Socket) -> None:
        socket.update("count", lambda count: count + 1)

    @on_event("send")
    async def send(self, params: Any, socket: Socket) -> None:
        socket.put_flash("info", "Sent, and shown on the outbox.")
        socket.push_navigate("/outbox?box=sent")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html._(
            bar(),
            html.main(
                html.h1({"id": "inbox-title"}, "Inbox"),
                html.p({"id": "count"}, f"Count: {assigns['count']}"),
                html.button({"id": "inc", "onClick": self.on("inc")}, "+1"),
                html.button({"id": "send", "onClick": self.on("send")}, "Send"),
            ),
        )


class OutboxLive(LiveView):
    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        socket.assign(box="", url="")

    async def handle_params(self, params: Mapping[str, str], url: str, socket: Socket) -> None:
        socket.assign(box=params.get("box", ""), url=url)

    @on_event("drafts")
    async def drafts(self, params: Any, socket: Socket) -> None:
        socket.push_patch("/outbox?box=drafts")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html._(
            bar(),
            html.main(
                html.h1({"id": "outbox-title"}, "Outbox"),
                html.p({"id": "box"}, assigns["box"]),
                html.p({"id": "url"}, assigns["url"]),
                html.button({"id": "drafts", "onClick": self.on("drafts")}, "Drafts"),
                Flash(),
            ),
        )


@component
def Flash() -> Any:
    return html.p({"id": "flash", "role": "status"}, use_flash().get("info", ""))


class BrokenLive(LiveView):
    """Its mount fails once live (its first paint is fine): a live navigation to it loads
    the page."""

    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        if socket.connected:
            raise RuntimeError("the broken view fails on purpose")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html._(bar(), html.main(html.h1({"id": "broken-title"}, "Broken")))


@component
def Settings() -> Any:
    return html._(bar(), html.main(html.h1({"id": "settings-title"}, "Settings")))


def mount_site(ember: Ember, app: FastAPI, head: str = HEAD) -> None:
    ember.mount(app, "/", Home, title="home", head=head, live_session="site")
    ember.mount(app, "/inbox", InboxLive, title="inbox", head=head, live_session="site")
    ember.mount(app, "/outbox", OutboxLive, title="outbox", head=head, live_session="site")
    ember.mount(app, "/broken", BrokenLive, title="broken", head=head, live_session="site")
    ember.mount(app, "/settings", Settings, title="settings", head=head)


ember = Ember(LiveSettings(engine="ember"))
app = FastAPI()
mount_site(ember, app)
sub = FastAPI()
mount_site(ember, sub)
app.mount("/app", sub)
