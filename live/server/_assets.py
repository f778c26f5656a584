"""Checking that the files a mount's ``head`` links to are served by the app.

``ember.components.head()`` links the theme's CSS and JS under ``/_ember/components``;
without ``ember.components.mount_static(app)`` every page loaded unstyled with two 404s
and nothing said why. The first page request of a mount checks its ``head``.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.routing import BaseRoute, Match

from .._errors import ConfigurationError

_LINKED = re.compile(r"""<(?:link|script)\b[^>]*?\b(?:href|src)=["'](/[^/"'][^"']*)["']""")
_COMPONENTS_PATH = "/_ember/components/"


def check_head_assets(routes: list[BaseRoute], head: str, mount_path: str) -> None:
    """Raise if ``head`` links a path on this site that none of ``routes`` serves.

    Raises:
        ConfigurationError: naming the unserved file and what to call to serve it.
    """
    for url in _LINKED.findall(head):
        path = url.split("?", 1)[0].split("#", 1)[0]
        if _served(routes, path):
            continue
        if path.startswith(_COMPONENTS_PATH) or "data-ember-components" in head:
            fix = (
                "call ember.components.mount_static(app) (it serves the theme under "
                "/_ember/components), or pass head=ember.components.head(inline=True)"
            )
        else:
            fix = "serve it (e.g. app.mount('/static', StaticFiles(...))) or fix the link"
        msg = (
            f"The head of the page mounted at {mount_path!r} links {path!r}, but no route "
            f"of the app serves it, so the browser would get a 404. To fix it, {fix}."
        )
        raise ConfigurationError(msg)


def _served(routes: list[BaseRoute], path: str) -> bool:
    scope: dict[str, Any] = {"type": "http", "path": path, "root_path": "", "method": "GET"}
    for route in routes:
        match, _ = route.matches(scope)
        if match is not Match.NONE:
            return True
    return False
