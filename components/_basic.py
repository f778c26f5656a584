"""Layout and feedback components without state: button, link, header, card, badge, …

Each is a plain function returning an element (no hooks), so it is cheap to call many
times and renders the same in the first paint and live.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from reactpy import html
from reactpy.types import VdomDict

from ._base import Child, ComponentError, Handler, classes, kids, safe_url
from ._icons import icon

__all__ = [
    "avatar",
    "badge",
    "button",
    "card",
    "description_list",
    "empty_state",
    "header",
    "link",
    "progress",
    "spinner",
]

Variant = Literal["primary", "secondary", "danger", "ghost"]
Size = Literal["sm", "md", "lg"]
Tone = Literal["neutral", "info", "success", "warning", "danger"]


def _handlers(**handlers: Handler | None) -> dict[str, object]:
    return {name: handler for name, handler in handlers.items() if handler is not None}


def spinner(*, label: str = "Loading", size: Size = "md") -> VdomDict:
    """A spinning indicator for work in progress.

    Args:
        label: what is loading, read by screen readers (``role="status"``).
        size: ``"sm"``, ``"md"`` or ``"lg"``.
    """
    return html.span(
        {"className": classes("ember-spinner", f"ember-spinner-{size}"), "role": "status"},
        html.span({"className": "ember-visually-hidden"}, label),
    )


def button(
    *children: Child,
    variant: Variant = "primary",
    size: Size = "md",
    type: Literal["button", "submit", "reset"] = "button",
    on_click: Handler | None = None,
    disabled: bool = False,
    loading: bool = False,
    icon_name: str | None = None,
    label: str | None = None,
    id: str | None = None,
    class_name: str = "",
    disable_with: str | None = None,
) -> VdomDict:
    """A button.

    Args:
        children: the button's content (text, an icon, …).
        variant: ``"primary"``, ``"secondary"``, ``"danger"`` or ``"ghost"``.
        size: ``"sm"``, ``"md"`` or ``"lg"``.
        type: the HTML button type; ``"submit"`` submits the surrounding form.
        on_click: called with the click event.
        disabled: the button cannot be pressed.
        loading: shows a spinner, disables the button and sets ``aria-busy``.
        icon_name: an icon from the icon set, before the content.
        label: an accessible name, for buttons whose content is only an icon.
        id: the element id.
        class_name: extra classes from the host app.
        disable_with: for a submit button, the text it shows (disabled) from the moment
            its form is submitted until the server has answered, before any render.
    """
    attributes: dict[str, object] = {
        "type": type,
        "className": classes(
            "ember-button",
            f"ember-button-{variant}",
            f"ember-button-{size}",
            loading and "ember-button-loading",
            class_name,
        ),
        **_handlers(onClick=None if loading or disabled else on_click),
    }
    if disabled or loading:
        attributes["disabled"] = True
    if loading:
        attributes["aria-busy"] = "true"
    if label:
        attributes["aria-label"] = label
    if id:
        attributes["id"] = id
    if disable_with:
        attributes["data-disable-with"] = disable_with
    return html.button(
        attributes,
        *kids(
            spinner(size="sm", label="Working") if loading else None,
            icon(icon_name) if icon_name else None,
            *children,
        ),
    )


def link(
    *children: Child,
    href: str,
    external: bool = False,
    on_click: Handler | None = None,
    variant: Literal["default", "muted", "button"] = "default",
    id: str | None = None,
) -> VdomDict:
    """A link. ``javascript:``, ``data:`` and other script-capable URLs are refused: the
    link then renders without ``href`` (not followable) and with ``data-unsafe-href``.

    Args:
        children: the link text.
        href: where it goes: a path, a fragment, or an http(s), mailto or tel URL.
        external: opens in a new tab with ``rel="noopener noreferrer"``.
        on_click: called with the click event.
        variant: ``"default"``, ``"muted"``, or ``"button"`` (looks like a button).
        id: the element id.
    """
    target = safe_url(href)
    attributes: dict[str, object] = {
        "className": classes("ember-link", f"ember-link-{variant}"),
        **_handlers(onClick=on_click),
    }
    if target is None:
        attributes["data-unsafe-href"] = "true"
        attributes["aria-disabled"] = "true"
    else:
        attributes["href"] = target
    if external:
        attributes.update(target="_blank", rel="noopener noreferrer")
    if id:
        attributes["id"] = id
    return html.a(attributes, *kids(*children, icon("external", size="sm") if external else None))


def header(
    title: str,
    *,
    subtitle: str | None = None,
    actions: Child = None,
    level: Literal[1, 2, 3] = 1,
) -> VdomDict:
    """A page or section header: a title, an optional subtitle and an actions slot.

    Args:
        title: the heading text.
        subtitle: a line under the title.
        actions: buttons or links shown at the end of the header.
        level: the heading level (1 to 3).
    """
    heading = {1: html.h1, 2: html.h2, 3: html.h3}[level]
    return html.header(
        {"className": "ember-header"},
        html.div(
            {"className": "ember-header-text"},
            *kids(
                heading({"className": "ember-header-title"}, title),
                html.p({"className": "ember-header-subtitle"}, subtitle) if subtitle else None,
            ),
        ),
        *kids(html.div({"className": "ember-header-actions"}, actions) if actions else None),
    )


def card(
    *children: Child,
    title: str | None = None,
    footer: Child = None,
    actions: Child = None,
    id: str | None = None,
) -> VdomDict:
    """A bordered surface grouping related content.

    Args:
        children: the card's body.
        title: a heading at the top (the card is then a labelled ``section``).
        footer: a slot under the body.
        actions: a slot at the end of the title row.
        id: the element id (the title's id derives from it).
    """
    attributes: dict[str, object] = {"className": "ember-card"}
    title_id = f"{id}-title" if id else None
    if id:
        attributes["id"] = id
    if title and title_id:
        attributes["aria-labelledby"] = title_id
    head = None
    if title or actions:
        title_attrs: dict[str, object] = {"className": "ember-card-title"}
        if title_id:
            title_attrs["id"] = title_id
        head = html.div(
            {"className": "ember-card-head"},
            *kids(
                html.h2(title_attrs, title) if title else None,
                html.div({"className": "ember-card-actions"}, actions) if actions else None,
            ),
        )
    return html.section(
        attributes,
        *kids(
            head,
            html.div({"className": "ember-card-body"}, *kids(*children)),
            html.footer({"className": "ember-card-footer"}, footer) if footer else None,
        ),
    )


def description_list(
    items: Sequence[tuple[str, Child]],
    *,
    layout: Literal["rows", "columns"] = "rows",
) -> VdomDict:
    """A description list: terms and their values (``<dl>``).

    Args:
        items: ``(term, value)`` pairs, in order.
        layout: ``"rows"`` (term beside value) or ``"columns"`` (term above value).
    """
    rows = [
        html.div(
            {"className": "ember-dl-row", "key": f"{index}"},
            html.dt(term),
            html.dd(*kids(value)),
        )
        for index, (term, value) in enumerate(items)
    ]
    return html.dl({"className": classes("ember-dl", f"ember-dl-{layout}")}, *rows)


def badge(text: str, *, tone: Tone = "neutral", icon_name: str | None = None) -> VdomDict:
    """A short status label.

    Args:
        text: the label.
        tone: ``"neutral"``, ``"info"``, ``"success"``, ``"warning"`` or ``"danger"``.
        icon_name: an icon before the text.
    """
    return html.span(
        {"className": classes("ember-badge", f"ember-badge-{tone}")},
        *kids(icon(icon_name, size="sm") if icon_name else None, text),
    )


def _initials(name: str) -> str:
    words = [w for w in name.split() if w]
    letters = "".join(w[0] for w in words[:2]) if words else "?"
    return letters.upper()


def avatar(name: str, *, src: str | None = None, size: Size = "md") -> VdomDict:
    """A person's picture, or their initials when there is none.

    Args:
        name: whose avatar it is (the image's alt text, or the initials' label).
        src: the picture's URL; script-capable URLs are refused (initials show instead).
        size: ``"sm"``, ``"md"`` or ``"lg"``.
    """
    picture = safe_url(src)
    kind = classes("ember-avatar", f"ember-avatar-{size}")
    if picture is not None:
        return html.img({"className": kind, "src": picture, "alt": name})
    return html.span(
        {"className": kind, "role": "img", "aria-label": name},
        html.span({"aria-hidden": "true"}, _initials(name)),
    )


def progress(
    value: float | None,
    *,
    max: float = 100,
    label: str = "Progress",
    show_value: bool = False,
) -> VdomDict:
    """A progress bar; ``value=None`` is indeterminate.

    Args:
        value: how far along, from 0 to ``max``; None when unknown.
        max: the value that means done.
        label: what is progressing (the bar's accessible name).
        show_value: also show the percentage as text.

    Raises:
        ComponentError: ``max`` is not positive.
    """
    if max <= 0:
        raise ComponentError(f"Expected a positive max for progress, got {max!r}.")
    attributes: dict[str, object] = {"className": "ember-progress-bar", "aria-label": label}
    attributes["max"] = max
    if value is not None:
        attributes["value"] = min(value, max)
    percent = None if value is None else round(100 * min(value, max) / max)
    return html.div(
        {"className": "ember-progress"},
        *kids(
            html.span({"className": "ember-progress-label"}, label),
            html.progress(attributes),
            html.span({"className": "ember-progress-value"}, f"{percent}%")
            if show_value and percent is not None
            else None,
        ),
    )


def empty_state(
    title: str,
    *,
    description: str | None = None,
    icon_name: str = "inbox",
    action: Child = None,
) -> VdomDict:
    """What a list or page shows when it has nothing to show.

    Args:
        title: one line saying what is missing.
        description: what to do about it.
        icon_name: an icon from the icon set.
        action: a button or link that fixes it.
    """
    return html.div(
        {"className": "ember-empty"},
        *kids(
            icon(icon_name, size="lg"),
            html.p({"className": "ember-empty-title"}, title),
            html.p({"className": "ember-empty-description"}, description) if description else None,
            html.div({"className": "ember-empty-action"}, action) if action else None,
        ),
    )
