"""The storybook's errors.

::

    EmberError (ember.live)
    └── StorybookError      a story package or a story cannot be used
        └── StoryCheckError a story failed its render, escaping or accessibility check
"""

from __future__ import annotations

from ember.live import EmberError

__all__ = ["StoryCheckError", "StorybookError"]


class StorybookError(EmberError):
    """A story package or a story cannot be used as declared."""


class StoryCheckError(StorybookError, AssertionError):
    """A story variation failed to render, or its HTML failed a check."""
