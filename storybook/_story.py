"""The story format: a component, its named variations (keyword arguments), and how to show it.

Stories are plain data. A module named ``*_stories.py`` exposes ``stories: list[Story]``;
:func:`ember.storybook.discover` collects them from packages, and the storybook app, the
every-story test and anything else read them without running a server.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Story", "render", "slug"]

_SLUG_UNSAFE = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """``"Submit button"`` → ``"submit-button"``: a name as it appears in URLs and test ids."""
    return _SLUG_UNSAFE.sub("-", text.lower()).strip("-") or "story"


@dataclass(frozen=True)
class Story:
    """A component and the named sets of keyword arguments it is shown with.

    Args:
        name: the story's name in the sidebar (usually the component's name).
        component: any callable returning an element or a ReactPy component; its typed
            keyword arguments become the storybook's controls.
        variations: variation name → keyword arguments. The first is the default.
        children: positional arguments passed to every variation (a button's text).
        description: one line under the story's name.
        group: the sidebar section; by default from the module (``form_stories`` → "Form").
        notes: longer notes for the docs pane (plain text, paragraphs split on blank lines).
        template: wraps every rendered variation, e.g. in a container of a fixed width
            or a form: ``template=lambda element: html.div({"style": …}, element)``.
        variation_groups: group name → variation names, to show a long list of
            variations in sections; variations in no group come after, under "Other".
    """

    name: str
    component: Callable[..., object]
    variations: Mapping[str, Mapping[str, object]]
    children: tuple[object, ...] = ()
    description: str = ""
    group: str = ""
    notes: str = ""
    template: Callable[[object], object] | None = None
    variation_groups: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The story's id in URLs and test ids: its name as a slug (unique in a storybook)."""
        return slug(self.name)

    def grouped_variations(self) -> list[tuple[str, list[str]]]:
        """The variations in their groups, in order: ``[(group, [names…]), …]``.

        Without ``variation_groups`` this is one unnamed group with every variation.
        """
        if not self.variation_groups:
            return [("", list(self.variations))]
        out: list[tuple[str, list[str]]] = []
        placed: set[str] = set()
        for group, names in self.variation_groups.items():
            known = [n for n in names if n in self.variations]
            placed.update(known)
            if known:
                out.append((group, known))
        rest = [n for n in self.variations if n not in placed]
        if rest:
            out.append(("Other", rest))
        return out


def render(
    story: Story,
    variation: str,
    args: Mapping[str, object] | None = None,
    *,
    children: Sequence[object] | None = None,
) -> object:
    """One variation of a story, as an element or component to render.

    Args:
        story: the story.
        variation: the variation's name.
        args: keyword arguments replacing the variation's (the storybook's controls).
        children: positional children replacing the story's.

    Raises:
        KeyError: the story has no such variation.
    """
    if variation not in story.variations:
        known = ", ".join(repr(v) for v in story.variations)
        raise KeyError(f"Story {story.name!r} has no variation {variation!r}; it has {known}.")
    kwargs = {**story.variations[variation], **(args or {})}
    positional = story.children if children is None else tuple(children)
    element = story.component(*positional, **kwargs)
    return story.template(element) if story.template is not None else element
