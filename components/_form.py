"""The ``form`` component: change validation while typing (debounced) and submit, bound to a
``Form`` made by ``to_form``; ``submit_button`` and ``inputs_for`` work inside it.

Params are tracked by the form, not read back from the browser on every keystroke: each
input's change adds its value to the params the form last saw, so the changeset handed
to ``on_change`` holds exactly the inputs the user used (the untouched ones stay quiet),
and a submit sends every field (so every error shows).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from reactpy import create_context, html, use_context, use_ref, use_state
from reactpy.types import Component, VdomDict

from ember.live import use_session

from ._base import Child, ComponentError, classes, kids, typed_component
from ._basic import Size, Variant, button
from ._to_form import Form, FormField, decode_params, nested_forms

__all__ = ["FormCallback", "form", "inputs_for", "submit_button"]

FormCallback = Callable[[dict[str, object]], Awaitable[None] | None]
"""Called with the form's params (nested by ``inputs_for`` names); sync or async."""


@dataclass
class _FormState:
    changeset: object = None
    params: dict[str, object] = field(default_factory=dict)
    unsent: dict[str, object] = field(default_factory=dict)
    generation: int = 0
    # What each input showed at its last render, by name: the params a submit starts from.
    rendered: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class FormContextValue:
    """What inputs read from the form around them."""

    form_id: str
    submitting: bool
    changed: Callable[[str, object, bool], Awaitable[None]]
    blurred: Callable[[], Awaitable[None]]
    register: Callable[[str, object], None]


FormContext = create_context(cast(FormContextValue | None, None))


def use_form_context() -> FormContextValue | None:
    """The form an input renders in, or None outside a ``form``."""
    value: FormContextValue | None = use_context(FormContext)
    return value


async def _run(callback: FormCallback | None, params: dict[str, object]) -> None:
    if callback is None:
        return
    outcome = callback(params)
    if inspect.isawaitable(outcome):
        await outcome


def submitted_params(event: Mapping[str, Any]) -> dict[str, object]:
    """The flat params of a submit event's form elements (multiple selects as lists,
    unchecked checkboxes as ``"false"``)."""
    target = event.get("target")
    elements = target if isinstance(target, list) else []
    if isinstance(target, Mapping) and isinstance(target.get("elements"), list):
        elements = list(target["elements"])
    params: dict[str, object] = {}
    for element in elements:
        if not isinstance(element, Mapping) or not element.get("name"):
            continue
        name = str(element["name"])
        kind = element.get("type")
        if kind == "checkbox":
            params[name] = element.get("value", "true") if element.get("checked") else "false"
            continue
        if kind == "radio":
            if element.get("checked"):
                params[name] = element.get("value")
            continue
        selected = element.get("selectedOptions")
        if kind == "select-multiple" and isinstance(selected, list):
            params[name] = [o.get("value") for o in selected if isinstance(o, Mapping)]
            continue
        params[name] = element.get("value")
    return params


