"""Stories for button and link."""

from __future__ import annotations

from ember.components import button, link

from . import Story


def _clicked(event: object) -> None:
    return None


stories = [
    Story(
        name="button",
        component=button,
        children=("Save changes",),
        description="A button in four variants and three sizes, with a loading state.",
        variations={
            "primary": {"variant": "primary", "on_click": _clicked},
            "secondary": {"variant": "secondary"},
            "danger": {"variant": "danger", "icon_name": "trash"},
            "ghost": {"variant": "ghost"},
            "small": {"size": "sm"},
            "large": {"size": "lg"},
            "loading": {"loading": True},
            "disabled": {"disabled": True},
        },
    ),
    Story(
        name="link",
        component=link,
        children=("Read the guide",),
        description="A link; script URLs are refused.",
        variations={
            "default": {"href": "/docs"},
            "muted": {"href": "/docs", "variant": "muted"},
            "external": {"href": "https://example.com", "external": True},
            "as button": {"href": "/new", "variant": "button"},
            "refused javascript: URL": {"href": "javascript:alert(1)"},
        },
    ),
]
