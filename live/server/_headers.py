"""The security headers on every page ember serves (its live pages and its static files).

A page gets ``Content-Security-Policy`` (``EMBER_CONTENT_SECURITY_POLICY``; by default only
this origin's scripts, styles, images and websocket, no framing by other sites),
``X-Content-Type-Options: nosniff``, ``Referrer-Policy`` (``EMBER_REFERRER_POLICY``) and
``X-Frame-Options`` (``EMBER_FRAME_OPTIONS``). The page's one inline script (its import
map) carries a fresh nonce per response, added to the policy's ``script-src``; nothing
else inline may run. An empty setting sends no such header.
"""

from __future__ import annotations

import re
import secrets

from .._settings import LiveSettings

__all__ = ["new_nonce", "page_headers"]

_SCRIPT_SRC = re.compile(r"(^|;)(\s*script-src\b)", re.IGNORECASE)


def new_nonce() -> str:
    """A fresh, unguessable nonce for one response's inline script."""
    return secrets.token_urlsafe(18)


def page_headers(settings: LiveSettings, nonce: str | None = None) -> dict[str, str]:
    """The security headers of one page; ``nonce`` is allowed to run inline script."""
    headers = {"X-Content-Type-Options": "nosniff"}
    policy = settings.content_security_policy.strip()
    if policy:
        if nonce is not None and _SCRIPT_SRC.search(policy):
            policy = _SCRIPT_SRC.sub(rf"\1\2 'nonce-{nonce}'", policy, count=1)
        headers["Content-Security-Policy"] = policy
    if settings.referrer_policy:
        headers["Referrer-Policy"] = settings.referrer_policy
    if settings.frame_options:
        headers["X-Frame-Options"] = settings.frame_options
    return headers
