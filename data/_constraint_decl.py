"""Constraint declarations on changesets, resolved against the model's MetaData.

Declaring ``unique_constraint("email")`` looks up the unique constraint (or unique index)
on exactly that column, so a typo fails when the changeset is built, not when a user
submits a duplicate.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Table, UniqueConstraint

from ._errors import ChangesetError
from ._fields import Schema

if TYPE_CHECKING:
    from ._changeset import Changeset

T = TypeVar("T")

__all__ = [
    "Constraint",
    "assoc_constraint",
    "check_constraint",
    "declare_constraint",
    "foreign_key_constraint",
    "no_assoc_constraint",
    "table_of",
    "unique_constraint",
    "unique_names",
]


@dataclass(frozen=True)
class Constraint:
    """A database constraint whose violation becomes an error on ``field``."""

    kind: str
    constraint: str
    field: str
    message: str


def table_of(schema: Schema) -> Table:
    """The table a schema's class is mapped to."""
    table = schema.mapper.local_table if schema.mapper is not None else None
    if not isinstance(table, Table):
        raise ChangesetError(
            f"Expected {schema.owner.__name__} to be mapped to a table, but it is not. "
            f"Constraints can only be declared on changesets of SQLAlchemy mapped classes."
        )
    return table


def unique_names(table: Table) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Names and column names of the table's unique constraints and unique indexes."""
    for c in table.constraints:
        if isinstance(c, UniqueConstraint) and c.name:
            yield str(c.name), tuple(col.name for col in c.columns)
    for index in table.indexes:
        if index.unique and index.name:
            yield str(index.name), tuple(col.name for col in index.columns)


def _default_name(schema: Schema, kind: str, field: str) -> str:
    table = table_of(schema)
    column = table.columns.get(field)
    columns = (column.name,) if column is not None else (field,)
    if kind == "unique":
        names = [name for name, cols in unique_names(table) if cols == columns]
        hint = "unique=True on the column or a UniqueConstraint"
    elif kind == "foreign_key":
        names = [
            str(c.name)
            for c in table.constraints
            if isinstance(c, ForeignKeyConstraint) and tuple(c.column_keys) == columns and c.name
        ]
        hint = "a ForeignKey on the column"
    elif kind == "assoc" and schema.mapper is not None and field in schema.mapper.relationships:
        local = {c.name for c in schema.mapper.relationships[field].local_columns}
        names = [
            str(c.name)
            for c in table.constraints
            if isinstance(c, ForeignKeyConstraint) and set(c.column_keys) == local and c.name
        ]
        hint = "a ForeignKey behind the relationship"
    elif kind == "no_assoc" and schema.mapper is not None and field in schema.mapper.relationships:
        rel = schema.mapper.relationships[field]
        names = [
            str(fk.name)
            for fk in rel.target.foreign_key_constraints
            if fk.referred_table is table and fk.name
        ]
        hint = "a ForeignKey on the associated table"
    else:
        names = []
        hint = "the constraint"
    if len(names) == 1:
        return names[0]
    found = "none" if not names else ", ".join(names)
    raise ChangesetError(
        f"Expected one {kind.replace('_', ' ')} constraint on {table.name}.{field} in the "
        f"MetaData, but found {found}. Declare {hint} on the model, or pass the name "
        f"explicitly: .{kind}_constraint({field!r}, constraint='...')."
    )


def declare_constraint(
    schema: Schema, kind: str, field: str, constraint: str | None, message: str
) -> Constraint:
    """A declaration, with the constraint name looked up when not given."""
    if kind == "check" and constraint is not None:
        table = table_of(schema)
        names = {str(c.name) for c in table.constraints if isinstance(c, CheckConstraint)}
        if constraint not in names:
            raise ChangesetError(
                f"Expected a check constraint named {constraint!r} on {table.name}, but the "
                f"MetaData has {sorted(names) or 'none'}. Use the full name the naming "
                f"convention gives (e.g. 'ck_{table.name}_<name>')."
            )
    name = constraint if constraint is not None else _default_name(schema, kind, field)
    return Constraint(kind, name, field, message)


def _declare(
    cs: Changeset[T], kind: str, name: str, constraint: str | None, message: str
) -> Changeset[T]:
    declared = declare_constraint(cs._schema, kind, name, constraint, message)
    return dataclasses.replace(cs, constraints=(*cs.constraints, declared))


def unique_constraint(
    self: Changeset[T],
    name: str,
    *,
    constraint: str | None = None,
    message: str = "has already been taken",
) -> Changeset[T]:
    """Turn a violation of the unique constraint (or index) on ``name`` into an error on it."""
    return _declare(self, "unique", name, constraint, message)


def foreign_key_constraint(
    self: Changeset[T], name: str, *, constraint: str | None = None, message: str = "does not exist"
) -> Changeset[T]:
    """Turn a violation of the foreign key on column ``name`` into an error on it."""
    return _declare(self, "foreign_key", name, constraint, message)


def assoc_constraint(
    self: Changeset[T], name: str, *, constraint: str | None = None, message: str = "does not exist"
) -> Changeset[T]:
    """Like foreign_key_constraint, named by the many-to-one relationship (``"user"``)."""
    return _declare(self, "assoc", name, constraint, message)


def no_assoc_constraint(
    self: Changeset[T],
    name: str,
    *,
    constraint: str | None = None,
    message: str = "are still associated",
) -> Changeset[T]:
    """On delete, turn "rows in relationship ``name`` still point here" into an error on it."""
    return _declare(self, "no_assoc", name, constraint, message)


def check_constraint(
    self: Changeset[T], name: str, *, constraint: str, message: str = "is invalid"
) -> Changeset[T]:
    """Turn a violation of the named check constraint into an error on ``name``."""
    return _declare(self, "check", name, constraint, message)
