"""The theme: ``static/ember-components.css`` (design tokens, light and dark, two
densities) and ``static/ember-components.js`` (focus moves and the modal), served by the
app or inlined into the page's ``<head>``."""

from __future__ import annotations

from functools import cache
from html import escape
from importlib.resources import files

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

__all__ = ["DEFAULT_STATIC_PATH", "head", "mount_static", "static_files", "stylesheet"]

DEFAULT_STATIC_PATH = "/_ember/components"
CSS_FILE = "ember-components.css"
JS_FILE = "ember-components.js"


@cache
def _read(name: str) -> str:
    return files("ember.components").joinpath("static", name).read_text(encoding="utf-8")


def static_files() -> StaticFiles:
    """An ASGI app serving the theme's files (mount it yourself, or use
    :func:`mount_static`)."""
    return StaticFiles(packages=[("ember.components", "static")])


def mount_static(app: FastAPI, path: str = DEFAULT_STATIC_PATH) -> None:
    """Serve the theme's CSS and JS from ``app`` under ``path``."""
    app.mount(path, static_files(), name="ember-components-static")


def stylesheet(*, inline: bool = False, path: str = DEFAULT_STATIC_PATH) -> str:
    """The ``<link>`` to the theme's CSS (served by :func:`mount_static` at ``path``), or
    with ``inline`` the CSS itself in a ``<style>`` element, nothing to serve."""
    if inline:
        return f"<style data-ember-components>{_read(CSS_FILE)}</style>"
    href = escape(f"{path.rstrip('/')}/{CSS_FILE}", quote=True)
    return f'<link rel="stylesheet" href="{href}" data-ember-components>'


def head(*, inline: bool = False, path: str = DEFAULT_STATIC_PATH) -> str:
    """Everything the components need in ``<head>``: the stylesheet and the small script
    for focus and the modal. Pass it to ``mount(..., head=ember.components.head())``.

    Args:
        inline: embed the CSS and JS in the page instead of linking to them (no static
            route needed; larger pages).
        path: where :func:`mount_static` serves the files.
    """
    if inline:
        script = f'<script type="module">{_read(JS_FILE)}</script>'
    else:
        src = escape(f"{path.rstrip('/')}/{JS_FILE}", quote=True)
        script = f'<script type="module" src="{src}"></script>'
    return stylesheet(inline=inline, path=path) + script
