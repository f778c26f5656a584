"""Finding stories: every ``*_stories`` module of one or more packages."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Iterable
from types import ModuleType

from ._errors import StorybookError
from ._story import Story

__all__ = ["discover", "stories_of"]


def discover(packages: Iterable[str]) -> list[Story]:
    """Every story of every ``*_stories`` module in ``packages`` (searched recursively).

    A package (or module) that itself exposes ``stories`` counts too. Stories keep their
    module's order; modules are sorted by name. A story without a ``group`` gets one from
    its module's name (``form_stories`` → "Form").

    Raises:
        StorybookError: a package cannot be imported, a ``stories`` attribute is not a list
            of ``Story``, or two stories share an id.
    """
    found: list[Story] = []
    for name in packages:
        try:
            package = importlib.import_module(name)
        except ImportError as error:
            msg = f"Could not import the story package {name!r}: {error}. Is it installed?"
            raise StorybookError(msg) from error
        found.extend(stories_of(package))
        for module in _story_modules(package):
            found.extend(stories_of(module))
    seen: dict[str, Story] = {}
    for story in found:
        if story.id in seen:
            msg = (
                f"Two stories have the id {story.id!r}: {seen[story.id].name!r} in group "
                f"{seen[story.id].group!r} and {story.name!r} in group {story.group!r}. "
                "Story names must be unique in a storybook; rename one of them."
            )
            raise StorybookError(msg)
        seen[story.id] = story
    return found


def stories_of(module: ModuleType) -> list[Story]:
    """The stories a module exposes as ``stories``, each with a group.

    Raises:
        StorybookError: ``stories`` is not a list of ``Story``.
    """
    declared = getattr(module, "stories", None)
    if declared is None:
        return []
    if not isinstance(declared, list | tuple) or not all(isinstance(s, Story) for s in declared):
        msg = (
            f"Expected {module.__name__}.stories to be a list of ember.storybook.Story, "
            f"got {type(declared).__name__}."
        )
        raise StorybookError(msg)
    group = _group_name(module.__name__)
    return [s if s.group else dataclasses.replace(s, group=group) for s in declared]


def _story_modules(package: ModuleType) -> list[ModuleType]:
    path = getattr(package, "__path__", None)
    if path is None:
        return []
    names = sorted(
        info.name
        for info in pkgutil.walk_packages(path, prefix=f"{package.__name__}.")
        if info.name.rsplit(".", 1)[-1].endswith("_stories")
    )
    return [importlib.import_module(name) for name in names]


def _group_name(module: str) -> str:
    last = module.rsplit(".", 1)[-1].removesuffix("_stories").removesuffix("stories")
    return last.replace("_", " ").strip().capitalize() or "Stories"
