"""Your chirps: each of your newest chirps with an inline editor, a ``LiveComponent``.

The editor holds its own state (open or not, the draft as a form) and its own events:
Edit opens it with the focus in the field, typing validates through the chirps context's
changeset, Enter or Save saves through the context (which broadcasts, so every timeline
shows the new text), Escape or Cancel closes it and gives the focus back to Edit. Its
draft is recoverable: a reconnect, to this worker or another, reopens it as it was.

The timeline's rows are a stream, rendered once, so they cannot hold a component with
state of its own (docs/streams.md); the editors live in this card beside the timeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from reactpy import component, html, use_state

import ember.components as ui
from ember.live import (
    AsyncResult,
    ComponentSocket,
    LiveComponent,
    live_component,
    on_event,
    use_async,
    use_subscription,
)
from ember.pubsub import MessagesMayBeLost

from . import chirps

SHOWN = 5
"""How many of your chirps the card lists."""


class EditorState(BaseModel):
    """What survives a reconnect: whether the editor is open, and the draft in it."""

    editing: bool = False
    draft: str | None = None


class ChirpEditor(LiveComponent):
    """One of your chirps, shown or edited in place. Assigns: ``chirp``, ``author``."""

    recoverable = EditorState

    def mount(self, socket: ComponentSocket) -> None:
        socket.assign(editing=False, draft=None, form=None, closed=0)

    def update(self, assigns: Mapping[str, Any], socket: ComponentSocket) -> None:
        socket.assign(**assigns)
        if socket.assigns["editing"] and socket.assigns["form"] is None:
            # Reopened after a reconnect: the recovered draft, validated again.
            self.show(socket, socket.assigns["draft"] or "")

    @on_event("edit")
    async def edit(self, params: Mapping[str, Any], socket: ComponentSocket) -> None:
        socket.assign(editing=True)
        self.show(socket, socket.assigns["chirp"].body, validate=False)

    @on_event("validate")
    async def validate(self, params: Mapping[str, Any], socket: ComponentSocket) -> None:
        self.show(socket, str(params.get("body", "")))

    @on_event("save")
    async def save(self, params: Mapping[str, Any], socket: ComponentSocket) -> None:
        chirp = socket.assigns["chirp"]
        result = await chirps.edit_chirp(chirp.id, socket.assigns["author"], params)
        if not result.ok:
            socket.assign(form=self.to_form(result.changeset), draft=params.get("body"))
            return
        # The broadcast brings the new text back as the `chirp` assign, in every tab.
        socket.assign(chirp=chirps.ChirpOut.model_validate(result.value))
        self.close(socket)
        socket.put_flash("success", "Chirp updated.")

    @on_event("cancel")
    async def cancel(self, params: Mapping[str, Any], socket: ComponentSocket) -> None:
        self.close(socket)

    @on_event("key")
    async def key(self, params: Mapping[str, Any], socket: ComponentSocket) -> None:
        if params.get("key") == "Escape":
            self.close(socket)

    # -- helpers --------------------------------------------------------------------------

    def show(self, socket: ComponentSocket, body: str, *, validate: bool = True) -> None:
        changeset = chirps.change_edit(socket.assigns["chirp"], {"body": body})
        if validate:
            changeset = changeset.put_action("validate")
        socket.assign(form=self.to_form(changeset), draft=body)

    def close(self, socket: ComponentSocket) -> None:
        socket.assign(editing=False, draft=None, form=None, closed=socket.assigns["closed"] + 1)

    def to_form(self, changeset: Any) -> ui.Form:
        return ui.to_form(changeset, id=f"edit-{self._socket.assigns['chirp'].id}")

    def render(self, assigns: Mapping[str, Any]) -> Any:
        chirp: chirps.ChirpOut = assigns["chirp"]
        row = f"my-chirp-{chirp.id}"
        if not assigns["editing"] or assigns["form"] is None:
            return html.li(
                {"className": "my-chirp", "id": row},
                html.p({"className": "my-chirp-body"}, chirp.body),
                html.button(
                    {
                        "type": "button",
                        "className": "ember-button ember-button-ghost ember-button-sm",
                        "id": f"edit-chirp-{chirp.id}",
                        "aria-label": f"Edit your chirp: {chirp.body[:40]}",
                        "onClick": self.on("edit"),
                        # Focus comes back here after Escape, Cancel or Save.
                        "data-ember-focus": str(assigns["closed"]) if assigns["closed"] else None,
                    },
                    "Edit",
                ),
            )
        form = assigns["form"]
        return html.li(
            {
                "className": "my-chirp my-chirp-editing",
                "id": row,
                "onKeyDown": self.on("key"),
                # Only Escape goes to the server: the other keys are typing.
                "data-ember-key": "Escape",
            },
            ui.form(
                form,
                ui.input(
                    form["body"],
                    label="Edit your chirp",
                    help="Enter saves, Escape cancels.",
                    autocomplete="off",
                    focus="open",
                ),
                html.div(
                    {"className": "my-chirp-actions"},
                    ui.submit_button("Save", size="sm"),
                    ui.button("Cancel", variant="ghost", size="sm", on_click=self.on("cancel")),
                ),
                on_change=self.on("validate"),
                on_submit=self.on("save"),
                label=f"Edit chirp {chirp.id}",
            ),
        )


@component
def MyChirpsCard(author: str) -> Any:
    """Your newest chirps, each with its editor, kept current by the chirps topic. Render
    it with ``key=author``: another name is another card."""
    reloads, set_reloads = use_state(0)

    async def load() -> list[chirps.ChirpOut]:
        return await chirps.chirps_by(author, SHOWN)

    loaded: AsyncResult[list[chirps.ChirpOut]] = use_async(load, [reloads])
    changed, set_changed = use_state(cast_chirps(None))  # the list once a message came
    base = loaded.result if loaded.ok else None

    def received(msg: Any) -> None:
        if isinstance(msg, MessagesMayBeLost):  # the PubSub reconnected: load again
            set_changed(None)
            set_reloads(lambda n: n + 1)
            return
        chirp: chirps.ChirpOut = msg.chirp
        if chirp.author == author and chirp.repost_of_id is None:
            set_changed(lambda now: apply(now if now is not None else base or [], msg))

    kinds = (chirps.ChirpPosted, chirps.ChirpChanged, chirps.ChirpDeleted)
    use_subscription(chirps.TOPIC, received, on=kinds)
    mine = changed if changed is not None else base
    rows = [
        live_component(ChirpEditor, chirp.id, chirp=chirp, author=author) for chirp in mine or []
    ]
    return ui.card(
        html.ul({"className": "my-chirps", "id": "my-chirps"}, *rows)
        if rows
        else html.p(
            {"className": "ember-text-muted", "id": "my-chirps-empty"},
            "Loading your chirps…" if mine is None else "Post a chirp: you can edit it here.",
        ),
        title="Your chirps",
        id="my-chirps-card",
    )


def apply(mine: list[chirps.ChirpOut], msg: Any) -> list[chirps.ChirpOut]:
    """``mine`` after one message (each applies once, whenever it arrives)."""
    chirp: chirps.ChirpOut = msg.chirp
    others = [c for c in mine if c.id != chirp.id]
    if isinstance(msg, chirps.ChirpPosted):
        return [chirp, *others][:SHOWN] if len(others) == len(mine) else mine
    if isinstance(msg, chirps.ChirpChanged):
        return [chirp if c.id == chirp.id else c for c in mine]
    return others


def cast_chirps(value: list[chirps.ChirpOut] | None) -> list[chirps.ChirpOut] | None:
    return value
