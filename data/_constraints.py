"""Turning a database error on a write into an error on the changeset that made it.

PostgreSQL (asyncpg) names the violated constraint (``e.orig.__cause__.constraint_name``)
and its columns (``Key (email)=(...)``). SQLite names only ``table.columns`` for unique
violations (or the index, for an expression index), the constraint for checks, and
nothing for foreign keys; those are resolved through the MetaData and the changeset's
declarations. A declaration matches by name, or else by table and columns, so
constraints the MetaData leaves unnamed (no naming convention) are matched too.

A violation the changeset does not declare, and a value the database refuses
(``DataError``: too long, out of range), still become a field error on the failed
result, never an exception: a session survives them. Each is logged as a
warning saying how to declare the constraint or validate the field.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Dialect, MetaData, Table
from sqlalchemy.exc import DataError, DBAPIError

from ._changeset import Changeset
from ._constraint_decl import Constraint, unique_names

__all__ = [
    "Violation",
    "apply_data_error",
    "apply_violation",
    "refused_value",
    "violation_of",
]

T = TypeVar("T")

logger = logging.getLogger("ember.data")

_SQLSTATE_KINDS = {
    "23505": "unique",
    "23503": "foreign_key",
    "23514": "check",
    "23502": "not_null",
    "23P01": "exclusion",
}
_SQLITE_UNIQUE_INDEX = re.compile(r"UNIQUE constraint failed: index '([^']+)'")
_SQLITE_COLUMNS = re.compile(r"(UNIQUE|NOT NULL) constraint failed: (.+)$", re.MULTILINE)
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (.+)$", re.MULTILINE)
_PG_KEY = re.compile(r"Key \((.+?)\)=\(")
_PG_REFERENCED = re.compile(r'referenced from table "([^"]+)"')
_KIND_GROUPS = {"foreign_key": ("foreign_key", "assoc", "no_assoc")}
_MESSAGES = {
    "unique": "has already been taken",
    "foreign_key": "does not exist",
    "no_assoc": "are still associated",
    "not_null": "can't be blank",
}


@dataclass(frozen=True)
class Violation:
    """Which kind of constraint was violated, its name and columns when known."""

    kind: str
    name: str | None
    detail: str
    table: str | None = None
    columns: tuple[str, ...] = ()


def _sqlite_columns(spec: str) -> tuple[str | None, tuple[str, ...]]:
    pairs = [part.strip().partition(".") for part in spec.split(",")]
    tables = {table for table, dot, _ in pairs if dot}
    if len(tables) != 1 or not all(dot for _, dot, _ in pairs):
        return None, ()
    return tables.pop(), tuple(column for _, _, column in pairs)


def _sqlite_unique_name(metadata: MetaData, table: str | None, columns: tuple[str, ...]) -> str:
    found = metadata.tables.get(table or "")
    if found is None:
        return ""
    return next((name for name, cols in unique_names(found) if cols == columns), "")


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


def _postgres(cause: object, kind: str, metadata: MetaData, dialect: Dialect) -> Violation:
    name = getattr(cause, "constraint_name", None)
    if isinstance(name, str):
        name = _full_name(metadata, dialect, name)
    detail = str(getattr(cause, "detail", None) or "")
    table = getattr(cause, "table_name", None)
    columns: tuple[str, ...] = ()
    if match := _PG_KEY.search(detail):
        columns = tuple(c.strip() for c in match.group(1).split(","))
    if kind == "not_null" and isinstance(getattr(cause, "column_name", None), str):
        columns = (str(cause.column_name),)  # type: ignore[attr-defined]
    if kind == "foreign_key" and (match := _PG_REFERENCED.search(detail)):
        table = match.group(1)  # a delete: the table still pointing here
    text = f"{cause} {detail}".strip()
    return Violation(kind, name, text, table if isinstance(table, str) else None, columns)


def violation_of(exc: DBAPIError, metadata: MetaData, dialect: Dialect) -> Violation:
    """Classify an IntegrityError from PostgreSQL (asyncpg) or SQLite."""
    orig = exc.orig
    cause = getattr(orig, "__cause__", None)
    sqlstate = getattr(cause, "sqlstate", None) or getattr(orig, "sqlstate", None)
    detail = str(orig)
    if isinstance(sqlstate, str) and sqlstate in _SQLSTATE_KINDS:
        return _postgres(cause or orig, _SQLSTATE_KINDS[sqlstate], metadata, dialect)
    if match := _SQLITE_UNIQUE_INDEX.search(detail):
        return Violation("unique", match.group(1), detail)
    if match := _SQLITE_COLUMNS.search(detail):
        table, columns = _sqlite_columns(match.group(2))
        if match.group(1) == "NOT NULL":
            return Violation("not_null", None, detail, table, columns)
        name = _sqlite_unique_name(metadata, table, columns)
        return Violation("unique", name or None, detail, table, columns)
    if match := _SQLITE_CHECK.search(detail):
        return Violation("check", match.group(1).strip(), detail)
    if "FOREIGN KEY constraint failed" in detail:
        return Violation("foreign_key", None, detail)
    return Violation("unknown", None, detail)


def _table_name(cs: Changeset[T]) -> str:
    mapper = cs._schema.mapper
    table = mapper.local_table if mapper is not None else None
    return table.name if isinstance(table, Table) else ""


def _matches(c: Constraint, violation: Violation, table: str) -> bool:
    if violation.name is not None and c.constraint == violation.name:
        return True
    if not c.columns or c.columns != violation.columns:
        return False
    return (violation.table or table) == (c.table or table)


def apply_violation(cs: Changeset[T], violation: Violation, operation: str) -> Changeset[T]:
    """The changeset with the error its declaration asks for.

    A violation no declaration matches becomes an error too (on the field behind the
    violated columns when known), and is logged with how to declare it.
    """
    kinds = _KIND_GROUPS.get(violation.kind, (violation.kind,))
    candidates = [c for c in cs.constraints if c.kind in kinds]
    if violation.name is not None or violation.columns:
        table = _table_name(cs)
        candidates = [c for c in candidates if _matches(c, violation, table)]
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
            constraint_name=found.constraint or violation.name,
        )
    _log(_undeclared_message(cs, violation, operation))
    kind = "no_assoc" if violation.kind == "foreign_key" and operation == "delete" else None
    return cs.add_error(
        _field_of(cs, violation, operation),
        _MESSAGES.get(kind or violation.kind, "is invalid"),
        constraint=kind or violation.kind,
        constraint_name=violation.name,
        declared=False,
    )


def _log(message: str) -> None:
    logger.warning("%s", message)


def _column_field(cs: Changeset[T], column: str) -> str | None:
    mapper = cs._schema.mapper
    if mapper is None:
        return column if column in cs._schema.fields else None
    for attr in mapper.column_attrs:
        if attr.columns[0].name == column:
            return attr.key
    return None


def _field_of(cs: Changeset[T], violation: Violation, operation: str) -> str:
    """The field an undeclared violation is reported on: the violated column's, if known."""
    mapper = cs._schema.mapper
    if operation == "delete" and mapper is not None:
        rels = [r for r in mapper.relationships if r.secondary is None]
        named = [r for r in rels if getattr(r.target, "name", None) == violation.table]
        one_to_many = [r for r in rels if r.direction.name == "ONETOMANY"]
        for rel in named or one_to_many:
            return rel.key
    for column in violation.columns:
        if (field := _column_field(cs, column)) is not None:
            return field
    if violation.kind == "foreign_key" and mapper is not None:
        for attr in mapper.column_attrs:
            if attr.columns[0].foreign_keys and attr.key in cs.changes:
                return attr.key
    changed = [name for name in cs.changes if name in cs._schema.fields]
    return changed[0] if changed else next(iter(cs._schema.fields))


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


