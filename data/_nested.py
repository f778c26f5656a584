"""Nested changesets: ``cast_assoc`` for relationships, ``cast_embed`` for pydantic fields.

A nested change is a changeset (one) or a tuple of changesets (many), each with its own
action: ``insert`` for new entries, ``update`` for matched ones, ``delete`` for entries
the params left out (when ``on_replace="delete"``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Literal, TypeVar

from pydantic import BaseModel
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapper

from ._errors import ChangesetError
from ._fields import CastFailure, FieldKind, FieldSpec
from ._records import copy_sqlalchemy, read_field, sequence_of

if TYPE_CHECKING:
    from ._changeset import Action, Changeset

__all__ = ["applied", "apply_changes", "cast_assoc", "cast_embed"]

T = TypeVar("T")
With = Callable[[object, Mapping[str, object]], "Changeset[object]"]


def _items(raw: object) -> list[object] | None:
    """A list of entries from a list, or a form's ``{"0": {...}, "1": {...}}`` mapping."""
    if isinstance(raw, list | tuple):
        return list(raw)
    if isinstance(raw, Mapping) and all(isinstance(k, str) and k.isdigit() for k in raw):
        return [raw[k] for k in sorted(raw, key=int)]
    return None


def _default_with(related: type) -> With:
    from ._changeset import Changeset
    from ._fields import schema_for

    def cast_all(data: object, params: Mapping[str, object]) -> Changeset[object]:
        names = [n for n, s in schema_for(related).fields.items() if s.kind is FieldKind.VALUE]
        required = [
            name
            for name, info in getattr(related, "model_fields", {}).items()
            if info.is_required() and name in names
        ]
        return Changeset.cast(data, params, names).validate_required(required)

    return cast_all


def _invalid(cs: Changeset[T], name: str, expected: str) -> Changeset[T]:
    return cs.add_error(name, "is invalid", validation="cast", type=expected)


OnReplace = Literal["raise", "delete", "mark_as_invalid"]
KeyOf = Callable[[object], "tuple[str, ...] | None"]


def _assoc_spec(cs: Changeset[T], name: str, caller: str) -> FieldSpec:
    spec = cs._schema.spec(name)
    if spec.kind not in (FieldKind.ASSOC_ONE, FieldKind.ASSOC_MANY) or spec.related is None:
        raise ChangesetError(
            f"Expected a relationship for {caller}, but {name!r} is a {spec.kind.value} "
            f"field. Use cast() for columns and cast_embed() for pydantic fields."
        )
    return spec


def _key_function(related: type) -> KeyOf:
    mapper: Mapper[object] = sa_inspect(related)
    pk_keys = [mapper.get_property_by_column(c).key for c in mapper.primary_key]

    def key_of(values: object) -> tuple[str, ...] | None:
        if isinstance(values, Mapping):
            found = tuple(str(values.get(k, "") or "") for k in pk_keys)
        else:
            found = tuple(str(getattr(values, k, "") or "") for k in pk_keys)
        return found if all(found) else None

    return key_of


def _existing(cs: Changeset[T], spec: FieldSpec) -> list[object]:
    current = read_field(cs.data, spec, cs._schema)
    if spec.kind is FieldKind.ASSOC_MANY:
        return list(sequence_of(current))
    return [current] if current is not None else []


def _finish_assoc(
    cs: Changeset[T],
    spec: FieldSpec,
    children: list[Changeset[object]],
    left_out: list[object],
    on_replace: OnReplace,
    required: bool = False,
) -> Changeset[T]:
    from ._changeset import Action, Changeset

    name = spec.name
    if required and all(c.action is Action.DELETE for c in children):
        # Ecto: a required association given nothing is blank, and nothing is replaced.
        return cs.add_error(name, "can't be blank", validation="required")
    for child in left_out:
        if on_replace == "raise":
            raise ChangesetError(
                f"Expected the new value of {name!r} to keep every loaded entry, but "
                f"{child!r} was left out. Pass on_replace='delete' to delete left-out "
                f"entries, or on_replace='mark_as_invalid' to reject them."
            )
        if on_replace == "mark_as_invalid":
            cs = cs.add_error(name, "is invalid", validation="assoc", type="on_replace")
        else:
            children.append(Changeset.change(child).put_action(Action.DELETE))
    if not any(c.changes or c.action is not Action.UPDATE or not c.valid for c in children):
        return cs.delete_change(name)
    if spec.kind is FieldKind.ASSOC_MANY:
        return cs.force_change(name, tuple(children))
    return cs.force_change(name, children[0] if children else None)


