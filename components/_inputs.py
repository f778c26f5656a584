"""``input``: one form field with its label, help text, errors and HTML constraints.

Errors show only when the form shows them (see ``to_form``); an input with errors has
``aria-invalid="true"`` and ``aria-describedby`` naming its error and help elements.
"""

from __future__ import annotations

import datetime
import enum
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Literal, get_args, get_origin

from reactpy import html
from reactpy.types import VdomDict

from ._base import ComponentError, classes, kids, typed_component
from ._form import FormContextValue, use_form_context
from ._to_form import FormField, input_type_for

__all__ = ["InputType", "input"]

InputType = Literal[
    "text",
    "email",
    "password",
    "number",
    "date",
    "datetime-local",
    "tel",
    "url",
    "search",
    "textarea",
    "select",
    "checkbox",
    "radio",
    "hidden",
]
_TYPES = frozenset(get_args(InputType))
_TEXT_LIKE = frozenset({"text", "email", "password", "tel", "url", "search", "textarea"})
_RANGED = frozenset({"number", "date", "datetime-local"})
_IMMEDIATE = frozenset({"checkbox", "radio", "select", "date", "datetime-local"})
_TRUE = frozenset({"true", "on", "1", "yes"})
Options = Sequence[tuple[str, str]] | Sequence[str]


def _text(value: object, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool) and kind != "checkbox":
        return "true" if value else "false"
    return str(value)


