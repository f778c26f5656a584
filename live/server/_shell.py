"""The HTML document around a view's first paint: the page shell that loads the client."""

from __future__ import annotations

import functools
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
    return socket_config_for(mounted.prefix, token, root_path, live)


def socket_config_for(
    mount_prefix: str, token: str, root_path: str = "", live: Sequence[str] = ()
) -> dict[str, object]:
    """:func:`socket_config` for the mount whose ember routes are under ``mount_prefix``."""
    prefix = f"{root_path}{mount_prefix}"
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
    head, before_token, after_token = _shell_parts(
        mounted.title, mounted.head, mounted.prefix, root_path, tuple(live)
    )
    if not _PLAIN_TOKEN.fullmatch(token):  # never for ember's own tokens (base64url)
        token = escape(json.dumps(token)[1:-1], quote=True)
    nonce_attribute = f' nonce="{escape(nonce, quote=True)}"' if nonce else ""
    start, scripts, end = head
    # The head is the app's trusted HTML: its scripts run under the page's nonce.
    with_nonce = f"<script{nonce_attribute}".join(scripts[1:]) if nonce else scripts[0]
    parts = (start, with_nonce, before_token, token, after_token)
    return "".join((*parts, body, "</div></div>", end, "</body></html>"))


_TOKEN_SLOT = "@@ember-token@@"  # noqa: S105 - where the page's token goes, not a secret
_PLAIN_TOKEN = re.compile(r"[A-Za-z0-9_.-]*")
_SCRIPT_OPENING = re.compile(r"<script(?=[\s>])", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _shell_parts(
    title: str, head: str, prefix: str, root_path: str, live: tuple[str, ...]
) -> tuple[tuple[str, tuple[str, ...], str], str, str]:
    """What a mount's page shell is made of, apart from the token, the nonce and the first
    paint: built once per mount and path prefix rather than on every page."""
    config = socket_config_for(prefix, _TOKEN_SLOT, root_path, live)
    preload, script = client_tags(f"{root_path}{prefix}/static")
    start = (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>{preload}"
        f"<style>{CONNECTION_CSS}</style>"
    )
    # The head as given, then the same split where each script's nonce goes.
    under_root = _under_root(head, root_path)
    scripts = (under_root, *_SCRIPT_OPENING.split(under_root))
    before_token, _, after_token = (
        "</head><body>"
        '<div data-ember-root class="ember-root" '
        f"data-ember-config='{escape(json.dumps(config), quote=True)}'>"
        "<div data-ember-live>"
    ).partition(_TOKEN_SLOT)
    return (start, scripts, script), before_token, after_token


# A root-relative ``href``/``src`` in the head ("/static/app.css", not "//cdn..."): the
# app's path, which a proxy that strips a path prefix serves under that prefix.
_ROOT_RELATIVE = re.compile(r"""(\s(?:href|src)\s*=\s*["']?)/(?![/\\])""", re.IGNORECASE)


def _under_root(head: str, root_path: str) -> str:
    """The head with its root-relative URLs under ``root_path``: ``href="/x"`` is the
    mounting app's ``/x`` (what ``check_head_assets`` checks), wherever that app is served."""
    if not root_path:
        return head
    return _ROOT_RELATIVE.sub(lambda found: f"{found[1]}{root_path}/", head)
