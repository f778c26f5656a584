"""The panels under the canvas: controls, events, docs and source."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from reactpy import component, html, use_state
from reactpy.types import VdomDict

import ember.components as ui

from ._controls import Control, ControlKind
from ._docs import (
    call_snippet,
    component_name,
    docstring_summary,
    inline,
    paragraphs,
    signature_text,
    story_source,
)
from ._events import LoggedEvent
from ._highlight import highlight
from ._story import Story

__all__ = ["controls_panel", "docs_panel", "events_panel", "source_panel"]

SetArg = Callable[[str, object], Awaitable[None]]
ResetArg = Callable[[str], Awaitable[None]]


def controls_panel(
    story: Story,
    variation: str,
    controls: Sequence[Control],
    values: Mapping[str, object],
    changed: set[str],
    *,
    on_set: SetArg,
    on_reset: ResetArg,
) -> VdomDict:
    """A table with one row per control: name and type, the editor, the description."""
    if not controls:
        return ui.empty_state(
            "No controls",
            description=f"{component_name(story)} takes no typed keyword arguments.",
            icon_name="settings",
        )
    rows = [
        control_row(
            control,
            values.get(control.name, _default(control)),
            control.name in changed,
            on_set,
            on_reset,
            key=f"{story.id}:{variation}:{control.name}",
        )
        for control in controls
    ]
    return html.table(
        {"className": "sb-controls", "id": "sb-controls"},
        html.thead(
            html.tr(
                html.th({"scope": "col"}, "Name"),
                html.th({"scope": "col"}, "Control"),
                html.th({"scope": "col"}, "Description"),
            )
        ),
        html.tbody(*rows),
    )


def _default(control: Control) -> object:
    return None if control.default is inspect.Parameter.empty else control.default


@component
def control_row(
    control: Control,
    value: object,
    changed: bool,
    on_set: SetArg,
    on_reset: ResetArg,
) -> VdomDict:
    """One control: a label, an editor for its kind, its description and a reset."""
    error, set_error = use_state("")
    draft, set_draft = use_state(
        None if control.kind is not ControlKind.JSON else control.to_text(value)
    )
    element_id = f"control-{control.name}"

    async def commit(raw: str | bool) -> None:
        if control.kind is ControlKind.JSON:
            set_draft(str(raw))
        try:
            parsed = control.parse(raw)
        except ValueError as problem:
            set_error(str(problem))
            return
        set_error("")
        await on_set(control.name, parsed)

    async def changed_to(event: Mapping[str, Any]) -> None:
        await commit(_event_value(event, control))

    async def reset(event: object) -> None:
        set_error("")
        set_draft(None)
        await on_reset(control.name)

    editor = _editor(control, value, element_id, changed_to, draft)
    name = html.label(
        {"htmlFor": element_id, "className": "sb-name"},
        control.name,
        html.abbr({"title": "required"}, "*")
        if control.required and not control.positional
        else "",
        html.span({"className": "sb-changed", "title": "changed"}) if changed else "",
    )
    return html.tr(
        {"data-control": control.name},
        html.td(name, html.span({"className": "sb-type"}, control.type_name)),
        html.td(
            html.div(
                {"className": "sb-cell"},
                editor,
                # A slot of a fixed width, filled or not: the column keeps its width when
                # "Reset" appears.
                html.span(
                    {"className": "sb-reset-slot"},
                    ui.button(
                        "Reset",
                        variant="ghost",
                        size="sm",
                        on_click=reset,
                        id=f"reset-{control.name}",
                    )
                    if changed
                    else None,
                ),
            ),
            html.p({"className": "sb-error", "role": "alert"}, error) if error else "",
        ),
        html.td({"className": "sb-doc"}, *inline(control.doc)),
    )


def _editor(
    control: Control,
    value: object,
    element_id: str,
    on_change: Callable[[Mapping[str, Any]], Awaitable[None]],
    draft: str | None,
) -> VdomDict:
    base: dict[str, object] = {
        "id": element_id,
        "className": "ember-control",
        "onChange": on_change,
    }
    kind = control.kind
    if kind in {ControlKind.BOOLEAN, ControlKind.EVENT}:
        checked = bool(value) if kind is ControlKind.BOOLEAN else value is True
        box = html.input({**base, "type": "checkbox", "checked": checked})
        if kind is ControlKind.EVENT:
            return html.span({"className": "sb-cell"}, box, html.span("log calls"))
        return box
    if kind is ControlKind.CODE:
        given = getattr(value, "__qualname__", None) if callable(value) else None
        text = f"{given}, from the story's code" if given else "given in code only"
        return html.span({"className": "sb-fixed", "id": element_id}, text)
    if kind is ControlKind.SELECT:
        current = control.to_text(value) or ""
        options = [html.option({"value": text, "key": text}, text) for text in control.choices]
        return html.select({**base, "value": current}, *options)
    shown = control.to_text(value)
    if shown is None:
        return html.span({"className": "sb-fixed", "id": element_id}, "set by the story (code)")
    if kind is ControlKind.JSON:
        return html.textarea({**base, "rows": 2, "value": draft if draft is not None else shown})
    if kind is ControlKind.COLOUR:
        picker = html.input(
            {
                **base,
                "id": f"{element_id}-picker",
                "type": "color",
                "value": shown or "#000000",
                "aria-label": f"{control.name} colour",
            }
        )
        return html.span(
            {"className": "sb-cell"}, picker, html.input({**base, "type": "text", "value": shown})
        )
    kind_attr = "number" if kind is ControlKind.NUMBER else "text"
    attributes = {**base, "type": kind_attr, "value": shown}
    if kind is ControlKind.NUMBER and not control.integer:
        attributes["step"] = "any"
    if control.optional:
        attributes["placeholder"] = "None"
    return html.input(attributes)


def _event_value(event: Mapping[str, Any], control: Control) -> str | bool:
    target = event.get("target")
    if isinstance(target, list):
        # ReactPy's client sends a <select> as the list of its options.
        chosen = [
            o.get("value", "") for o in target if isinstance(o, Mapping) and o.get("selected")
        ]
        return str(chosen[0]) if chosen else ""
    if not isinstance(target, Mapping):
        return ""
    if control.kind in {ControlKind.BOOLEAN, ControlKind.EVENT}:
        return bool(target.get("checked"))
    return str(target.get("value", ""))


def events_panel(events: Sequence[LoggedEvent], on_clear: Callable[[object], None]) -> VdomDict:
    """The calls of the story's handler props, newest first."""
    if not events:
        return ui.empty_state(
            "No events yet",
            description="Use the story in the canvas: every call of a handler prop "
            "(on_click, on_select, …) shows up here with its payload.",
            icon_name="inbox",
        )
    return html.div(
        {"id": "sb-events"},
        html.div(
            {"className": "sb-log-head"},
            html.span(f"{len(events)} call{'s' if len(events) != 1 else ''}, newest first"),
            ui.button(
                "Clear",
                variant="ghost",
                size="sm",
                icon_name="trash",
                on_click=on_clear,
                id="sb-clear-events",
            ),
        ),
        html.ol(
            {"className": "sb-log", "aria-label": "Event log"},
            *[
                html.li(
                    {"key": str(event.id), "data-handler": event.handler},
                    html.time(event.clock),
                    ui.badge(event.handler, tone="info"),
                    html.code(event.payload),
                )
                for event in events
            ],
        ),
    )


