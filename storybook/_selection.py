"""What the storybook shows: the catalog of stories, and the story, variation and
arguments a URL selects."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ._controls import Control, ControlKind, controls_for
from ._events import LoggedEvent, logging_handler
from ._state import ViewState
from ._story import Story

__all__ = ["Catalog", "Selection"]


@dataclass
class Catalog:
    """The stories a storybook shows, and their controls (read once per story)."""

    stories: Sequence[Story]
    title: str = "Storybook"
    _controls: dict[str, list[Control]] = field(default_factory=dict, repr=False)

    def find(self, story_id: str) -> Story | None:
        return next((s for s in self.stories if s.id == story_id), None)

    def controls(self, story: Story) -> list[Control]:
        if story.id not in self._controls:
            self._controls[story.id] = controls_for(story)
        return self._controls[story.id]

    def groups(self) -> list[tuple[str, list[Story]]]:
        """The stories by sidebar group, groups in order of first appearance."""
        out: dict[str, list[Story]] = {}
        for story in self.stories:
            out.setdefault(story.group or "Stories", []).append(story)
        return list(out.items())


@dataclass(frozen=True)
class Selection:
    """The story and variation a view names, with the controls' values resolved."""

    story: Story
    variation: str
    controls: list[Control]
    values: dict[str, object]
    """Every control's current value (variation, then URL overrides)."""
    overrides: dict[str, object]
    """The URL's arguments that apply, as Python values."""
    problems: list[str]

    @classmethod
    def resolve(cls, catalog: Catalog, view: ViewState) -> Selection:
        story = catalog.find(view.story) or catalog.stories[0]
        variation = (
            view.variation if view.variation in story.variations else next(iter(story.variations))
        )
        controls = catalog.controls(story)
        given = story.variations[variation]
        values: dict[str, object] = {}
        overrides: dict[str, object] = {}
        problems: list[str] = []
        for control in controls:
            if control.positional:
                values[control.name] = story.children[0] if story.children else ""
            elif control.kind is ControlKind.EVENT:
                values[control.name] = callable(given.get(control.name))
            elif control.name in given:
                values[control.name] = given[control.name]
            elif not control.required:
                values[control.name] = control.default
        by_name = {c.name: c for c in controls}
        for name, raw in view.args.items():
            found = by_name.get(name)
            if found is None:
                problems.append(f"The URL sets {name!r}, which {story.name} does not take.")
                continue
            try:
                overrides[name] = values[name] = found.from_url(raw)
            except ValueError as error:
                problems.append(f"The URL's value for {name!r} was ignored: {error}")
        return cls(story, variation, controls, values, overrides, problems)

    def code_args(self) -> dict[str, object]:
        """The keyword arguments as the story's code would pass them (no event loggers)."""
        kwargs = dict(self.story.variations[self.variation])
        for control in self.controls:
            if control.name in self.overrides and not control.positional:
                if control.kind is not ControlKind.EVENT:
                    kwargs[control.name] = self.overrides[control.name]
                elif not self.overrides[control.name]:
                    kwargs.pop(control.name, None)
        return kwargs

    def call(
        self, record: Callable[[LoggedEvent], None]
    ) -> tuple[dict[str, object], tuple[object, ...] | None]:
        """The keyword arguments and children to render with, handlers logged."""
        kwargs = dict(self.story.variations[self.variation])
        children: tuple[object, ...] | None = None
        for control in self.controls:
            name = control.name
            if control.positional:
                if name in self.overrides:
                    children = (self.overrides[name],)
            elif control.kind is ControlKind.EVENT:
                original = kwargs.get(name)
                if self.values.get(name):
                    handler = original if callable(original) else None
                    kwargs[name] = logging_handler(name, handler, record)
                elif name in self.overrides and not control.required:
                    kwargs[name] = None
            elif name in self.overrides:
                kwargs[name] = self.overrides[name]
        return kwargs, children
