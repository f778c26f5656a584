"""The ``Changeset``: data, params, changes and errors, built by casting and validating.

Changesets are immutable: every method returns a new changeset, so they chain fluently
(``Changeset.cast(user, params, ["name"]).validate_required(["name"])``) and an earlier
step is never changed behind your back.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import re
from collections.abc import Awaitable, Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, Literal, NamedTuple, TypeVar

from pydantic import BaseModel

from . import _constraint_decl, _forms, _nested, _validators
from ._casting import is_collection
from ._constraint_decl import Constraint
from ._errors import ChangesetError
from ._fields import CastFailure, FieldKind, FieldSpec, Schema, schema_for
from ._records import read_field

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from ._result import Result

__all__ = ["Action", "Changeset", "FieldError"]

T = TypeVar("T")

_PLACEHOLDER = re.compile(r"\{(\w+)\}")

Prepare = Callable[["Changeset[T]", "AsyncSession"], Awaitable["Changeset[T]"]]


_ANY = object()


class Action(enum.StrEnum):
    """What a changeset is for; a form shows errors only once an action is set."""

    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
    REPLACE = "replace"
    IGNORE = "ignore"
    VALIDATE = "validate"


class FieldError(NamedTuple):
    """One error: the field, a message template and its meta (``{count}`` placeholders)."""

    field: str
    message: str
    meta: Mapping[str, object]

    def interpolate(self) -> str:
        """The message with ``{key}`` placeholders filled from meta."""
        return interpolate(self.message, self.meta)


@functools.lru_cache(maxsize=1024)
def _virtual_field(name: str, annotation: object) -> FieldSpec:
    # Cached so the pydantic adapter is built once per (name, type), not per cast.
    return FieldSpec(name, FieldKind.VALUE, annotation)


def _type_of(value: object) -> type:
    # type(x) of a TypeVar-typed x is type[T], which mypy will not hash for the cache.
    return type(value)


def interpolate(message: str, meta: Mapping[str, object]) -> str:
    """Fill ``{key}`` placeholders in ``message`` from ``meta``; unknown keys stay as-is."""
    return _PLACEHOLDER.sub(
        lambda m: str(meta[m.group(1)]) if m.group(1) in meta else m.group(0), message
    )


def _is_empty(value: object, empty_values: Collection[object]) -> bool:
    if isinstance(value, str):
        return value.strip() in empty_values or value in empty_values
    try:
        return value in empty_values
    except TypeError:
        return False


@dataclass(frozen=True, eq=False)
class Changeset(Generic[T]):
    """A set of changes to ``data``, with the errors found casting and validating them.

    Build one with ``Changeset.cast`` (from untrusted params) or ``Changeset.change``
    (trusted changes), chain validators, and hand it to a ``Repo``. ``valid`` is derived:
    no errors here and none in nested changesets.
    """

    data: T
    params: Mapping[str, object] = field(default_factory=dict)
    changes: Mapping[str, object] = field(default_factory=dict)
    errors: tuple[FieldError, ...] = ()
    required: tuple[str, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    action: Action | None = None
    schema: Schema | None = None
    empty_values: tuple[object, ...] = ("",)
    lock: tuple[str, object] | None = None
    validations: tuple[tuple[str, str, Mapping[str, object]], ...] = ()
    prepare: tuple[Prepare[T], ...] = ()

    def __repr__(self) -> str:
        action = self.action.value if self.action else None
        return (
            f"Changeset(action={action!r}, changes={dict(self.changes)!r}, "
            f"errors={self.error_paths()!r}, data=<{type(self.data).__name__}>, "
            f"valid={self.valid})"
        )

    # -- building -------------------------------------------------------------------

    @classmethod
    def change(cls, data: T, changes: Mapping[str, object] | None = None) -> Changeset[T]:
        """A changeset from trusted ``changes`` (not cast, not filtered)."""
        cs: Changeset[T] = cls(data, schema=schema_for(_type_of(data)))
        for name, value in (changes or {}).items():
            cs = cs.put_change(name, value)
        return cs

    @classmethod
    def cast(
        cls,
        source: T | Changeset[T],
        params: Mapping[str, object],
        permitted: Iterable[str],
        *,
        empty_values: Iterable[object] = ("",),
        types: Mapping[str, object] | type[BaseModel] | None = None,
    ) -> Changeset[T]:
        """Cast the ``permitted`` keys of ``params`` to the field types of the data.

        Args:
            source: the current record (a SQLAlchemy or pydantic instance) or a changeset
                to cast more params into.
            params: raw input, e.g. a submitted form; keys are field names.
            permitted: the only fields taken from params; every other key is ignored.
            empty_values: values that become the field's default (strings are trimmed
                first), ``("",)`` by default.
            types: extra or overriding field types, e.g. ``{"password": str}`` for a
                field that is not a column (Ecto's virtual fields), or a pydantic model
                whose fields (with their constraints) override the model's.

        Returns:
            A new changeset; cast failures are errors with meta ``validation="cast"``.
        """
        if not isinstance(params, Mapping):
            raise ChangesetError(
                f"Expected params to be a mapping of field names to values, but got "
                f"{type(params).__name__}. Pass the submitted form data as a dict."
            )
        bad = [key for key in params if not isinstance(key, str)]
        if bad:
            raise ChangesetError(
                f"Expected params keys to be strings, but got {bad!r}. Convert the keys with "
                f"str() before casting so form data and JSON behave the same."
            )
        if isinstance(source, Changeset):
            cs: Changeset[T] = dataclasses.replace(
                source, params={**source.params, **params}, empty_values=tuple(empty_values)
            )
        else:
            cs = cls(source, dict(params), schema=schema_for(_type_of(source)))
            cs = dataclasses.replace(cs, empty_values=tuple(empty_values))
        if types is not None:
            cs = cs._with_types(types)
        for name in permitted:
            cs = cs._cast_one(name)
        return cs

    def _with_types(self, types: Mapping[str, object] | type[BaseModel]) -> Changeset[T]:
        base = self._schema
        extra: Mapping[str, FieldSpec]
        if isinstance(types, Mapping):
            extra = {name: _virtual_field(name, tp) for name, tp in types.items()}
        else:
            extra = schema_for(types).fields
        return dataclasses.replace(
            self, schema=Schema(base.owner, {**base.fields, **extra}, base.mapper)
        )

    def _cast_one(self, name: str) -> Changeset[T]:
        spec = self._schema.spec(name)
        if spec.kind is not FieldKind.VALUE:
            helper = "cast_embed" if spec.kind.name.startswith("EMBED") else "cast_assoc"
            raise ChangesetError(
                f"Expected a plain field in cast(), but {name!r} is a nested "
                f"{spec.kind.value} field. Cast it with .{helper}({name!r}, using=...)."
            )
        if name not in self.params:
            return self
        raw = self.params[name]
        value: object | CastFailure
        if _is_empty(raw, self.empty_values):
            value = spec.default
        elif raw is None:
            value = None
        else:
            if isinstance(raw, list | tuple) and is_collection(spec.annotation):
                # A multi-select or checkbox group sends a hidden "" so that choosing
                # nothing still sends the key; like Ecto, empty entries are dropped.
                raw = [item for item in raw if not _is_empty(item, self.empty_values)]
            value = spec.cast(raw)
        if isinstance(value, CastFailure):
            cleared = self.delete_change(name)
            return cleared.add_error(name, value.message, **value.meta)
        return self.put_change(name, value)

    @property
    def _schema(self) -> Schema:
        return self.schema if self.schema is not None else schema_for(_type_of(self.data))

    # -- state ----------------------------------------------------------------------

    @property
    def valid(self) -> bool:
        """Whether there are no errors here nor in any nested changeset."""
        return not self.errors and all(child.valid for child in self.nested())

    def nested(self) -> Iterator[Changeset[object]]:
        """The nested changesets held in the changes (cast_assoc / cast_embed)."""
        for value in self.changes.values():
            if isinstance(value, Changeset):
                yield value
            elif isinstance(value, tuple):
                yield from (v for v in value if isinstance(v, Changeset))

    def changed(self, name: str, *, to: object = _ANY, from_: object = _ANY) -> bool:
        """Whether ``name`` changes (optionally ``to`` a value and/or ``from_`` one)."""
        if name not in self.changes:
            return False
        if to is not _ANY and self.changes[name] != to:
            return False
        return (
            from_ is _ANY or read_field(self.data, self._schema.spec(name), self._schema) == from_
        )

    def merge(self, other: Changeset[T]) -> Changeset[T]:
        """Combine two changesets of the same data: ``other``'s changes and params win."""
        if other.data is not self.data:
            raise ChangesetError(
                f"Expected changesets of the same data to merge, but got "
                f"{type(self.data).__name__} {id(self.data):#x} and "
                f"{type(other.data).__name__} {id(other.data):#x}. Cast both from one record."
            )
        return dataclasses.replace(
            self,
            params={**self.params, **other.params},
            changes={**self.changes, **other.changes},
            errors=(*self.errors, *other.errors),
            required=(*self.required, *other.required),
            constraints=(*self.constraints, *other.constraints),
            validations=(*self.validations, *other.validations),
            prepare=(*self.prepare, *other.prepare),
            action=other.action or self.action,
            lock=other.lock or self.lock,
        )

    def prepare_changes(self, fn: Prepare[T]) -> Changeset[T]:
        """Run ``await fn(changeset, session)`` in the write's transaction, just before it.

        Only runs when the changeset is valid and the write sends SQL; ``fn`` returns the
        changeset to write (it may add changes, or errors to abort the write).
        """
        return dataclasses.replace(self, prepare=(*self.prepare, fn))

    def put_action(self, action: Action | str | None) -> Changeset[T]:
        """A copy with ``action`` set (a form shows errors once an action is set)."""
        return dataclasses.replace(self, action=None if action is None else Action(action))

    # -- accessors ------------------------------------------------------------------

    def fetch_field(self, name: str) -> tuple[Literal["changes", "data"], object]:
        """Where a field's value comes from (``"changes"`` or ``"data"``) and the value."""
        if name in self.changes:
            return "changes", self.changes[name]
        return "data", read_field(self.data, self._schema.spec(name), self._schema)

    def get_field(self, name: str) -> object:
        """The changed value of a field, or else its value on the data."""
        return self.fetch_field(name)[1]

    def get_change(self, name: str, default: object = None) -> object:
        """The change for a field, or ``default`` when it is unchanged."""
        return self.changes.get(name, default)

    def put_change(self, name: str, value: object) -> Changeset[T]:
        """Set a change (not cast); a value equal to the data's removes the change."""
        spec = self._schema.spec(name)
        if value == read_field(self.data, spec, self._schema) and not isinstance(
            value, Changeset | tuple
        ):
            return self.delete_change(name)
        return self.force_change(name, value)

    def force_change(self, name: str, value: object) -> Changeset[T]:
        """Set a change even when it equals the data's value."""
        return dataclasses.replace(self, changes={**self.changes, name: value})

    def delete_change(self, name: str) -> Changeset[T]:
        """Remove the change for a field, if any."""
        if name not in self.changes:
            return self
        return dataclasses.replace(
            self, changes={k: v for k, v in self.changes.items() if k != name}
        )

    def update_change(self, name: str, fn: Callable[[object], object]) -> Changeset[T]:
        """Replace a change with ``fn(change)``; does nothing when the field is unchanged."""
        if name not in self.changes:
            return self
        return self.put_change(name, fn(self.changes[name]))

    def add_error(self, name: str, message: str, **meta: object) -> Changeset[T]:
        """Add an error on ``name``; ``{key}`` placeholders in message come from meta."""
        return dataclasses.replace(self, errors=(*self.errors, FieldError(name, message, meta)))

    # -- forms ----------------------------------------------------------------------

    used_input = _forms.used_input
    errors_on = _forms.errors_on
    messages_on = _forms.messages_on
    input_value = _forms.input_value
    input_validations = _forms.input_validations

    traverse_errors = _forms.traverse_errors
    error_paths = _forms.error_paths

    # -- applying -------------------------------------------------------------------

    def apply_changes(self) -> T:
        """A new record with the changes applied, ignoring validity (no database)."""
        return _nested.apply_changes(self)

    def apply_action(self, action: Action | str) -> Result[T]:
        """Set ``action``; succeed with the applied data if valid, else fail with the changeset."""
        from ._result import Result

        cs = self.put_action(action)
        if cs.valid:
            return Result.success(cs.apply_changes(), cs)
        return Result.failure(cs)

    def apply_action_or_raise(self, action: Action | str) -> T:
        """Like ``apply_action`` but raise ChangesetError listing the errors when invalid."""
        result = self.apply_action(action)
        if not result.ok:
            raise ChangesetError(
                f"Expected a valid changeset for {action!r}, but it has errors: "
                f"{result.changeset.error_paths()}. Fix the params or check .valid first."
            )
        return result.value

    # -- validators (see _validators for the rules) ---------------------------------

    validate_required = _validators.validate_required
    validate_length = _validators.validate_length
    validate_format = _validators.validate_format
    validate_number = _validators.validate_number
    validate_inclusion = _validators.validate_inclusion
    validate_exclusion = _validators.validate_exclusion
    validate_subset = _validators.validate_subset
    validate_confirmation = _validators.validate_confirmation
    validate_acceptance = _validators.validate_acceptance
    validate_change = _validators.validate_change
    optimistic_lock = _validators.optimistic_lock

    # -- nested ---------------------------------------------------------------------

    cast_assoc = _nested.cast_assoc
    cast_embed = _nested.cast_embed
    put_assoc = _nested.put_assoc
    put_embed = _nested.put_embed

    # -- constraints (see _constraint_decl) -----------------------------------------

    unique_constraint = _constraint_decl.unique_constraint
    foreign_key_constraint = _constraint_decl.foreign_key_constraint
    assoc_constraint = _constraint_decl.assoc_constraint
    no_assoc_constraint = _constraint_decl.no_assoc_constraint
    check_constraint = _constraint_decl.check_constraint