_TOO_LONG = re.compile(r"character(?: varying)?\((\d+)\)")
_ARGUMENT = re.compile(r"query argument \$\d+: (.+?) \(")


def refused_value(exc: DBAPIError) -> bool:
    """Whether the database refused a value (SQLSTATE class 22: too long, out of range)."""
    if isinstance(exc, DataError):
        return True
    cause = getattr(exc.orig, "__cause__", None)
    sqlstate = getattr(cause, "sqlstate", None) or getattr(exc.orig, "sqlstate", None)
    return isinstance(sqlstate, str) and sqlstate.startswith("22")


def apply_data_error(cs: Changeset[T], exc: DBAPIError, operation: str) -> Changeset[T]:
    """A value the database refused (too long, out of range): an error on its field."""
    detail = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
    _log(
        f"The database refused a value in the {operation} of {type(cs.data).__name__} "
        f"({detail}); it is reported on the changeset. Validate the field (validate_length, "
        f"validate_number) or fix the column type so the form explains it.",
    )
    values = {n: v for n, v in cs.changes.items() if n in cs._schema.fields}
    if match := _TOO_LONG.search(detail):
        limit = int(match.group(1))
        for name, value in values.items():
            if isinstance(value, str) and len(value) > limit:
                return cs.add_error(
                    name,
                    "should be at most {count} character(s)",
                    validation="length",
                    kind="max",
                    count=limit,
                    type="string",
                    database=True,
                )
    field = next(iter(values), None) or next(iter(cs._schema.fields))
    if match := _ARGUMENT.search(detail):
        field = next((n for n, v in values.items() if repr(v) == match.group(1)), field)
    return cs.add_error(field, "is invalid", validation="database", detail=detail)


def _undeclared_message(cs: Changeset[T], violation: Violation, operation: str) -> str:
    model = type(cs.data).__name__
    what = f"{violation.kind.replace('_', ' ')} constraint"
    named = f"{what} {violation.name!r}" if violation.name else f"a {what}"
    if violation.kind == "not_null":
        return (
            f"The database rejected the {operation} of {model} because a NOT NULL column got "
            f"no value ({violation.detail}); the changeset reports it as an error. Add the "
            f"field to validate_required so the form explains it, or give the column a "
            f"default."
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
        f"changeset does not declare ({violation.detail}); it is reported as an error on "
        f"the changeset. Declare it with {how} to choose the field and the message."
    )
