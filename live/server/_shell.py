"""The HTML document around a view's first paint: the page shell that loads the client."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from ._client import UPLOADS_FILE, client_file, client_tags

if TYPE_CHECKING:
    from ._mount import Mount


# The client's states made visible: the connection (a banner while it is down; events made
# then are queued, their elements marked loading, and sent once it is back), a live
# navigation under way (a bar at the top of the window), and the submit
# buttons with ``data-disable-with`` while their form's submit is in flight. Apps restyle
# these in `head` (their rules come later) or hide the banner with
# `[data-ember-root]::before {display: none}`.
CONNECTION_CSS = (
    "[data-ember-root].ember-disconnected::before,[data-ember-root].ember-error::before"
    "{position:fixed;inset:auto 0 0 0;z-index:2147483647;padding:.4rem 1rem;"
    "font:600 14px/1.4 system-ui,sans-serif;text-align:center;color:#fff;background:#9a3412;"
    "pointer-events:none;"
    'content:"Connection lost \\2014  reconnecting\\2026"}'
    '[data-ember-root].ember-error::before{background:#991b1b;content:"This page could not '
    'reconnect. Reload it to continue."}'
    "[data-ember-root].ember-disconnected [data-ember-live]{opacity:.65;transition:opacity .3s}"
    # A live navigation that takes longer than 0.15 s (or waits for the socket): a thin bar.
    '[data-ember-root].ember-navigating::after{content:"";position:fixed;inset:0 0 auto 0;'
    "height:3px;z-index:2147483647;pointer-events:none;background:#9a3412;"
    "animation:ember-navigating .2s .15s both}"
    "@keyframes ember-navigating{from{opacity:0}to{opacity:1}}"
    ".ember-disabled-with[data-disable-with]{font-size:0!important}"
    ".ember-disabled-with[data-disable-with]>*{display:none!important}"
    ".ember-disabled-with[data-disable-with]::after{content:attr(data-disable-with);"
    "font-size:var(--ember-disable-with-size,.9rem)}"
)


def socket_config(
    mounted: Mount, token: str, root_path: str = "", live: Sequence[str] = ()
) -> dict[str, object]:
    """What the client needs to connect a view's socket: its URL (``pathPrefix`` +
    ``componentPath``), the app's path prefix (``root``), and the app paths of the views it
    reaches without a page load (``live``, see ``ember.live.server._navigation``), and the upload
    client's URL (``uploads``: loaded by pages that upload files, when they need it)."""
    prefix = f"{root_path}{mounted.prefix}"
    return {
        "pathPrefix": f"{prefix}/",
        "componentPath": f"ws?token={token}",
        "root": root_path,
        "live": list(live),
        "uploads": f"{prefix}/static/{client_file(UPLOADS_FILE).name}",
    }


def page_shell(
    mounted: Mount,
    body: str,
    token: str,
    root_path: str = "",
    *,
    nonce: str = "",
    live: Sequence[str] = (),
) -> str:
    """The HTML document around a view's first paint (``root_path``: the app's path prefix
    when it is mounted under one; ``nonce``: the Content-Security-Policy nonce of its inline
    script and of the scripts in the mount's ``head``; ``live``: the app paths of the views
    of its ``live_session``). The head's root-relative URLs get ``root_path`` too."""
    prefix = f"{root_path}{mounted.prefix}"
    nonce_attribute = f' nonce="{escape(nonce, quote=True)}"' if nonce else ""
    config = socket_config(mounted, token, root_path, live)
    preload, script = client_tags(f"{prefix}/static")
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(mounted.title)}</title>{preload}"
        f"<style>{CONNECTION_CSS}</style>"
        f"{_with_nonce(_under_root(mounted.head, root_path), nonce_attribute)}</head><body>"
        f'<div data-ember-root class="ember-root" '
        f"data-ember-config='{escape(json.dumps(config), quote=True)}'>"
        f"<div data-ember-live>{body}</div></div>"
        f"{script}"
        "</body></html>"
    )


# A root-relative ``href``/``src`` in the head ("/static/app.css", not "//cdn..."): the
# app's path, which a proxy that strips a path prefix serves under that prefix.
_ROOT_RELATIVE = re.compile(r"""(\s(?:href|src)\s*=\s*["']?)/(?![/\\])""", re.IGNORECASE)


def _under_root(head: str, root_path: str) -> str:
    """The head with its root-relative URLs under ``root_path``: ``href="/x"`` is the
    mounting app's ``/x`` (what ``check_head_assets`` checks), wherever that app is served."""
    if not root_path:
        return head
    return _ROOT_RELATIVE.sub(lambda found: f"{found[1]}{root_path}/", head)


def _with_nonce(head: str, nonce_attribute: str) -> str:
    # The head is the app's trusted HTML: its scripts run under the page's nonce.
    if not nonce_attribute or "<script" not in head:
        return head
    return re.sub(r"<script(?=[\s>])", f"<script{nonce_attribute}", head, flags=re.IGNORECASE)
