"""What ember lets a rendered element carry to the browser: its attribute pass.

Every element of every render, live and in the first paint, goes through
:func:`safe_attributes` before it reaches the wire or the HTML writer. The rules, in the
order they are applied (docs/security.md states them with their tests):

1. **Event-handler attributes are refused**, whatever their case or spelling: any
   attribute whose name starts with ``on`` in any case (``onclick``, ``ONANIMATIONSTART``,
   an ``onClick`` string) holding a value. Browsers compare attribute names without case,
   so ``ONANIMATIONSTART="…"`` runs as ``onanimationstart``. Handlers are Python functions.
2. **Raw markup is refused**: ``dangerouslySetInnerHTML``, ``srcdoc`` (any case), and
   ``http-equiv`` (a ``<meta http-equiv=refresh>`` navigates the page away).
3. **Names have one spelling**: snake_case names become React's (``class_name`` →
   ``className``, ``html_for`` → ``htmlFor``, ``tab_index`` → ``tabIndex``; ``data_x`` →
   ``data-x``, ``aria_label`` → ``aria-label``), HTML's ``class`` and ``for`` become
   ``className`` and ``htmlFor``; two spellings of one attribute on one element are an
   error (which one should win is not ember's guess).
4. **URL attributes** (:data:`URL_ATTRIBUTES`, whatever the name's case or React spelling)
   are read as the browser's URL parser reads them (:func:`url_scheme`): a ``javascript:``
   or ``vbscript:`` URL is replaced by ``about:blank#blocked`` (and logged); a ``data:`` URL
   is kept only where the browser treats it as an image or media file
   (:data:`DATA_URL_SINKS`: ``<img src/srcset>``, ``<video poster>``, …) and blocked where
   it can carry a document and so script (``<iframe src>``, ``<object data>``, ``<a href>``,
   ``<form action>``, …). ``srcset``, ``imagesrcset`` and ``ping`` are checked per URL.

A refusal raises :class:`~ember.live.RenderError`: the component fails (behind its error
boundary), and nothing of it reaches the browser.
"""

from __future__ import annotations

import enum
import functools
import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

from .._errors import RenderError

logger = logging.getLogger("ember.live")

__all__ = [
    "BLOCKED_URL",
    "DATA_URL_SINKS",
    "URL_ATTRIBUTES",
    "attribute_key",
    "is_event_attribute",
    "is_script_url",
    "react_name",
    "refused_element",
    "safe_attributes",
    "safe_url",
    "same_site_path",
    "srcset_urls",
    "url_scheme",
]

BLOCKED_URL = "about:blank#blocked"

# Attribute keys (see attribute_key: lower case, no ':', '-' or '_') whose value the browser
# loads or navigates to, on any element: a script URL there runs code, a data: URL there may
# be a whole document.
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlinkhref", "srcset", "imagesrcset", "poster"}
    | {"data", "cite", "background", "ping", "manifest", "codebase", "longdesc", "lowsrc"}
    | {"dynsrc", "archive", "classid", "icon", "profile", "usemap", "itemtype", "xmlbase"}
)
# Attributes that hold several URLs: srcset-like lists, and space-separated lists.
_SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})
_SPACE_SEPARATED = frozenset({"ping", "archive"})
# (tag, attribute key) where a data: URL is an image or a media file, never a document.
DATA_URL_SINKS = frozenset(
    {("img", "src"), ("img", "srcset"), ("source", "src"), ("source", "srcset")}
    | {("video", "poster"), ("video", "src"), ("audio", "src"), ("track", "src")}
    | {("input", "src"), ("image", "href"), ("image", "xlinkhref")}
)
_MARKUP_KEYS = frozenset({"dangerouslysetinnerhtml", "srcdoc", "httpequiv"})
# Elements ember never sends: script runs, and a <base> re-targets every relative URL.
_REFUSED_TAGS = frozenset({"script", "base"})
# Two spellings of one attribute: the HTML name and the snake_case name map to React's.
_ALIASES = {"class": "className", "for": "htmlFor"}
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
_HYPHENATED_PREFIXES = ("data_", "aria_")

# The URL parser (WHATWG URL, "basic URL parser") first strips leading and trailing C0
# controls and spaces from the whole value, then removes every tab and newline anywhere in
# it, and only then reads the scheme. Any amount of padding is allowed, so the whole value
# is read, never a prefix of it.
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_SCRIPT_SCHEMES = frozenset({"javascript", "vbscript"})
# A value starting with one of these has no scheme: the parser strips nothing before it,
# and a scheme starts with a letter.
_RELATIVE_START = frozenset("/#?.")
# Attribute names that need no look: they are neither handlers, URLs, markup nor aliases.
# Names found plain at render time join them (up to _MAX_PLAIN).
_MAX_PLAIN = 4096
_PLAIN = set(
    {"className", "id", "style", "type", "value", "key", "title", "role", "name", "alt"}
    | {"placeholder", "tabIndex", "disabled", "checked", "htmlFor", "width", "height"}
    | {"viewBox", "fill", "stroke", "d", "hidden", "rows", "cols", "rel", "target", "lang"}
    | {"method", "autoComplete", "readOnly", "required", "min", "max", "step", "colSpan"}
)


