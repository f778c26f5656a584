"""The icon set: stroke icons on a 24 by 24 grid, drawn as SVG paths (no font, no file).

The shapes follow the Feather icon set's style (MIT). Colour comes from ``currentColor``
and size from the theme (``--ember-icon-size``), so icons match the text around them.
"""

from __future__ import annotations

from reactpy import html
from reactpy.types import VdomDict

from ._base import ComponentError, classes

__all__ = ["ICONS", "icon"]

ICONS: dict[str, tuple[str, ...]] = {
    "check": ("M20 6 9 17l-5-5",),
    "x": ("M18 6 6 18", "M6 6l12 12"),
    "plus": ("M12 5v14", "M5 12h14"),
    "minus": ("M5 12h14",),
    "chevron-down": ("m6 9 6 6 6-6",),
    "chevron-up": ("m18 15-6-6-6 6",),
    "chevron-left": ("m15 18-6-6 6-6",),
    "chevron-right": ("m9 18 6-6-6-6",),
    "arrow-up": ("M12 19V5", "m5 12 7-7 7 7"),
    "arrow-down": ("M12 5v14", "m19 12-7 7-7-7"),
    "sort": ("m7 15 5 5 5-5", "m7 9 5-5 5 5"),
    "info": ("M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20Z", "M12 16v-4", "M12 8h.01"),
    "alert": (
        "M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0Z",
        "M12 9v4",
        "M12 17h.01",
    ),
    "error": ("M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20Z", "m15 9-6 6", "m9 9 6 6"),
    "success": ("M22 11.1V12a10 10 0 1 1-5.9-9.1", "M22 4 12 14l-3-3"),
    "search": ("M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16Z", "m21 21-4.3-4.3"),
    "user": ("M20 21v-2a4 4 0 0 0-4-4H8a4 4 0 0 0-4 4v2", "M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8Z"),
    "menu": ("M4 6h16", "M4 12h16", "M4 18h16"),
    "more": (
        "M12 13a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z",
        "M19 13a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z",
        "M5 13a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z",
    ),
    "edit": ("M12 20h9", "M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z"),
    "trash": ("M3 6h18", "M19 6v14a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V6", "M8 6V4h8v2"),
    "inbox": (
        "M22 12h-6l-2 3h-4l-2-3H2",
        "M5.5 5.1 2 12v6a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2v-6l-3.5-6.9A2 2 0 0 0 16.8 4H7.2"
        "a2 2 0 0 0-1.7 1.1Z",
    ),
    "mail": (
        "M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2Z",
        "m22 6-10 7L2 6",
    ),
    "settings": (
        "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z",
        "M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3"
        " 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3"
        "l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1"
        " 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1"
        "a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5"
        " 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7"
        " 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1Z",
    ),
    "heart": (
        "M20.8 4.6a5.5 5.5 0 0 0-7.8 0L12 5.7l-1-1.1a5.5 5.5 0 0 0-7.8 7.8l1 1.1L12 21.3"
        "l7.8-7.8 1-1.1a5.5 5.5 0 0 0 0-7.8Z",
    ),
    "repeat": (
        "m17 1 4 4-4 4",
        "M3 11V9a4 4 0 0 1 4-4h14",
        "m7 23-4-4 4-4",
        "M21 13v2a4 4 0 0 1-4 4H3",
    ),
    "external": (
        "M18 13v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h6",
        "M15 3h6v6",
        "M10 14 21 3",
    ),
}


def icon(name: str, *, label: str | None = None, size: str = "md") -> VdomDict:
    """An icon from :data:`ICONS`.

    Args:
        name: the icon's name, e.g. ``"check"``.
        label: what the icon means, for screen readers; without it the icon is
            decorative (``aria-hidden``) and the text next to it carries the meaning.
        size: ``"sm"``, ``"md"`` or ``"lg"``.

    Raises:
        ComponentError: there is no icon called ``name``.
    """
    paths = ICONS.get(name)
    if paths is None:
        known = ", ".join(sorted(ICONS))
        raise ComponentError(f"Expected an icon name, one of: {known}. Got {name!r}.")
    accessible: dict[str, object] = (
        {"role": "img", "aria-label": label} if label else {"aria-hidden": "true"}
    )
    return html.svg(
        {
            "className": classes("ember-icon", f"ember-icon-{size}"),
            "viewBox": "0 0 24 24",
            "data-icon": name,
            "focusable": "false",
            **accessible,
        },
        *[html.path({"d": d, "key": str(i)}) for i, d in enumerate(paths)],
    )
