"""Controls: what the storybook lets you edit, read from a component's typed signature.

Each keyword parameter becomes one :class:`Control`. Its kind follows the annotation:
``bool`` → a checkbox, ``int``/``float`` → a number, ``Literal[…]`` or an Enum → a select,
``str`` → text (a colour picker when the name says colour), a callable → an event that the
storybook logs, anything else → JSON. Values travel in the URL as JSON, so a link reopens
the same arguments.
"""

from __future__ import annotations

import collections.abc
import enum
import inspect
import json
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin

from ._story import Story

__all__ = ["Control", "ControlKind", "controls_for", "to_json"]
_COLOUR_NAME = re.compile(r"(^|_)colou?r($|_)")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_NONE_TYPE = type(None)


class ControlKind(enum.Enum):
    """How a control is edited."""

    TEXT = "text"
    NUMBER = "number"
    BOOLEAN = "boolean"
    SELECT = "select"
    COLOUR = "colour"
    JSON = "json"
    EVENT = "event"
    """A callable parameter: the storybook passes a function that logs each call."""
    CODE = "code"
    """A value only code can give (a function that renders, a component): shown, never
    edited as text."""


@dataclass(frozen=True)
class Control:
    """One editable argument of a story's component."""

    name: str
    kind: ControlKind
    type_name: str
    default: object = inspect.Parameter.empty
    optional: bool = False
    integer: bool = False
    choices: Mapping[str, object] = field(default_factory=dict)
    """For a select: option text → value."""
    doc: str = ""
    positional: bool = False
    """The story's positional children (``*children``), edited as one piece of text."""

    @property
    def required(self) -> bool:
        return self.default is inspect.Parameter.empty

    def to_text(self, value: object) -> str | None:
        """The value as the control's input shows it, or None if it cannot (set by code)."""
        if self.kind is ControlKind.SELECT:
            return next((text for text, v in self.choices.items() if v == value), None)
        if value is None:
            return ""
        if self.kind in {ControlKind.TEXT, ControlKind.COLOUR}:
            return value if isinstance(value, str) else None
        if self.kind is ControlKind.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return None
            return _number_text(value)
        if self.kind is ControlKind.JSON:
            return to_json(value)
        return None

    def parse(self, raw: str | bool) -> object:
        """The value for ``raw`` from the control's input.

        Raises:
            ValueError: ``raw`` is not a value of this control's type (the message says why).
        """
        if self.kind in {ControlKind.BOOLEAN, ControlKind.EVENT}:
            return raw if isinstance(raw, bool) else str(raw).lower() in {"true", "on", "1"}
        if self.kind is ControlKind.CODE:
            raise ValueError(f"{self.name} is a function: only the story's code sets it.")
        text = str(raw)
        if self.kind is ControlKind.SELECT:
            if text not in self.choices:
                raise ValueError(f"Expected one of {', '.join(self.choices)}, got {text!r}.")
            return self.choices[text]
        if text == "" and self.optional:
            return None
        if self.kind is ControlKind.NUMBER:
            try:
                number = float(text)
            except ValueError:
                raise ValueError(f"Expected a number, got {text!r}.") from None
            if self.integer:
                if not number.is_integer():
                    raise ValueError(f"Expected a whole number, got {text!r}.")
                return int(number)
            return number
        if self.kind is ControlKind.JSON:
            try:
                return json.loads(text)
            except json.JSONDecodeError as error:
                raise ValueError(f"Expected JSON: {error.msg} at character {error.pos}.") from None
        if self.kind is ControlKind.COLOUR and text and not _HEX_COLOUR.match(text):
            raise ValueError(f"Expected a colour like #ea580c, got {text!r}.")
        return text

    def from_url(self, value: object) -> object:
        """A value read back from the URL's JSON (Enum members travel as their value).

        Raises:
            ValueError: the value does not fit the control.
        """
        if self.kind is ControlKind.CODE:
            raise ValueError(f"{self.name} is a function: only the story's code sets it.")
        if self.kind is ControlKind.SELECT:
            for choice in self.choices.values():
                if choice == value or (isinstance(choice, enum.Enum) and choice.value == value):
                    return choice
            raise ValueError(f"{value!r} is not one of {', '.join(self.choices)}.")
        if self.kind in {ControlKind.BOOLEAN, ControlKind.EVENT}:
            return bool(value)
        return value

    def to_url(self, value: object) -> object:
        """The value as JSON for the URL."""
        return value.value if isinstance(value, enum.Enum) else value


