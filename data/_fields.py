"""What a changeset may cast: field types taken from a SQLAlchemy model or a pydantic model.

A ``Schema`` is built once per class and cached. Column types come from the ``Mapped[...]``
annotations (so ``Annotated[int, Field(ge=0)]`` carries pydantic constraints through), with
the column's Python type as the fallback. Relationships and pydantic-model fields become
nested fields for ``cast_assoc`` and ``cast_embed``.
"""

from __future__ import annotations

import enum
import functools
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, Mapper

from ._casting import refuses
from ._errors import ChangesetError

__all__ = ["CastFailure", "FieldKind", "FieldSpec", "Schema", "schema_for"]


class FieldKind(enum.Enum):
    """How a field is cast."""

    VALUE = "value"
    EMBED_ONE = "embed_one"
    EMBED_MANY = "embed_many"
    ASSOC_ONE = "assoc_one"
    ASSOC_MANY = "assoc_many"


# pydantic error types that mean "the value has the right type but breaks a constraint";
# every other error type means the value could not be cast at all.
_CONSTRAINT_ERRORS = frozenset(
    {
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "multiple_of",
        "finite_number",
        "string_too_short",
        "string_too_long",
        "string_pattern_mismatch",
        "too_short",
        "too_long",
        "decimal_max_digits",
        "decimal_max_places",
        "decimal_whole_digits",
        "value_error",
        "assertion_error",
        "predicate_failed",
    }
)


# Ecto's wording for the pydantic constraint errors forms meet most; the meta holds the
# bound under pydantic's own key, so the message placeholders name that key.
_MESSAGES = {
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be greater than or equal to {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be less than or equal to {le}",
    "string_too_short": "should be at least {min_length} character(s)",
    "string_too_long": "should be at most {max_length} character(s)",
    "string_pattern_mismatch": "has invalid format",
    "too_short": "should have at least {min_length} item(s)",
    "too_long": "should have at most {max_length} item(s)",
}


@dataclass(frozen=True)
class CastFailure:
    """Why a value could not be cast: an error message and its meta."""

    message: str
    meta: Mapping[str, object]


@dataclass(frozen=True)
class FieldSpec:
    """One castable field."""

    name: str
    kind: FieldKind
    annotation: object
    default: object = None
    related: type | None = None

    @functools.cached_property
    def adapter(self) -> TypeAdapter[object]:
        return TypeAdapter(self.annotation)  # type: ignore[arg-type]

    def cast(self, value: object) -> object | CastFailure:
        """Cast ``value`` to this field's type, or say why it cannot be."""
        refused = refuses(self.annotation, value)
        if refused is not None:
            return CastFailure(
                "is invalid",
                {"validation": "cast", "type": refused, "detail": f"got {type(value).__name__}"},
            )
        try:
            return self.adapter.validate_python(value)
        except ValidationError as exc:
            first = exc.errors()[0]
            kind = first["type"]
            if kind in _CONSTRAINT_ERRORS:
                ctx = {k: v for k, v in first.get("ctx", {}).items() if k != "error"}
                message = _MESSAGES.get(kind, first["msg"])
                return CastFailure(message, {"validation": "pydantic", "type": kind, **ctx})
            return CastFailure(
                "is invalid", {"validation": "cast", "type": kind, "detail": first["msg"]}
            )


@dataclass(frozen=True)
class Schema:
    """The castable fields of one class, and how to read and build its instances."""

    owner: type
    fields: Mapping[str, FieldSpec]
    mapper: Mapper[object] | None

    def spec(self, name: str) -> FieldSpec:
        """The field called ``name``; raises ChangesetError naming the known fields."""
        try:
            return self.fields[name]
        except KeyError:
            known = ", ".join(sorted(self.fields))
            raise ChangesetError(
                f"Expected a field of {self.owner.__name__}, but got {name!r}. "
                f"Known fields: {known}. Check the spelling or add the field to the model."
            ) from None


def _unwrap_mapped(annotation: object) -> object:
    if get_origin(annotation) is Mapped:
        return get_args(annotation)[0]
    return annotation


def _strip_optional(annotation: object) -> object:
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        rest = [a for a in get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    if origin is Annotated:
        return _strip_optional(get_args(annotation)[0])
    return annotation


def _model_class(annotation: object) -> type[BaseModel] | None:
    inner = _strip_optional(annotation)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return inner
    return None


def _embed(name: str, annotation: object, default: object) -> FieldSpec | None:
    one = _model_class(annotation)
    if one is not None:
        return FieldSpec(name, FieldKind.EMBED_ONE, annotation, default, one)
    inner = _strip_optional(annotation)
    if get_origin(inner) in (list, tuple):
        args = get_args(inner)
        many = _model_class(args[0]) if args else None
        if many is not None:
            return FieldSpec(name, FieldKind.EMBED_MANY, annotation, default, many)
    return None


def _hints(owner: type, localns: Mapping[str, object]) -> dict[str, object]:
    try:
        return typing.get_type_hints(owner, localns=dict(localns), include_extras=True)
    except (NameError, TypeError):
        return {}


def _sqlalchemy_schema(owner: type, mapper: Mapper[object]) -> Schema:
    registry = getattr(mapper.registry, "_class_registry", {})
    hints = _hints(owner, registry)
    fields: dict[str, FieldSpec] = {}
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        annotation = _unwrap_mapped(hints.get(attr.key, object))
        if annotation is object:
            try:
                annotation = column.type.python_type
            except NotImplementedError:
                annotation = object
            if column.nullable:
                annotation = annotation | None
        default = getattr(column.default, "arg", None) if column.default is not None else None
        if callable(default):
            default = None
        fields[attr.key] = _embed(attr.key, annotation, default) or FieldSpec(
            attr.key, FieldKind.VALUE, annotation, default
        )
    for rel in mapper.relationships:
        kind = FieldKind.ASSOC_MANY if rel.uselist else FieldKind.ASSOC_ONE
        fields[rel.key] = FieldSpec(rel.key, kind, object, None, rel.mapper.class_)
    return Schema(owner, fields, mapper)


def _pydantic_schema(owner: type[BaseModel]) -> Schema:
    fields: dict[str, FieldSpec] = {}
    for name, info in owner.model_fields.items():
        annotation: object = info.annotation
        if info.metadata:
            annotation = Annotated[(info.annotation, *info.metadata)]
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        fields[name] = _embed(name, info.annotation, default) or FieldSpec(
            name, FieldKind.VALUE, annotation, default
        )
    return Schema(owner, fields, None)


@functools.cache
def schema_for(owner: type) -> Schema:
    """The castable fields of a SQLAlchemy mapped class or a pydantic model class."""
    mapper: object = sa_inspect(owner, raiseerr=False)
    if isinstance(mapper, Mapper):
        return _sqlalchemy_schema(owner, mapper)
    if issubclass(owner, BaseModel):
        return _pydantic_schema(owner)
    raise ChangesetError(
        f"Expected a SQLAlchemy mapped class or a pydantic model, but got {owner.__name__}. "
        f"Changesets cast against model field types: map the class with SQLAlchemy's "
        f"DeclarativeBase or derive it from pydantic.BaseModel."
    )