def cast_assoc(
    self: Changeset[T],
    name: str,
    *,
    using: With,
    required: bool = False,
    on_replace: OnReplace = "raise",
) -> Changeset[T]:
    """Cast ``params[name]`` into changesets for a relationship, with ``using(child, params)``.

    Entries whose primary key matches a loaded child update it; others insert a new one.
    Loaded children the params leave out follow ``on_replace``.
    """
    from ._changeset import Action

    spec = _assoc_spec(self, name, "cast_assoc")
    assert spec.related is not None  # noqa: S101 - checked by _assoc_spec
    existing = _existing(self, spec)
    if name not in self.params:
        if required and not existing:
            return self.add_error(name, "can't be blank", validation="required")
        return self
    raw = self.params[name]
    many = spec.kind is FieldKind.ASSOC_MANY
    entries = _items(raw) if many else ([raw] if raw is not None else [])
    if entries is None or not all(isinstance(e, Mapping) for e in entries):
        return _invalid(self, name, "list of maps" if many else "map")
    key_of = _key_function(spec.related)
    by_key = {key_of(child): child for child in existing}
    children: list[Changeset[object]] = []
    seen: set[tuple[str, ...] | None] = set()
    for entry in entries:
        assert isinstance(entry, Mapping)  # noqa: S101 - checked above
        key = key_of(entry)
        if key is not None and key in by_key:
            seen.add(key)
            children.append(using(by_key[key], entry).put_action(Action.UPDATE))
        else:
            children.append(using(spec.related(), entry).put_action(Action.INSERT))
    left_out = [child for child in existing if key_of(child) not in seen]
    return _finish_assoc(self, spec, children, left_out, on_replace, required)


def put_assoc(
    self: Changeset[T],
    name: str,
    value: object,
    *,
    on_replace: OnReplace = "raise",
) -> Changeset[T]:
    """Set a relationship from trusted records, changesets or mappings (not cast).

    A new record or a mapping is inserted, a loaded child given back is kept (its
    changed columns updated), a changeset is used as it is.
    """
    from ._changeset import Action, Changeset

    spec = _assoc_spec(self, name, "put_assoc")
    related = spec.related
    assert related is not None  # noqa: S101 - checked by _assoc_spec
    many = spec.kind is FieldKind.ASSOC_MANY
    items = list(sequence_of(value)) if many else ([value] if value is not None else [])
    existing = _existing(self, spec)
    key_of = _key_function(related)
    by_key = {key_of(child): child for child in existing}
    children: list[Changeset[object]] = []
    seen: set[tuple[str, ...] | None] = set()
    for item in items:
        key = key_of(item.data if isinstance(item, Changeset) else item)
        if key is not None and key in by_key:
            seen.add(key)
        if isinstance(item, Changeset):
            loaded = key is not None and key in by_key
            children.append(item if item.action else item.put_action(_insert_or_update(loaded)))
        elif isinstance(item, Mapping):
            children.append(Changeset.change(related(), item).put_action(Action.INSERT))
        elif isinstance(item, related) and key in by_key:
            item_mapper: Mapper[object] = sa_inspect(related)
            columns = {a.key: getattr(item, a.key) for a in item_mapper.column_attrs}
            children.append(Changeset.change(by_key[key], columns).put_action(Action.UPDATE))
        elif isinstance(item, related) and not sa_inspect(item).has_identity:
            children.append(Changeset.change(item).put_action(Action.INSERT))
        else:
            raise ChangesetError(
                f"Expected new {related.__name__} records, loaded children of {name!r}, "
                f"changesets or mappings in put_assoc, but got {item!r}. Moving a record "
                f"from another parent is not supported: update its foreign key instead."
            )
    left_out = [child for child in existing if key_of(child) not in seen]
    return _finish_assoc(self, spec, children, left_out, on_replace)


def _insert_or_update(loaded: bool) -> Action:
    from ._changeset import Action

    return Action.UPDATE if loaded else Action.INSERT