def to_json(value: object) -> str | None:
    """Compact JSON for ``value``, or None if it is not plain data."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return None


def _number_text(value: float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def controls_for(story: Story) -> list[Control]:
    """The controls of a story: one per parameter of its component, in signature order.

    Positional children (``*children``) become a text control when the story passes one
    piece of text; ``**kwargs`` are left out.
    """
    try:
        signature = inspect.signature(story.component)
    except (TypeError, ValueError):
        return []
    hints = _hints(story.component)
    docs = _param_docs(inspect.getdoc(story.component) or "")
    out: list[Control] = []
    for parameter in signature.parameters.values():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            continue
        if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            if len(story.children) == 1 and isinstance(story.children[0], str):
                doc = docs.get(parameter.name, "")
                out.append(
                    Control(parameter.name, ControlKind.TEXT, "str", "", doc=doc, positional=True)
                )
            continue
        annotation = hints.get(parameter.name, parameter.annotation)
        out.append(_control(parameter, annotation, docs.get(parameter.name, "")))
    return out


def _hints(component: Callable[..., object]) -> dict[str, object]:
    try:
        return dict(typing.get_type_hints(component))
    except Exception:
        return {}


def _control(parameter: inspect.Parameter, annotation: object, doc: str) -> Control:
    name, default = parameter.name, parameter.default
    members = _without_none(annotation)
    optional = len(members) != len(_flatten(annotation)) or default is None

    def make(kind: ControlKind, **extra: Any) -> Control:
        type_name = _type_name(annotation)
        return Control(name=name, kind=kind, type_name=type_name, default=default, doc=doc, **extra)

    is_handler_name = name.startswith("on") and (name[2:3] in {"_", ""} or name[2:3].isupper())
    if is_handler_name and (any(_is_callable(m) for m in members) or not members):
        return make(ControlKind.EVENT, optional=True)
    if any(_is_callable(m) for m in members):
        return make(ControlKind.CODE, optional=optional)
    if members == [bool]:
        return make(ControlKind.BOOLEAN)
    choices = _choices(members)
    if choices:
        if optional:
            choices = {"(none)": None, **choices}
        return make(ControlKind.SELECT, choices=choices, optional=optional)
    if members and all(m in {int, float} for m in members):
        integer = float not in members
        return make(ControlKind.NUMBER, optional=optional, integer=integer)
    if str in members or (annotation is inspect.Parameter.empty and isinstance(default, str)):
        kind = ControlKind.COLOUR if _COLOUR_NAME.search(name) else ControlKind.TEXT
        return make(kind, optional=optional)
    if annotation is inspect.Parameter.empty and isinstance(default, bool):
        return make(ControlKind.BOOLEAN)
    if annotation is inspect.Parameter.empty and isinstance(default, int | float):
        integer = isinstance(default, int)
        return make(ControlKind.NUMBER, integer=integer)
    return make(ControlKind.JSON, optional=optional)


def _flatten(annotation: object) -> list[object]:
    origin = get_origin(annotation)
    if origin is typing.Union or origin is _union_type():
        return [m for arg in get_args(annotation) for m in _flatten(arg)]
    if origin is typing.Annotated:
        return _flatten(get_args(annotation)[0])
    return [annotation]


def _without_none(annotation: object) -> list[object]:
    if annotation is inspect.Parameter.empty:
        return []
    return [m for m in _flatten(annotation) if m is not _NONE_TYPE and m is not None]


def _union_type() -> object:
    import types

    return types.UnionType


def _is_callable(annotation: object) -> bool:
    origin = get_origin(annotation) or annotation
    return origin is collections.abc.Callable or origin is typing.Callable


def _choices(members: list[object]) -> dict[str, object]:
    if len(members) != 1:
        literals = [m for m in members if get_origin(m) is Literal]
        if len(literals) != len(members):
            return {}
    out: dict[str, object] = {}
    for member in members:
        if get_origin(member) is Literal:
            out.update({str(v): v for v in get_args(member)})
        elif isinstance(member, type) and issubclass(member, enum.Enum):
            out.update({str(m.value): m for m in member})
        else:
            return {}
    return out


def _type_name(annotation: object) -> str:
    if annotation is inspect.Parameter.empty:
        return ""
    if isinstance(annotation, type):
        return annotation.__name__
    text = str(annotation)
    for prefix in ("typing.", "collections.abc.", "reactpy.types."):
        text = text.replace(prefix, "")
    return re.sub(r"\bember\.\w+\._\w+\.", "", text)


_ARG_LINE = re.compile(r"^\s{4,}(\*{0,2}\w+):\s*(.*)$")


def _param_docs(docstring: str) -> dict[str, str]:
    """``Args:`` entries of a Google-style docstring, by parameter name."""
    out: dict[str, str] = {}
    inside, current = False, ""
    for line in docstring.splitlines():
        if line.strip() in {"Args:", "Arguments:", "Parameters:"}:
            inside = True
            continue
        if inside and line.strip().endswith(":") and not line.startswith(" "):
            inside = False
        if not inside:
            continue
        found = _ARG_LINE.match(line)
        if found and len(line) - len(line.lstrip()) <= 4:
            current = found.group(1).lstrip("*")
            out[current] = found.group(2).strip()
        elif current and line.strip():
            out[current] += " " + line.strip()
        elif not line.strip():
            current = ""
    return out
