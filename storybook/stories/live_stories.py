"""A story whose component is a ``LiveComponent`` class: its state and its events live in
the component, in the canvas's own session, as they would in an app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from reactpy import html

import ember.components as ui
from ember.data import Changeset
from ember.live import ComponentSocket, LiveComponent, on_event

from . import Story


class Note(BaseModel):
    text: str = ""


def note_changeset(text: str, attrs: Mapping[str, object], max_length: int) -> Changeset[Note]:
    return (
        Changeset.cast(Note(text=text), attrs, ["text"])
        .validate_required(["text"])
        .validate_length("text", max=max_length)
    )


class InlineEdit(LiveComponent):
    """Click-to-edit text: Edit opens a field (its draft validated as you type), Save
    keeps the text and calls ``on_save``, Escape or Cancel closes it.

    Assigns: ``text`` (the text shown), ``label`` (the field's label), ``max_length``,
    ``on_save`` (called with the saved text).
    """

    def mount(self, socket: ComponentSocket) -> None:
        socket.assign(editing=False, form=None, saved=None)

    def update(self, assigns: Mapping[str, Any], socket: ComponentSocket) -> None:
        socket.assign(**assigns)

    @on_event("edit")
    async def edit(self, params: Mapping[str, Any], socket: ComponentSocket) -> None:
        socket.assign(editing=True, form=self.form(socket, self.shown(socket), validate=False))

    @on_event("validate")
    async def validate(self, params: Mapping[str, Any], socket: ComponentSocket) -> None:
        socket.assign(form=self.form(socket, str(params.get("text", ""))))

    @on_event("save")
    async def save(self, params: Mapping[str, Any], socket: ComponentSocket) -> None:
        text = str(params.get("text", ""))
        form = self.form(socket, text)
        if form.errors:
            socket.assign(form=form)
            return
        socket.assign(saved=text, editing=False, form=None)
        on_save = socket.assigns.get("on_save")
        if on_save is not None:
            on_save(text)

    @on_event("cancel")
    async def cancel(self, params: Mapping[str, Any], socket: ComponentSocket) -> None:
        socket.assign(editing=False, form=None)

    @on_event("key")
    async def key(self, params: Mapping[str, Any], socket: ComponentSocket) -> None:
        if params.get("key") == "Escape":
            socket.assign(editing=False, form=None)

    def shown(self, socket: ComponentSocket) -> str:
        saved = socket.assigns["saved"]
        return str(saved if saved is not None else socket.assigns["text"])

    def form(self, socket: ComponentSocket, text: str, *, validate: bool = True) -> ui.Form:
        changeset = note_changeset(self.shown(socket), {"text": text}, socket.assigns["max_length"])
        return ui.to_form(changeset.put_action("validate") if validate else changeset, id="note")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        saved = assigns["saved"]
        text = saved if saved is not None else assigns["text"]
        if not assigns["editing"]:
            return html.div(
                {"className": "sb-inline-edit", "id": "inline-edit"},
                html.p({"id": "inline-edit-text"}, text),
                ui.button(
                    "Edit", variant="secondary", size="sm", on_click=self.on("edit"), id="edit"
                ),
            )
        form = assigns["form"]
        return html.div(
            {
                "className": "sb-inline-edit",
                "id": "inline-edit",
                "onKeyDown": self.on("key"),
                "data-ember-key": "Escape",
            },
            ui.form(
                form,
                ui.input(form["text"], label=assigns["label"], focus="open", autocomplete="off"),
                ui.submit_button("Save", size="sm"),
                ui.button("Cancel", variant="ghost", size="sm", on_click=self.on("cancel")),
                on_change=self.on("validate"),
                on_submit=self.on("save"),
                label=assigns["label"],
            ),
        )


def kept(text: str) -> None:
    """What the app would do with the saved text; the storybook logs each call."""


stories = [
    Story(
        name="Live component: inline edit",
        component=InlineEdit,
        description="A LiveComponent class as a story: its own state and its own events.",
        notes=(
            "The story's component is the class itself; each variation's arguments are "
            "its assigns. Edit, type and Save: the draft and the validation live in the "
            "component; on_save is logged in the Events panel."
        ),
        variations={
            "short note": {
                "text": "Buy milk",
                "label": "Note",
                "max_length": 40,
                "on_save": kept,
            },
            "tweet length": {
                "text": "A longer note, up to 280 characters.",
                "label": "Chirp",
                "max_length": 280,
                "on_save": kept,
            },
        },
    ),
]
