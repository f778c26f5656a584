"""What the storybook shows, as it travels in the URL: the story, its variation, the
arguments changed through the controls, the theme, the canvas background and width.

``?story=button&variation=primary&args={"size":"lg"}&theme=dark&width=375`` reopens exactly
that view; values left at their defaults stay out of the URL.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

__all__ = ["BACKGROUNDS", "THEMES", "WIDTHS", "ViewState"]

THEMES = ("light", "dark")
BACKGROUNDS = {
    "theme": "Page background",
    "surface": "Surface",
    "white": "White",
    "dark": "Dark",
    "checks": "Transparent",
}
WIDTHS = {
    "full": "Full width",
    "320": "320 px · small phone",
    "375": "375 px · phone",
    "768": "768 px · tablet",
    "1024": "1024 px · laptop",
}


@dataclass(frozen=True)
class ViewState:
    """The storybook's view, read from and written to the page's query string."""

    story: str = ""
    variation: str = ""
    args: Mapping[str, object] = field(default_factory=dict)
    theme: str = "light"
    background: str = "theme"
    width: str = "full"
    every: bool = False
    """The story's page of every variation side by side (``all=1``)."""

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> ViewState:
        """The view a query string names; unknown or malformed values fall back to defaults."""
        try:
            raw = json.loads(params.get("args", "{}"))
        except json.JSONDecodeError:
            raw = {}
        return cls(
            story=params.get("story", ""),
            variation=params.get("variation", ""),
            args=raw if isinstance(raw, dict) else {},
            theme=_pick(params.get("theme"), THEMES, "light"),
            background=_pick(params.get("bg"), tuple(BACKGROUNDS), "theme"),
            width=_pick(params.get("width"), tuple(WIDTHS), "full"),
            every=params.get("all") == "1",
        )

    def query(self) -> str:
        """The query string for this view (defaults left out)."""
        params: dict[str, str] = {}
        if self.story:
            params["story"] = self.story
        if self.variation:
            params["variation"] = self.variation
        if self.args:
            params["args"] = json.dumps(dict(self.args), separators=(",", ":"), ensure_ascii=False)
        if self.theme != "light":
            params["theme"] = self.theme
        if self.background != "theme":
            params["bg"] = self.background
        if self.width != "full":
            params["width"] = self.width
        if self.every:
            params["all"] = "1"
        return urlencode(params)

    def replace(self, **changes: object) -> ViewState:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def with_arg(self, name: str, value: object) -> ViewState:
        """This view with one argument changed."""
        return self.replace(args={**self.args, name: value})

    def without_arg(self, name: str) -> ViewState:
        """This view with one argument back at the variation's value."""
        return self.replace(args={k: v for k, v in self.args.items() if k != name})


def _pick(value: str | None, allowed: tuple[str, ...], default: str) -> str:
    return value if value in allowed else default
