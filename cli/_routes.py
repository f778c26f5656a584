"""Every route of an app as FastAPI resolves them, for ``ember routes``.

FastAPI (0.13x on) keeps an included ``APIRouter`` as one lazy entry in ``app.routes``;
its routes, with the include's prefix, come from ``fastapi.routing.iter_route_contexts``.
Mounted sub-apps are listed route by route under their prefix; a mounted ASGI app that
has no routes of its own (static files) is one ``MOUNT`` line.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import fastapi.routing
from starlette.routing import BaseRoute, Host, Mount, WebSocketRoute

# FastAPI keeps included routers lazily in recent releases; older ones flatten them.
_iter_route_contexts: Any = getattr(fastapi.routing, "iter_route_contexts", None)


@dataclass(frozen=True, slots=True)
class RouteLine:
    """One route: its methods (``WS`` for a websocket, ``MOUNT`` for an ASGI app), path
    and name."""

    methods: str
    path: str
    name: str


def list_routes(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[RouteLine]:
    """Every route under ``routes``, with the paths a request would match."""
    for route, original in _resolved(routes):
        path = prefix + str(getattr(route, "path", "") or "")
        name = str(getattr(route, "name", "") or "")
        if isinstance(original, Mount):
            children = list(getattr(route, "routes", None) or [])
            if children:
                yield from list_routes(children, path)
            else:
                yield RouteLine("MOUNT", path or "/", name)
        elif isinstance(original, Host):
            yield RouteLine("HOST", f"{original.host}{path}", name)
        elif isinstance(original, WebSocketRoute):
            yield RouteLine("WS", path, name)
        else:
            methods = ",".join(sorted(getattr(route, "methods", None) or [])) or "?"
            yield RouteLine(methods, path, name)


def _resolved(routes: Sequence[BaseRoute]) -> Iterator[tuple[Any, BaseRoute]]:
    """(the route as matched, with its include prefix; the route as declared)."""
    if _iter_route_contexts is None:  # pragma: no cover - older FastAPI
        for route in routes:
            yield route, route
        return
    for context in _iter_route_contexts(routes):
        yield context, context.original_route
