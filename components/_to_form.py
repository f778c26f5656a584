"""``to_form``: a changeset seen as a form — field names, ids, values, shown errors, and the
HTML constraints its model and validators imply.

Input names are flat (``email``); nested changesets (``inputs_for``) use brackets
(``posts[0][title]``), which :func:`decode_params` turns back into the nested params that
``cast_assoc`` and ``cast_embed`` read.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import re
import typing
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from sqlalchemy import ColumnElement
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapper

from ember.data import Changeset

from ._base import ComponentError, dom_id

__all__ = ["Form", "FormField", "decode_params", "encode_params", "to_form"]

_BRACKETS = re.compile(r"\[([^\]]*)\]")


@dataclass(frozen=True)
class FormField:
    """One field of a form, as an input renders it."""

    form: Form
    field: str
    name: str
    id: str
    value: object
    errors: tuple[str, ...]
    constraints: Mapping[str, object]
    annotation: object = None

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def help_id(self) -> str:
        return f"{self.id}-help"

    @property
    def label(self) -> str:
        """A default label: the field name in words (``first_name`` → ``First name``)."""
        words = self.field.replace("_", " ").strip()
        return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class Form:
    """A changeset prepared for a form (see :func:`to_form`)."""

    changeset: Changeset[object]
    id: str
    prefix: str = ""
    submitted: bool = False
    # Weak: a field refers to its form, so a plain dict would make every form a reference
    # cycle (freed only by a full collection; a form is made per render).
    _fields: weakref.WeakValueDictionary[str, FormField] = field(
        default_factory=weakref.WeakValueDictionary, compare=False, repr=False
    )

    def __getitem__(self, name: str) -> FormField:
        cached = self._fields.get(name)
        if cached is None:
            cached = self._fields[name] = self._field(name)
        return cached

    @property
    def errors(self) -> list[tuple[str, str]]:
        """Every error the form shows, as ``(field, message)``."""
        if self.changeset.action is None:
            return []
        return list(self.changeset.error_paths())

    @property
    def params(self) -> dict[str, object]:
        """The changeset's params with flat input names (``posts[0][title]``)."""
        return encode_params(self.changeset.params, self.prefix)

    def _field(self, name: str) -> FormField:
        cs = self.changeset
        input_name = f"{self.prefix}[{name}]" if self.prefix else name
        fields = cs.schema.fields if cs.schema is not None else {}
        annotation = fields[name].annotation if name in fields else None
        value = cs.input_value(name)
        errors = tuple(cs.messages_on(name)) if self.submitted else tuple(cs.errors_on(name))
        if self.submitted and cs.action is None:
            errors = ()
        return FormField(
            form=self,
            field=name,
            name=input_name,
            id=dom_id(self.id, input_name.replace("[", "_").replace("]", "")),
            value=value,
            errors=errors,
            constraints=html_constraints(cs, name),
            annotation=annotation,
        )


def to_form(
    changeset: Changeset[typing.Any],
    *,
    id: str | None = None,
    prefix: str = "",
    submitted: bool = False,
) -> Form:
    """A changeset as a form: ``form["email"]`` gives the field an input renders.

    Errors show only once the changeset has an action and, per input, once the user has
    used it (typed into it, or submitted the form); a fresh form is clean.

    Args:
        changeset: the changeset the form edits.
        id: the form's id and the stem of its inputs' ids; defaults to the data's class
            name in lower case.
        prefix: a name prefix for nested forms (``posts[0]``); top-level forms have none.
        submitted: show every error on every field, used or not.

    Raises:
        ComponentError: ``changeset`` is not a ``Changeset``.
    """
    candidate: object = changeset  # callers without type checking pass anything
    if not isinstance(candidate, Changeset):
        msg = (
            f"Expected an ember.data Changeset for to_form, got {type(candidate).__name__}. "
            "Build one with Changeset.cast(record, params, fields)."
        )
        raise ComponentError(msg)
    form_id = id or dom_id(type(changeset.data).__name__.lower())
    return Form(changeset=changeset, id=form_id, prefix=prefix, submitted=submitted)


def nested_forms(parent: Form, name: str) -> list[Form]:
    """The forms of the nested changesets under ``name`` (a relationship or an embed)."""
    cs = parent.changeset
    value: object = cs.changes.get(name)
    if value is None:
        try:
            value = cs.get_field(name)
        except SQLAlchemyError:  # an unloaded relationship on a detached record
            value = None
    items: list[object]
    many = isinstance(value, list | tuple)
    if value is None:
        items = []
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        items = [value]
    forms = []
    base = f"{parent.prefix}[{name}]" if parent.prefix else name
    for index, item in enumerate(items):
        child = item if isinstance(item, Changeset) else Changeset.change(item)
        if parent.changeset.action is not None and child.action is None:
            child = child.put_action(parent.changeset.action)
        prefix = f"{base}[{index}]" if many else base
        forms.append(Form(changeset=child, id=parent.id, prefix=prefix, submitted=parent.submitted))
    return forms


# -- HTML constraints -------------------------------------------------------------------------


