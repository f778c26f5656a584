"""What a browser event carries, as plain Python values for handlers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def form_data(event: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of the form a submit (or change) event came from, by name.

    Unchecked checkboxes and radio buttons are left out, as in a browser's form post.

    Raises:
        ValueError: the event's target is not a form.
    """
    elements = _form_elements(event)
    if elements is None:
        msg = (
            "Expected a submit event whose target is a form (with 'elements'), got an event "
            f"of type {event.get('type')!r}. Use form_data() in an onSubmit handler."
        )
        raise ValueError(msg)
    values: dict[str, Any] = {}
    for element in elements:
        if not isinstance(element, Mapping) or not element.get("name"):
            continue
        if element.get("type") in {"checkbox", "radio"} and not element.get("checked"):
            continue
        values[str(element["name"])] = element.get("value")
    return values


def _form_elements(event: Mapping[str, Any]) -> list[Any] | None:
    # ember's client sends a form as the list of its elements: the target of a submit, or
    # the currentTarget of a change handled on the form.
    for key in ("target", "currentTarget"):
        target = event.get(key)
        if isinstance(target, list):
            return target
        if isinstance(target, Mapping) and isinstance(target.get("elements"), list):
            return list(target["elements"])
    return None


def event_params(data: tuple[Any, ...]) -> Any:
    """The params a class-style handler receives.

    A submit gives the form's fields; other events give the event's data plus the
    element's ``value`` and its ``data-*`` attributes (``data-id="7"`` → ``params["id"]``).
    """
    if not data:
        return {}
    first = data[0]
    if isinstance(first, Mapping):
        if _form_elements(first) is not None:
            return form_data(first)
        # Like phx-value-*: the element's value and data-* attributes become params too;
        # first those of the element the handler is on (currentTarget: a click on the icon
        # inside a button still carries the button's data-id), then the clicked element's.
        params = dict(first)
        for key in ("currentTarget", "target"):
            element = first.get(key)
            if not isinstance(element, Mapping):
                continue
            if "value" in element:
                params.setdefault("value", element["value"])
            dataset = element.get("dataset")
            if isinstance(dataset, Mapping):
                for name, value in dataset.items():
                    params.setdefault(str(name), value)
        return params
    return first