PLAIN_NAMES = _PLAIN
"""Attribute names that need no look (read-only outside this module): an element whose
names are all here passes :func:`safe_attributes` unchanged."""


def url_scheme(value: str) -> str | None:
    """The scheme a browser reads from ``value`` (lower case), or None for a relative URL."""
    # The common values, at once: a path, fragment or query, or an http(s) URL as written.
    if value[:1] in _RELATIVE_START:
        return None
    if value.startswith(("https://", "http://")):
        return value[: value.index(":")]
    found = _SCHEME.match(_TAB_OR_NEWLINE.sub("", value.strip(_C0_OR_SPACE)))
    return found.group(1).lower() if found else None


def is_script_url(value: str) -> bool:
    """True for ``javascript:``/``vbscript:`` URLs, however the browser would read them."""
    return url_scheme(value) in _SCRIPT_SCHEMES


def attribute_key(name: str) -> str:
    """``name`` as the rules compare it: lower case, without ``:``, ``-`` and ``_``.

    ``xlink:href``, ``xlinkHref`` and ``XLINK_HREF`` are one key; so are ``formAction``
    and ``FORMACTION``.
    """
    return name.lower().replace(":", "").replace("-", "").replace("_", "")


def is_event_attribute(name: str) -> bool:
    """True when a browser would run ``name``'s value as an event handler (any case)."""
    return name[:2].lower() == "on"


def react_name(name: str) -> str:
    """The one spelling ember sends for an attribute name (rule 3 of this module)."""
    alias = _ALIASES.get(name)
    if alias is not None:
        return alias
    if "_" not in name or not _SNAKE.match(name):
        return name
    if name.startswith(_HYPHENATED_PREFIXES):
        return name.replace("_", "-")
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def srcset_urls(value: str) -> Iterator[str]:
    """The URL of each candidate in a ``srcset`` value, split as the HTML parser splits it."""
    position, end = 0, len(value)
    while position < end:
        while position < end and (value[position].isspace() or value[position] == ","):
            position += 1
        start = position
        while position < end and not value[position].isspace():
            position += 1
        url = value[start:position]
        if not url:
            return
        if url.endswith(","):
            yield url.rstrip(",")
            continue
        yield url
        depth = 0  # descriptors run to the next comma outside parentheses
        while position < end and (value[position] != "," or depth):
            depth += {"(": 1, ")": -1}.get(value[position], 0)
            position += 1


def safe_url(tag: str, key: str, value: str) -> bool:
    """True when ``value`` may stay in attribute ``key`` (see attribute_key) of ``<tag>``."""
    if key in _SRCSET_ATTRIBUTES:
        urls: Iterator[str] | list[str] = srcset_urls(value)
    elif key in _SPACE_SEPARATED:
        urls = value.split()
    else:
        urls = [value]
    for url in urls:
        scheme = url_scheme(url)
        if scheme in _SCRIPT_SCHEMES or (
            scheme == "data" and (tag.lower(), key) not in DATA_URL_SINKS
        ):
            return False
    return True


def refused_element(tag: str) -> str | None:
    """Why ember refuses to send a ``<tag>`` element, or None when it may."""
    if tag.lower() in _REFUSED_TAGS:
        return (
            f"ember does not render <{tag}> elements: a {tag} element from a component "
            "would run or re-target code in the page. Put scripts in static files loaded "
            "from the mount's head."
        )
    return None


