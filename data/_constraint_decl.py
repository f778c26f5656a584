"""Constraint declarations on changesets, resolved against the model's MetaData.

Declaring ``unique_constraint("email")`` looks up the unique constraint (or unique index)
on exactly that column, so a typo fails when the changeset is built, not when a user
submits a duplicate. A constraint the MetaData leaves unnamed (no naming convention) is
declared by its columns; the database's own name for it is then not needed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Table, UniqueConstraint
from sqlalchemy.orm import RelationshipProperty

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
    """A database constraint whose violation becomes an error on ``field``.

    ``constraint`` is its name ("" when the MetaData leaves it unnamed, so the database
    picks one); ``columns`` (and ``table``) identify it when the database's name is not
    known in advance: a violation matches by name, or else by table and columns.
    """

    kind: str
    constraint: str
    field: str
    message: str
    columns: tuple[str, ...] = ()
    table: str = ""


def table_of(schema: Schema) -> Table:
    """The table a schema's class is mapped to."""
    table = schema.mapper.local_table if schema.mapper is not None else None
    if not isinstance(table, Table):
        raise ChangesetError(
            f"Expected {schema.owner.__name__} to be mapped to a table, but it is not. "
            f"Constraints can only be declared on changesets of SQLAlchemy mapped classes."
        )
    return table


def _name(item: object) -> str:
    name = getattr(item, "name", None)
    return str(name) if isinstance(name, str) else ""


def unique_names(table: Table) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Names ("" if unnamed) and columns of the table's unique constraints and indexes."""
    for c in table.constraints:
        if isinstance(c, UniqueConstraint):
            yield _name(c), tuple(col.name for col in c.columns)
    for index in table.indexes:
        if index.unique:
            yield _name(index), tuple(col.name for col in index.columns)


Found = tuple[str, tuple[str, ...], str]  # name, columns, table of the constraint


def _foreign_keys(table: Table, columns: set[str]) -> list[Found]:
    return [
        (_name(c), tuple(c.column_keys), table.name)
        for c in table.constraints
        if isinstance(c, ForeignKeyConstraint) and set(c.column_keys) == columns
    ]


def _candidates(schema: Schema, kind: str, field: str) -> tuple[list[Found], str]:
    table = table_of(schema)
    column = table.columns.get(field)
    columns: tuple[str, ...] = (column.name,) if column is not None else (field,)
    rels: Mapping[str, RelationshipProperty[Any]] = (
        dict(schema.mapper.relationships.items()) if schema.mapper is not None else {}
    )
    if kind == "unique":
        found = [(n, cols, table.name) for n, cols in unique_names(table) if cols == columns]
        return found, "unique=True on the column or a UniqueConstraint"
    if kind == "foreign_key":
        return _foreign_keys(table, set(columns)), "a ForeignKey on the column"
    if kind == "assoc" and field in rels:
        local = {c.name for c in rels[field].local_columns}
        return _foreign_keys(table, local), "a ForeignKey behind the relationship"
    if kind == "no_assoc" and field in rels:
        rel = rels[field]
        target = rel.target
        assert isinstance(target, Table)  # noqa: S101 - relationships map tables
        found = [
            (_name(fk), tuple(e.column.name for e in fk.elements), target.name)
            for fk in target.foreign_key_constraints
            if fk.referred_table is table
        ]
        return found, "a ForeignKey on the associated table"
    return [], "the constraint"


def declare_constraint(
    schema: Schema, kind: str, field: str, constraint: str | None, message: str
) -> Constraint:
    """A declaration, with the constraint's name and columns looked up when not given."""
    table = table_of(schema)
    if kind == "check" and constraint is not None:
        checks = [c for c in table.constraints if isinstance(c, CheckConstraint)]
        names = {_name(c) for c in checks}
        # An unnamed check is named by the database, so any name may be the right one.
        if constraint not in names and "" not in names:
            raise ChangesetError(
                f"Expected a check constraint named {constraint!r} on {table.name}, but the "
                f"MetaData has {sorted(names) or 'none'}. Use the full name the naming "
                f"convention gives (e.g. 'ck_{table.name}_<name>')."
            )
        return Constraint(kind, constraint, field, message, (), table.name)
    found, hint = _candidates(schema, kind, field)
    if constraint is not None:
        named = [f for f in found if f[0] == constraint]
        if named:
            return Constraint(kind, constraint, field, message, named[0][1], named[0][2])
        return Constraint(kind, constraint, field, message, (), table.name)
    if len(found) == 1:
        name, columns, owner = found[0]
        return Constraint(kind, name, field, message, columns, owner)
    listed = ", ".join(n or "an unnamed one" for n, _, _ in found) or "none"
    raise ChangesetError(
        f"Expected one {kind.replace('_', ' ')} constraint on {table.name}.{field} in the "
        f"MetaData, but found {listed}. Declare {hint} on the model, or pass the name "
        f"explicitly: .{kind}_constraint({field!r}, constraint='...')."
    )


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
