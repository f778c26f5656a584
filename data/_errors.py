"""The errors ember.data raises.

Expected failures (an invalid changeset, a declared constraint, a stale update) are not
exceptions: they come back as a ``Result`` whose changeset carries the errors. The
exceptions below mean a programming or environment problem::

    DataError                      root of every ember.data error (rebased onto EmberError
    │                              by the integrator)
    ├── ConfigurationError         an ``EMBER_DATABASE_*`` setting does not validate
    ├── ChangesetError             a changeset was built or used the wrong way
    ├── ResultError                ``Result.value`` read on a failed result
    ├── NotFoundError              ``get_or_raise`` found no row (carries model and id)
    ├── ConstraintError            the database rejected a write for a constraint the
    │                              changeset did not declare
    ├── NamingConventionError      the MetaData has no usable naming convention
    ├── DatabaseUnavailableError   the database cannot be reached
    ├── QueryCountError            more queries ran than ``assert_max_queries`` allows
    └── MigrationError             an Alembic command cannot run as asked
"""

from __future__ import annotations

__all__ = [
    "ChangesetError",
    "ConfigurationError",
    "ConstraintError",
    "DataError",
    "DatabaseUnavailableError",
    "MigrationError",
    "NamingConventionError",
    "NotFoundError",
    "QueryCountError",
    "ResultError",
]


class DataError(Exception):
    """The root of every error raised by ember.data."""


class ConfigurationError(DataError):
    """A database setting does not validate; the message names the variable."""


class ChangesetError(DataError):
    """A changeset was built or used in a way that cannot work."""


class ResultError(DataError):
    """The value of a failed result was read."""


class NotFoundError(DataError):
    """A lookup that must find a row found none.

    A mounted view can turn this error into a 404 page: it carries the model and the id.
    """

    def __init__(self, model: type[object], id: object) -> None:
        self.model = model
        self.id = id
        what = f"matching {id!r}" if isinstance(id, dict) else f"with id {id!r}"
        super().__init__(
            f"Expected a {model.__name__} {what}, but there is none. "
            f"Use get() or get_by() instead of the *_or_raise variant if a missing row "
            f"is expected."
        )


class ConstraintError(DataError):
    """The database rejected a write for a constraint the changeset did not declare."""

    def __init__(self, message: str, constraint: str | None) -> None:
        self.constraint = constraint
        super().__init__(message)


class NamingConventionError(DataError):
    """The MetaData has no naming convention, so constraint names differ per database."""


class DatabaseUnavailableError(DataError):
    """The database cannot be reached (the message names the URL, password hidden)."""


class QueryCountError(DataError, AssertionError):
    """A block ran more SQL statements than it was allowed."""


class MigrationError(DataError):
    """An Alembic command cannot run as asked."""