def _checked(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return bool(value)


def _options(field: FormField, options: Options | None) -> list[tuple[str, str]]:
    if options is not None:
        return [(o, o) if isinstance(o, str) else (str(o[0]), str(o[1])) for o in options]
    inner = _enum_of(field.annotation)
    if inner is None:
        return []
    return [(str(m.value), m.name.replace("_", " ").capitalize()) for m in inner]


def _enum_of(annotation: object) -> type[enum.Enum] | None:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation
    origin = get_origin(annotation)
    if origin is typing.Annotated or origin is typing.Union or origin is not None:
        for arg in get_args(annotation):
            found = _enum_of(arg)
            if found is not None:
                return found
    return None


def _constraint_attributes(field: FormField, kind: str) -> dict[str, object]:
    out: dict[str, object] = {}
    constraints = field.constraints
    if constraints.get("required") and kind != "checkbox":
        out["required"] = True
        out["aria-required"] = "true"
    if kind in _TEXT_LIKE:
        for source, target in (("minlength", "minLength"), ("maxlength", "maxLength")):
            if source in constraints:
                out[target] = constraints[source]
        if "pattern" in constraints and kind != "textarea":
            out["pattern"] = constraints["pattern"]
    if kind in _RANGED:
        for name in ("min", "max"):
            if name in constraints:
                out[name] = _text(constraints[name], kind)
    return out


def _describing(field: FormField, help: str | None) -> dict[str, object]:
    ids = [field.help_id] if help else []
    if field.errors:
        ids.append(field.error_id)
    out: dict[str, object] = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        out["aria-invalid"] = "true"
    return out


def _feedback(field: FormField, help: str | None) -> list[VdomDict]:
    parts = []
    if help:
        parts.append(html.p({"className": "ember-field-help", "id": field.help_id}, help))
    if field.errors:
        parts.append(
            html.div(
                {"className": "ember-field-errors", "id": field.error_id},
                *[
                    html.p({"className": "ember-field-error", "key": f"{i}"}, message)
                    for i, message in enumerate(field.errors)
                ],
            )
        )
    return parts


def changed_value(event: Mapping[str, Any], kind: str, multiple: bool) -> object:
    """The value a change event carries: ``"true"``/``"false"`` for a checkbox, a list
    for a multiple select, else the target's value."""
    target = event.get("target")
    if isinstance(target, list):
        # ReactPy's client sends a <select> (array-like) as the list of its options.
        chosen = [
            str(o.get("value", "")) for o in target if isinstance(o, Mapping) and o.get("selected")
        ]
        return chosen if multiple else (chosen[0] if chosen else "")
    if not isinstance(target, Mapping):
        return [] if multiple else ""
    if kind == "checkbox":
        return "true" if target.get("checked") else "false"
    selected = target.get("selectedOptions")
    if multiple:
        options = selected if isinstance(selected, list) else []
        return [str(o.get("value", "")) for o in options if isinstance(o, Mapping)]
    value = target.get("value", "")
    return value if isinstance(value, str) else str(value)


def _handlers(
    context: FormContextValue | None, field: FormField, kind: str, multiple: bool
) -> dict[str, object]:
    if context is None:
        return {}
    immediate = kind in _IMMEDIATE

    async def on_change(event: Mapping[str, Any]) -> None:
        await context.changed(field.name, changed_value(event, kind, multiple), immediate)

    async def on_blur(event: Mapping[str, Any]) -> None:
        await context.blurred()

    handlers: dict[str, object] = {"onChange": on_change}
    if not immediate:
        handlers["onBlur"] = on_blur
    return handlers


def _register(
    context: FormContextValue | None,
    field: FormField,
    kind: str,
    multiple: bool,
    options: Options | None,
) -> None:
    """Register the input's value with its form (what a submit starts from)."""
    if context is None:
        return
    raw = field.value
    if kind == "checkbox":
        context.register(field.name, "true" if _checked(raw) else "false")
    elif kind == "select" and multiple:
        chosen = raw if isinstance(raw, list | tuple | set | frozenset) else ()
        context.register(field.name, [_text(v, kind) for v in chosen])
    elif kind == "radio":
        shown = _text(raw, kind)
        if shown in {value for value, _ in _options(field, options)}:
            context.register(field.name, shown)
    else:
        context.register(field.name, _text(raw, kind))


@typed_component
def input(
    field: FormField,
    *,
    type: InputType | None = None,
    label: str | None = None,
    help: str | None = None,
    placeholder: str | None = None,
    options: Options | None = None,
    prompt: str | None = None,
    multiple: bool = False,
    rows: int = 4,
    autocomplete: str | None = None,
    disabled: bool = False,
    focus: str | None = None,
    class_name: str = "",
) -> VdomDict:
    """An input for one form field, with its label, help text and errors.

    Args:
        field: the field, e.g. ``form["email"]``.
        type: ``text``, ``email``, ``password``, ``number``, ``date``,
            ``datetime-local``, ``tel``, ``url``, ``search``, ``textarea``, ``select``,
            ``checkbox``, ``radio`` (a group) or ``hidden``; by default from the field's
            type (``int`` → number, ``date`` → date, ``bool`` → checkbox, an Enum →
            select, else text).
        label: the label; by default the field name in words.
        help: a hint under the input, tied to it by ``aria-describedby``.
        placeholder: the placeholder text.
        options: for ``select`` and ``radio``: values, or ``(value, label)`` pairs; an
            Enum field's members by default.
        prompt: for ``select``: a first, empty option (``"Choose…"``).
        multiple: for ``select``: choose several (the value is a list).
        rows: for ``textarea``: its height in lines.
        autocomplete: the HTML ``autocomplete`` hint.
        disabled: the input cannot be changed.
        focus: the input takes the focus when this value appears or changes (e.g. a
            count of submits, so the field is focused again after each one).
        class_name: extra classes for the field's wrapper.

    Raises:
        ComponentError: ``type`` is not one of the types above.
    """
    kind = type or input_type_for(field.annotation)
    if kind not in _TYPES:
        known = ", ".join(sorted(_TYPES))
        raise ComponentError(f"Expected an input type, one of: {known}. Got {kind!r}.")
    context = use_form_context()
    text = label if label is not None else field.label
    value = field.value
    _register(context, field, kind, multiple, options)
    if kind == "hidden":
        return html.input(
            {
                "type": "hidden",
                "id": field.id,
                "name": field.name,
                "value": _text(value, kind),
            }
        )
    common: dict[str, object] = {
        "id": field.id,
        "name": field.name,
        **_describing(field, help),
        **_constraint_attributes(field, kind),
        **_handlers(context, field, kind, multiple),
    }
    if disabled:
        common["disabled"] = True
    if focus is not None:
        common["data-ember-focus"] = focus
    if autocomplete:
        common["autoComplete"] = autocomplete
    if placeholder and kind not in {"select", "checkbox", "radio"}:
        common["placeholder"] = placeholder
    wrapper = classes(
        "ember-field",
        f"ember-field-{kind}",
        bool(field.errors) and "ember-field-invalid",
        class_name,
    )
    if kind == "checkbox":
        control = html.input(
            {**common, "type": "checkbox", "value": "true", "checked": _checked(value)}
        )
        return html.div(
            {"className": wrapper},
            html.div(
                {"className": "ember-check"},
                control,
                html.label({"htmlFor": field.id, "className": "ember-label"}, text),
            ),
            *_feedback(field, help),
        )
    if kind == "radio":
        return _radio_group(field, text, help, _options(field, options), wrapper, common)
    if kind == "select":
        control = _select(field, common, _options(field, options), prompt, multiple)
    elif kind == "textarea":
        control = html.textarea(
            {
                **common,
                "className": "ember-control",
                "rows": rows,
                "value": _text(value, kind),
                # Enter starts a new line; Ctrl+Enter submits (static/ember-components.js).
                **({"data-ember-submit": "ctrl-enter"} if context is not None else {}),
            }
        )
    else:
        attributes = {**common, "className": "ember-control", "type": kind}
        if kind != "password":  # a password is never sent back to the browser
            attributes["value"] = _text(value, kind)
        control = html.input(attributes)
    return html.div(
        {"className": wrapper},
        html.label({"htmlFor": field.id, "className": "ember-label"}, text),
        control,
        *_feedback(field, help),
    )


def _select(
    field: FormField,
    common: dict[str, object],
    options: list[tuple[str, str]],
    prompt: str | None,
    multiple: bool,
) -> VdomDict:
    raw = field.value
    chosen = (
        {_text(v, "select") for v in raw}
        if isinstance(raw, list | tuple | set | frozenset)
        else {_text(raw, "select")}
    )
    items = [
        html.option(
            {"value": option_value, "key": option_value, "selected": option_value in chosen},
            option_label,
        )
        for option_value, option_label in options
    ]
    if prompt is not None and not multiple:
        items.insert(0, html.option({"value": "", "key": "__prompt"}, prompt))
    attributes: dict[str, object] = {**common, "className": "ember-control ember-select"}
    if multiple:
        attributes["multiple"] = True
        attributes["value"] = sorted(chosen - {""})
    else:
        attributes["value"] = next(iter(chosen), "")
    return html.select(attributes, *items)


def _radio_group(
    field: FormField,
    text: str,
    help: str | None,
    options: list[tuple[str, str]],
    wrapper: str,
    common: dict[str, object],
) -> VdomDict:
    chosen = _text(field.value, "radio")
    describing = _describing(field, help)
    control = {k: v for k, v in common.items() if k not in {"id", "aria-describedby"}}
    radios = []
    for index, (option_value, option_label) in enumerate(options):
        radio_id = f"{field.id}_{index}"
        radios.append(
            html.div(
                {"className": "ember-check", "key": option_value},
                html.input(
                    {
                        **control,
                        "type": "radio",
                        "id": radio_id,
                        "value": option_value,
                        "checked": option_value == chosen,
                    }
                ),
                html.label({"htmlFor": radio_id, "className": "ember-label"}, option_label),
            )
        )
    group: dict[str, object] = {
        "className": wrapper,
        "id": field.id,
        "role": "radiogroup",
        "aria-labelledby": f"{field.id}-legend",
        **describing,
    }
    return html.fieldset(
        group,
        html.legend({"className": "ember-label", "id": f"{field.id}-legend"}, text),
        html.div({"className": "ember-radios"}, *radios),
        *kids(*_feedback(field, help)),
    )
