"""Turning a database IntegrityError into an error on the declaring changeset.

PostgreSQL (asyncpg) names the violated constraint (``e.orig.__cause__.constraint_name``).
SQLite names only ``table.columns`` for unique violations, the constraint for checks, and
nothing for foreign keys; those are resolved through the MetaData and the changeset's
declarations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Dialect, MetaData
from sqlalchemy.exc import IntegrityError

from ._changeset import Changeset
from ._constraint_decl import unique_names
from ._errors import ConstraintError

__all__ = ["Violation", "apply_violation", "violation_of"]

T = TypeVar("T")

_SQLSTATE_KINDS = {
    "23505": "unique",
    "23503": "foreign_key",
    "23514": "check",
    "23502": "not_null",
    "23P01": "exclusion",
}
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")
# A unique index on an expression (e.g. lower(email)) is reported by its name.
_SQLITE_UNIQUE_INDEX = re.compile(r"UNIQUE constraint failed: index '([^']+)'")
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (\w+)")
_SQLITE_NOT_NULL = re.compile(r"NOT NULL constraint failed: (.+)$")
_KIND_GROUPS = {"foreign_key": ("foreign_key", "assoc", "no_assoc")}


@dataclass(frozen=True)
class Violation:
    """Which kind of constraint was violated, and its name when known."""

    kind: str
    name: str | None
    detail: str


def _sqlite_unique(metadata: MetaData, spec: str) -> str | None:
    pairs = [part.strip().split(".", 1) for part in spec.split(",")]
    tables = {table for table, _ in pairs}
    if len(tables) != 1:
        return None
    table = metadata.tables.get(tables.pop())
    if table is None:
        return None
    columns = tuple(column for _, column in pairs)
    for name, cols in unique_names(table):
        if cols == columns:
            return name
    return None


def _full_name(metadata: MetaData, dialect: Dialect, reported: str) -> str:
    """The MetaData's name for a constraint the database reports under ``reported``.

    Convention names longer than the database allows (63 bytes on PostgreSQL) are
    shortened by SQLAlchemy with a hash suffix; map them back to the full name.
    """
    preparer = dialect.identifier_preparer
    for table in metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(
                constraint.name, str
            ) and reported == preparer.truncate_and_render_constraint_name(
                constraint.name, _alembic_quote=False
            ):
                return str(constraint.name)
        for index in table.indexes:
            if isinstance(index.name, str) and reported == preparer.truncate_and_render_index_name(
                index.name, _alembic_quote=False
            ):
                return str(index.name)
    return reported


def violation_of(exc: IntegrityError, metadata: MetaData, dialect: Dialect) -> Violation:
    """Classify an IntegrityError from PostgreSQL (asyncpg) or SQLite."""
    orig = exc.orig
    cause = getattr(orig, "__cause__", None)
    sqlstate = getattr(cause, "sqlstate", None) or getattr(orig, "sqlstate", None)
    detail = str(orig)
    if isinstance(sqlstate, str) and sqlstate in _SQLSTATE_KINDS:
        name = getattr(cause, "constraint_name", None)
        if isinstance(name, str):
            name = _full_name(metadata, dialect, name)
        return Violation(_SQLSTATE_KINDS[sqlstate], name, detail)
    if match := _SQLITE_UNIQUE_INDEX.search(detail):
        return Violation("unique", match.group(1), detail)
    if match := _SQLITE_UNIQUE.search(detail):
        return Violation("unique", _sqlite_unique(metadata, match.group(1)), detail)
    if match := _SQLITE_CHECK.search(detail):
        return Violation("check", match.group(1), detail)
    if _SQLITE_NOT_NULL.search(detail):
        return Violation("not_null", None, detail)
    if "FOREIGN KEY constraint failed" in detail:
        return Violation("foreign_key", None, detail)
    return Violation("unknown", None, detail)


def apply_violation(cs: Changeset[T], violation: Violation, operation: str) -> Changeset[T]:
    """The changeset with the error its declaration asks for; raise if none matches.

    Raises:
        ConstraintError: the changeset does not declare the violated constraint.
    """
    kinds = _KIND_GROUPS.get(violation.kind, (violation.kind,))
    candidates = [c for c in cs.constraints if c.kind in kinds]
    if violation.name is not None:
        candidates = [c for c in candidates if c.constraint == violation.name]
    elif violation.kind == "foreign_key":
        # SQLite does not say which foreign key failed: prefer one on a written field.
        wanted = ("no_assoc",) if operation == "delete" else ("foreign_key", "assoc")
        candidates = [c for c in candidates if c.kind in wanted]
        written = [c for c in candidates if _writes_field(cs, c.field)]
        candidates = written or candidates
    else:
        candidates = []
    if candidates:
        found = candidates[0]
        return cs.add_error(
            found.field,
            found.message,
            constraint=found.kind,
            constraint_name=found.constraint,
        )
    raise ConstraintError(_undeclared_message(cs, violation, operation), violation.name)


def _writes_field(cs: Changeset[T], field: str) -> bool:
    """Whether the write sets ``field``, or the columns behind relationship ``field``."""
    if field in cs.changes:
        return True
    mapper = cs._schema.mapper
    if mapper is None or field not in mapper.relationships:
        return False
    return any(
        mapper.get_property_by_column(c).key in cs.changes
        for c in mapper.relationships[field].local_columns
    )


def _undeclared_message(cs: Changeset[T], violation: Violation, operation: str) -> str:
    model = type(cs.data).__name__
    what = f"{violation.kind.replace('_', ' ')} constraint"
    named = f"{what} {violation.name!r}" if violation.name else f"a {what}"
    if violation.kind == "not_null":
        return (
            f"The database rejected the {operation} of {model} because a NOT NULL column got "
            f"no value ({violation.detail}). Add the field to validate_required so the form "
            f"reports it, or give the column a default."
        )
    how = {
        "unique": ".unique_constraint('<field>')",
        "foreign_key": (
            ".no_assoc_constraint('<relationship>')"
            if operation == "delete"
            else ".foreign_key_constraint('<field>')"
        ),
        "check": f".check_constraint('<field>', constraint={violation.name!r})",
    }.get(violation.kind, "the matching *_constraint method")
    return (
        f"The database rejected the {operation} of {model} because of {named}, which the "
        f"changeset does not declare ({violation.detail}). Declare it on the changeset with "
        f"{how} to turn it into a field error."
    )
