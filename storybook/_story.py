"""The story format: a component, its named variations (keyword arguments), and how to show it.

Stories are plain data. A module named ``*_stories.py`` exposes ``stories: list[Story]``;
:func:`ember.storybook.discover` collects them from packages, and the storybook app, the
every-story test and anything else read them without running a server.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ember.live import LiveComponent, live_component

__all__ = ["Story", "render", "slug"]

_SLUG_UNSAFE = re.compile(r"[^a-z0-9]+")
_LIVE_CLASS = "__ember_live_class__"


def slug(text: str) -> str:
    """``"Submit button"`` → ``"submit-button"``: a name as it appears in URLs and test ids."""
    return _SLUG_UNSAFE.sub("-", text.lower()).strip("-") or "story"


@dataclass(frozen=True)
class Story:
    """A component and the named sets of keyword arguments it is shown with.

    Args:
        name: the story's name in the sidebar (usually the component's name).
        component: any callable returning an element or a ReactPy component; its typed
            keyword arguments become the storybook's controls. Or a ``LiveComponent``
            class: each variation's arguments are its assigns (rendered with
            ``live_component(cls, id=<story id>, **assigns)``), and the controls follow
            the types of the values in the variations (an ``on_*`` name is an event).
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

    def __post_init__(self) -> None:
        kind: object = self.component
        if isinstance(kind, type) and issubclass(kind, LiveComponent):
            # Frozen: the story holds the function that renders the class, with a signature
            # made from the variations, so controls, docs and checks read it as any other.
            object.__setattr__(self, "component", _live_story(kind, self.id, self.variations))
        # (dataclasses.replace passes that function back in: the class stays known.)
        object.__setattr__(self, "live_class", getattr(self.component, _LIVE_CLASS, None))

    live_class: type[LiveComponent] | None = field(default=None, init=False, compare=False)
    """The ``LiveComponent`` class of a story made from one, else None."""

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


def _live_story(
    kind: type[LiveComponent], story_id: str, variations: Mapping[str, Mapping[str, object]]
) -> Callable[..., object]:
    """A function rendering ``kind`` whose keyword parameters are the variations' assigns:
    typed by their values (the first variation naming one gives its default)."""
    parameters: dict[str, inspect.Parameter] = {}
    for assigns in variations.values():
        for name, value in assigns.items():
            if name in parameters:
                continue
            annotation: Any = inspect.Parameter.empty
            if name.startswith("on_") and (value is None or callable(value)):
                annotation = Callable[..., object] | None
            elif value is not None and not callable(value):
                annotation = type(value)
            parameters[name] = inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=value, annotation=annotation
            )

    def render_live(**assigns: object) -> object:
        return live_component(kind, story_id, **assigns)

    setattr(render_live, _LIVE_CLASS, kind)
    render_live.__name__ = render_live.__qualname__ = kind.__name__
    render_live.__doc__ = kind.__doc__
    render_live.__module__ = kind.__module__
    render_live.__signature__ = inspect.Signature(list(parameters.values()))  # type: ignore[attr-defined]
    render_live.__annotations__ = {
        name: parameter.annotation
        for name, parameter in parameters.items()
        if parameter.annotation is not inspect.Parameter.empty
    }
    return render_live
