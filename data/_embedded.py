"""``Embedded``: a JSON column holding a pydantic model (or a list of them)."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, TypeAdapter
from sqlalchemy import JSON, Dialect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

__all__ = ["Embedded"]

M = TypeVar("M", bound=BaseModel)


class Embedded(TypeDecorator[object], Generic[M]):
    """Store a pydantic model (``many=True``: a list of them) as JSON (JSONB on PostgreSQL).

    Annotate the column with the model (``Mapped[Address | None]``) or a list of it
    (``Mapped[list[Tag]]``) and cast it with ``Changeset.cast_embed``.
    """

    impl = JSON
    cache_ok = True

    def __init__(self, model: type[M], *, many: bool = False) -> None:
        super().__init__()
        self.model = model
        self.many = many
        self._adapter: TypeAdapter[object] = TypeAdapter(list[model] if many else model)  # type: ignore[valid-type]

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[object]:
        # JSONB on PostgreSQL: it compares with = and indexes, plain json does neither.
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())

    def process_bind_param(self, value: object, dialect: Dialect) -> object:
        if value is None:
            return None
        return self._adapter.dump_python(value, mode="json")

    def process_result_value(self, value: object, dialect: Dialect) -> object:
        if value is None:
            return None
        return self._adapter.validate_python(value)

    @property
    def python_type(self) -> type:
        return list if self.many else self.model
