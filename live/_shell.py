"""The HTML document around a view's first paint: the page shell that boots the client."""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._mount import Mount


# The connection state the shim puts on the root, made visible. Apps restyle it in `head`
# (their rules come later) or hide it with `[data-ember-root]::before {display: none}`.
CONNECTION_CSS = (
    "[data-ember-root].ember-disconnected::before,[data-ember-root].ember-error::before"
    "{position:fixed;inset:0 0 auto 0;z-index:2147483647;padding:.4rem 1rem;"
    "font:600 14px/1.4 system-ui,sans-serif;text-align:center;color:#fff;background:#9a3412;"
    'content:"Connection lost \\2014  reconnecting\\2026"}'
    '[data-ember-root].ember-error::before{background:#991b1b;content:"This page could not '
    'reconnect. Reload it to continue."}'
    "[data-ember-root].ember-disconnected [data-ember-live]{opacity:.65;transition:opacity .3s}"
)


def page_shell(mounted: Mount, body: str, token: str, root_path: str = "") -> str:
    """The HTML document around a view's first paint (``root_path``: the app's path prefix
    when it is mounted under one)."""
    prefix = f"{root_path}{mounted.prefix}"
    static = f"{prefix}/static"
    config = {
        "pathPrefix": f"{prefix}/",
        "componentPath": f"ws?token={token}",
        "socketPath": f"{prefix}/ws",
    }
    import_map = {
        "imports": {
            "react": f"{static}/preact.js",
            "react-dom": f"{static}/preact-dom.js",
            "react-dom/client": f"{static}/preact-dom.js",
            "react/jsx-runtime": f"{static}/preact-jsx-runtime.js",
        }
    }
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(mounted.title)}</title>"
        f'<script type="importmap">{_script_json(import_map)}</script>'
        f"<style>{CONNECTION_CSS}</style>"
        f"{mounted.head}</head><body>"
        f'<div data-ember-root class="ember-root ember-static" '
        f"data-ember-config='{escape(json.dumps(config), quote=True)}'>"
        f"<div data-ember-static>{body}</div><div data-ember-live></div></div>"
        f'<script type="module" src="{static}/ember.js"></script>'
        "</body></html>"
    )


def _script_json(value: Any) -> str:
    # JSON inside <script> must not be able to close the element.
    return json.dumps(value).replace("<", "\\u003c")