def html_constraints(changeset: Changeset[object], name: str) -> dict[str, object]:
    """``required``, ``minlength``/``maxlength``, ``min``/``max`` and ``pattern`` for an
    input, from the changeset's validators, the model's pydantic constraints and its
    column (length; ``required`` for a NOT NULL column without a default, a required
    pydantic field). Hints for the browser only: the server still decides."""
    out: dict[str, object] = {}
    schema = changeset.schema
    if schema is not None and name in schema.fields:
        out.update(_annotation_constraints(schema.fields[name].annotation))
        mapper = schema.mapper
        if isinstance(mapper, Mapper) and name in mapper.columns:
            column = mapper.columns[name]
            length = getattr(column.type, "length", None)
            if isinstance(length, int):
                out["maxlength"] = min(length, int(str(out.get("maxlength", length))))
            if _column_required(column):
                out["required"] = True
        owner = schema.owner
        if isinstance(owner, type) and issubclass(owner, BaseModel):
            info = owner.model_fields.get(name)
            if info is not None and info.is_required():
                out["required"] = True
    out.update(changeset.input_validations(name))
    for field_name, kind, opts in changeset.validations:
        if field_name == name and kind == "format" and isinstance(opts.get("pattern"), str):
            out["pattern"] = _html_pattern(str(opts["pattern"]))
    return out


def _column_required(column: ColumnElement[object]) -> bool:
    return not (
        getattr(column, "nullable", True)
        or getattr(column, "primary_key", False)
        or getattr(column, "default", None) is not None
        or getattr(column, "server_default", None) is not None
    )


def _annotation_constraints(annotation: object) -> dict[str, object]:
    out: dict[str, object] = {}
    for meta in _metadata(annotation):
        if isinstance(meta, annotated_types.Ge):
            out["min"] = meta.ge
        elif isinstance(meta, annotated_types.Le):
            out["max"] = meta.le
        elif isinstance(meta, annotated_types.MinLen):
            out["minlength"] = meta.min_length
        elif isinstance(meta, annotated_types.MaxLen):
            out["maxlength"] = meta.max_length
        else:
            for key, attr in (("min_length", "minlength"), ("max_length", "maxlength")):
                if isinstance(getattr(meta, key, None), int):
                    out[attr] = getattr(meta, key)
            for key, attr in (("ge", "min"), ("le", "max")):
                bound = getattr(meta, key, None)
                if isinstance(bound, int | float | decimal.Decimal):
                    out[attr] = bound
            pattern = getattr(meta, "pattern", None)
            if isinstance(pattern, str):
                out["pattern"] = _html_pattern(pattern)
    return out


def _metadata(annotation: object) -> Iterator[object]:
    origin = get_origin(annotation)
    if origin is Annotated:
        _, *metas = get_args(annotation)
        yield from metas
        yield from _metadata(get_args(annotation)[0])
    elif origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        for arg in get_args(annotation):
            yield from _metadata(arg)
    elif hasattr(annotation, "__metadata__"):  # pragma: no cover - other Annotated forms
        yield from getattr(annotation, "__metadata__", ())


def _html_pattern(pattern: str) -> str:
    # Python's validate_format searches; an HTML pattern must match the whole value.
    if pattern.startswith("^") and pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[1:-1]
    return f".*(?:{pattern}).*"


def input_type_for(annotation: object) -> str:
    """The input type a field's type suggests: ``number`` for ints, ``date`` for dates, …"""
    inner = annotation
    for _ in range(4):
        origin = get_origin(inner)
        if origin is Annotated:
            inner = get_args(inner)[0]
        elif origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
            rest = [a for a in get_args(inner) if a is not type(None)]
            inner = rest[0] if len(rest) == 1 else str
        else:
            break
    if isinstance(inner, type):
        if issubclass(inner, bool):
            return "checkbox"
        if issubclass(inner, int | float | decimal.Decimal):
            return "number"
        if issubclass(inner, datetime.datetime):
            return "datetime-local"
        if issubclass(inner, datetime.date):
            return "date"
        if issubclass(inner, enum.Enum):
            return "select"
    return "text"


# -- params --------------------------------------------------------------------------------


def decode_params(flat: Mapping[str, object]) -> dict[str, object]:
    """Flat input names to nested params: ``{"posts[0][title]": "x"}`` →
    ``{"posts": {"0": {"title": "x"}}}``."""
    out: dict[str, object] = {}
    for key, value in flat.items():
        head = key.split("[", 1)[0]
        path = [head, *_BRACKETS.findall(key[len(head) :])]
        node = out
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[path[-1]] = value
    return out


def encode_params(params: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    """Nested params to flat input names (the inverse of :func:`decode_params`)."""
    out: dict[str, object] = {}
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, Mapping):
            out.update(encode_params(value, name))
        elif isinstance(value, list | tuple) and value and isinstance(value[0], Mapping):
            for index, item in enumerate(value):
                out.update(encode_params(item, f"{name}[{index}]"))
        else:
            out[name] = value
    return out
