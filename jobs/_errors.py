"""The errors ember.jobs raises.

Every error derives from :class:`JobsError`, so ``except JobsError`` catches them all::

    JobsError
    ├── ConfigurationError    the database URL or an option cannot be used
    ├── TaskError             a task is declared wrongly (duplicate name, bad option)
    └── NotStartedError       jobs are enqueued or run before ``start()``
"""

from __future__ import annotations

__all__ = ["ConfigurationError", "JobsError", "NotStartedError", "TaskError"]


class JobsError(Exception):
    """The root of every error raised by ember.jobs."""


class ConfigurationError(JobsError):
    """The database URL or an option cannot be used."""


class TaskError(JobsError):
    """A task is declared wrongly: a duplicate name or an option out of range."""


class NotStartedError(JobsError):
    """Jobs are enqueued, cancelled or run before ``Jobs.start()`` or after ``stop()``."""
