"""ember.data: changesets, validators, constraint mapping and a Repo over SQLAlchemy 2 async."""

from __future__ import annotations

from ._changeset import Action as Action
from ._changeset import Changeset as Changeset
from ._changeset import FieldError as FieldError
from ._constraint_decl import Constraint as Constraint
from ._embedded import Embedded as Embedded
from ._errors import ChangesetError as ChangesetError
from ._errors import ConfigurationError as ConfigurationError
from ._errors import ConstraintError as ConstraintError
from ._errors import DatabaseUnavailableError as DatabaseUnavailableError
from ._errors import DataError as DataError
from ._errors import MigrationError as MigrationError
from ._errors import NamingConventionError as NamingConventionError
from ._errors import NotFoundError as NotFoundError
from ._errors import QueryCountError as QueryCountError
from ._errors import ResultError as ResultError
from ._metadata import NAMING_CONVENTION as NAMING_CONVENTION
from ._metadata import check_naming_convention as check_naming_convention
from ._migrations import downgrade_database as downgrade_database
from ._migrations import init_migrations as init_migrations
from ._migrations import load_metadata as load_metadata
from ._migrations import make_migration as make_migration
from ._migrations import upgrade_database as upgrade_database
from ._multi import Multi as Multi
from ._multi import MultiResult as MultiResult
from ._preload import preload_options as preload_options
from ._querycount import QueryCounter as QueryCounter
from ._querycount import assert_max_queries as assert_max_queries
from ._querycount import count_queries as count_queries
from ._repo import Repo as Repo
from ._result import Result as Result
from ._settings import DatabaseSettings as DatabaseSettings
from ._settings import load_database_settings as load_database_settings
from ._settings import make_engine as make_engine

__all__ = [
    "NAMING_CONVENTION",
    "Action",
    "Changeset",
    "ChangesetError",
    "ConfigurationError",
    "Constraint",
    "ConstraintError",
    "DataError",
    "DatabaseSettings",
    "DatabaseUnavailableError",
    "Embedded",
    "FieldError",
    "MigrationError",
    "Multi",
    "MultiResult",
    "NamingConventionError",
    "NotFoundError",
    "QueryCountError",
    "QueryCounter",
    "Repo",
    "Result",
    "ResultError",
    "assert_max_queries",
    "check_naming_convention",
    "count_queries",
    "downgrade_database",
    "init_migrations",
    "load_database_settings",
    "load_metadata",
    "make_engine",
    "make_migration",
    "preload_options",
    "upgrade_database",
]
