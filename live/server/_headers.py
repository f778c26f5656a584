"""The security headers on every page ember serves (its live pages and its static files).

A page gets ``Content-Security-Policy`` (``EMBER_CONTENT_SECURITY_POLICY``; by default only
this origin's scripts, styles, images and websocket, no framing by other sites),
``X-Content-Type-Options: nosniff``, ``Referrer-Policy`` (``EMBER_REFERRER_POLICY``) and
``X-Frame-Options`` (``EMBER_FRAME_OPTIONS``). The page's one inline script (its import
map) carries a fresh nonce per response, added to the policy's ``script-src``; nothing
else inline may run. An empty setting sends no such header.
"""

from __future__ import annotations

import functools
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
    fixed, before, after = _policy_parts(
        settings.content_security_policy, settings.referrer_policy, settings.frame_options
    )
    headers = dict(fixed)
    if before is not None:
        if nonce is not None and after is not None:
            headers["Content-Security-Policy"] = f"{before} 'nonce-{nonce}'{after}"
        else:
            headers["Content-Security-Policy"] = before + (after or "")
    return headers


@functools.lru_cache(maxsize=16)
def _policy_parts(
    policy: str, referrer_policy: str, frame_options: str
) -> tuple[tuple[tuple[str, str], ...], str | None, str | None]:
    """The headers that are the same on every page, and the policy split where a nonce
    goes (after its ``script-src`` directive's name; ``after`` is None without one), worked
    out once per setting instead of once per page."""
    fixed = [("X-Content-Type-Options", "nosniff")]
    if referrer_policy:
        fixed.append(("Referrer-Policy", referrer_policy))
    if frame_options:
        fixed.append(("X-Frame-Options", frame_options))
    policy = policy.strip()
    if not policy:
        return tuple(fixed), None, None
    found = _SCRIPT_SRC.search(policy)
    if found is None:
        return tuple(fixed), policy, None
    return tuple(fixed), policy[: found.end()], policy[found.end() :]