def put_embed(self: Changeset[T], name: str, value: object) -> Changeset[T]:
    """Set a pydantic-typed field from trusted models or mappings (validated by pydantic)."""
    spec = self._schema.spec(name)
    if spec.kind not in (FieldKind.EMBED_ONE, FieldKind.EMBED_MANY):
        raise ChangesetError(
            f"Expected a pydantic-model field for put_embed, but {name!r} is a "
            f"{spec.kind.value} field. Use put_change() for plain fields."
        )
    cast = spec.cast(value) if value is not None else None
    if isinstance(cast, CastFailure):
        raise ChangesetError(
            f"Expected {name!r} to be given a valid {spec.annotation}, but got {value!r}: "
            f"{cast.meta.get('detail', cast.message)}. Use cast_embed() for untrusted input."
        )
    return self.put_change(name, cast)


def cast_embed(
    self: Changeset[T],
    name: str,
    *,
    using: With | None = None,
    required: bool = False,
) -> Changeset[T]:
    """Cast ``params[name]`` into changesets for a pydantic-typed field (one or a list).

    ``using(model, params)`` builds each changeset; by default every field is cast and
    the model's required fields are validated as required. A list replaces the current
    list entry by entry (matched by position).
    """
    from ._changeset import Action

    schema = self._schema
    spec = schema.spec(name)
    if spec.kind not in (FieldKind.EMBED_ONE, FieldKind.EMBED_MANY) or spec.related is None:
        raise ChangesetError(
            f"Expected a pydantic-model field for cast_embed, but {name!r} is a "
            f"{spec.kind.value} field. Type the field as a BaseModel (or a list of them)."
        )
    related = spec.related
    assert issubclass(related, BaseModel)  # noqa: S101 - embeds are pydantic models
    build = using or _default_with(related)
    current = read_field(self.data, spec, schema)
    if name not in self.params:
        if required and not current:
            return self.add_error(name, "can't be blank", validation="required")
        return self
    raw = self.params[name]
    if spec.kind is FieldKind.EMBED_ONE:
        if raw is None:
            if required:
                return self.add_error(name, "can't be blank", validation="required")
            return self.put_change(name, None)
        if not isinstance(raw, Mapping):
            return _invalid(self, name, "map")
        base = current if current is not None else related.model_construct()
        child = build(base, raw).put_action(Action.UPDATE if current else Action.INSERT)
        if not child.changes and child.valid and current is not None:
            return self.delete_change(name)
        return self.force_change(name, child)
    entries = _items(raw)
    if entries is None or not all(isinstance(e, Mapping) for e in entries):
        return _invalid(self, name, "list of maps")
    if required and not entries:
        return self.add_error(name, "can't be blank", validation="required")
    olds = list(sequence_of(current))
    children = []
    for index, entry in enumerate(entries):
        assert isinstance(entry, Mapping)  # noqa: S101 - checked above
        if index < len(olds):
            children.append(build(olds[index], entry).put_action(Action.UPDATE))
        else:
            children.append(build(related.model_construct(), entry).put_action(Action.INSERT))
    unchanged = len(entries) == len(olds) and all(c.valid and not c.changes for c in children)
    if unchanged:
        return self.delete_change(name)
    return self.force_change(name, tuple(children))


def applied(value: object) -> object:
    from ._changeset import Action, Changeset

    if isinstance(value, Changeset):
        return None if value.action is Action.DELETE else value.apply_changes()
    if isinstance(value, tuple) and any(isinstance(v, Changeset) for v in value):
        return [
            v.apply_changes() if isinstance(v, Changeset) else v
            for v in value
            if not (isinstance(v, Changeset) and v.action in (Action.DELETE, Action.REPLACE))
        ]
    return value


def apply_changes(cs: Changeset[T]) -> T:
    """A new record with the (nested) changes applied."""
    changes = {name: applied(value) for name, value in cs.changes.items()}
    schema = cs._schema
    if schema.mapper is not None:
        return copy_sqlalchemy(cs.data, changes, schema)
    data = cs.data
    assert isinstance(data, BaseModel)  # noqa: S101 - schema_for accepts nothing else
    return data.model_copy(update=changes)
