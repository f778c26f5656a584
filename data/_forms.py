"""What a form needs from a changeset: shown errors, input values, HTML validations,
and the error views (``traverse_errors``, ``error_paths``).

These are bound as ``Changeset`` methods; the components package builds ``to_form`` on
them. A form shows errors only once the changeset has an action, and per input only
once the user has used it (LiveView's ``used_input?``), so a fresh form is clean.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from ._changeset import Changeset, FieldError

__all__ = [
    "error_paths",
    "errors_on",
    "input_validations",
    "input_value",
    "messages_on",
    "traverse_errors",
    "used_input",
]

T = TypeVar("T")


def used_input(self: Changeset[T], name: str) -> bool:
    """Whether the user touched the input: it is in params and not ``_unused_<name>``."""
    return name in self.params and f"_unused_{name}" not in self.params


def messages_on(self: Changeset[T], name: str) -> list[str]:
    """Every interpolated message on a field, shown or not."""
    return [e.interpolate() for e in self.errors if e.field == name]


def errors_on(self: Changeset[T], name: str) -> list[str]:
    """The messages a form shows on an input: none before an action or while unused."""
    if self.action is None or not used_input(self, name):
        return []
    return messages_on(self, name)


def input_value(self: Changeset[T], name: str) -> object:
    """What the input shows: the raw param as typed (even if it failed to cast), else
    the field's current value."""
    if name in self.params:
        return self.params[name]
    if name in self._schema.fields:
        return self.get_field(name)
    return None


def input_validations(self: Changeset[T], name: str) -> dict[str, object]:
    """HTML attributes from the validators: ``required``, ``minlength``, ``maxlength``,
    ``min``, ``max`` (numbers), for client-side hints. The server still decides."""
    attrs: dict[str, object] = {}
    if name in self.required:
        attrs["required"] = True
    for field, kind, opts in self.validations:
        if field != name:
            continue
        if kind == "length":
            exact = opts.get("is")
            low = exact if exact is not None else opts.get("min")
            high = exact if exact is not None else opts.get("max")
            if low is not None:
                attrs["minlength"] = low
            if high is not None:
                attrs["maxlength"] = high
        elif kind == "number":
            if "ge" in opts:
                attrs["min"] = opts["ge"]
            if "le" in opts:
                attrs["max"] = opts["le"]
    return attrs


def traverse_errors(
    self: Changeset[T], fn: Callable[[FieldError], str] | None = None
) -> dict[str, object]:
    """Errors as ``{field: [message, …]}``, nested changesets as dicts or lists of dicts.

    Args:
        fn: turns each error into text; by default the message with ``{key}``
            placeholders filled from meta.
    """
    from ._changeset import Changeset

    render = fn or (lambda error: error.interpolate())
    out: dict[str, object] = {}
    for error in self.errors:
        messages = out.setdefault(error.field, [])
        assert isinstance(messages, list)  # noqa: S101 - plain fields only hold lists
        messages.append(render(error))
    for name, value in self.changes.items():
        if isinstance(value, Changeset) and not value.valid:
            out[name] = value.traverse_errors(fn)
        elif isinstance(value, tuple) and any(
            isinstance(v, Changeset) and not v.valid for v in value
        ):
            out[name] = [v.traverse_errors(fn) if isinstance(v, Changeset) else {} for v in value]
    return out


def error_paths(self: Changeset[T]) -> list[tuple[str, str]]:
    """Every error as ``(path, message)``, e.g. ``("addresses[1].city", "can't be blank")``."""
    from ._changeset import Changeset

    out = [(e.field, e.interpolate()) for e in self.errors]
    for name, value in self.changes.items():
        children: list[tuple[str, object]] = [(name, value)]
        if isinstance(value, tuple):
            children = [(f"{name}[{i}]", v) for i, v in enumerate(value)]
        for prefix, child in children:
            if isinstance(child, Changeset):
                out.extend((f"{prefix}.{p}", m) for p, m in child.error_paths())
    return out
