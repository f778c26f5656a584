"""Reading fields of records and copying mapped records, for changesets.

A record is a SQLAlchemy mapped instance or a pydantic model. A new (transient) mapped
instance reports column defaults for unset columns, the way Ecto's structs carry their
schema defaults.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm.attributes import set_committed_value

from ._errors import ChangesetError
from ._fields import FieldKind, FieldSpec, Schema

__all__ = ["copy_sqlalchemy", "read_field", "sequence_of"]

C = TypeVar("C")


def read_field(data: object, spec: FieldSpec, schema: Schema) -> object:
    """The value of a field on data; a new SQLAlchemy instance reports column defaults."""
    if schema.mapper is not None:
        state = sa_inspect(data)
        if spec.kind in (FieldKind.ASSOC_MANY, FieldKind.ASSOC_ONE):
            if spec.name in state.unloaded and state.has_identity:
                raise ChangesetError(
                    f"Expected {type(data).__name__}.{spec.name} to be loaded, but it is not. "
                    f"Preload it (e.g. repo.get(..., preload=[{spec.name!r}])) before "
                    f"casting or reading it."
                )
            if spec.name not in state.dict and not state.has_identity:
                return [] if spec.kind is FieldKind.ASSOC_MANY else None
        elif spec.name not in state.dict and not state.has_identity:
            return spec.default
    return getattr(data, spec.name, spec.default)


def copy_sqlalchemy(data: C, changes: Mapping[str, object], schema: Schema) -> C:
    """A transient copy of a mapped instance with ``changes`` applied."""
    assert schema.mapper is not None  # noqa: S101 - only called for mapped classes
    state = sa_inspect(data)
    new: C = schema.mapper.class_manager.new_instance()  # type: ignore[assignment]
    for attr in schema.mapper.column_attrs:
        if attr.key in changes:
            setattr(new, attr.key, changes[attr.key])
        elif attr.key in state.dict:
            setattr(new, attr.key, state.dict[attr.key])
    for rel in schema.mapper.relationships:
        if rel.key in changes:
            setattr(new, rel.key, changes[rel.key])
        elif rel.key in state.dict:
            set_committed_value(new, rel.key, state.dict[rel.key])
    known = set(schema.mapper.attrs.keys())
    for name, value in changes.items():
        if name not in known:
            setattr(new, name, value)
    return new


def sequence_of(value: object) -> Sequence[object]:
    """A list or tuple as a sequence; anything else as an empty one."""
    return value if isinstance(value, list | tuple) else ()
