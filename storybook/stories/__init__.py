"""ember's own stories: one module per component family, each exposing ``stories``.

The story format is plain data, so the storybook app (and anything else) can read it
without importing the storybook itself:

- a :class:`Story` has a ``name``, a ``component`` (any callable returning an element or
  a ReactPy component), ``variations`` (variation name → keyword arguments), optional
  positional ``children`` passed to every variation, and a one-line ``description``;
- a module ``storybook/stories/<family>_stories.py`` exposes ``stories: list[Story]``;
- :func:`all_stories` collects them, :func:`render` builds one variation.

Controls come from ``inspect.signature(story.component)``: every component takes typed
keyword arguments with defaults. Stories whose component needs state around it (a form,
an open modal) use a small demo component defined in the story module.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["Story", "all_stories", "render"]


@dataclass(frozen=True)
class Story:
    """A component and the named sets of keyword arguments it is shown with."""

    name: str
    component: Callable[..., object]
    variations: Mapping[str, Mapping[str, object]]
    children: tuple[object, ...] = ()
    description: str = ""


def all_stories() -> list[Story]:
    """Every story of every ``*_stories`` module in this package, in module order."""
    found: list[Story] = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name.endswith("_stories"):
            loaded = importlib.import_module(f"{__name__}.{module.name}")
            found.extend(loaded.stories)
    return found


def render(story: Story, variation: str) -> object:
    """One variation of a story, as an element or component to render."""
    return story.component(*story.children, **story.variations[variation])
