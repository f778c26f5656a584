"""The SQL of changeset writes: one INSERT/UPDATE/DELETE per record, nested ones after.

Every statement is an ORM-enabled statement with RETURNING, so the record handed back is
what the database stored (defaults and all) and is bound to the session's identity map.
A failure raises ``Failed`` carrying the whole changeset tree with the error placed on
the changeset (parent or nested child) whose statement failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from sqlalchemy import ColumnElement, Table, delete, insert, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.interfaces import RelationshipDirection

from ._changeset import Action, Changeset
from ._constraints import apply_data_error, apply_violation, refused_value, violation_of
from ._errors import ChangesetError
from ._fields import FieldKind
from ._nested import applied

__all__ = ["Failed", "check_writable", "delete_row", "insert_row", "update_row"]

T = TypeVar("T")


class Failed(Exception):
    """A write failed in an expected way; ``changeset`` carries the error."""

    def __init__(self, changeset: Changeset[object]) -> None:
        super().__init__("write failed")
        self.changeset = changeset


def _mapper(cs: Changeset[T]) -> Mapper[object]:
    mapper = cs._schema.mapper
    assert mapper is not None  # noqa: S101 - the repo checked the data is mapped
    return mapper


def _table(mapper: Mapper[object]) -> Table:
    table = mapper.local_table
    assert isinstance(table, Table)  # noqa: S101 - single-table mapped classes only
    return table


def _column_changes(cs: Changeset[T], mapper: Mapper[object]) -> dict[str, object]:
    keys = {attr.key for attr in mapper.column_attrs}
    return {k: applied(v) for k, v in cs.changes.items() if k in keys}


def _where(cs: Changeset[T], mapper: Mapper[object]) -> list[ColumnElement[bool]]:
    key = mapper.primary_key_from_instance(cs.data)
    where = [column == value for column, value in zip(mapper.primary_key, key, strict=True)]
    if cs.lock is not None:
        name, expected = cs.lock
        where.append(getattr(mapper.class_, name) == expected)
    return where


def _stale(cs: Changeset[T], mapper: Mapper[object]) -> Failed:
    field = cs.lock[0] if cs.lock else mapper.get_property_by_column(mapper.primary_key[0]).key
    return Failed(cs.add_error(field, "is stale", validation="stale", stale=True))  # type: ignore[arg-type]


def _refused(
    session: AsyncSession,
    cs: Changeset[T],
    mapper: Mapper[object],
    exc: DBAPIError,
    op: str,
) -> Failed:
    if not isinstance(exc, IntegrityError):
        return Failed(apply_data_error(cs, exc, op))  # type: ignore[arg-type]
    violation = violation_of(exc, _table(mapper).metadata, session.get_bind().dialect)
    return Failed(apply_violation(cs, violation, op))  # type: ignore[arg-type]


def _check_columns(cs: Changeset[T], values: Mapping[str, object]) -> None:
    """Refuse, before the statement, values the columns cannot store (too long, too big)."""
    failed = cs
    for name, value in values.items():
        spec = cs._schema.fields.get(name)
        problem = spec.column_error(value) if spec is not None else None
        if problem is not None:
            failed = failed.add_error(name, problem.message, **problem.meta)
    if failed is not cs:
        raise Failed(failed)  # type: ignore[arg-type]


async def insert_row(
    session: AsyncSession, cs: Changeset[T], extra: Mapping[str, object] | None = None
) -> T:
    """INSERT the record, then its nested inserts; return the stored record."""
    mapper = _mapper(cs)
    state = sa_inspect(cs.data)
    values: dict[str, object] = {}
    for attr in mapper.column_attrs:
        if attr.key in cs.changes:
            values[attr.key] = applied(cs.changes[attr.key])
        elif state.dict.get(attr.key) is not None:
            values[attr.key] = state.dict[attr.key]
    values.update(extra or {})
    _check_columns(cs, values)
    stmt = insert(mapper.class_).values(**values).returning(mapper.class_)
    try:
        record: T = (await session.scalars(stmt)).one()  # type: ignore[assignment]
    except DBAPIError as exc:
        if not (isinstance(exc, IntegrityError) or refused_value(exc)):
            raise
        raise _refused(session, cs, mapper, exc, "insert") from None
    await _write_children(session, cs, mapper, record)
    return record


async def update_row(session: AsyncSession, cs: Changeset[T]) -> T:
    """UPDATE the changed columns (lock-checked), then nested changes; return the record."""
    mapper = _mapper(cs)
    changes = _column_changes(cs, mapper)
    record: T
    _check_columns(cs, changes)
    if changes:
        stmt = (
            update(mapper.class_)
            .where(*_where(cs, mapper))
            .values(**changes)
            .returning(mapper.class_)
            .execution_options(populate_existing=True)
        )
        try:
            found = (await session.scalars(stmt)).one_or_none()
        except DBAPIError as exc:
            if not (isinstance(exc, IntegrityError) or refused_value(exc)):
                raise
            raise _refused(session, cs, mapper, exc, "update") from None
        if found is None:
            raise _stale(cs, mapper)
        record = found  # type: ignore[assignment]
    else:
        record = await session.merge(cs.data, load=False)
    loaded = sa_inspect(cs.data).dict
    for rel in mapper.relationships:
        if rel.key in loaded and rel.key not in cs.changes:
            set_committed_value(record, rel.key, loaded[rel.key])
    await _write_children(session, cs, mapper, record)
    return record


async def delete_row(session: AsyncSession, cs: Changeset[T]) -> T:
    """DELETE the record (lock-checked); return the data as it was."""
    mapper = _mapper(cs)
    stmt = (
        delete(mapper.class_)
        .where(*_where(cs, mapper))
        .execution_options(synchronize_session=False)
    )
    try:
        result = await session.execute(stmt)
    except DBAPIError as exc:
        if not (isinstance(exc, IntegrityError) or refused_value(exc)):
            raise
        raise _refused(session, cs, mapper, exc, "delete") from None
    if getattr(result, "rowcount", 1) == 0:
        raise _stale(cs, mapper)
    return cs.data


def check_writable(cs: Changeset[T]) -> None:
    """Refuse, before any SQL, nested changes the repo cannot write (not one-to-many)."""
    mapper = _mapper(cs)
    for name, value in cs.changes.items():
        spec = cs._schema.fields.get(name)
        if spec is None or spec.kind not in (FieldKind.ASSOC_ONE, FieldKind.ASSOC_MANY):
            continue
        rel = mapper.relationships[name]
        if rel.direction is not RelationshipDirection.ONETOMANY:
            raise ChangesetError(
                f"Expected a one-to-many relationship for a nested write, but "
                f"{mapper.class_.__name__}.{name} is {rel.direction.name.lower()}. Write the "
                f"related record with its own changeset and set the foreign key instead."
            )
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, Changeset):
                check_writable(child)


async def _write_child(
    session: AsyncSession, child: Changeset[object], fk: Mapping[str, object]
) -> object | None:
    if child.action is Action.INSERT:
        return await insert_row(session, child, fk)
    if child.action is Action.DELETE:
        await delete_row(session, child)
        return None
    if child.changes:
        return await update_row(session, child)
    return child.data


async def _write_children(
    session: AsyncSession, cs: Changeset[T], mapper: Mapper[object], record: object
) -> None:
    schema = cs._schema
    for name, value in cs.changes.items():
        spec = schema.fields.get(name)
        if spec is None or spec.kind not in (FieldKind.ASSOC_ONE, FieldKind.ASSOC_MANY):
            continue
        rel = mapper.relationships[name]
        fk = {
            rel.mapper.get_property_by_column(remote).key: getattr(
                record, mapper.get_property_by_column(local).key
            )
            for local, remote in rel.local_remote_pairs
        }
        many = spec.kind is FieldKind.ASSOC_MANY
        children = list(value) if isinstance(value, tuple) else [value]
        written: list[object] = []
        for index, child in enumerate(children):
            if not isinstance(child, Changeset):
                continue
            try:
                result = await _write_child(session, child, fk)
            except Failed as failed:
                children[index] = failed.changeset
                nested: object = tuple(children) if many else failed.changeset
                raise Failed(cs.force_change(name, nested)) from None  # type: ignore[arg-type]
            if result is not None:
                written.append(result)
        set_committed_value(record, name, written if many else (written[0] if written else None))
