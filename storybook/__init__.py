"""ember.storybook: browse, edit and test a project's components through their stories.

A module named ``*_stories.py`` declares :class:`Story` objects (a component and named
variations of its keyword arguments); :class:`Storybook` serves them as a live ember view
with a searchable sidebar, a canvas, controls built from the component's typed signature,
an event log, docs and source. :func:`check_story` renders one variation and checks its
HTML, and the pytest plugin turns every variation into a test. See docs/storybook.md.
"""

from __future__ import annotations

from ._asgi import Storybook as Storybook
from ._checks import StoryCase as StoryCase
from ._checks import check_html as check_html
from ._checks import check_story as check_story
from ._checks import story_cases as story_cases
from ._controls import Control as Control
from ._controls import ControlKind as ControlKind
from ._controls import controls_for as controls_for
from ._discovery import discover as discover
from ._errors import StorybookError as StorybookError
from ._errors import StoryCheckError as StoryCheckError
from ._story import Story as Story
from ._story import render as render

__all__ = [
    "Control",
    "ControlKind",
    "Story",
    "StoryCase",
    "StoryCheckError",
    "Storybook",
    "StorybookError",
    "check_html",
    "check_story",
    "controls_for",
    "discover",
    "render",
    "story_cases",
]
