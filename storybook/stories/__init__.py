"""ember's own stories: one module per component family, each exposing ``stories``.

The story format is plain data (:class:`ember.storybook.Story`), so the storybook app, the
every-story test and anything else can read it:

- a :class:`Story` has a ``name``, a ``component`` (any callable returning an element or
  a ReactPy component), ``variations`` (variation name → keyword arguments), optional
  positional ``children`` passed to every variation, a one-line ``description``, and
  optionally a sidebar ``group``, ``notes``, a ``template`` wrapper and
  ``variation_groups``;
- a module ``storybook/stories/<family>_stories.py`` exposes ``stories: list[Story]``;
- :func:`all_stories` collects them, :func:`render` builds one variation.

Controls come from ``inspect.signature(story.component)``: every component takes typed
keyword arguments with defaults. Stories whose component needs state around it (a form,
an open modal) use a small demo component defined in the story module.
"""

from __future__ import annotations

from .._discovery import discover
from .._story import Story as Story
from .._story import render as render

__all__ = ["Story", "all_stories", "render"]


def all_stories() -> list[Story]:
    """Every story of every ``*_stories`` module in this package, in module order."""
    return discover([__name__])
