"""ember.data's public names are pinned: a change here is a change to the public API."""

from __future__ import annotations

import ember.data

EXPECTED = [
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


def test_all_is_pinned_and_sorted() -> None:
    assert ember.data.__all__ == EXPECTED
    assert ember.data.__all__ == sorted(ember.data.__all__, key=lambda n: (not n.isupper(), n))


def test_every_exported_name_exists_and_is_documented() -> None:
    for name in ember.data.__all__:
        value = getattr(ember.data, name)
        if callable(value):
            assert value.__doc__, f"{name} has no docstring"