def safe_attributes(tag: str, attributes: Mapping[str, Any], context: str) -> Mapping[str, Any]:
    """``attributes`` as ember sends them for a ``<tag>`` (the rules of this module).

    Returns ``attributes`` itself when nothing changes (the common case allocates
    nothing), else a new mapping with names respelled and unsafe URLs blocked.

    Args:
        tag: the element's tag name.
        attributes: its attributes as the component rendered them.
        context: who renders (session and view), for the log line of a blocked URL.

    Raises:
        RenderError: an event-handler attribute, raw markup, or one attribute spelled
            two ways.
    """
    for name, value in attributes.items():
        if name in _PLAIN or value is None:
            continue
        spelled, key, kind = _name_rule(name)
        if kind is _Kind.PLAIN and spelled == name:
            if len(_PLAIN) < _MAX_PLAIN:  # seen once: the next element skips it at once
                _PLAIN.add(name)
            continue
        if spelled != name or kind is _Kind.EVENT or kind is _Kind.MARKUP:
            break
        if kind is _Kind.URL and isinstance(value, str) and not safe_url(tag, key, value):
            break
    else:
        return attributes
    changed = False
    out: dict[str, Any] = {}
    blocked: list[str] = []
    for name, value in attributes.items():
        if value is None:
            out[name] = value
            continue
        spelled, key, kind = _name_rule(name)
        if kind is _Kind.EVENT:
            msg = (
                f"<{tag}> has the attribute {name}={_shown(value)}, which the browser runs "
                "as an event handler (attribute names have no case in HTML). ember refuses "
                "inline JavaScript; pass a Python function as the handler (onClick=...)."
            )
            raise RenderError(msg)
        if kind is _Kind.MARKUP:
            msg = (
                f"<{tag}> sets {name}, which inserts raw HTML or makes the browser act on the "
                "value. ember refuses it because user data there becomes markup, script or a "
                "navigation; render elements instead."
            )
            raise RenderError(msg)
        if spelled in out or (spelled != name and spelled in attributes):
            msg = (
                f"<{tag}> sets {spelled!r} twice (as {name!r} and as {spelled!r}). Expected "
                "one spelling per attribute; ember sends React's (className, htmlFor, "
                "tabIndex), so keep only one of them."
            )
            raise RenderError(msg)
        if spelled != name:
            changed = True
        if kind is _Kind.URL and isinstance(value, str) and not safe_url(tag, key, value):
            blocked.append(name)
            value = BLOCKED_URL
            changed = True
        out[spelled] = value
    if blocked:
        logger.warning(
            "Blocked an unsafe URL in <%s %s> (%s); it was replaced by %s",
            tag,
            ", ".join(blocked),
            context or "no session",
            BLOCKED_URL,
        )
    return out if changed else attributes


class _Kind(enum.Enum):
    PLAIN = "plain"
    URL = "url"
    EVENT = "event"
    MARKUP = "markup"


@functools.lru_cache(maxsize=4096)
def _name_rule(name: str) -> tuple[str, str, _Kind]:
    """What the rules make of one attribute name: its spelling, its key and its kind.

    Cached: a page uses a few dozen distinct names, checked on every element.
    """
    key = attribute_key(name)
    if is_event_attribute(name):
        kind = _Kind.EVENT
    elif key in _MARKUP_KEYS:
        kind = _Kind.MARKUP
    elif key in URL_ATTRIBUTES:
        kind = _Kind.URL
    else:
        kind = _Kind.PLAIN
    return react_name(name), key, kind


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# Characters a browser strips or skips while parsing a URL (C0 controls, DEL, and the
# spaces around it): a navigation target holding any of them is not what it looks like.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def same_site_path(target: str) -> str:
    """``target`` when a browser resolves it to a path on this site, else an error.

    The browser's URL parser removes tabs and newlines anywhere, strips controls and spaces
    around the value, and reads ``\\`` as ``/``; so ``/\\host``, ``/\\t/host``,
    ``//host`` and ``\\\\host`` all name another host. Percent-encoded slashes
    (``/%2F%2Fhost``, ``/%5Chost``) stay in the path for the browser, but a server or proxy
    that decodes them may redirect on: they are refused too.

    Raises:
        NavigationError: ``target`` is not a path on this site starting with one ``/``.
    """
    from .._errors import NavigationError

    problem = _navigation_problem(target)
    if problem is not None:
        msg = (
            f"Expected a path on this site starting with a single '/', got {target!r}: "
            f"{problem}. Build the path from your own routes (e.g. f'/posts/{{post.id}}')."
        )
        raise NavigationError(msg)
    return target


def _navigation_problem(target: object) -> str | None:
    if not isinstance(target, str):
        return "a navigation target is a string"
    if _CONTROL.search(target) or target != target.strip():
        return "it holds control characters or surrounding spaces, which the browser skips"
    if not target.startswith("/"):
        return "it does not start with '/' (a full URL or a relative path)"
    path = target.split("?", 1)[0].split("#", 1)[0]
    decoded = path.replace("\\", "/")
    for _ in range(3):  # %252F decodes to %2F, then to '/'
        decoded = decoded.replace("%25", "%").replace("%2F", "/").replace("%2f", "/")
        decoded = decoded.replace("%5C", "/").replace("%5c", "/").replace("\\", "/")
    if decoded.startswith("//"):
        return "the browser reads it as another host ('//', '/\\' or their encoded forms)"
    return None
