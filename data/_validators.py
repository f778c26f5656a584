"""Changeset validators. Each runs on changes only and returns a new changeset.

They are bound as methods of ``Changeset`` (``cs.validate_length("name", min=2)``). Every
validator takes a ``message``; ``{key}`` placeholders in it are filled from the error's
meta (``{count}`` for lengths, ``{number}`` for numbers).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Iterable, Sized
from typing import TYPE_CHECKING, Literal, TypeVar

from pydantic import TypeAdapter, ValidationError

from ._errors import ChangesetError
from ._graphemes import count_graphemes

if TYPE_CHECKING:
    from ._changeset import Changeset

__all__ = [
    "optimistic_lock",
    "validate_acceptance",
    "validate_change",
    "validate_confirmation",
    "validate_exclusion",
    "validate_format",
    "validate_inclusion",
    "validate_length",
    "validate_number",
    "validate_required",
    "validate_subset",
]

T = TypeVar("T")

_BOOL: TypeAdapter[bool] = TypeAdapter(bool)


def _record(cs: Changeset[T], name: str, kind: str, opts: dict[str, object]) -> Changeset[T]:
    cs._schema.spec(name)  # a misspelt field raises, naming the known ones (as Ecto does)
    return dataclasses.replace(cs, validations=(*cs.validations, (name, kind, opts)))


def _has_error(cs: Changeset[T], name: str) -> bool:
    return any(e.field == name for e in cs.errors)


def _blank(value: object, trim: bool) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return (value.strip() if trim else value) == ""
    return isinstance(value, Sized) and not isinstance(value, bytes) and len(value) == 0


def validate_required(
    self: Changeset[T],
    fields: str | Iterable[str],
    *,
    message: str = "can't be blank",
    trim: bool = True,
) -> Changeset[T]:
    """Fields must be present and not blank (strings trimmed unless ``trim=False``).

    Unlike the other validators this looks at the data too: an unchanged field that is
    already set passes. A field that already has an error (e.g. a cast error) is skipped.
    A blank change is removed from ``changes`` (so it is never written), as in Ecto.
    """
    names = [fields] if isinstance(fields, str) else list(fields)
    cs = dataclasses.replace(self, required=(*self.required, *names))
    for name in names:
        if not _has_error(cs, name) and _blank(cs.get_field(name), trim):
            cs = cs.delete_change(name).add_error(name, message, validation="required")
    return cs


def validate_change(
    self: Changeset[T],
    name: str,
    fn: Callable[[str, object], Iterable[tuple[str, str]] | Iterable[str]],
    *,
    meta: dict[str, object] | None = None,
) -> Changeset[T]:
    """Run ``fn(field, value)`` on a non-None change; it returns error messages.

    ``fn`` may return messages, or ``(field, message)`` pairs to put errors elsewhere.
    """
    self._schema.spec(name)
    value = self.changes.get(name)
    if value is None:
        return self
    cs = self
    for item in fn(name, value):
        target, message = (name, item) if isinstance(item, str) else item
        cs = cs.add_error(target, message, **(meta or {"validation": "custom"}))
    return cs


def _length_of(value: object, count: str) -> tuple[int, str]:
    if isinstance(value, str):
        if count == "graphemes":
            return count_graphemes(value), "string"
        if count == "codepoints":
            return len(value), "string"
        return len(value.encode()), "binary"
    if isinstance(value, bytes):
        return len(value), "binary"
    if isinstance(value, Sized):
        return len(value), "list"
    raise ChangesetError(
        f"Expected a string, bytes or a collection for validate_length, but got "
        f"{type(value).__name__}. Use validate_number for numbers."
    )


_LENGTH_MESSAGES = {
    ("string", "min"): "should be at least {count} character(s)",
    ("string", "max"): "should be at most {count} character(s)",
    ("string", "is"): "should be {count} character(s)",
    ("binary", "min"): "should be at least {count} byte(s)",
    ("binary", "max"): "should be at most {count} byte(s)",
    ("binary", "is"): "should be {count} byte(s)",
    ("list", "min"): "should have at least {count} item(s)",
    ("list", "max"): "should have at most {count} item(s)",
    ("list", "is"): "should have {count} item(s)",
}


def validate_length(
    self: Changeset[T],
    name: str,
    *,
    min: int | None = None,
    max: int | None = None,
    is_: int | None = None,
    count: Literal["graphemes", "codepoints", "bytes"] = "graphemes",
    message: str | None = None,
) -> Changeset[T]:
    """A string's (graphemes by default), bytes' or collection's length must fit."""
    cs = _record(self, name, "length", {"min": min, "max": max, "is": is_})
    value = cs.changes.get(name)
    if value is None:
        return cs
    length, kind = _length_of(value, count)
    checks: tuple[tuple[str, int | None, bool], ...] = (
        ("is", is_, length != is_),
        ("min", min, length < (min or 0)),
        ("max", max, max is not None and length > max),
    )
    for which, bound, failed in checks:
        if bound is not None and failed:
            text = message or _LENGTH_MESSAGES[(kind, which)]
            return cs.add_error(name, text, validation="length", kind=which, count=bound, type=kind)
    return cs