@typed_component
def form(
    source: Form,
    *children: Child,
    on_change: FormCallback | None = None,
    on_submit: FormCallback | None = None,
    debounce_ms: int = 300,
    class_name: str = "",
    label: str | None = None,
    auto_recover: bool = True,
) -> Component:
    """A form bound to a changeset (``to_form``): validates while typing, submits.

    Args:
        source: the form, from ``to_form(changeset)``.
        children: the inputs and buttons.
        on_change: called with the params after the user changed an input (text inputs
            once typing pauses for ``debounce_ms``, or on leaving the input; checkboxes,
            radios and selects at once). Rebuild the changeset with action ``validate``
            and re-render the form with it. A sync callback runs on the event loop: keep
            it to validation; do I/O in an async one.
        on_submit: called with every field's value on submit; the submit button is
            disabled until it returns. A sync callback runs in a worker thread.
        debounce_ms: the pause in typing before ``on_change`` runs; 0 validates every
            keystroke.
        class_name: extra classes from the host app.
        label: the form's accessible name.
        auto_recover: after a reconnect (a new worker, a restarted server), the browser
            puts back what the fields held and ``on_change`` re-validates it; False
            leaves the form as the new session renders it.

    Raises:
        ComponentError: ``source`` is not a ``Form``.
    """
    candidate: object = source  # callers without type checking pass anything
    if not isinstance(candidate, Form):
        msg = f"Expected a Form from to_form(changeset), got {type(candidate).__name__}."
        raise ComponentError(msg)
    session = use_session()
    state = use_ref(_FormState()).current
    submitting, set_submitting = use_state(False)
    if state.changeset is not source.changeset:
        # A new changeset from the parent: its params are now what the form has seen.
        state.changeset = source.changeset
        state.params = source.params
        state.rendered = {}

    async def validate() -> None:
        params = {**state.params, **state.unsent}
        state.params, state.unsent = params, {}
        await _run(on_change, decode_params(params))

    async def changed(name: str, value: object, immediate: bool) -> None:
        state.unsent[name] = value
        state.generation += 1
        if immediate or debounce_ms <= 0 or not session.connected:
            await validate()
            return
        generation = state.generation

        async def later() -> None:
            if state.generation == generation and state.unsent:
                await validate()

        session.call_later(debounce_ms / 1000, later, name="ember form debounce")

    async def blurred() -> None:
        if state.unsent:
            await validate()

    def begin(event: Mapping[str, Any]) -> dict[str, object] | None:
        if submitting:
            return None
        # Every input as rendered, then what the user changed since, then whatever the
        # browser sent for the form's own elements.
        params = {
            **state.rendered,
            **state.params,
            **state.unsent,
            **submitted_params(event),
        }
        state.params, state.unsent = params, {}
        state.generation += 1
        set_submitting(True)
        return decode_params(params)

    handle_submit: Callable[[Mapping[str, Any]], object]
    if on_submit is not None and not inspect.iscoroutinefunction(on_submit):
        sync_submit = on_submit

        def handle_submit(event: Mapping[str, Any]) -> None:
            params = begin(event)
            if params is None:
                return
            try:
                sync_submit(params)
            finally:
                set_submitting(False)

    else:

        async def handle_submit(event: Mapping[str, Any]) -> None:
            params = begin(event)
            if params is None:
                return
            try:
                await _run(on_submit, params)
            finally:
                set_submitting(False)

    attributes: dict[str, object] = {
        "id": source.id,
        "className": classes("ember-form", class_name),
        "noValidate": True,
        "onSubmit": handle_submit,
    }
    if submitting:
        attributes["aria-busy"] = "true"
    if label:
        attributes["aria-label"] = label
    if not auto_recover:
        attributes["data-ember-auto-recover"] = "ignore"
    context = FormContextValue(
        form_id=source.id,
        submitting=submitting,
        changed=changed,
        blurred=blurred,
        register=state.rendered.__setitem__,
    )
    provider: Component = FormContext(html.form(attributes, *kids(*children)), value=context)
    return provider


@typed_component
def submit_button(
    *children: Child,
    variant: Variant = "primary",
    size: Size = "md",
    busy_label: str = "Saving…",
) -> VdomDict:
    """The form's submit button: disabled, with a spinner, while the submit runs (and
    showing ``busy_label`` from the click on, before the server has answered).

    Args:
        children: the button's text (``"Save"`` when none is given).
        variant: the button variant.
        size: the button size.
        busy_label: the text while the submit runs.
    """
    context = use_form_context()
    busy = context is not None and context.submitting
    content = (busy_label,) if busy else (children or ("Save",))
    return button(
        *content, variant=variant, size=size, type="submit", loading=busy, disable_with=busy_label
    )


def inputs_for(field: FormField, render: Callable[[Form], Child]) -> VdomDict:
    """The inputs of nested changesets (``cast_assoc`` / ``cast_embed``), one form each.

    ``render`` receives each nested ``Form``; its inputs are named ``posts[0][title]``, and
    the form hands ``on_change``/``on_submit`` params nested as ``{"posts": {"0": {…}}}``,
    which ``cast_assoc`` reads. A loaded child's primary key travels in a hidden input so
    it is updated, not inserted again.

    Args:
        field: the form's field for the relationship or embed, e.g. ``form["posts"]``.
        render: builds the inputs of one nested form.
    """
    parts = []
    for index, nested in enumerate(nested_forms(field.form, field.field)):
        hidden = _primary_key_inputs(nested)
        parts.append(
            html.div(
                {"className": "ember-inputs-for-item", "key": f"{index}"},
                *kids(*hidden, render(nested)),
            )
        )
    return html.div({"className": "ember-inputs-for", "data-field": field.field}, *parts)


def _primary_key_inputs(nested: Form) -> list[VdomDict]:
    schema = nested.changeset.schema
    mapper = schema.mapper if schema is not None else None
    if mapper is None:
        return []
    out = []
    for column in mapper.primary_key:
        name = str(column.key)
        value = getattr(nested.changeset.data, name, None)
        if value is not None:
            field = nested[name]
            out.append(
                html.input({"type": "hidden", "name": field.name, "value": str(value), "key": name})
            )
    return out
