"""The app the path-prefix browser test serves with ``uvicorn --root-path /app`` behind
tests/browser/_proxy.py: the live_session of navigation_app (links, push_navigate with a
flash), again in a sub-application under ``/sub``, the components' static files, the
storybook and the dashboard."""

from __future__ import annotations

from fastapi import FastAPI

import ember.components as ui
from ember.live import Ember, LiveSettings
from ember.live.dashboard import install_dashboard
from ember.storybook import Storybook

from .navigation_app import HEAD, mount_site

ember = Ember(LiveSettings(engine="ember"))
app = FastAPI()
ui.mount_static(app)
mount_site(ember, app, head=HEAD + ui.head())
sub = FastAPI()
ui.mount_static(sub)  # the head's "/_ember/components/..." is the sub-application's own path
mount_site(ember, sub, head=HEAD + ui.head())
app.mount("/sub", sub)
app.mount("/storybook", Storybook(["ember.storybook.stories"], ember=ember))
install_dashboard(app, ember)
