"""``Storybook``: the storybook as an ASGI app, to mount into any FastAPI app or run alone.

``app.mount("/storybook", Storybook(packages=["myapp.components"]))`` serves it under
``/storybook/``. ember's page shell builds absolute URLs (the websocket, the client's
files) from the mount path, so the storybook mounts its live view once per prefix it is
served under (read from the ASGI ``root_path``) and routes on the full path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

import ember.components as ui
from ember.live import Ember, default_ember

from ._app import storybook_view
from ._canvas import CANVAS_PATH, FOCUS_GUARD, canvas_view
from ._discovery import discover
from ._selection import Catalog
from ._story import Story
from ._style import canvas_css, storybook_css

__all__ = ["Storybook"]


class Storybook:
    """The storybook app for the stories of ``packages`` (and any ``stories`` given).

    Args:
        packages: packages to search for ``*_stories`` modules, e.g.
            ``["myapp.components"]``; ``ember.storybook.stories`` holds ember's own.
        stories: stories to show as well, declared in code.
        title: the name in the top bar and the page title.
        ember: the ``Ember`` runtime to mount with (default: ``ember.live``'s default).
        head: markup for the head of the canvas page, the document each story renders in
            (the stylesheets your components need, as ``<link>`` or ``<style>``); the
            storybook's own page never gets it, so it styles the stories only.

    Raises:
        StorybookError: a package cannot be imported or declares stories wrongly.
    """

    def __init__(
        self,
        packages: Iterable[str] = (),
        *,
        stories: Sequence[Story] = (),
        title: str = "ember storybook",
        ember: Ember | None = None,
        head: str = "",
    ) -> None:
        self.catalog = Catalog([*discover(packages), *stories], title=title)
        self._ember = ember
        self._head = head
        self._apps: dict[str, FastAPI] = {}

    @property
    def stories(self) -> Sequence[Story]:
        return self.catalog.stories

    def app_for(self, prefix: str) -> FastAPI:
        """The FastAPI app that serves the storybook under ``prefix`` (``""`` at the root)."""
        prefix = prefix.rstrip("/")
        if prefix not in self._apps:
            app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
            runtime = self._ember or default_ember()
            head = (
                ui.head(inline=True)
                + f"<style data-ember-storybook>{storybook_css()}</style>"
                + '<meta name="color-scheme" content="light dark">'
                + FOCUS_GUARD
            )
            runtime.mount(
                app,
                prefix or "/",
                storybook_view(self.catalog),
                title=self.catalog.title,
                head=head,
            )
            # The story's own page, shown in the storybook's iframe (see _canvas).
            runtime.mount(
                app,
                prefix + CANVAS_PATH,
                canvas_view(self.catalog, lambda: runtime),
                title=f"{self.catalog.title}: canvas",
                head=ui.head(inline=True)
                + f"<style data-ember-storybook>{canvas_css()}</style>"
                + '<meta name="color-scheme" content="light dark">'
                + self._head,
            )
            self._apps[prefix] = app
        return self._apps[prefix]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        prefix = str(scope.get("root_path", "")).rstrip("/")
        inner = dict(scope)
        if scope["type"] in {"http", "websocket"}:
            path = str(scope["path"])
            if prefix and path == f"{prefix}/":
                # Mounted at /storybook, the page is /storybook/; ember serves it as /storybook.
                inner["path"] = prefix
                inner["raw_path"] = prefix.encode()
            inner["root_path"] = ""
        await self.app_for(prefix)(inner, receive, send)