def validate_format(
    self: Changeset[T],
    name: str,
    pattern: str | re.Pattern[str],
    *,
    message: str = "has invalid format",
) -> Changeset[T]:
    """A string change must match ``pattern`` (``re.search``, so anchor it if needed)."""
    regex = re.compile(pattern) if isinstance(pattern, str) else pattern
    cs = _record(self, name, "format", {"pattern": regex.pattern})
    value = cs.changes.get(name)
    if value is None or regex.search(str(value)):
        return cs
    return cs.add_error(name, message, validation="format")


_NUMBER_RULES: dict[str, tuple[Callable[[object, object], bool], str]] = {
    "lt": (lambda v, n: v < n, "must be less than {number}"),  # type: ignore[operator]
    "gt": (lambda v, n: v > n, "must be greater than {number}"),  # type: ignore[operator]
    "le": (lambda v, n: v <= n, "must be less than or equal to {number}"),  # type: ignore[operator]
    "ge": (lambda v, n: v >= n, "must be greater than or equal to {number}"),  # type: ignore[operator]
    "eq": (lambda v, n: v == n, "must be equal to {number}"),
    "ne": (lambda v, n: v != n, "must be not equal to {number}"),
}


def validate_number(
    self: Changeset[T],
    name: str,
    *,
    lt: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    ge: float | None = None,
    eq: float | None = None,
    ne: float | None = None,
    message: str | None = None,
) -> Changeset[T]:
    """A numeric change must satisfy every given bound (the first failure is reported)."""
    bounds = {"lt": lt, "gt": gt, "le": le, "ge": ge, "eq": eq, "ne": ne}
    given = {k: v for k, v in bounds.items() if v is not None}
    cs = _record(self, name, "number", dict(given))
    value = cs.changes.get(name)
    if value is None:
        return cs
    for kind, number in given.items():
        check, default = _NUMBER_RULES[kind]
        if not check(value, number):
            return cs.add_error(
                name, message or default, validation="number", kind=kind, number=number
            )
    return cs


def validate_inclusion(
    self: Changeset[T], name: str, allowed: Collection[object], *, message: str = "is invalid"
) -> Changeset[T]:
    """The change must be one of ``allowed``."""
    cs = _record(self, name, "inclusion", {"in": list(allowed)})
    value = cs.changes.get(name)
    if value is None or value in allowed:
        return cs
    return cs.add_error(name, message, validation="inclusion", enum=list(allowed))


def validate_exclusion(
    self: Changeset[T], name: str, reserved: Collection[object], *, message: str = "is reserved"
) -> Changeset[T]:
    """The change must not be one of ``reserved``."""
    cs = _record(self, name, "exclusion", {"in": list(reserved)})
    value = cs.changes.get(name)
    if value is None or value not in reserved:
        return cs
    return cs.add_error(name, message, validation="exclusion", enum=list(reserved))


def validate_subset(
    self: Changeset[T],
    name: str,
    allowed: Collection[object],
    *,
    message: str = "has an invalid entry",
) -> Changeset[T]:
    """Every element of a list change must be in ``allowed``."""
    cs = _record(self, name, "subset", {"in": list(allowed)})
    value = cs.changes.get(name)
    if value is None:
        return cs
    if not isinstance(value, Iterable) or isinstance(value, str | bytes):
        raise ChangesetError(
            f"Expected a list for validate_subset on {name!r}, but got {type(value).__name__}. "
            f"Use validate_inclusion for single values."
        )
    if all(item in allowed for item in value):
        return cs
    return cs.add_error(name, message, validation="subset", enum=list(allowed))


def validate_confirmation(
    self: Changeset[T],
    name: str,
    *,
    required: bool = False,
    message: str = "does not match confirmation",
) -> Changeset[T]:
    """``<name>_confirmation`` in params must equal the change; the error goes on it."""
    key = f"{name}_confirmation"
    cs = _record(self, name, "confirmation", {"required": required})
    if name not in cs.changes:
        return cs
    if key not in cs.params:
        if required:
            return cs.add_error(key, "can't be blank", validation="required")
        return cs
    if str(cs.params[key]) != str(cs.changes[name]):
        return cs.add_error(key, message, validation="confirmation")
    return cs


def validate_acceptance(
    self: Changeset[T], name: str, *, message: str = "must be accepted"
) -> Changeset[T]:
    """The param ``name`` (e.g. a terms checkbox) must be present and true.

    An unchecked checkbox sends no key at all, so a missing param is not accepted.
    """
    cs = dataclasses.replace(self, validations=(*self.validations, (name, "acceptance", {})))
    if name not in cs.params:
        return cs.add_error(name, message, validation="acceptance")
    try:
        accepted = _BOOL.validate_python(cs.params[name])
    except ValidationError:
        accepted = False
    if accepted:
        return cs
    return cs.add_error(name, message, validation="acceptance")


def optimistic_lock(self: Changeset[T], name: str = "version") -> Changeset[T]:
    """Lock on an integer version field: bump it, and make the update stale-checked.

    The repo adds ``WHERE <name> = <current>`` to the update; when another writer got
    there first, the result fails with ``"is stale"`` on the field.
    """
    current = self.get_field(name)
    if not isinstance(current, int):
        raise ChangesetError(
            f"Expected {name!r} to hold an integer version for optimistic_lock, but it holds "
            f"{current!r}. Give the column a default (e.g. default=1) and load the row first."
        )
    cs = self.force_change(name, current + 1)
    return dataclasses.replace(cs, lock=(name, current))
