"""Which raw values a field type accepts before pydantic converts them (Ecto's casting table).

pydantic's lax mode turns ``True`` and ``1.0`` into the integer ``1`` and a Unix
timestamp into a datetime. Ecto answers "is invalid" to those, and so does ember: a raw
value must already be of the field's type, or a string written the way a form writes
that type. The rules per type (see docs/data.md, "Casting"):

- ``int``: an int (not a bool), or a string of digits with an optional sign;
- ``float``: an int or float (not a bool), or a decimal-number string; never NaN or
  infinity;
- ``Decimal``: an int, float or Decimal (not a bool), or a decimal-number string;
  never NaN or infinity;
- ``bool``: a bool, or one of pydantic's boolean strings ("true"/"false", "1"/"0",
  "on"/"off", "yes"/"no", …); never a number;
- ``date``, ``datetime``, ``time``: an instance, or an ISO 8601 string; never a number;
- ``str``: a string;
- ``list[X]`` / ``tuple[X, ...]``/ ``set[X]``: a list, tuple or set whose entries each
  follow X's rule.

Anything else (enums, pydantic models, custom types) is left to pydantic.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import math
import re
import types
from typing import Annotated, Union, get_args, get_origin

__all__ = ["base_type", "is_collection", "refuses"]

_INTEGER = re.compile(r"\s*[+-]?\d+\s*")
_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")
_TEMPORAL = (datetime.date, datetime.time)  # datetime is a date


def base_type(annotation: object) -> object:
    """``annotation`` without ``Annotated`` metadata and without ``| None``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return base_type(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        rest = [a for a in get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return base_type(rest[0])
    return annotation


def is_collection(annotation: object) -> bool:
    """Whether the field holds a list, tuple or set of values."""
    return get_origin(base_type(annotation)) in (list, tuple, set, frozenset)


def _finite_number(value: str) -> bool:
    return bool(_NUMBER.fullmatch(value)) and math.isfinite(float(value))


def refuses(annotation: object, value: object) -> str | None:
    """The pydantic-style error type when ``value`` may not be cast to ``annotation``.

    Returns None when the value is acceptable (pydantic then converts it, and may
    still fail).
    """
    if value is None:
        return None
    tp = base_type(annotation)
    origin = get_origin(tp)
    if origin in (list, tuple, set, frozenset):
        if not isinstance(value, list | tuple | set | frozenset):
            return "list_type"
        inner = [a for a in get_args(tp) if a is not Ellipsis]
        if len(inner) == 1:
            for item in value:
                if (refused := refuses(inner[0], item)) is not None:
                    return refused
        return None
    if not isinstance(tp, type) or issubclass(tp, enum.Enum):
        return None  # enums, literals and custom types: pydantic decides
    if tp is bool:
        return None if isinstance(value, bool | str) else "bool_type"
    if issubclass(tp, bool) or not issubclass(
        tp, int | float | decimal.Decimal | datetime.date | datetime.time | str
    ):
        return None
    if isinstance(value, bool):
        return f"{tp.__name__.lower()}_type"
    if tp is int:
        if isinstance(value, int) or (isinstance(value, str) and _INTEGER.fullmatch(value)):
            return None
        return "int_type"
    if tp is float or tp is decimal.Decimal:
        if isinstance(value, str):
            return None if _finite_number(value) else f"{tp.__name__.lower()}_parsing"
        if isinstance(value, int | float | decimal.Decimal):
            return None if math.isfinite(value) else "finite_number"
        return f"{tp.__name__.lower()}_type"
    if issubclass(tp, _TEMPORAL):
        if isinstance(value, _TEMPORAL):
            return None
        if isinstance(value, str) and not _NUMBER.fullmatch(value):
            return None
        return f"{tp.__name__}_type"
    if tp is str:
        return None if isinstance(value, str) else "string_type"
    return None