def docs_panel(story: Story, controls: Sequence[Control]) -> VdomDict:
    """The component's docstring and signature, the story's notes, the arguments."""
    summary = docstring_summary(story)
    rows = [
        (
            control.name,
            html.span(
                html.code(control.type_name or "—"),
                " · required" if control.required else " · default ",
                "" if control.required else html.code(_default_text(control)),
                html.br(),
                *inline(control.doc),
            ),
        )
        for control in controls
    ]
    return html.div(
        {"className": "sb-docs", "id": "sb-docs"},
        html.h2(component_name(story)),
        *[html.p({"key": f"doc-{i}"}, *inline(text)) for i, text in enumerate(summary)],
        html.pre({"className": "sb-code"}, signature_text(story)),
        *(
            [
                html.h2("Notes"),
                *[html.p({"key": f"note-{i}"}, t) for i, t in enumerate(paragraphs(story.notes))],
            ]
            if story.notes
            else []
        ),
        *([html.h2("Arguments"), ui.description_list(rows)] if rows else []),
    )


def _default_text(control: Control) -> str:
    if control.positional:
        return "()"
    return "required" if control.required else repr(control.default)


def source_panel(
    story: Story, args: Mapping[str, object], children: Sequence[object] | None
) -> VdomDict:
    """The call that renders the current arguments, and the story's declaration."""
    declaration = story_source(story)
    return html.div(
        {"className": "sb-docs", "id": "sb-source"},
        *_code_block(
            "This variation, as code", "sb-source-call", call_snippet(story, args, children)
        ),
        *(_code_block("The story", "sb-source-story", declaration) if declaration else []),
    )


def _code_block(title: str, element_id: str, code: str) -> list[VdomDict]:
    """A heading with a copy button, and the code highlighted (the button copies the
    code's text through ember.components' client script: no inline script)."""
    return [
        html.div(
            {"className": "sb-code-head"},
            html.h2(title),
            html.button(
                {
                    "type": "button",
                    "className": "ember-button ember-button-secondary ember-button-sm",
                    "data-ember-copy": element_id,
                    "aria-label": f"Copy: {title}",
                },
                ui.icon("copy"),
                "Copy",
            ),
        ),
        html.pre({"className": "sb-code", "id": element_id}, html.code(*highlight(code))),
    ]
