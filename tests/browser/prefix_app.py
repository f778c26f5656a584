"""The app the path-prefix browser test serves with ``uvicorn --root-path /app`` behind
tests/browser/_proxy.py: the live_session of navigation_app (links, push_navigate with a
flash; a page that redirects with a flash cookie), again in a sub-application under ``/sub``, the components' static files, the
storybook and the dashboard."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from reactpy import html

import ember.components as ui
from ember.live import Ember, LiveSettings, LiveView, Socket
from ember.live.dashboard import install_dashboard
from ember.storybook import Storybook

from .navigation_app import HEAD, mount_site


class GoneLive(LiveView):
    """Moved: its first paint redirects (303) to the outbox, the flash in a cookie."""

    async def mount(self, params: Mapping[str, str], session: Any, socket: Socket) -> None:
        socket.put_flash("info", "Moved to the outbox.")
        socket.push_navigate("/outbox?box=moved")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        return html.p("gone")


ember = Ember(LiveSettings(engine="ember"))
app = FastAPI()
ui.mount_static(app)
mount_site(ember, app, head=HEAD + ui.head())
sub = FastAPI()
ui.mount_static(sub)  # the head's "/_ember/components/..." is the sub-application's own path
mount_site(ember, sub, head=HEAD + ui.head())
app.mount("/sub", sub)
ember.mount(app, "/gone", GoneLive)
ember.mount(sub, "/gone", GoneLive)
app.mount("/storybook", Storybook(["ember.storybook.stories"], ember=ember))
install_dashboard(app, ember)
