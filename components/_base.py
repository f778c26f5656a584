"""What every component shares: child and handler types, class names, safe URLs, ids.

Components never build markup from strings: every user string goes into the VDOM as a text
child or an attribute value, which ReactPy (live) and ember's first-paint renderer (static)
both escape. URLs are the one place where a string can still run code, so every ``href``
and ``src`` goes through :func:`safe_url`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import ParamSpec, TypeAlias, cast

import reactpy
from reactpy.types import Component, VdomDict

from ember.live import EmberError

__all__ = [
    "Child",
    "ComponentError",
    "Handler",
    "classes",
    "dom_id",
    "event_key",
    "kids",
    "safe_url",
    "typed_component",
]

Child: TypeAlias = VdomDict | Component | str | int | float | None
"""What a component accepts as a child or slot: an element, a component, text, or nothing."""

Handler: TypeAlias = Callable[..., object]
"""An event handler: called with the browser event (a dict); sync or async."""

P = ParamSpec("P")

_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
# Browsers drop these anywhere in a URL before reading its scheme ("java\tscript:").
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
# A URL's scheme as the WHATWG URL parser reads it: a letter, then letters, digits, + . -
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


class ComponentError(EmberError):
    """A component was called with arguments it cannot render."""


def typed_component(
    function: Callable[P, Component | VdomDict | str | None],
) -> Callable[P, Component]:
    """``reactpy.component`` that keeps the function's typed signature for callers."""
    return cast(Callable[P, Component], reactpy.component(function))


def kids(*children: Child | Iterable[Child]) -> list[Child]:
    """The children worth rendering: ``None``, ``False`` and ``""`` are left out."""
    out: list[Child] = []
    for child in children:
        if child is None or child is False or child == "":
            continue
        if isinstance(child, VdomDict | dict | Component | str | int | float):
            out.append(cast(Child, child))
        else:
            out.extend(kids(*child))
    return out


def event_key(event: object) -> str:
    """The ``key`` of a keyboard event (``"Escape"``, ``"ArrowDown"``, …), or ``""``."""
    return str(event.get("key", "")) if isinstance(event, Mapping) else ""


def classes(*names: str | bool | None) -> str:
    """Join class names, skipping empty ones: ``classes("btn", primary and "btn-primary")``."""
    return " ".join(n for n in names if isinstance(n, str) and n)


def safe_url(url: str | None) -> str | None:
    """``url`` when following it cannot run script, else None.

    Relative URLs, fragments and the schemes ``http``, ``https``, ``mailto`` and ``tel``
    pass; ``javascript:``, ``data:``, ``vbscript:`` and every other scheme are refused,
    however they are spelt (case, whitespace and control characters inside included).
    """
    if url is None:
        return None
    cleaned = _URL_IGNORED.sub("", url)
    if not cleaned:
        return None
    found = _SCHEME.match(cleaned)
    if found is None:
        # No scheme (a path, query or fragment): browsers resolve it against the page.
        return url.strip()
    return url.strip() if found.group(1).lower() in _SAFE_SCHEMES else None


def dom_id(*parts: str) -> str:
    """An element id made of safe characters, from parts joined by ``_``."""
    joined = "_".join(p for p in parts if p)
    return _ID_UNSAFE.sub("-", joined) or "ember"
