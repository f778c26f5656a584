"""ember.data: changesets, validators, constraint mapping and a Repo over SQLAlchemy 2 async."""

from __future__ import annotations

from ._changeset import Action as Action
from ._changeset import Changeset as Changeset
from ._changeset import FieldError as FieldError
from ._constraint_decl import Constraint as Constraint
from ._embedded import Embedded as Embedded
from ._errors import ChangesetError as ChangesetError
from ._errors import ConstraintError as ConstraintError
from ._errors import DatabaseUnavailableError as DatabaseUnavailableError
from ._errors import DataError as DataError
from ._errors import LazyLoadError as LazyLoadError
from ._errors import MigrationError as MigrationError
from ._errors import NamingConventionError as NamingConventionError
from ._errors import NotFoundError as NotFoundError
from ._errors import QueryCountError as QueryCountError
from ._errors import ResultError as ResultError
from ._metadata import NAMING_CONVENTION as NAMING_CONVENTION
from ._metadata import check_naming_convention as check_naming_convention
from ._result import Result as Result

__all__ = [
    "NAMING_CONVENTION",
    "Action",
    "Changeset",
    "ChangesetError",
    "Constraint",
    "ConstraintError",
    "DataError",
    "DatabaseUnavailableError",
    "Embedded",
    "FieldError",
    "LazyLoadError",
    "MigrationError",
    "NamingConventionError",
    "NotFoundError",
    "QueryCountError",
    "Result",
    "ResultError",
    "check_naming_convention",
]
