"""The MetaData naming convention ember.data requires, and the start-up check for it.

Constraint names must be the same on SQLite and PostgreSQL, because a database error is
mapped back to a changeset field by name. A naming convention makes them so.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import CheckConstraint, MetaData

from ._errors import NamingConventionError

__all__ = ["NAMING_CONVENTION", "check_naming_convention"]

NAMING_CONVENTION: Mapping[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_REQUIRED = ("ix", "uq", "ck", "fk", "pk")


def check_naming_convention(metadata: MetaData) -> None:
    """Raise NamingConventionError unless ``metadata`` names every kind of constraint.

    Raises:
        NamingConventionError: a key is missing, or a check constraint has no name.
    """
    convention = metadata.naming_convention
    missing = [key for key in _REQUIRED if key not in convention]
    if missing:
        raise NamingConventionError(
            f"Expected the MetaData to have a naming convention for {', '.join(_REQUIRED)}, "
            f"but it lacks {', '.join(missing)}. Create it with "
            f"MetaData(naming_convention=ember.data.NAMING_CONVENTION) so constraint names "
            f"are the same on SQLite and PostgreSQL."
        )
    for table in metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint) and not constraint.name:
                raise NamingConventionError(
                    f"Expected every check constraint to have a name, but one on "
                    f"{table.name} ({constraint.sqltext}) has none. Pass name='...' to "
                    f"CheckConstraint so a violation can be mapped to a field."
                )
